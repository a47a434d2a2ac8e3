"""The security gate of .ci/run (issue 13, item 7), after lint: bandit, the project's semgrep rules and a
dependency audit. Run from the repository root with the venv's python: `.venv/bin/python .ci/security.py`.

- bandit (config: [tool.bandit] in pyproject.toml) over the product code, not tests/ or bench/. Every
  finding is printed; a HIGH one fails the run. Medium and low findings were reviewed one by one: the real
  ones fixed, the accepted ones marked `# nosec BXXX: <reason>` at the line, so a new one shows up here.
- semgrep with the local rules of .semgrep/rules only (--metrics=off, no registry, no version check):
  first `semgrep --test` (each rule's fixture file has a hit and a non-hit), then the product, where any
  finding fails the run (an accepted line says `# nosemgrep: <rule> -- <reason>`).
- pip-audit of the installed venv, when a vulnerability database answers. A vulnerability with a fixed
  version fails the run (upgrade the pin); one without a fix is printed and does not. Without a
  reachable database (this machine's PyPI mirror serves no JSON API, OSV is not reachable) it prints
  SKIPPED and why, and does not fail: pip-audit itself would report "No known vulnerabilities found"
  while auditing nothing.
Each step prints its run time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRODUCT = ["zhifu_reopen", "org", "accounts", "enterprises", "approvals", "placards", "inspections",
           "liaisons", "dashboards", "demo"]
SEMGREP_ENV = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
# Probes of the two services pip-audit can ask (-s pypi | -s osv): (service, url, data to POST or None).
PROBES = [
    ("pypi", "https://pypi.org/pypi/django/4.2/json", None),
    ("osv", "https://api.osv.dev/v1/query",
     json.dumps({"package": {"name": "django", "ecosystem": "PyPI"}, "version": "4.2"}).encode()),
]


def step(name: str):
    print(f"\n== {name}", flush=True)
    return time.perf_counter()


def done(name: str, started: float) -> None:
    print(f"-- {name}: {time.perf_counter() - started:.1f} s", flush=True)


def bandit() -> bool:
    started = step("bandit (product code; HIGH fails)")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = subprocess.run([str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", *PRODUCT, "-f", "json",
                              "-o", out.name], cwd=ROOT, capture_output=True, text=True, check=False)
        # bandit reads each word of a "# nosec BXXX: <reason>" as a test name and warns about it: noise.
        noise = "is not a test name or id"
        print("\n".join(line for line in run.stderr.splitlines() if noise not in line and line.strip()))
        report = json.loads(Path(out.name).read_text() or "{}")
    if report.get("errors"):
        for error in report["errors"]:
            print(f"bandit could not scan {error.get('filename')}: {error.get('reason')}")
        done("bandit", started)
        return False
    high = 0
    for r in report.get("results", []):
        severity = r["issue_severity"]
        high += severity == "HIGH"
        print(f"{severity:6} {r['test_id']} {r['filename']}:{r['line_number']}  {r['issue_text']}")
    totals = report.get("metrics", {}).get("_totals", {})
    print(f"bandit: {len(report.get('results', []))} finding(s), {high} high; "
          f"{totals.get('skipped_tests', 0)} accepted with a reasoned # nosec")
    done("bandit", started)
    return high == 0


def semgrep() -> bool:
    started = step("semgrep (local rules in .semgrep/rules; offline)")
    tested = subprocess.run([str(BIN / "semgrep"), "--test", "--metrics=off", ".semgrep/rules"], cwd=ROOT,
                            env=SEMGREP_ENV, capture_output=True, text=True, check=False)
    summary = [line for line in (tested.stdout + tested.stderr).splitlines()
               if "tests" in line or "✖" in line or "missed" in line or "incorrect" in line]
    print("\n".join(summary))
    ok = tested.returncode == 0
    scanned = subprocess.run([str(BIN / "semgrep"), "scan", "--metrics=off", "--disable-version-check",
                              "--config", ".semgrep/rules", "--error", "--quiet", *PRODUCT],
                             cwd=ROOT, env=SEMGREP_ENV, check=False)
    ok = ok and scanned.returncode == 0
    print("semgrep: rules tested and product clean" if ok else "semgrep: FAILED")
    done("semgrep", started)
    return ok


def reachable_service() -> tuple[str | None, str]:
    reasons = []
    for service, url, data in PROBES:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as response:  # nosec B310: fixed https URLs
                body = json.loads(response.read())
            if "vulnerabilities" in body or "vulns" in body or data is not None:
                return service, ""
            reasons.append(f"{service}: {url} answered without vulnerability data")
        except Exception as exc:
            reasons.append(f"{service}: {url}: {type(exc).__name__}: {exc}"[:200])
    return None, "; ".join(reasons)


def pip_audit() -> bool:
    started = step("pip-audit (installed venv; a fixable vulnerability fails)")
    service, why = reachable_service()
    if service is None:
        print(f"pip-audit SKIPPED: no vulnerability database reachable from here ({why}). "
              "Not a failure: run `make security` where PyPI's JSON API or OSV answers.")
        done("pip-audit", started)
        return True
    result = subprocess.run([str(BIN / "pip-audit"), "-s", service, "--skip-editable", "--progress-spinner",
                             "off", "-f", "json"], cwd=ROOT, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit SKIPPED: it did not finish ({result.stderr.strip()[-300:]})")
        done("pip-audit", started)
        return True
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    fixable = unfixable = 0
    for dep in audited:
        for vuln in dep.get("vulns", []):
            fixes = vuln.get("fix_versions") or []
            fixable += bool(fixes)
            unfixable += not fixes
            print(f"{'FIXABLE' if fixes else 'no fix '} {dep['name']} {dep['version']}: {vuln['id']}"
                  + (f" (fixed in {', '.join(fixes)})" if fixes else ""))
    print(f"pip-audit ({service}): {len(audited)} of {len(deps)} distributions audited, "
          f"{fixable} fixable and {unfixable} unfixable vulnerabilities")
    if deps and not audited:
        print("pip-audit SKIPPED: the database answered for none of the installed distributions")
    done("pip-audit", started)
    return fixable == 0


def main() -> int:
    started = time.perf_counter()
    results = {"bandit": bandit(), "semgrep": semgrep(), "pip-audit": pip_audit()}
    failed = [name for name, ok in results.items() if not ok]
    print(f"\nsecurity gate: {'FAILED: ' + ', '.join(failed) if failed else 'passed'} "
          f"({time.perf_counter() - started:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
