"""Dashboard speed in a real browser: the browser test run several times, medians reported.

Runs ``tests/e2e/test_e2e_browser.py`` (``streamlit run app.py`` on a loopback port, headless
Chromium driven by Playwright: open the page, swap a dish, re-plan the week as vegetarian,
shop, download) ``--runs`` times, reads the timings each run writes to
``test-artifacts/e2e-timings.json`` and reports the median of each against its target
(first plan, cold server included: 15 s; a swap: 3 s; a week re-plan: 3 s).

Usage: ``python benchmarks/bench_dashboard.py [--runs 3] [--no-write]``; writes its table into
``docs/benchmarks.md`` (between ``<!-- dashboard -->`` markers) with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import machine, median_row, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIMINGS = ROOT / "test-artifacts" / "e2e-timings.json"
TARGETS = {"first_plan_s": 15.0, "replan_swap_s": 3.0, "replan_week_s": 3.0}
NAMES = {
    "first_plan_s": "first plan after the page opens (server cold start included)",
    "replan_swap_s": "Swap dish: that meal re-planned, click to idle",
    "replan_week_s": "the week re-planned after a diet change, click to idle",
}


def one_run() -> dict[str, float]:
    """Run the browser test once; its timings (s)."""
    TIMINGS.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/e2e/test_e2e_browser.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"the browser test failed:\n{done.stdout[-3000:]}")
    return dict(json.loads(TIMINGS.read_text(encoding="utf-8")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    lines = [
        f"Machine: {machine()}  ",
        f"Date: {dt.date.today().isoformat()}; medians of {args.runs} runs of the browser test "
        "(`python benchmarks/bench_dashboard.py`).",
        "",
        "| step | median s | runs | target s | met |",
        "|---|--:|---|--:|---|",
    ]
    for key, target in TARGETS.items():
        lines.append(median_row(NAMES[key], [r[key] for r in runs], target))
    print("\n".join(lines))
    if not args.no_write:
        print(f"written to {write_section('dashboard', chr(10).join(lines))}")


if __name__ == "__main__":
    main()
