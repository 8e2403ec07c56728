"""Why a target is not met, and which foods would close the gap ("problem nutrients").

For each shortfall we rank every food in the table by how much of the nutrient one serving
gives, and say for each of the best whether the plan could use it and, if not, what rules it
out (diet pattern, allergy, the person's exclusions, fortified foods switched off). The reason
names those blockers, the hard limits that bound the allowed foods, and missing USDA values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from foods.reference import nutrient_name, nutrient_unit
from planner.domain.plan import Source
from planner.domain.request import PlanRequest

if TYPE_CHECKING:
    import pandas as pd

#: Names of the target keys that are not nutrients, for messages (a nutrient's name is in
#: ``foods/data/nutrients.csv``).
LABELS: dict[str, str] = {
    "protein_pct_energy": "protein share of energy",
    "fat_pct_energy": "fat share of energy",
    "carbohydrate_pct_energy": "carbohydrate share of energy",
    "variety": "distinct foods",
    "fluid_ml": "fluid",
}


def label(key: str) -> str:
    """Human name of a target key (``vitamin_d_ug`` → ``vitamin D``)."""
    return LABELS.get(key) or nutrient_name(key) or key.replace("_", " ")


def unit_of(key: str) -> str:
    """Unit of a target key: the nutrient unit, ``%`` for AMDR keys, ``foods`` for variety."""
    if key.endswith("_pct_energy"):
        return "% of energy"
    if key == "variety":
        return "foods"
    return nutrient_unit(key)


def blocker(
    food_id: str, row: Mapping[str, Any], request: PlanRequest
) -> tuple[str | None, str | None]:
    """What rules a food out here, and the one-click fix; ``(None, None)`` if allowed.

    An exclusion by plain name ("banana") rules out every food it names; the fix then names
    the word to remove."""
    from planner.domain.names import matches

    profile = request.profile
    for term in (*profile.exclude_foods, *request.exclude_foods):
        if matches(term, str(row["name"]), food_id):
            return "you excluded it", f"include {term}"
    hits = sorted(set(profile.allergies).intersection(row["allergens"]))
    if hits:
        return f"allergy: {', '.join(hits)}", None
    if profile.diet != "omnivore" and profile.diet not in row["diet_tags"]:
        return f"not {profile.diet}", None
    if not request.allow_fortified and bool(row["fortified"]):
        return "fortified foods are switched off", "allow fortified foods"
    return None, None


def best_sources(
    key: str, foods: pd.DataFrame, request: PlanRequest, limit: int = 8
) -> list[Source]:
    """The foods giving the most of ``key`` per serving, with whether each may be used.

    Blocked foods are chosen per cause (the best two for "not vegan", the best two for
    "fortified foods are switched off", ...), so every blocker and its fix shows up, then the
    best allowed foods fill the list. Sorted by amount per serving, richest first.
    """
    if key not in foods.columns:
        return []
    per_serving = foods[key].fillna(0.0) * foods["serving_g"] / 100.0
    ranked = per_serving[per_serving > 0].sort_values(ascending=False, kind="stable")
    blocked: list[Source] = []
    allowed: list[Source] = []
    per_cause: dict[str, int] = {}
    top = ranked.head(60)
    columns = ["name", "household", "allergens", "diet_tags", "fortified"]
    rows = foods.loc[top.index, columns].to_dict("index")  # one read, not a row at a time
    unit = unit_of(key)
    for food_id, amount in top.items():
        row = rows[food_id]
        why, fix = blocker(str(food_id), row, request)
        entry = Source(
            food_id=str(food_id),
            name=str(row["name"]),
            per_serving=round(float(amount), 2),
            unit=unit,
            household=str(row["household"]),
            allowed=why is None,
            blocked_by=why,
            fix=fix,
        )
        if why is None:
            allowed.append(entry)
        elif per_cause.get(why, 0) < 2:
            per_cause[why] = per_cause.get(why, 0) + 1
            blocked.append(entry)
    chosen = blocked[: limit - 3] + allowed[: limit - min(len(blocked), limit - 3)]
    return sorted(chosen, key=lambda s: -s.per_serving)


def _binding_limits(
    totals: Mapping[str, float],
    bounds: Mapping[str, tuple[float | None, float | None]],
    cost: float | None,
    budget: float | None,
) -> list[str]:
    binding = []
    for key in (
        "energy_kcal",
        "sodium_mg",
        "calcium_mg",
        "potassium_mg",
        "phosphorus_mg",
        "protein_g",
        "caffeine_mg",
    ):
        hi = bounds.get(key, (None, None))[1]
        if hi is not None and totals.get(key, 0.0) >= 0.98 * hi:
            binding.append(f"the {label(key)} maximum ({hi:,.0f} {unit_of(key)})")
    if budget is not None and cost is not None and cost >= 0.98 * budget:
        binding.append(f"the budget (${budget:.2f}/day)")
    return binding


def reason_for(
    key: str,
    sources: list[Source],
    request: PlanRequest,
    totals: Mapping[str, float],
    bounds: Mapping[str, tuple[float | None, float | None]],
    cost: float | None,
    missing: tuple[str, ...] = (),
) -> str:
    """One or two sentences saying why ``key`` falls short, in the person's terms."""
    what = label(key)
    blocked = [s for s in sources if not s.allowed]
    allowed = [s for s in sources if s.allowed]
    parts: list[str] = []
    if blocked:
        by_cause: dict[str, list[str]] = {}
        for s in blocked:
            by_cause.setdefault(str(s.blocked_by), []).append(s.name)
        causes = "; ".join(f"{cause}: {', '.join(names)}" for cause, names in by_cause.items())
        parts.append(f"the richest {what} sources are ruled out ({causes})")
    if allowed:
        best = ", ".join(
            f"{s.name} ({s.per_serving:g} {s.unit} per {s.household})" for s in allowed[:3]
        )
        parts.append(f"the best allowed sources are {best}")
    else:
        parts.append(f"none of the allowed foods gives a meaningful amount of {what}")
    limits = _binding_limits(totals, bounds, cost, request.profile.budget_usd_per_day)
    if limits:
        parts.append(f"more of them would break {' and '.join(limits)}")
    elif allowed:
        parts.append(
            "the dishes that carry them do not fit the day's energy and other meals (a dish "
            "appears at most twice a week)"
        )
    if missing:
        parts.append(f"{len(missing)} chosen food(s) have no USDA value for {what}, counted as 0")
    profile = request.profile
    context = [profile.diet] if profile.diet != "omnivore" else []
    if profile.allergies:
        context.append("allergies to " + ", ".join(profile.allergies))
    if not request.allow_fortified:
        context.append("no fortified foods")
    prefix = f"With {', '.join(context)}: " if context else ""
    text = prefix + "; ".join(parts) + "."
    return text[0].upper() + text[1:] if not prefix else text
