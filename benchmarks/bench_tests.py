"""The test suite's wall time: ``make test`` and ``make test-fast`` run several times, medians
reported against their targets (90 s and 10 s on a 2-core machine), with a speed reference.

The machine's speed drifts by 10 % and more from hour to hour, so each table also gives the CPU
seconds of planning the demo week in this process (the same work every time): compare runs of
two commits by that reference, or run them back to back.

Usage: ``python benchmarks/bench_tests.py [--runs 3] [--no-write]``; writes its table into
``docs/benchmarks.md`` (between ``<!-- tests -->`` markers) with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_solver import machine, median_row, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"test": 90.0, "test-fast": 10.0}


def one_run(target: str) -> float:
    """Wall seconds of ``make <target>``; stops the benchmark if the tests fail."""
    start = time.perf_counter()
    done = subprocess.run(["make", target], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed:\n{done.stdout[-3000:]}")
    return seconds


def reference_cpu_s(repeats: int = 3) -> float:
    """Median CPU seconds of planning the demo week (the machine's speed at the moment)."""
    from foods.catalog import load_catalog
    from planner.domain.profile import demo_profile
    from planner.domain.request import PlanRequest
    from planner.optimiser.week import plan_week

    foods = load_catalog()
    request = PlanRequest(profile=demo_profile(), day_time_limit_s=30.0, time_limit_s=300.0)
    times = []
    for _ in range(repeats):
        start = time.process_time()
        plan_week(request, foods)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    before = reference_cpu_s()
    runs = {target: [one_run(target) for _ in range(args.runs)] for target in TARGETS}
    after = reference_cpu_s()
    lines = [
        f"Machine: {machine()}  ",
        f"Date: {dt.date.today().isoformat()}; medians of {args.runs} runs "
        "(`python benchmarks/bench_tests.py`); speed reference, the demo week planned in one "
        f"process: {before:.2f} CPU-s before the runs, {after:.2f} after.",
        "",
        "| command | median s | runs (s) | target s | met |",
        "|---|--:|---|--:|---|",
    ]
    for target, limit in TARGETS.items():
        lines.append(median_row(f"`make {target}`", runs[target], limit, digits=1))
    print("\n".join(lines))
    if not args.no_write:
        print(f"written to {write_section('tests', chr(10).join(lines))}")


if __name__ == "__main__":
    main()
