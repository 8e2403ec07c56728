"""Profile spread: quality, cost and time of a week of dishes for 16 people, and the time of
a week for many random people.

For each profile of :mod:`profiles` (eight "tuning" people looked at while choosing the
weights, eight "held out"), one 7-day plan is scored by :func:`quality.plan_quality`: the
HEI-2020 (week and worst day), the days meeting the Dietary Guidelines amounts of
vegetables, fruit, dairy and whole grains, the share of refined grains, distinct dishes,
cost a day beside the USDA Thrifty Food Plan for the person's age and sex (February 2023),
nutrient and food-group shortfalls, and the defects issue 13 counted. The 7-day time is the
median of ``--runs`` runs (after a warm-up). ``--random N`` plans a week for N random valid
profiles (seeded) and reports the median, 95th percentile and maximum time.

Usage: ``python benchmarks/bench_profiles.py [--runs 3] [--random 300] [--no-write]``.
Writes its tables into ``docs/benchmarks.md`` (between ``<!-- profiles -->`` markers).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import machine, write_section  # noqa: E402
from profiles import HELD_OUT, TUNING, random_profiles  # noqa: E402
from quality import MET_GROUPS, groups_table, plan_quality  # noqa: E402

from foods.catalog import load_catalog  # noqa: E402
from planner.domain.profile import Profile  # noqa: E402
from planner.domain.request import PlanRequest  # noqa: E402
from planner.domain.thrifty import AS_OF, thrifty_usd_per_day  # noqa: E402
from planner.optimiser.week import plan_week  # noqa: E402

SHORT_NAMES = {"vegetables": "veg", "fruits": "fruit", "dairy": "dairy", "grain_whole": "WG"}


def timed_plan(profile: Profile, foods: Any, days: int = 7) -> tuple[dict[str, Any], float]:
    """One plan (as JSON) and its wall-clock seconds."""
    start = time.perf_counter()
    plan = plan_week(PlanRequest(profile=profile, days=days), foods)
    return plan.to_dict(), time.perf_counter() - start


def profile_rows(runs: int, foods: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """A Markdown row per profile and the quality of each plan."""
    groups = groups_table(foods)
    lines, scores = [], []
    for group, profiles in (("tuning", TUNING), ("held out", HELD_OUT)):
        for name, profile in profiles.items():
            timed_plan(profile, foods)  # warm-up: caches are not what is measured
            times: list[float] = []
            plan: dict[str, Any] = {}
            for _ in range(runs):
                plan, seconds = timed_plan(profile, foods)
                times.append(seconds)
            q = plan_quality(plan, foods, groups) | {
                "name": name,
                "time_s": statistics.median(times),
            }
            q["tfp_day"] = thrifty_usd_per_day(profile)
            q["gap"] = plan["solver"]["gap"]
            q["status"] = plan["status"]
            scores.append(q)
            met = " ".join(f"{SHORT_NAMES[g]} {q['met'][g]}" for g in MET_GROUPS)
            lines.append(
                f"| {group} | {name} | {q['hei']:.1f} | {q['hei_min_day']:.1f} | {met} | "
                f"{100 * q['refined_share']:.0f} % | {q['distinct_dishes']} | "
                f"${q['cost_day']:.2f} | ${q['tfp_day']:.2f} | {q['nutrient_shortfalls']} / "
                f"{q['group_shortfalls']} | {q['status']} | {q['time_s']:.2f} | "
                f"{100 * (q['gap'] or 0):.2f} % |"
            )
            print(lines[-1], flush=True)
    return lines, scores


def summary(scores: list[dict[str, Any]]) -> list[str]:
    """Means, minimums and the defect counts over all profiles."""
    hei = [s["hei"] for s in scores]
    over = [s["name"] for s in scores if s["cost_day"] > s["tfp_day"] + 1e-9]
    defects: Counter = Counter()
    for s in scores:
        defects += s["defects"]
    days = sum(s["days"] for s in scores)
    worst_day = min(s["hei_min_day"] for s in scores)
    in_band = sum(sum(0.9 <= r <= 1.1 for r in s["energy_ratio"]) for s in scores)
    met = ", ".join(f"{g} {sum(s['met'][g] for s in scores)}" for g in MET_GROUPS)
    counted = ", ".join(f"{k} {v}" for k, v in sorted(defects.items())) or "none"
    lines = [
        f"- HEI-2020 over the {len(scores)} profiles: mean **{statistics.mean(hei):.1f}**, "
        f"lowest **{min(hei):.1f}**; lowest single day {worst_day:.1f}.",
        f"- Profiles costing more than their Thrifty Food Plan figure ({AS_OF}): "
        f"{', '.join(over) if over else 'none'}.",
        f"- Days (of {days}) meeting the pattern amount: {met}.",
        f"- Energy within ±10 % of the EER on {in_band} of {days} days.",
        f"- Defects counted (issue 13's list): {counted}.",
    ]
    return lines


def random_times(count: int, foods: Any) -> str:
    """Median, 95th percentile and maximum seconds of a week for ``count`` random people."""
    times: list[float] = []
    statuses: Counter[str] = Counter()
    for profile in random_profiles(count):
        plan, seconds = timed_plan(profile, foods)
        times.append(seconds)
        statuses[plan["status"]] += 1
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return (
        f"{count} random valid profiles (seed 7), one 7-day plan each: median "
        f"{statistics.median(times):.2f} s, 95th percentile **{p95:.2f} s**, max "
        f"{times[-1]:.2f} s; statuses {dict(statuses)}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per profile (median)")
    parser.add_argument("--random", type=int, default=0, help="random profiles to time")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    foods = load_catalog()
    print(f"Machine: {machine()}\n")
    header = [
        "| group | profile | HEI week | HEI worst day | days meeting (of 7) | refined grains "
        "| dishes | cost/day | Thrifty Food Plan/day | short: nutrients / groups | status "
        "| 7 days s | gap |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header), flush=True)
    lines, scores = profile_rows(args.runs, foods)
    text = summary(scores)
    print("\n" + "\n".join(text))
    spread = random_times(args.random, foods) if args.random else ""
    if spread:
        print("\n" + spread)
    if args.no_write:
        return
    body = (
        f"Machine: {machine()}  \nDate: {time.strftime('%Y-%m-%d')}; 7-day plans, times are "
        f"medians of {args.runs} runs (`python benchmarks/bench_profiles.py`).\n\n"
        + "\n".join(header + lines)
        + "\n\n"
        + "\n".join(text)
        + ("\n\n" + spread if spread else "")
    )
    print(f"\nwritten to {write_section('profiles', body)}")


if __name__ == "__main__":
    main()
