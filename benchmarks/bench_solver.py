"""Solver benchmark: build and solve times of the planner, printed as a table.

Measures (median of ``--runs`` runs, default 5) on the bundled catalogue:
  * 1-day and 7-day plans with HiGHS and with CBC (the planner's full pipeline);
  * the LP relaxation of the whole 7-day model (a lower limit for any MIP approach);
  * the naive formulation: the whole week as one MIP, stopped at a time limit;
  * a 1-day plan over the whole 8,858-food USDA reference (each food a 100 g serving).
Writes ``docs/benchmarks.md`` with the machine description.

Usage: ``python benchmarks/bench_solver.py [--runs 5] [--no-write]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from foods.catalog import load_catalog
from foods.reference import load_reference, nutrient_keys
from planner import optimize
from planner.model import build_model, candidate_foods
from planner.optimize import plan_week, request_targets, target_bounds
from planner.profile import Profile, demo_profile
from planner.request import PlanRequest
from planner.solve import SolverSettings, solve_problem

#: Two more people besides the demo woman: her vegan self, and a harder case, a man with
#: chronic kidney disease (potassium capped at 2,000 mg with every other target still met).
VEGAN = dataclasses.replace(demo_profile(), diet="vegan")
KIDNEY = Profile(
    age=68, sex="male", weight_kg=78, height_cm=175, activity="low_active", kidney_disease=True
)

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
    """Run ``fn`` ``runs`` times; numbers become medians (text from the last run)."""
    results = [fn() for _ in range(runs)]
    out: Row = {}
    for key, value in results[-1].items():
        values = [r[key] for r in results]
        if all(isinstance(v, int | float) and v is not None for v in values):
            out[key] = statistics.median(values)
        else:
            out[key] = value
    return out


def plan_case(
    days: int,
    solver: str,
    foods: pd.DataFrame | None = None,
    time_limit_s: float = 60.0,
    profile: Profile | None = None,
    **options: Any,
) -> Callable[[], Row]:
    def run() -> Row:
        request = PlanRequest(
            profile=profile or demo_profile(),
            days=days,
            solver=solver,
            time_limit_s=time_limit_s,
            **options,
        )
        start = time.perf_counter()
        plan = plan_week(request, foods)
        total = time.perf_counter() - start
        s = plan.solver
        return {
            "build_s": s.build_seconds,
            "solve_s": s.solve_seconds,
            "total_s": total,
            # build and solve add up every day's work (days run in two parallel chains)
            "build_share": s.build_seconds / (s.build_seconds + s.solve_seconds),
            "gap": s.gap if s.gap is not None else float("nan"),
            "status": plan.status.value,
        }

    return run


def serial_case() -> Callable[[], Row]:
    """The 7-day plan with the days solved one after another (``WORKERS = 1``)."""
    inner = plan_case(7, "highs")

    def run() -> Row:
        saved = optimize.WORKERS
        optimize.WORKERS = 1
        try:
            return inner()
        finally:
            optimize.WORKERS = saved

    return run


def whole_week_model(foods: pd.DataFrame, days: int = 7):
    request = PlanRequest(profile=demo_profile(), days=days)
    targets = request_targets(request)
    cands = candidate_foods(foods, request)
    return build_model(cands, target_bounds(targets), request, targets.eer_kcal)


def whole_week_case(foods: pd.DataFrame, settings: SolverSettings) -> Callable[[], Row]:
    """The whole 7-day model as one problem: its LP relaxation, or the naive single MIP."""

    def run() -> Row:
        start = time.perf_counter()
        model = whole_week_model(foods)
        built = time.perf_counter()
        result = solve_problem(model.problem, settings)
        end = time.perf_counter()
        gap = 0.0 if not settings.mip else result.gap
        return {
            "build_s": built - start,
            "solve_s": result.seconds,
            "total_s": end - start,
            "build_share": (built - start) / (end - start),
            "gap": gap if gap is not None else float("nan"),
            "status": result.outcome.value,
        }

    return run


def reference_table(prices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every SR24 food as a plannable row: 100 g servings, any meal; the SR food group gives
    the catalogue food group (other groups count as mixed dishes).

    SR24 has no prices. With ``prices`` (a catalogue with ``category`` and
    ``price_usd_per_kg``) each food gets the median catalogue price of its group (USD/kg),
    else a flat $10/kg. The flat price makes every 50 g step cost exactly $0.50, so the
    objective is the food's weight and thousands of foods tie: a degenerate stress case.
    """
    ref = load_reference()
    groups = {
        "Beverages": "beverage",
        "Fats and Oils": "fat_oil",
        "Spices and Herbs": "condiment",
        "Soups, Sauces, and Gravies": "condiment",
        "Dairy and Egg Products": "dairy",
        "Vegetables and Vegetable Products": "vegetable",
        "Fruits and Fruit Juices": "fruit",
        "Legumes and Legume Products": "legume",
        "Cereal Grains and Pasta": "grain",
        "Baked Products": "grain",
        "Breakfast Cereals": "grain",
        "Nut and Seed Products": "nuts_seeds",
        "Beef Products": "meat",
        "Pork Products": "meat",
        "Lamb, Veal, and Game Products": "meat",
        "Sausages and Luncheon Meats": "meat",
        "Poultry Products": "poultry",
        "Finfish and Shellfish Products": "fish",
        "Sweets": "sweet",
        "Snacks": "sweet",
    }
    table = pd.DataFrame(index=ref.index.rename(None))
    table["food_id"] = ["sr" + n for n in ref.index]
    table["ndb_no"] = list(ref.index)
    table["name"] = ref["name"].to_numpy()
    table["category"] = ref["food_group"].map(groups).fillna("mixed").to_numpy()
    table["slots"] = [("breakfast", "lunch", "dinner", "snack")] * len(ref)
    table["serving_g"] = 100.0
    table["household"] = "100 g"
    table["allow_half"] = True
    table["max_servings_per_day"] = 3.0
    table["diet_tags"] = [()] * len(ref)
    table["allergens"] = [()] * len(ref)
    table["fortified"] = False
    if prices is None:
        table["price_usd_per_kg"] = 10.0
        table["price_source"] = "estimate: flat $10/kg for the benchmark"
    else:
        median = prices.groupby("category")["price_usd_per_kg"].median()
        fallback = float(prices["price_usd_per_kg"].median())
        table["price_usd_per_kg"] = table["category"].map(median).fillna(fallback).to_numpy()
        table["price_source"] = "estimate: median catalogue price of the food group"
    for key in nutrient_keys():
        table[key] = ref[key].to_numpy()
    return table.set_index("food_id", drop=False).rename_axis(None)


def fmt(row: Row) -> str:
    gap = row["gap"]
    gap_text = "–" if gap != gap else f"{100 * float(gap):.2f} %"  # NaN check
    return (
        f"| {row['case']} | {float(row['build_s']):.3f} | {float(row['solve_s']):.3f} | "
        f"{float(row['total_s']):.3f} | {100 * float(row['build_share']):.0f} % | {gap_text} | "
        f"{row['status']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-limit", type=float, default=20.0)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--only", default="", help="run only the cases whose name contains this text (no write)"
    )
    args = parser.parse_args()
    foods = load_catalog()
    ref_table = reference_table()
    ref_priced = reference_table(prices=foods)
    cases: list[tuple[str, Callable[[], Row]]] = [
        ("1 day, HiGHS", plan_case(1, "highs")),
        ("7 days, HiGHS", plan_case(7, "highs")),
        (
            "7 days, HiGHS, a food on up to 4 days (old default)",
            plan_case(7, "highs", max_days_per_food=4),
        ),
        (
            "7 days, HiGHS, food-group caps per day only",
            plan_case(7, "highs", meal_pattern_per_meal=False),
        ),
        ("7 days, HiGHS, one chain (no parallel days)", serial_case()),
        ("1 day, HiGHS, vegan woman (demo, vegan)", plan_case(1, "highs", profile=VEGAN)),
        ("7 days, HiGHS, vegan woman (demo, vegan)", plan_case(7, "highs", profile=VEGAN)),
        ("1 day, HiGHS, man 68 y with kidney disease", plan_case(1, "highs", profile=KIDNEY)),
        ("7 days, HiGHS, man 68 y with kidney disease", plan_case(7, "highs", profile=KIDNEY)),
        ("1 day, CBC", plan_case(1, "cbc")),
        ("7 days, CBC", plan_case(7, "cbc")),
        (
            "7 days, LP relaxation of the whole week (lower limit)",
            whole_week_case(foods, SolverSettings(mip=False, time_limit_s=60)),
        ),
        (
            f"7 days, naive single MIP, stopped at {args.naive_limit:g} s",
            whole_week_case(foods, SolverSettings(time_limit_s=args.naive_limit)),
        ),
        (
            f"1 day, full USDA reference ({len(ref_priced):,} foods), group-median prices, "
            "HiGHS, 4.5 s budget",
            plan_case(1, "highs", ref_priced, time_limit_s=4.5),
        ),
        (
            f"1 day, full USDA reference ({len(ref_table):,} foods), flat $10/kg (ties), "
            "HiGHS, 4.5 s budget",
            plan_case(1, "highs", ref_table, time_limit_s=4.5),
        ),
    ]
    header = [
        "| case | build s | solve s | total s | build share | gap | status |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header), flush=True)
    lines = []
    for name, fn in cases:
        if args.only not in name:
            continue
        runs = 1 if "naive" in name else args.runs
        row = median_of(runs, fn) | {"case": name + ("" if runs > 1 else " (1 run)")}
        lines.append(fmt(row))
        print(lines[-1], flush=True)
    if args.no_write or args.only:
        return
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    marker = "<!-- results -->"
    intro = text.split(marker)[0] if marker in text else "# Benchmarks\n\n"
    body = (
        f"{marker}\nMachine: {machine()}  \n"
        f"Date: {time.strftime('%Y-%m-%d')}; medians of {args.runs} runs "
        f"(`python benchmarks/bench_solver.py`).\n\n" + "\n".join(header + lines) + "\n"
    )
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(intro + body, encoding="utf-8")
    print(f"\nwritten to {doc}")


if __name__ == "__main__":
    main()
