"""The typed plan: extraction from a solved model, recomputed totals and verification.

Totals are recomputed from grams × the food table (missing values count as 0 and are
flagged); the model's own values are only used by tests to check the recomputation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import pandas as pd

from planner.household import scale_household
from planner.model import AMDR, FOOD_NUTRIENTS, PlanModel
from planner.request import SLOTS

#: A relative shortfall below this (0.1 %) is rounding, not a shortfall.
SHORTFALL_TOLERANCE = 1e-3


class PlanStatus(StrEnum):
    """The outcome a person sees.

    ``optimal``: every target met, proven best within the gap. ``feasible``: every target met,
    the solver stopped at its time limit before proving the best. ``partial``: a plan with
    shortfalls (each explained). ``infeasible``: the hard limits contradict each other (e.g.
    locked items above a limit). ``error``: the solver failed.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    PARTIAL = "partial"
    INFEASIBLE = "infeasible"
    ERROR = "error"


@dataclass(frozen=True)
class PlanItem:
    """One food in one meal: servings, grams (g), household measure and cost (USD)."""

    food_id: str
    ndb_no: str
    name: str
    servings: float
    grams: float
    household: str
    cost_usd: float


@dataclass(frozen=True)
class Meal:
    """A meal slot (breakfast, lunch, dinner, snack) and its items."""

    slot: str
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class DayPlan:
    """One day: meals, nutrient totals (units of the keys) and cost (USD)."""

    day: int
    meals: tuple[Meal, ...]
    totals: Mapping[str, float]
    cost_usd: float

    def food_ids(self) -> frozenset[str]:
        """The foods eaten this day."""
        return frozenset(i.food_id for m in self.meals for i in m.items)


@dataclass(frozen=True)
class Shortfall:
    """A minimum the plan does not reach: achieved vs target, why, and what would close it.

    ``day`` is ``None`` for a weekly target (then amounts are daily averages).
    """

    nutrient: str
    day: int | None
    achieved: float
    target: float
    unit: str
    reason: str
    best_sources: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class SolverInfo:
    """How the plan was found: solver name, seconds to build and solve, relative gap.

    ``build_seconds`` and ``solve_seconds`` add up the work of every day; days run in
    parallel chains, so ``wall_seconds`` (elapsed time of the whole plan) can be smaller.
    """

    name: str
    build_seconds: float
    solve_seconds: float
    gap: float | None
    outcome: str
    cuts: int = 0
    variables: int = 0
    constraints: int = 0
    wall_seconds: float | None = None


@dataclass(frozen=True)
class Plan:
    """A planned week (frozen). ``to_dict()`` gives the DESIGN.md plan JSON."""

    status: PlanStatus
    days: tuple[DayPlan, ...]
    targets: Mapping[str, Mapping[str, Any]]
    shortfalls: tuple[Shortfall, ...]
    warnings: tuple[str, ...]
    solver: SolverInfo
    missing_data: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    message: str = ""

    @property
    def ok(self) -> bool:
        """Whether there is a plan to show (every status but infeasible and error)."""
        return self.status not in (PlanStatus.INFEASIBLE, PlanStatus.ERROR)

    def week_totals(self) -> dict[str, float]:
        """Average daily totals over the planned days."""
        if not self.days:
            return {}
        keys = self.days[0].totals.keys()
        return {k: sum(d.totals[k] for d in self.days) / len(self.days) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON of DESIGN.md (plus ``missing_data`` and ``message``)."""
        return {
            "status": self.status.value,
            "days": [
                {
                    "day": d.day,
                    "meals": [
                        {"slot": m.slot, "items": [_item_dict(i) for i in m.items]} for m in d.meals
                    ],
                    "totals": {k: round(v, 3) for k, v in d.totals.items()},
                    "cost_usd": round(d.cost_usd, 2),
                }
                for d in self.days
            ],
            "targets": {k: dict(v) for k, v in self.targets.items()},
            "shortfalls": [
                {
                    "nutrient": s.nutrient,
                    "day": s.day,
                    "achieved": round(s.achieved, 3),
                    "target": round(s.target, 3),
                    "unit": s.unit,
                    "reason": s.reason,
                    "best_sources": [dict(b) for b in s.best_sources],
                }
                for s in self.shortfalls
            ],
            "warnings": list(self.warnings),
            "missing_data": {k: list(v) for k, v in self.missing_data.items()},
            "solver": {
                "name": self.solver.name,
                "build_seconds": round(self.solver.build_seconds, 4),
                "solve_seconds": round(self.solver.solve_seconds, 4),
                "gap": None if self.solver.gap is None else round(self.solver.gap, 6),
                "outcome": self.solver.outcome,
                "cuts": self.solver.cuts,
                "variables": self.solver.variables,
                "constraints": self.solver.constraints,
                "wall_seconds": None
                if self.solver.wall_seconds is None
                else round(self.solver.wall_seconds, 4),
            },
            "message": self.message,
        }


def _item_dict(item: PlanItem) -> dict[str, Any]:
    return {
        "food_id": item.food_id,
        "ndb_no": item.ndb_no,
        "name": item.name,
        "servings": item.servings,
        "grams": round(item.grams, 4),  # totals recomputed from these agree within 0.1 %
        "household": item.household,
        "cost_usd": round(item.cost_usd, 2),
    }


def recompute_totals(items: list[tuple[str, float]], foods: pd.DataFrame) -> dict[str, float]:
    """Nutrient totals of ``(food_id, grams)`` pairs from the food table (missing → 0).

    Returns amounts in the units of the nutrient keys (kcal, g, mg, µg).
    """
    totals = dict.fromkeys(FOOD_NUTRIENTS, 0.0)
    for food_id, grams in items:
        row = foods.loc[food_id]
        for key in FOOD_NUTRIENTS:
            value = row[key]
            if not (isinstance(value, float) and math.isnan(value)):
                totals[key] += float(value) * grams / 100.0
    return totals


def slot_steps(model: PlanModel) -> dict[tuple[int, str, str], int]:
    """Whole serving steps per (day, slot, food) from a solved model.

    Foods eaten in several slots have an integer daily total and a continuous split over the
    slots; the split is rounded by largest remainder so the slots add up to the daily total
    exactly (the day's totals are what the constraints guarantee).
    """
    out: dict[tuple[int, str, str], int] = {}
    grouped: dict[tuple[int, str], list[tuple[str, float]]] = {}
    for (d, s, f), var in model.steps.items():
        grouped.setdefault((d, f), []).append((s, float(var.varValue or 0.0)))
    for (d, f), parts in grouped.items():
        total_var = model.daily.get((d, f))
        if total_var is None:
            for s, value in parts:
                out[(d, s, f)] = round(value)
            continue
        total = round(float(total_var.varValue or 0.0))
        base = {s: math.floor(value + 1e-6) for s, value in parts}
        left = total - sum(base.values())
        order = sorted(parts, key=lambda p: (-(p[1] - math.floor(p[1] + 1e-6)), SLOTS.index(p[0])))
        for s, _value in order:
            if left <= 0:
                break
            base[s] += 1
            left -= 1
        for s, _value in parts:
            out[(d, s, f)] = base[s]
    return out


def extract_days(model: PlanModel) -> tuple[DayPlan, ...]:
    """Read servings from a solved model and build the days, with recomputed totals."""
    foods = model.foods
    steps_by_key = slot_steps(model)
    days = []
    for d in model.days:
        meals = []
        eaten: list[tuple[str, float]] = []
        cost = 0.0
        for slot in SLOTS:
            items = []
            for (dd, s, f), steps in steps_by_key.items():
                if dd != d or s != slot or steps <= 0:
                    continue
                servings = steps * model.step_servings[f]
                row = foods.loc[f]
                grams = servings * float(row["serving_g"])
                price = row["price_usd_per_kg"]
                item_cost = 0.0 if pd.isna(price) else grams / 1000.0 * float(price)
                items.append(
                    PlanItem(
                        food_id=f,
                        ndb_no=str(row["ndb_no"]),
                        name=str(row["name"]),
                        servings=servings,
                        grams=grams,
                        household=scale_household(str(row["household"]), servings),
                        cost_usd=item_cost,
                    )
                )
                eaten.append((f, grams))
                cost += item_cost
            if items:
                meals.append(Meal(slot=slot, items=tuple(items)))
        days.append(
            DayPlan(
                day=d,
                meals=tuple(meals),
                totals=MappingProxyType(recompute_totals(eaten, foods)),
                cost_usd=cost,
            )
        )
    return tuple(days)


def check_limits(
    days: tuple[DayPlan, ...],
    bounds: Mapping[str, tuple[float | None, float | None]],
    budget: float | None,
) -> list[str]:
    """Every hard maximum holds on the recomputed totals; returns the violations (empty = ok).

    A tolerance of 1e-6 relative absorbs floating-point rounding only.
    """
    problems = []
    for day in days:
        for key, (_lo, hi) in bounds.items():
            if hi is None:
                continue
            if key in AMDR:
                energy = day.totals["energy_kcal"]
                macro, kcal = AMDR[key]
                value = 100.0 * kcal * day.totals[macro] / energy if energy > 0 else 0.0
            else:
                value = day.totals.get(key, 0.0)
            if value > hi * (1 + 1e-6) + 1e-6:
                problems.append(f"day {day.day}: {key} {value:.4g} above its maximum {hi:g}")
        if budget is not None and day.cost_usd > budget * (1 + 1e-6) + 1e-6:
            problems.append(f"day {day.day}: cost ${day.cost_usd:.2f} above budget ${budget:.2f}")
    return problems


def missing_values(
    days: tuple[DayPlan, ...], foods: pd.DataFrame, keys: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """For each targeted nutrient, the chosen foods whose USDA value is not analysed."""
    chosen = sorted({f for d in days for f in d.food_ids()})
    out: dict[str, tuple[str, ...]] = {}
    for key in keys:
        if key not in foods.columns:
            continue
        gaps = tuple(f for f in chosen if pd.isna(foods.at[f, key]))
        if gaps:
            out[key] = gaps
    return out
