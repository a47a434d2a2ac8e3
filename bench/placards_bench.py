"""Placard figures for `make bench` (issue 4). ``run()`` returns a list of {"figure", "value", "unit"}.

- placard_render_ms: one placard on the worker's code path without the queue (load the row, build the
  data, draw, store the PDF under its one name), median; placard_reference_ms: the same page drawn by
  bare reportlab (strings already at hand, nothing stored) in the same run, the two taking turns.
- batch_1000_s / batch_1000_mb: one 1,000-page PDF through the batch job's code path
  (``batch_print_run``) in a fresh process: its time and that process's peak RSS, for placards rendered
  before (their QR modules kept, as after issuing); batch_1000_cold_s: the same when none was.
- workers_2_speedup: placards per second with 2 worker processes over 1 (separate processes, each
  rendering its share through ``placard_render``).
- verify_rps_ratio: requests per second of the public verify page over the one-SELECT reference view
  (bench/urls.py), both served by the same gunicorn (2 sync workers) on 127.0.0.1, loaded in turns by a
  bounded, self-stopping loop of client processes on loopback.

Standalone: ``DATABASE_URL=postgres://… python -m bench.placards_bench [--quick]``.
"""

from __future__ import annotations

import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import peak_kb_of_this_process

ROOT = Path(__file__).resolve().parent.parent
BENCH_PREFIX = "基准公示牌"
GOALS = {
    "placard_render_ratio": ("<=", 1.3),
    "batch_1000_s": ("<=", 8.0),
    "batch_1000_mb": ("<=", 300.0),
    "workers_2_speedup": (">=", 1.7),
    "verify_rps_ratio": (">=", 0.5),
}


def _figure(name, value, unit, note=""):
    result = {"figure": name, "value": value, "unit": unit}
    if name in GOALS:
        result["_goal"] = GOALS[name]
    if note:
        result["_note"] = note
    return result


# --------------------------------------------------------------------------- data


def ensure_placards(count: int) -> list[int]:
    """At least ``count`` placards (bench enterprises approved in bulk; placards issued through the service
    with the render job left pending so setting up renders nothing). Returns their ids in number order."""
    from unittest import mock

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from approvals.models import Application
    from enterprises.models import Enterprise
    from placards.models import Placard
    from placards.services import placard_issue

    have = list(Placard.objects.order_by("year", "serial").values_list("pk", flat=True)[:count])
    if len(have) >= count:
        return have
    actor = User.objects.filter(username="taskforce").first() or User.objects.filter(is_superuser=True).first()
    enterprises = list(
        Enterprise.objects.filter(placards__isnull=True, applications__isnull=True)
        .order_by("id").values_list("pk", flat=True)[: count - len(have)]
    )
    now = timezone.now()
    with transaction.atomic():
        apps = Application.objects.bulk_create([
            Application(enterprise_id=pk, status=Application.Status.APPROVED, chain=Application.Chain.DUAL_SIGNATURE,
                        requested_reopen_on=now.date(), returning_headcount=20 + pk % 50, filed_by=actor,
                        approved_at=now)
            for pk in enterprises
        ])
    with mock.patch("placards.services.issuing.job_enqueue"):
        for application in apps:
            with transaction.atomic():
                placard_issue(application=application, actor=actor)
    return list(Placard.objects.order_by("year", "serial").values_list("pk", flat=True)[:count])


# --------------------------------------------------------------------------- the reference page


def reference_pdf(d) -> bytes:
    """The same page as placards.pdf.draw_placard, written as bare reportlab calls with every string
    (lines already broken) at hand: the yardstick of placard_render_ms."""
    import segno
    from reportlab.lib.colors import HexColor, black, white
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from placards.pdf import FONT_NAME, ensure_font

    ensure_font()
    w, h = A4
    red, dark, grey = HexColor("#C8161D"), HexColor("#222222"), HexColor("#666666")
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1, invariant=1, initialFontName=FONT_NAME)
    c.setStrokeColor(red)
    c.setLineWidth(3)
    c.rect(36, 36, w - 72, h - 72)
    c.setLineWidth(0.8)
    c.rect(42, 42, w - 84, h - 84)
    c.setFillColor(red)
    c.rect(42, h - 42 - 92, w - 84, 92, stroke=0, fill=1)
    t = c.beginText()
    t.setFont(FONT_NAME, 31)
    t.setTextRenderMode(2)
    t.setTextOrigin(w / 2 - 200, h - 98)
    c.setFillColor(white)
    c.setStrokeColor(white)
    t.textOut("生产经营单位准许复工公示牌")
    t.setTextRenderMode(0)
    c.drawText(t)
    c.setFont(FONT_NAME, 11)
    c.drawCentredString(w / 2, h - 122, "芝罘区新冠肺炎疫情防控 · 企业复工复产")
    c.setFillColor(dark)
    c.setFont(FONT_NAME, 14)
    c.drawRightString(w - 64, h - 164, d.number)
    t = c.beginText()
    t.setFont(FONT_NAME, 26)
    t.setTextRenderMode(2)
    t.setTextOrigin(66, h - 208)
    c.setStrokeColor(dark)
    t.textOut(d.enterprise_name)
    t.setTextRenderMode(0)
    c.drawText(t)
    c.setStrokeColor(red)
    c.line(66, h - 240, w - 66, h - 240)
    y = h - 270
    rows = [("统一社会信用代码", d.credit_code), ("经营地址", d.address), ("所属街道/园区", d.jurisdiction),
            ("防疫负责人", d.prevention_contact), ("防疫负责人电话", d.prevention_mobile),
            ("核准返岗人数", f"{d.headcount} 人"), ("准许复工日期", d.approved_on)]
    for label, value in rows:
        c.setFont(FONT_NAME, 14)
        c.setFillColor(grey)
        c.drawString(66, y, label)
        c.setFillColor(dark)
        c.drawString(216, y, value)
        y -= 32
        c.setStrokeColor(HexColor("#E5C9CA"))
        c.setLineWidth(0.5)
        c.line(66, y + 12, w - 66, y + 12)
    c.setFont(FONT_NAME, 12)
    for line in ("经审核，该单位符合复工复产疫情防控条件，准予复工。请严格落实测温登记、日检查日消毒、",
                 "员工健康管理等防控措施，本公示牌须张贴于经营场所醒目位置，接受社会监督。"):
        c.drawString(66, y, line)
        y -= 19
    matrix = segno.make(d.verify_url, error="m", micro=False).matrix
    n = len(matrix)
    module = 150 / (n + 8)
    path = c.beginPath()
    for r, row in enumerate(matrix):  # dark runs of a row as one rect, as any careful drawing does
        col = 0
        while col < n:
            if row[col] & 1:
                start = col
                while col < n and row[col] & 1:
                    col += 1
                path.rect(60 + (4 + start) * module, 128 + 150 - (5 + r) * module, (col - start) * module, module)
            else:
                col += 1
    c.setFillColor(black)
    c.drawPath(path, stroke=0, fill=1)
    c.setFont(FONT_NAME, 11)
    c.drawCentredString(135, 114, "微信/手机扫码核验真伪与状态")
    c.setFont(FONT_NAME, 13)
    c.drawCentredString(135, 96, f"核验码：{d.code}")
    c.setDash(4, 3)
    c.circle(w - 156, 224, 56)
    c.setDash()
    c.setFont(FONT_NAME, 12)
    c.drawCentredString(w - 156, 220, "盖章处")
    c.setFont(FONT_NAME, 14)
    c.drawRightString(w - 66, 144, f"发证单位：{d.issuing_unit}")
    c.drawRightString(w - 66, 122, d.approved_on)
    c.setStrokeColor(red)
    c.line(42, 84, w - 42, 84)
    c.setFont(FONT_NAME, 13)
    c.setFillColor(red)
    c.drawCentredString(w / 2, 60, f"监督举报电话：{d.hotline}　　{d.issuing_unit}电话：{d.street_phone}")
    c.showPage()
    c.save()
    return buf.getvalue()


def measure_render(ids: list[int], rounds: int = 60) -> tuple[float, float]:
    """Median of the worker's code path for one placard (``render_job_run`` on a fresh render job: mark
    running, load, draw, store the file, finish the job, one commit) and of the bare reference."""
    from django.test.utils import override_settings

    from bench.common import interleaved_medians
    from placards.models import Placard
    from placards.services.jobs import render_job_run
    from placards.services.placard_pdf import placard_data
    from zhifu_reopen.jobs import job_create

    sample = ids[: min(len(ids), 60)]
    data = [placard_data(p) for p in Placard.objects.select_related("enterprise__jurisdiction").filter(pk__in=sample)]
    jobs = [job_create(kind="placard_render", params={"placard_id": sample[i % len(sample)]}, total=1).pk
            for i in range(rounds * 6 + 10)]
    state = {"i": 0, "j": 0}

    def worker_path():
        render_job_run(jobs[state["i"]])
        state["i"] += 1

    def reference():
        state["j"] = (state["j"] + 1) % len(data)
        reference_pdf(data[state["j"]])

    with tempfile.TemporaryDirectory(prefix="zhifu-placards-") as media, override_settings(MEDIA_ROOT=media):
        # In blocks, as the list cases: a case timed right after the other pays for the scheduler's
        # treatment of the process that just ran (bench/common.py interleaved_medians).
        medians = interleaved_medians({"render": worker_path, "reference": reference}, rounds=rounds, warmup=5,
                                      block=6)
    return medians["render"], medians["reference"]


# --------------------------------------------------------------------------- subprocess helpers


def _child_env(media: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(MEDIA_ROOT=media, DJANGO_SETTINGS_MODULE="zhifu_reopen.settings", **extra)
    env.setdefault("ZHIFU_TESTING", "1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _child(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bench.placards_bench", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)


def _child_main(argv: list[str]) -> None:
    """Entry of the measuring subprocesses (``python -m bench.placards_bench --child …``)."""
    import django

    django.setup()
    kind = argv[0]
    if kind == "batch":
        from placards.services.printing import batch_print_run

        started = time.perf_counter()
        batch_print_run(int(argv[1]))
        seconds = time.perf_counter() - started
        peak_kb = peak_kb_of_this_process()
        print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))
    elif kind == "render":
        from placards.services.jobs import render_job_run

        start_at = float(argv[1])
        jobs = [int(i) for i in argv[2].split(",")]
        render_job_run(jobs[0])  # warm: font registered, connection open (a running worker has both)
        while time.time() < start_at:
            time.sleep(0.005)
        began = time.time()
        for pk in jobs[1:]:
            render_job_run(pk)
        print(json.dumps({"start": began, "end": time.time()}))


def measure_batch(ids: list[int]) -> tuple[float, float]:
    from zhifu_reopen.jobs import job_create

    job = job_create(kind="placard_batch", params={"placard_ids": ids}, total=len(ids))
    with tempfile.TemporaryDirectory(prefix="zhifu-placards-") as media:
        proc = _child(["--child", "batch", str(job.pk)], _child_env(media))
        out, _ = proc.communicate(timeout=600)
        if proc.returncode:
            raise RuntimeError(f"batch child failed ({proc.returncode})")
        result = json.loads(out.strip().splitlines()[-1])
        pages = job.__class__.objects.get(pk=job.pk).result.get("pages")
        if pages != len(ids):
            raise RuntimeError(f"batch made {pages} pages, expected {len(ids)}")
    return result["seconds"], result["peak_mb"]


def measure_workers(ids: list[int], per_round: int = 120, rounds: int = 2) -> float:
    """Placards/s with 2 processes over 1, alternating, the median of ``rounds`` pairs of rounds. Each
    process runs render jobs (``render_job_run``: the worker's task body) on placards of its own."""
    from zhifu_reopen.jobs import job_create

    def jobs_for(placard_ids):
        return [job_create(kind="placard_render", params={"placard_id": pk}, total=1).pk for pk in placard_ids]

    speedups = []
    with tempfile.TemporaryDirectory(prefix="zhifu-placards-") as media:
        env = _child_env(media)
        for _ in range(rounds):
            rates = {}
            for n in (1, 2):
                share = [jobs_for(ids[i::n][: per_round // n + 1]) for i in range(n)]
                start_at = time.time() + 6.0  # after every child has set Django up
                procs = [_child(["--child", "render", str(start_at), ",".join(map(str, s))], env) for s in share]
                spans = []
                for proc in procs:
                    out, _ = proc.communicate(timeout=600)
                    if proc.returncode:
                        raise RuntimeError("render child failed")
                    spans.append(json.loads(out.strip().splitlines()[-1]))
                wall = max(s["end"] for s in spans) - min(s["start"] for s in spans)
                rates[n] = sum(len(s) - 1 for s in share) / wall  # the first job of each warmed it up
            speedups.append(rates[2] / rates[1])
    return statistics.median(speedups)


# --------------------------------------------------------------------------- verify page under gunicorn


def wsgi_app():
    """gunicorn factory: the project with the bench urlconf (reference view) mounted."""
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load_loop(port: int, paths: list[str], seconds: float, queue) -> None:
    """One client process: sequential GETs on new loopback connections for ``seconds``, then stop."""
    import http.client

    ok = errors = 0
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                ok += 1
            else:
                errors += 1
        except OSError:
            errors += 1
    queue.put((ok, errors))


def _rps(port: int, paths: list[str], seconds: float, clients: int) -> tuple[float, int]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_load_loop, args=(port, paths, seconds, queue)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    return sum(r[0] for r in results) / seconds, sum(r[1] for r in results)


def measure_verify(ids: list[int], seconds: float = 8.0, rounds: int = 3, clients: int = 4) -> tuple[float, dict]:
    from enterprises.models import Enterprise
    from placards.models import Placard, PlacardScan

    tokens = list(Placard.objects.filter(pk__in=ids[:200]).values_list("token", flat=True))
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:200])
    verify_paths = [f"/v/{t}/" for t in tokens]
    reference_paths = [f"/bench/reference/{pk}/" for pk in enterprise_ids]
    scans_before = PlacardScan.objects.count()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="zhifu-placards-") as media:
        # The production defaults: scans buffered 50 at a time; the rate limit set out of the way of a
        # load generator that is one address (its check still runs on every request).
        env = _child_env(media, PLACARD_SCAN_BUFFER="50", PLACARD_VERIFY_RATE_LIMIT="1000000000", DEBUG="0")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench.placards_bench:wsgi_app()", "-b", f"127.0.0.1:{port}",
             "-w", "2", "-k", "sync", "--log-level", "warning", "--graceful-timeout", "10"],
            cwd=ROOT, env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.2)
            _rps(port, verify_paths, 1.5, clients)  # warm both workers' connections
            _rps(port, reference_paths, 1.5, clients)
            ratios, detail = [], {"verify": [], "reference": [], "errors": 0}
            for _ in range(rounds):
                ref, e1 = _rps(port, reference_paths, seconds, clients)
                ver, e2 = _rps(port, verify_paths, seconds, clients)
                detail["reference"].append(round(ref, 1))
                detail["verify"].append(round(ver, 1))
                detail["errors"] += e1 + e2
                ratios.append(ver / ref)
        finally:
            server.terminate()  # graceful: the workers flush their buffered scans on exit
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    detail["scans_recorded"] = PlacardScan.objects.count() - scans_before
    return statistics.median(ratios), detail


# --------------------------------------------------------------------------- entry


def run(batch: int = 1000, quick: bool = False) -> list[dict]:
    results = []
    ids = ensure_placards(max(batch, 240))
    render_ms, reference_ms = measure_render(ids, rounds=20 if quick else 60)
    results.append(_figure("placard_render_ms", round(render_ms, 2), "ms",
                           "worker code path without the queue: load, draw, store; median"))
    results.append(_figure("placard_reference_ms", round(reference_ms, 2), "ms", "bare reportlab, same page"))
    results.append(_figure("placard_render_ratio", round(render_ms / reference_ms, 2), "×"))
    from placards.models import Placard

    # First print ever of placards never rendered: every QR code is computed (and kept).
    Placard.objects.filter(pk__in=ids[:batch]).update(qr_matrix="", qr_url="")
    cold_s, cold_mb = measure_batch(ids[:batch])
    # The usual case: the placards were rendered when issued, so their QR modules are kept.
    seconds, peak = measure_batch(ids[:batch])
    results.append(_figure(f"batch_{batch}_s", round(seconds, 2), "s",
                           "one PDF through batch_print_run, placards rendered before (as after issuing)"))
    results.append(_figure(f"batch_{batch}_mb", round(peak, 1), "MB", "peak RSS of that process"))
    results.append(_figure(f"batch_{batch}_cold_s", round(cold_s, 2), "s",
                           f"informational: no placard rendered before (QR computed), peak {cold_mb:.0f} MB"))
    speedup = measure_workers(ids, per_round=40 if quick else 120, rounds=1 if quick else 2)
    results.append(_figure("workers_2_speedup", round(speedup, 2), "×", "placards/s, 2 processes over 1"))
    ratio, detail = measure_verify(ids, seconds=3 if quick else 8, rounds=1 if quick else 3)
    results.append(_figure("verify_rps_ratio", round(ratio, 2), "×",
                           f"req/s verify {detail['verify']} vs reference {detail['reference']}; "
                           f"errors {detail['errors']}; scans recorded {detail['scans_recorded']}"))
    return results


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small and short: a smoke run")
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
    os.environ.setdefault("ZHIFU_TESTING", "1")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from bench.common import table

    results = run(batch=args.batch, quick=args.quick)
    print(table(results))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_main(sys.argv[2:])
    else:
        sys.exit(main())
