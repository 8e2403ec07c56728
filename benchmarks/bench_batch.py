"""Batch throughput: people planned per minute, one process against a pool.

``N`` random valid profiles (seeded, :func:`profiles.random_profiles`) are saved in a fresh
store (a temporary ``CRAMP_DATA_DIR``), then the week is planned for all of them by
:func:`planner.batch.batch_plan` with ``--workers 1`` (one process, its chains in two threads:
what ``cramp-planner plan`` does for one person) and with ``--workers 2`` (a pool of two
processes, each planning its chains one after the other), each time into a fresh store.
Reports people per minute, the ratio, and the peak memory (RSS) of a worker process.

Usage: ``python benchmarks/bench_batch.py [--people 200] [--no-write]``; writes its table into
``docs/scaling.md`` (between ``<!-- batch -->`` markers) with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import machine  # noqa: E402
from profiles import random_profiles  # noqa: E402

from planner import batch, services  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MONDAY = dt.date(2026, 12, 7)


def run(people: int, workers: int) -> dict[str, float]:
    """Save ``people`` profiles in a fresh store and plan their week; figures of the run."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CRAMP_DATA_DIR"] = folder
        for n, profile in enumerate(random_profiles(people, seed=11)):
            services.save_profile(f"p{n:04d}", profile)
        start = time.perf_counter()
        summary = batch.batch_plan(MONDAY, workers=workers)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "per_minute": 60 * summary.count("planned") / seconds,
        "planned": summary.count("planned"),
        "failed": summary.count("failed"),
    }


def write_section(body: str) -> Path:
    doc = ROOT / "docs" / "scaling.md"
    text = doc.read_text(encoding="utf-8")
    start, end = "<!-- batch -->", "<!-- /batch -->"
    text = text.split(start)[0] + f"{start}\n{body.rstrip()}\n{end}" + text.split(end, 1)[1]
    doc.write_text(text, encoding="utf-8")
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    one = run(args.people, 1)
    pool = run(args.people, 2)
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [
        f"Machine: {machine()}  ",
        f"Date: {dt.date.today().isoformat()}; {args.people} random profiles (seed 11), one "
        "7-day week each (`python benchmarks/bench_batch.py`).",
        "",
        "| run | planned | failed | seconds | people per minute |",
        "|---|---|---|---|---|",
    ]
    for name, r in (("--workers 1 (one process)", one), ("--workers 2 (pool)", pool)):
        lines.append(
            f"| {name} | {r['planned']:.0f} | {r['failed']:.0f} | {r['seconds']:.1f} | "
            f"**{r['per_minute']:.1f}** |"
        )
    lines += [
        "",
        f"Ratio pool / one process: **{pool['per_minute'] / one['per_minute']:.2f}×**. "
        f"Peak memory of a worker process: {worker_mb:.0f} MB.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        print(f"written to {write_section(chr(10).join(lines))}")


if __name__ == "__main__":
    main()
