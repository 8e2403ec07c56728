"""Profile spread: 1-day and 7-day plan times for 16 different people, printed as a table.

``bench_solver.py`` times the demo woman in detail; this script checks that a change to
the search helps people in general rather than the one profile it was looked at with.
Sixteen profiles: eight ("tuning") were used while choosing the search's settings, eight
("held out") were not, so a change can be judged on people it was not fitted to.

Usage: ``python benchmarks/bench_profiles.py [--runs 3] [--days 1 7]``. Prints, per profile
and plan length, the median wall-clock seconds, the certified gap and the plan's status,
then the sum of the medians for each group. Nothing is written; paste the table into
``docs/benchmarks.md`` with the machine line from ``bench_solver.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solver import machine, median_of, plan_case  # noqa: E402

from foods.catalog import load_catalog  # noqa: E402
from planner.profile import Profile, demo_profile  # noqa: E402

DEMO = demo_profile()
#: Used while the support rule's share and node limit were chosen.
TUNING: dict[str, Profile] = {
    "demo woman 45": DEMO,
    "demo, vegetarian": dataclasses.replace(DEMO, diet="vegetarian"),
    "demo, vegan": dataclasses.replace(DEMO, diet="vegan"),
    "woman 75, inactive": Profile(
        age=75, sex="female", weight_kg=60, height_cm=158, activity="inactive"
    ),
    "man 30, active": Profile(age=30, sex="male", weight_kg=82, height_cm=180, activity="active"),
    "man 68, kidney disease": Profile(
        age=68, sex="male", weight_kg=78, height_cm=175, activity="low_active", kidney_disease=True
    ),
    "demo, pescatarian, milk allergy": dataclasses.replace(
        DEMO, diet="pescatarian", allergies=("milk",)
    ),
    "boy 16, very active": Profile(
        age=16, sex="male", weight_kg=65, height_cm=175, activity="very_active"
    ),
}
#: Never looked at while choosing settings.
HELD_OUT: dict[str, Profile] = {
    "pregnant 29, active": Profile(
        age=29,
        sex="female",
        life_stage="pregnant",
        weight_kg=70,
        height_cm=168,
        activity="active",
    ),
    "lactating 33, vegetarian": Profile(
        age=33,
        sex="female",
        life_stage="lactating",
        weight_kg=64,
        height_cm=162,
        activity="low_active",
        diet="vegetarian",
    ),
    "man 81, inactive": Profile(
        age=81, sex="male", weight_kg=70, height_cm=170, activity="inactive"
    ),
    "man 40, vegan, soy allergy": Profile(
        age=40,
        sex="male",
        weight_kg=90,
        height_cm=185,
        activity="low_active",
        diet="vegan",
        allergies=("soy",),
    ),
    "woman 52, three liked foods": Profile(
        age=52,
        sex="female",
        weight_kg=75,
        height_cm=160,
        activity="low_active",
        like_foods=("banana_raw", "yogurt_plain_lowfat", "spinach_cooked"),
    ),
    "man 25, $4 a day": Profile(
        age=25,
        sex="male",
        weight_kg=72,
        height_cm=178,
        activity="very_active",
        budget_usd_per_day=4.0,
    ),
    "woman 60, K-raising medicine, fish allergy": Profile(
        age=60,
        sex="female",
        weight_kg=80,
        height_cm=163,
        activity="low_active",
        potassium_raising_medication=True,
        allergies=("fish",),
    ),
    "girl 15, nut allergies": Profile(
        age=15,
        sex="female",
        weight_kg=50,
        height_cm=160,
        activity="active",
        allergies=("peanuts", "tree_nuts"),
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--days", type=int, nargs="+", default=[1, 7], help="plan lengths")
    args = parser.parse_args()
    foods = load_catalog()
    print(f"Machine: {machine()}; medians of {args.runs} runs\n")
    header = " | ".join(f"{d} day{'s' if d > 1 else ''} s, gap, status" for d in args.days)
    print(f"| group | profile | {header} |")
    print("|---|---|" + "---|" * len(args.days))
    sums: dict[tuple[str, int], float] = {}
    for group, profiles in (("tuning", TUNING), ("held out", HELD_OUT)):
        for name, profile in profiles.items():
            cells = []
            for days in args.days:
                case = plan_case(days, "highs", foods, profile=profile)
                case()  # warm-up: imports and caches are not what is measured
                row = median_of(args.runs, case)
                sums[(group, days)] = sums.get((group, days), 0.0) + row["total_s"]
                cells.append(f"{row['total_s']:.3f}, {row['gap'] * 100:.2f} %, {row['status']}")
            print(f"| {group} | {name} | " + " | ".join(cells) + " |", flush=True)
    for group in ("tuning", "held out"):
        total = " | ".join(f"**{sums[(group, d)]:.2f}**" for d in args.days)
        print(f"| {group} | sum of medians | {total} |")


if __name__ == "__main__":
    main()
