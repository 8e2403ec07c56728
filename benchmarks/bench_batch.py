"""Batch throughput: people planned per minute, serial against a pool and a local Ray cluster.

``N`` random valid profiles (seeded, :func:`profiles.random_profiles`) are saved in a fresh
store (a temporary ``CRAMP_DATA_DIR``), then the week is planned for all of them by
:func:`planner.batch.batch_plan`, each run into a fresh store:

- *serial*: one process, one person after another, one solver thread (what each pool worker
  does) — the baseline of issue 15;
- *one process, two chain threads*: ``--workers 1``, as ``cramp-planner plan`` plans a person;
- *pool*: ``--workers 2``, two processes;
- *Ray*: ``--ray`` on a two-CPU Ray head node started on 127.0.0.1 for the run.

Reports people per minute, ratios to serial, and the peak memory (RSS) of a pool worker.

Usage: ``python benchmarks/bench_batch.py [--people 200] [--no-ray] [--no-write]``; writes its
table into ``docs/scaling.md`` (between ``<!-- batch -->`` markers) with the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import machine, write_section  # noqa: E402
from profiles import random_profiles  # noqa: E402

from planner import batch, services  # noqa: E402
from planner.optimiser import week  # noqa: E402

MONDAY = dt.date(2026, 12, 7)


def run(people: int, workers: int, threads: bool = True, ray: str | None = None) -> dict:
    """Save ``people`` profiles in a fresh store and plan their week; figures of the run."""
    week.PARALLEL_CHAINS = threads
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CRAMP_DATA_DIR"] = folder
        for n, profile in enumerate(random_profiles(people, seed=11)):
            services.save_profile(f"p{n:04d}", profile)
        start = time.perf_counter()
        summary = batch.batch_plan(MONDAY, workers=workers, ray_address=ray)
        seconds = time.perf_counter() - start
    week.PARALLEL_CHAINS = True
    return {
        "seconds": seconds,
        "per_minute": 60 * summary.count("planned") / seconds,
        "planned": summary.count("planned"),
        "failed": summary.count("failed"),
    }


@contextlib.contextmanager
def ray_head() -> Iterator[str]:
    """A two-CPU Ray head node on 127.0.0.1 for the run; its address."""
    env = dict(os.environ, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0")
    os.environ.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0")
    ray = str(Path(sys.executable).with_name("ray"))
    subprocess.run(
        [ray, "start", "--head", "--node-ip-address=127.0.0.1", "--port=6391", "--num-cpus=2",
         "--include-dashboard=false", "--object-store-memory=200000000"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield "127.0.0.1:6391"
    finally:
        subprocess.run([ray, "stop", "--force"], env=env, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray run")
    args = parser.parse_args()
    runs = {"serial (one process, one solver thread)": run(args.people, 1, threads=False)}
    runs["--workers 1 (one process, chains in two threads)"] = run(args.people, 1)
    runs["--workers 2 (pool of two processes)"] = run(args.people, 2)
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if not args.no_ray:
        with ray_head() as address:
            runs["--ray (local head node, 2 CPUs)"] = run(args.people, 2, ray=address)
    serial = next(iter(runs.values()))["per_minute"]
    lines = [
        f"Machine: {machine()}  ",
        f"Date: {dt.date.today().isoformat()}; {args.people} random profiles (seed 11), one "
        "7-day week each, one run per line (`python benchmarks/bench_batch.py`).",
        "",
        "| run | planned | failed | seconds | people per minute | × serial |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        lines.append(
            f"| {name} | {r['planned']:.0f} | {r['failed']:.0f} | {r['seconds']:.1f} | "
            f"**{r['per_minute']:.1f}** | {r['per_minute'] / serial:.2f} |"
        )
    lines += ["", f"Peak memory of a pool worker process: {worker_mb:.0f} MB."]
    print("\n".join(lines))
    if not args.no_write:
        print(f"written to {write_section('batch', chr(10).join(lines), 'scaling.md')}")


if __name__ == "__main__":
    main()
