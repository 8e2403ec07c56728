"""Solver benchmark: how long a plan of dishes takes, and where the time goes.

Measures (median of ``--runs`` runs, default 5, after one warm-up) on the bundled catalogue
and dish library, for the demo woman unless named:
  * 1-day and 7-day plans with HiGHS (the whole pipeline: options, ranking LP, the days'
    MIPs, assembly) and with CBC;
  * the 7-day plan with the days in one chain instead of two parallel chains;
  * the stages of a 7-day plan: options and targets, the ranking LP, the days (their build
    and solve added up), assembly;
  * the vegan demo woman and a man of 68 with kidney disease.
Writes the table into ``docs/benchmarks.md`` (between ``<!-- solver -->`` markers) with the
machine description.

Usage: ``python benchmarks/bench_solver.py [--runs 5] [--no-write] [--only TEXT]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profiles import PROFILES  # noqa: E402

from foods.catalog import load_catalog  # noqa: E402
from planner.domain.profile import Profile, demo_profile  # noqa: E402
from planner.domain.request import PlanRequest  # noqa: E402
from planner.optimiser import week  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
Row = dict[str, Any]


def machine() -> str:
    """One line describing the CPU, cores, Python and solver versions."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("pulp", "highspy", "pandas"))
    return (
        f"{cpu}; {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}"
    )


def median_of(runs: int, fn: Callable[[], Row]) -> Row:
    """Run ``fn`` once to warm up, then ``runs`` times; numbers become medians (text and the
    list of totals ``all_s`` from the measured runs)."""
    fn()
    results = [fn() for _ in range(runs)]
    out: Row = {"all_s": [r["total_s"] for r in results]}
    for key, value in results[-1].items():
        values = [r[key] for r in results]
        if all(isinstance(v, int | float) and v is not None for v in values):
            out[key] = statistics.median(values)
        else:
            out[key] = value
    return out


def plan_case(
    days: int, solver: str = "highs", foods: pd.DataFrame | None = None, **options: Any
) -> Callable[[], Row]:
    """One plan of ``days`` days for ``options['profile']`` (default the demo woman)."""
    profile: Profile = options.pop("profile", demo_profile())

    def run() -> Row:
        request = PlanRequest(profile=profile, days=days, solver=solver, **options)
        start = time.perf_counter()
        plan = week.plan_week(request, foods)
        total = time.perf_counter() - start
        s = plan.solver
        return {
            "build_s": s.build_seconds,
            "solve_s": s.solve_seconds,
            "total_s": total,
            "gap": s.gap if s.gap is not None else float("nan"),
            "status": plan.status.value,
        }

    return run


def serial_case(foods: pd.DataFrame) -> Callable[[], Row]:
    """The 7-day plan with the days solved one after another (``WORKERS = 1``)."""
    inner = plan_case(7, foods=foods)

    def run() -> Row:
        saved = week.WORKERS
        week.WORKERS = 1
        try:
            return inner()
        finally:
            week.WORKERS = saved

    return run


def stages_case(foods: pd.DataFrame) -> Callable[[], Row]:
    """The 7-day demo plan stage by stage (the days in one chain, so their times add up)."""

    def run() -> Row:
        request = PlanRequest(profile=demo_profile(), days=7)
        t0 = time.perf_counter()
        ctx = week.build_context(request, foods, t0 + 60)
        t1 = time.perf_counter()
        ranked, unreachable = week.rank_options(ctx)
        ctx = dataclasses.replace(ctx, unreachable=unreachable)
        t2 = time.perf_counter()
        chains = week.week_chains(tuple(range(1, 8)), 2)
        pools = week.deal_mains(ctx, ranked, len(chains))
        results = [
            r
            for c, p in zip(chains, pools, strict=True)
            for r in week.solve_chain(ctx, c, p, ranked)
        ]
        t3 = time.perf_counter()
        week.assemble(ctx, sorted(results, key=lambda r: r.day), t3 - t0)
        t4 = time.perf_counter()
        return {
            "options_s": t1 - t0,
            "rank_s": t2 - t1,
            "days_s": t3 - t2,
            "assemble_s": t4 - t3,
            "total_s": t4 - t0,
        }

    return run


def fmt(row: Row) -> str:
    gap = row["gap"]
    gap_text = "–" if gap != gap else f"{100 * float(gap):.2f} %"  # NaN check
    runs = ", ".join(f"{t:.2f}" for t in row["all_s"])
    return (
        f"| {row['case']} | {float(row['build_s']):.3f} | {float(row['solve_s']):.3f} | "
        f"**{float(row['total_s']):.3f}** | {runs} | {gap_text} | {row['status']} |"
    )


def median_row(name: str, values: list[float], target: float, digits: int = 2) -> str:
    """A Markdown row ``| name | median | every run | target | met |`` (seconds; met when the
    median is at most the target)."""
    median = statistics.median(values)
    shown = ", ".join(f"{v:.{digits}f}" for v in values)
    met = "yes" if median <= target else "**no**"
    return f"| {name} | **{median:.{digits}f}** | {shown} | {target:g} | {met} |"


def write_section(marker: str, body: str, page: str = "benchmarks.md") -> Path:
    """Replace the part of ``docs/<page>`` between ``<!-- marker -->`` lines (appended when
    the page has none)."""
    doc = ROOT / "docs" / page
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    section = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text.split(start)[0] + section + text.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", default="", help="cases whose name contains this (no write)")
    args = parser.parse_args()
    foods = load_catalog()
    vegan = dataclasses.replace(demo_profile(), diet="vegan")
    kidney = PROFILES["man 68, kidney disease"]
    cases: list[tuple[str, Callable[[], Row]]] = [
        ("1 day, HiGHS", plan_case(1, foods=foods)),
        ("7 days, HiGHS", plan_case(7, foods=foods)),
        ("7 days, HiGHS, one chain (no parallel days)", serial_case(foods)),
        ("1 day, CBC", plan_case(1, "cbc", foods=foods)),
        ("7 days, CBC", plan_case(7, "cbc", foods=foods)),
        ("1 day, vegan woman", plan_case(1, foods=foods, profile=vegan)),
        ("7 days, vegan woman", plan_case(7, foods=foods, profile=vegan)),
        ("1 day, man 68 with kidney disease", plan_case(1, foods=foods, profile=kidney)),
        ("7 days, man 68 with kidney disease", plan_case(7, foods=foods, profile=kidney)),
    ]
    header = [
        "| case | build s | solve s | total s (median) | runs, s | gap | status |",
        "|---|---|---|---|---|---|---|",
    ]
    print(f"Machine: {machine()}\n\n" + "\n".join(header), flush=True)
    lines = []
    for name, fn in cases:
        if args.only in name:
            lines.append(fmt(median_of(args.runs, fn) | {"case": name}))
            print(lines[-1], flush=True)
    stages = median_of(args.runs, stages_case(foods))
    stage_text = (
        "Stages of the 7-day demo plan (days in two chains run one after the other here, so "
        f"the days' time is their sum): options and targets {stages['options_s']:.3f} s, "
        f"ranking LP {stages['rank_s']:.3f} s, days {stages['days_s']:.3f} s, assembly "
        f"{stages['assemble_s']:.3f} s."
    )
    print("\n" + stage_text)
    if args.no_write or args.only:
        return
    body = (
        f"Machine: {machine()}  \nDate: {time.strftime('%Y-%m-%d')}; medians of {args.runs} "
        "runs after a warm-up (`python benchmarks/bench_solver.py`).\n\n"
        + "\n".join(header + lines)
        + "\n\n"
        + stage_text
    )
    print(f"\nwritten to {write_section('solver', body)}")


if __name__ == "__main__":
    main()
