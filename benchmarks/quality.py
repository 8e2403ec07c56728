"""What a dietitian would count in a week's plan, computed from its JSON and the food table.

Every figure of ``docs/benchmarks.md``'s quality table comes from :func:`plan_quality`: the
HEI-2020 the plan reports, the days meeting each Dietary Guidelines amount, the defects
issue 13 counted in the old planner's weeks, variety and cost. Amounts are recomputed here
from the items' grams × the MyPlate equivalents per 100 g (never read from the optimiser),
so the benchmark checks the planner rather than repeating it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from foods.food_groups import COMPONENTS, equivalents_per_100g
from planner.domain.food_pattern import PATTERN_GROUPS

#: Daily pattern amounts whose days-met share the benchmark reports.
MET_GROUPS: tuple[str, ...] = ("vegetables", "fruits", "dairy", "grain_whole")
#: A day "meets" an amount at this share of it (rounding of grams, not a real miss).
MET_SHARE = 0.99
#: Most water to drink at once (ml) before it counts as a defect.
MAX_DRINK_ML = 500.0
#: Legumes a day above which they count as a defect (cup-eq; the pattern has 1½–3 a week).
LEGUMES_DAY_CUP = 1.5
NON_LEGUME_VEG = ("veg_dark_green", "veg_red_orange", "veg_starchy", "veg_other")


def groups_table(foods: pd.DataFrame) -> pd.DataFrame:
    """MyPlate equivalents per 100 g of every food, one column per component."""
    return equivalents_per_100g(foods)


def _amounts(items: list[Mapping[str, Any]], groups: pd.DataFrame) -> dict[str, float]:
    total = np.zeros(len(COMPONENTS))
    for item in items:
        total += groups.loc[item["food_id"]].to_numpy() * float(item["grams"]) / 100.0
    return dict(zip(COMPONENTS, total, strict=True))


def _pattern(amounts: Mapping[str, float], group: str) -> float:
    return sum(amounts[c] * w for c, w in PATTERN_GROUPS[group].items())


def day_defects(day: Mapping[str, Any], foods: pd.DataFrame, groups: pd.DataFrame) -> Counter:
    """The issue's defects in one day (counts)."""
    out: Counter = Counter()
    items = [i for m in day["meals"] for i in m["items"]]
    amounts = _amounts(items, groups)
    out["days without a non-legume vegetable"] += sum(amounts[c] for c in NON_LEGUME_VEG) <= 0
    out["days without whole fruit"] += amounts["fruit_whole"] <= 0
    out["days with legumes above 1.5 cup"] += amounts["legumes"] > LEGUMES_DAY_CUP
    for meal in day["meals"]:
        meal_amounts = _amounts(list(meal["items"]), groups)
        if meal["slot"] == "dinner":
            veg = sum(meal_amounts[c] for c in NON_LEGUME_VEG)
            out["dinners without a vegetable"] += veg <= 0
        for item in meal["items"]:
            if item.get("dish_id") is None:
                role = foods.at[item["food_id"], "role"] if "role" in foods.columns else "side"
                out["standalone oil, salt or sugar items"] += role == "ingredient"
                out["water items"] += str(item["food_id"]).startswith("water_")
                serving = float(foods.at[item["food_id"], "serving_g"])
                out["items above 2 portions"] += float(item["grams"]) > 2 * serving + 1e-6
        mains = [d for d in meal.get("dishes", []) if d.get("role") == "main"]
        out["meals with two main dishes"] += len(mains) > 1
        out["main dishes above 2 portions"] += sum(d["portion"] > 2 for d in mains)
    out["drinks above 500 ml at once"] += sum(
        s["ml"] > MAX_DRINK_ML for s in day.get("water_schedule", [])
    )
    return out


def plan_quality(
    plan: Mapping[str, Any], foods: pd.DataFrame, groups: pd.DataFrame | None = None
) -> dict[str, Any]:
    """The quality figures of one plan (see the module docstring)."""
    groups = groups_table(foods) if groups is None else groups
    days = plan["days"]
    pattern = plan["food_pattern"]
    share = float(pattern.get("share_of_day", 1.0))
    met = dict.fromkeys(MET_GROUPS, 0)
    defects: Counter = Counter()
    refined = whole = 0.0
    for day in days:
        amounts = _amounts([i for m in day["meals"] for i in m["items"]], groups)
        for group in MET_GROUPS:
            met[group] += _pattern(amounts, group) >= MET_SHARE * pattern["daily"][group] * share
        refined += amounts["grain_refined"]
        whole += amounts["grain_whole"]
        defects += day_defects(day, foods, groups)
    eer = plan["targets"]["energy_kcal"]
    energy = [d["totals"]["energy_kcal"] for d in days]
    mains = [x["dish_id"] for d in days for m in d["meals"] for x in m.get("dishes", [])]
    return {
        "hei": plan["hei2020"]["total"],
        "hei_min_day": min(d["hei2020"] for d in days),
        "days": len(days),
        "met": met,
        "refined_share": refined / (refined + whole) if refined + whole else 0.0,
        "energy_ratio": [e / ((eer["min"] + eer["max"]) / 2) for e in energy],
        "defects": defects,
        "distinct_dishes": len(set(mains)),
        "most_uses_of_a_dish": max(Counter(mains).values(), default=0),
        "cost_day": sum(d["cost_usd"] for d in days) / len(days),
        "nutrient_shortfalls": sum(1 for s in plan["shortfalls"] if s["kind"] == "nutrient"),
        "group_shortfalls": sum(1 for s in plan["shortfalls"] if s["kind"] == "food_group"),
    }
