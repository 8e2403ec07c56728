"""Start-up benchmark: wall time of the installed ``cramp-planner`` for short commands.

Each command runs ``--runs`` times (default 7) as a fresh process after one warm-up (which
also fills the table cache); the table gives the median and every run, and the median CPU
seconds (user + system) of the process, which is what a parallel run on two cores pays. A
command that needs no food table (``targets``, ``profile``, ``plans``) should not load pandas;
a 1-day ``plan`` shows the start-up a planning command pays before its solve; a refused
argument (``--days 0``) should be answered before anything heavy is loaded. The project's
modules are compiled to bytecode first (``compileall``), as an installed wheel or any run that
may write ``__pycache__`` has them, so that ``PYTHONDONTWRITEBYTECODE`` does not add compiling
to every run.

``--src DIR`` measures another checkout of the project with the same interpreter (its
packages first on ``PYTHONPATH``), e.g. the commit before a change, for a before/after pair.

Usage: ``python benchmarks/bench_startup.py [--runs 7] [--src DIR] [--no-write]``; writes the
table into ``docs/benchmarks.md`` (between ``<!-- startup -->`` markers) unless ``--src`` or
``--no-write`` is given.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import machine, write_section  # noqa: E402

PROFILE = {"age": 45, "sex": "female", "weight_kg": 68, "height_cm": 165, "activity": "low_active"}
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("targets", "--profile", "p.json"),
    ("profile", "list"),
    ("plans", "list"),
    ("foods", "list", "--format", "json"),
    ("plan", "--profile", "p.json", "--days", "1", "--format", "json"),
    ("plan", "--profile", "p.json", "--days", "7", "--format", "json"),
    ("plan", "--profile", "p.json", "--days", "0"),
)
#: Exit status of the commands that are refused on purpose (every other one must exit 0).
REFUSED: dict[tuple[str, ...], int] = {("plan", "--profile", "p.json", "--days", "0"): 2}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def seconds(args: tuple[str, ...], folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cramp-planner ARGS`` (fails loudly on an
    unexpected exit status)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if done.returncode != REFUSED.get(args, 0):
        raise SystemExit(f"cramp-planner {' '.join(args)}: exit status {done.returncode}")
    return time.perf_counter() - start, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--src", type=Path, help="another checkout to measure")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "p.json").write_text(json.dumps(PROFILE))
        env = dict(os.environ, CRAMP_DATA_DIR=str(folder / "data"))
        env["CRAMP_CACHE_DIR"] = str(folder / "cache")
        source = args.src.resolve() if args.src else Path(__file__).resolve().parents[1]
        if args.src:
            env["PYTHONPATH"] = str(source)
        for package in ("planner", "foods"):
            compileall.compile_dir(source / package, quiet=1)
        rows = ["| command | median s | median CPU s | runs, s |", "|---|--:|--:|---|"]
        for command in COMMANDS:
            seconds(command, folder, env)  # warm-up: page cache, table cache
            runs = [seconds(command, folder, env) for _ in range(args.runs)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            shown = ", ".join(f"{w:.2f}" for w, _ in runs)
            rows.append(f"| `{' '.join(command)}` | **{wall:.2f}** | {cpu:.2f} | {shown} |")
    body = "\n".join(
        [
            f"Machine: {machine()}  ",
            f"Date: {time.strftime('%Y-%m-%d')}; medians of {args.runs} fresh processes after a "
            "warm-up (`python benchmarks/bench_startup.py`).",
            "",
            *rows,
        ]
    )
    print(body)
    if not (args.no_write or args.src):
        print(f"written to {write_section('startup', body)}")


if __name__ == "__main__":
    main()
