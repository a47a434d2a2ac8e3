"""`make bench`: measure the figures of the issues on PostgreSQL with district-scale demo data and write
bench/results.json (a list of {"figure", "value", "unit"}), printed as a table with goals.

    DATABASE_URL (default postgres://postgres@127.0.0.1:5432/zhifu_bench) names a database this command
    DROPS and recreates (template0, C.UTF-8), migrates and seeds with 40,736 enterprises.

Order: everything at district scale first (reference, enterprise list, then the other engineers' modules),
and only then the enterprises are grown to 407,360 for enterprise_list_growth, so the extra data distorts
nothing else. Each module runs inside try/except: one failure is a figure with value null and its error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

from .common import bench_database_url, figure, normalise, public, recreate_database, table

RESULTS = Path(__file__).resolve().parent / "results.json"


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"  # no query log, no static finders: production-like timings
    os.environ.setdefault("ZHIFU_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def _error(name: str, exc: BaseException) -> dict:
    traceback.print_exc()
    return figure(name, None, "", error=f"{type(exc).__name__}: {exc}"[:300])


def _module(name: str, call, results: list[dict]) -> None:
    """Run another engineer's bench module if it exists; never let it stop the bench."""
    started = time.perf_counter()
    print(f"· {name} …", flush=True)
    try:
        import importlib

        module = importlib.import_module(f"bench.{name}")
    except ImportError as exc:
        results.append(figure(f"{name}", None, "", error=f"not available: {exc}"))
        return
    try:
        results.extend(normalise(call(module), name))
    except Exception as exc:
        results.append(_error(name, exc))
    print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=40_736, help="district-scale enterprises (40,736)")
    parser.add_argument("--grow-to", type=int, default=407_360, help="enterprises for the growth figure (407,360)")
    parser.add_argument("--rounds", type=int, default=80, help="timed requests per list case")
    parser.add_argument("--only", default="", help="comma list: list,growth,import,approvals,placards,due,daily,dashboard")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is (no reseed)")
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(",")))

    def wanted(part: str) -> bool:
        return not only or part in only

    url = bench_database_url()
    started = time.perf_counter()
    if not args.keep_db:
        print(f"· recreating {url.rsplit('/', 1)[-1]} (template0, C.UTF-8) …", flush=True)
        recreate_database(url)
    _setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("make bench needs PostgreSQL (DATABASE_URL=postgres://…)", file=sys.stderr)
        return 2

    from . import enterprises_bench as eb

    results: list[dict] = []
    if not args.keep_db:
        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            call_command("seed_demo", enterprises=args.enterprises, force=True, stdout=devnull)
        eb.vacuum_analyze()
        print(f"· seeded {args.enterprises} enterprises in {time.perf_counter() - t0:.1f} s", flush=True)

    base_medians: dict = {}
    if wanted("list") or wanted("growth"):
        print("· enterprise list at district scale …", flush=True)
        try:
            figures, base_medians, reference = eb.measure_list(rounds=args.rounds)
            base_reference = reference
            results.append(figure("reference_view_ms", round(reference, 3), "ms",
                                  note="anonymous GET, one SELECT by pk, tiny template; in turns with the list"))
            results.extend(figures)
        except Exception as exc:
            results.append(_error("enterprise_list_ms", exc))
    else:
        results.append(figure("reference_view_ms", round(eb.reference_ms(), 3), "ms"))

    if wanted("approvals"):
        _module("approvals_bench", lambda m: m.run(applications=45000), results)
    if wanted("placards"):
        _module("placards_bench", lambda m: m.run(), results)
    if wanted("due"):
        _module("inspections_bench", lambda m: m.run(), results)
    if wanted("daily"):
        _module("liaisons_bench", lambda m: m.run(), results)
    if wanted("import"):
        with tempfile.TemporaryDirectory(prefix="zhifu-bench-") as tmpdir:
            _module("import_bench", lambda m: m.run(tmpdir), results)

    if wanted("dashboard"):  # grows the registry to city scale itself (the growth figure below reuses it)
        _module("dashboards_bench", lambda m: m.run(grow_to=args.grow_to), results)

    if wanted("growth") and base_medians:
        try:
            print(f"· growing the registry to {args.grow_to} enterprises (COPY) …", flush=True)
            added, seconds = eb.add_enterprises(args.grow_to)
            print(f"  added {added} enterprises in {seconds:.1f} s", flush=True)
            figures, big_medians, reference_big = eb.measure_list(suffix="_407k", rounds=args.rounds)
            results.append(figure("reference_view_407k_ms", round(reference_big, 3), "ms"))
            results.extend(figures)
            worst_base = max(base_medians.values())
            worst_big = max(big_medians.values())
            results.append(figure("enterprise_list_growth", round(worst_big / worst_base, 2), "×",
                                  note="worst list case at 407,360 ÷ worst at 40,736"))
            results.append(figure(
                "enterprise_list_growth_vs_reference",
                round((worst_big / reference_big) / (worst_base / base_reference), 2), "×",
                note="the same, each divided by its run's reference (less sensitive to machine load)"))
            for stem, ms in big_medians.items():
                results.append(figure(f"{stem}_growth", round(ms / base_medians[stem], 2), "×"))
        except Exception as exc:
            results.append(_error("enterprise_list_growth", exc))

    results.append(figure("bench_total_s", round(time.perf_counter() - started, 1), "s"))
    RESULTS.write_text(json.dumps(public(results), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results))
    print(f"\nwritten: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
