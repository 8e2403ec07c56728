"""The typed plan: days of meals made of dishes and sides, with recomputed totals.

A :class:`Plan` is what the optimiser returns and what every output reads. ``to_dict`` gives
the plan JSON of docs/contract.md: meals list their dishes (``dish_id, name, portion, minutes,
steps``) and their items (every ingredient of a dish, with its ``dish_id``, and every side
food, with ``dish_id`` null); days carry ``water_to_drink_ml``, ``water_schedule`` and
``food_groups``; the plan carries ``hei2020``. Totals are recomputed from the items' grams ×
the food table, never taken from the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

#: A relative shortfall below this (0.1 %) is rounding, not a shortfall.
SHORTFALL_TOLERANCE = 1e-3


class PlanStatus(StrEnum):
    """The outcome a person sees.

    ``optimal``: every target met, each day proven best within the gap. ``feasible``: every
    target met, a day stopped at its time limit before proving the best. ``partial``: a plan
    with nutrient shortfalls (each explained; food-group amounts below the pattern are
    listed and explained too but do not make a plan partial). ``infeasible``: the hard
    limits contradict each other (e.g. a budget too small for any menu). ``error``: the
    solver failed.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    PARTIAL = "partial"
    INFEASIBLE = "infeasible"
    ERROR = "error"


@dataclass(frozen=True)
class PlanItem:
    """One food in one meal: grams (g), household measure, cost (USD); ``dish_id`` names the
    dish it is an ingredient of (None for a side food); ``replaces`` the food it stands in for
    when a substitution was made; ``portion`` the servings of a side food, or the portion of
    the dish an ingredient belongs to."""

    food_id: str
    ndb_no: str
    name: str
    grams: float
    household: str
    cost_usd: float
    dish_id: str | None = None
    replaces: str | None = None
    portion: float = 1.0
    replaces_name: str | None = None


@dataclass(frozen=True)
class DishChoice:
    """A dish in a meal: ``portion`` servings (½–2) of the recipe, main or side."""

    dish_id: str
    name: str
    role: str
    portion: float
    minutes: int
    cuisine: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Meal:
    """A meal slot (breakfast, lunch, dinner, snack), its dishes and all its items."""

    slot: str
    dishes: tuple[DishChoice, ...]
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class DayPlan:
    """One day: meals, recomputed nutrient totals, food groups, cost and drinking water.

    ``totals`` in the units of the nutrient keys; ``food_groups`` in cup-/oz-/tsp-eq (and
    g of oils); ``water_to_drink_ml`` what to drink besides the meals, spread over the day as
    ``water_schedule`` (when → ml, none over 500 ml; None in plans made before it was
    planned); ``hei`` the day's HEI-2020 total.
    """

    day: int
    meals: tuple[Meal, ...]
    totals: Mapping[str, float]
    food_groups: Mapping[str, float]
    cost_usd: float
    water_to_drink_ml: float | None = None
    water_schedule: tuple[tuple[str, float], ...] = ()
    hei: float | None = None

    def dish_ids(self) -> frozenset[str]:
        """The dishes eaten this day."""
        return frozenset(d.dish_id for m in self.meals for d in m.dishes)

    def food_ids(self) -> frozenset[str]:
        """The foods eaten this day (ingredients and sides)."""
        return frozenset(i.food_id for m in self.meals for i in m.items)


@dataclass(frozen=True)
class Source:
    """A food that would help close a shortfall: how much one serving (``household``) gives,
    in ``unit``, and whether the plan may use it — if not, what blocks it (``blocked_by``) and
    the change that would allow it (``fix``, e.g. ``allow fortified foods``)."""

    food_id: str
    name: str
    per_serving: float = 0.0
    unit: str = ""
    household: str = ""
    allowed: bool = True
    blocked_by: str | None = None
    fix: str | None = None


@dataclass(frozen=True)
class Shortfall:
    """A minimum the plan does not reach: achieved vs target, why, and what would close it.

    ``day`` is ``None`` for a weekly target (then amounts are daily averages). ``kind`` is
    ``"nutrient"`` (a target of :mod:`planner.domain.targets`) or ``"food_group"`` (a Dietary
    Guidelines pattern amount; ``nutrient`` then holds the group's key).
    """

    nutrient: str
    day: int | None
    achieved: float
    target: float
    unit: str
    reason: str
    best_sources: tuple[Source, ...] = ()
    kind: str = "nutrient"


@dataclass(frozen=True)
class SolverInfo:
    """How the plan was found.

    ``gap`` is the certified relative gap of the days' models (each over the dishes the day
    offers); ``build_seconds`` and ``solve_seconds`` add up every day's work; days run in two
    parallel chains, so ``wall_seconds`` (the whole plan) can be smaller.
    """

    name: str
    build_seconds: float
    solve_seconds: float
    gap: float | None
    outcome: str
    variables: int = 0
    constraints: int = 0
    wall_seconds: float | None = None


@dataclass(frozen=True)
class Plan:
    """A planned week (frozen). ``to_dict()`` gives the plan JSON of docs/contract.md."""

    status: PlanStatus
    days: tuple[DayPlan, ...]
    targets: Mapping[str, Mapping[str, Any]]
    shortfalls: tuple[Shortfall, ...]
    warnings: tuple[str, ...]
    solver: SolverInfo
    hei2020: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    food_pattern: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    missing_data: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    message: str = ""

    @property
    def ok(self) -> bool:
        """Whether there is a plan to show (every status but infeasible and error)."""
        return self.status not in (PlanStatus.INFEASIBLE, PlanStatus.ERROR)

    def dish_ids(self) -> frozenset[str]:
        """The dishes served anywhere in the plan."""
        return frozenset().union(*(d.dish_ids() for d in self.days))

    def week_totals(self) -> dict[str, float]:
        """Average daily totals over the planned days."""
        if not self.days:
            return {}
        keys = self.days[0].totals.keys()
        return {k: sum(d.totals[k] for d in self.days) / len(self.days) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON of docs/contract.md (plus ``missing_data`` and ``message``)."""
        return {
            "status": self.status.value,
            "days": [_day_dict(d) for d in self.days],
            "targets": {k: dict(v) for k, v in self.targets.items()},
            "hei2020": dict(self.hei2020),
            "food_pattern": dict(self.food_pattern),
            "shortfalls": [_shortfall_dict(s) for s in self.shortfalls],
            "warnings": list(self.warnings),
            "missing_data": {k: list(v) for k, v in self.missing_data.items()},
            "solver": _solver_dict(self.solver),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """The plan of a plan JSON (docs/contract.md): ``Plan.from_dict(p.to_dict())``
        gives back ``p`` up to the JSON's rounding, and ``to_dict`` of the result is the
        JSON itself. Fields an older plan lacks take their defaults.

        Raises
        ------
        UserError
            When the JSON is not in the plan's shape (the first broken places named).
        """
        from foods.errors import UserError
        from planner.domain.planjson import plan_problems

        problems = plan_problems(data)
        status = data.get("status", "optimal") if isinstance(data, Mapping) else None
        if status not in {s.value for s in PlanStatus}:
            problems.append(f"status {status!r} is not one of {[s.value for s in PlanStatus]}")
        if problems:
            raise UserError("not a plan: " + "; ".join(problems[:3]))
        try:
            return cls._from_checked(data, status)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise UserError(
                f"not a plan: a field has the wrong type or is missing ({exc!s}); "
                "plan again or restore the file"
            ) from None

    @classmethod
    def _from_checked(cls, data: Mapping[str, Any], status: str) -> Plan:
        return cls(
            status=PlanStatus(status),
            days=tuple(day_from_dict(d, n) for n, d in enumerate(data.get("days") or (), start=1)),
            targets={k: dict(v) for k, v in (data.get("targets") or {}).items()},
            shortfalls=tuple(shortfall_from_dict(s) for s in data.get("shortfalls") or ()),
            warnings=tuple(data.get("warnings") or ()),
            solver=_solver_from(data.get("solver") or {}),
            hei2020=dict(data.get("hei2020") or {}),
            food_pattern=dict(data.get("food_pattern") or {}),
            missing_data={k: tuple(v) for k, v in (data.get("missing_data") or {}).items()},
            message=data.get("message") or "",
        )


def as_plan(plan: Plan | Mapping[str, Any]) -> Plan:
    """``plan`` itself, or the plan of a plan JSON (:meth:`Plan.from_dict`, which refuses
    what is not a plan with a :class:`~foods.errors.UserError` naming the broken places)."""
    return plan if isinstance(plan, Plan) else Plan.from_dict(plan)


def day_from_dict(data: Mapping[str, Any], number: int = 1) -> DayPlan:
    """One day of a plan JSON (``number`` when it does not say which day it is)."""
    return DayPlan(
        day=int(data.get("day") or number),
        meals=tuple(meal_from_dict(m) for m in data.get("meals") or ()),
        totals=dict(data.get("totals") or {}),
        food_groups=dict(data.get("food_groups") or {}),
        cost_usd=float(data.get("cost_usd") or 0.0),
        water_to_drink_ml=_float_or_none(data.get("water_to_drink_ml")),
        water_schedule=tuple((w["when"], float(w["ml"])) for w in data.get("water_schedule") or ()),
        hei=data.get("hei2020"),
    )


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def meal_from_dict(data: Mapping[str, Any]) -> Meal:
    """One meal of a plan JSON (the dashboard keeps its plan as JSON and draws meal by meal)."""
    return Meal(
        slot=str(data.get("slot") or "meal"),
        dishes=tuple(_dish_from(d) for d in data.get("dishes") or ()),
        items=tuple(_item_from(i) for i in data.get("items") or ()),
    )


def _dish_from(data: Mapping[str, Any]) -> DishChoice:
    return DishChoice(
        dish_id=str(data["dish_id"]),
        name=str(data.get("name") or data["dish_id"]),
        role=str(data.get("role") or "main"),
        portion=float(data.get("portion") or 1.0),
        minutes=int(data.get("minutes") or 0),
        cuisine=str(data.get("cuisine") or ""),
        steps=tuple(data.get("steps") or ()),
    )


def _item_from(data: Mapping[str, Any]) -> PlanItem:
    return PlanItem(
        food_id=str(data["food_id"]),
        ndb_no=str(data.get("ndb_no") or ""),
        name=str(data.get("name") or data["food_id"]),
        grams=float(data["grams"]),
        household=str(data.get("household") or ""),
        cost_usd=float(data.get("cost_usd") or 0.0),
        dish_id=data.get("dish_id"),
        replaces=data.get("replaces"),
        portion=float(data.get("portion") or data.get("servings") or 1.0),  # older: servings
        replaces_name=data.get("replaces_name"),
    )


def shortfall_from_dict(data: Mapping[str, Any]) -> Shortfall:
    """One shortfall of a plan JSON."""
    return Shortfall(
        nutrient=str(data["nutrient"]),
        day=data.get("day"),
        achieved=float(data.get("achieved") or 0.0),
        target=float(data.get("target") or 0.0),
        unit=str(data.get("unit") or ""),
        reason=str(data.get("reason") or ""),
        best_sources=tuple(_source_from(b) for b in data.get("best_sources") or ()),
        kind=str(data.get("kind") or "nutrient"),
    )


def _source_from(data: Any) -> Source:
    if not isinstance(data, Mapping):  # older plans: names only
        return Source(food_id="", name=str(data))
    blocked = data.get("blocked_by")
    return Source(
        food_id=str(data.get("food_id") or ""),
        name=str(data.get("name") or data.get("food_id") or "?"),
        per_serving=float(data.get("per_serving") or 0.0),
        unit=str(data.get("unit") or ""),
        household=str(data.get("household") or ""),
        allowed=bool(data.get("allowed", not blocked)),
        blocked_by=None if blocked is None else str(blocked),
        fix=data.get("fix"),
    )


def _solver_from(data: Mapping[str, Any]) -> SolverInfo:
    return SolverInfo(
        name=str(data.get("name") or ""),
        build_seconds=float(data.get("build_seconds") or 0.0),
        solve_seconds=float(data.get("solve_seconds") or 0.0),
        gap=data.get("gap"),
        outcome=str(data.get("outcome") or ""),
        variables=int(data.get("variables") or 0),
        constraints=int(data.get("constraints") or 0),
        wall_seconds=data.get("wall_seconds"),
    )


def _day_dict(day: DayPlan) -> dict[str, Any]:
    return {
        "day": day.day,
        "meals": [
            {
                "slot": m.slot,
                "dishes": [_dish_dict(d) for d in m.dishes],
                "items": [_item_dict(i) for i in m.items],
            }
            for m in day.meals
        ],
        "totals": {k: round(v, 3) for k, v in day.totals.items()},
        "food_groups": {k: round(v, 3) for k, v in day.food_groups.items()},
        "cost_usd": round(day.cost_usd, 2),
        "water_to_drink_ml": None
        if day.water_to_drink_ml is None
        else round(day.water_to_drink_ml),
        "water_schedule": [{"when": w, "ml": round(ml)} for w, ml in day.water_schedule],
        "hei2020": None if day.hei is None else round(day.hei, 1),
    }


def _dish_dict(dish: DishChoice) -> dict[str, Any]:
    return {
        "dish_id": dish.dish_id,
        "name": dish.name,
        "role": dish.role,
        "portion": dish.portion,
        "minutes": dish.minutes,
        "cuisine": dish.cuisine,
        "steps": list(dish.steps),
    }


def _item_dict(item: PlanItem) -> dict[str, Any]:
    return {
        "food_id": item.food_id,
        "ndb_no": item.ndb_no,
        "name": item.name,
        "grams": round(item.grams, 4),  # totals recomputed from these agree within 0.1 %
        "household": item.household,
        "cost_usd": round(item.cost_usd, 2),
        "dish_id": item.dish_id,
        "replaces": item.replaces,
        "replaces_name": item.replaces_name,
        "portion": item.portion,
    }


def _shortfall_dict(s: Shortfall) -> dict[str, Any]:
    return {
        "nutrient": s.nutrient,
        "kind": s.kind,
        "day": s.day,
        "achieved": round(s.achieved, 3),
        "target": round(s.target, 3),
        "unit": s.unit,
        "reason": s.reason,
        "best_sources": [asdict(b) for b in s.best_sources],
    }


def _solver_dict(info: SolverInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "build_seconds": round(info.build_seconds, 4),
        "solve_seconds": round(info.solve_seconds, 4),
        "gap": None if info.gap is None else round(info.gap, 6),
        "outcome": info.outcome,
        "variables": info.variables,
        "constraints": info.constraints,
        "wall_seconds": None if info.wall_seconds is None else round(info.wall_seconds, 4),
    }


def recompute_totals(items: list[tuple[str, float]], foods: Any) -> dict[str, float]:
    """Nutrient totals of ``(food_id, grams)`` pairs from the food table (a missing value
    counts as 0); amounts in the units of the nutrient keys (kcal, g, mg, µg)."""
    from foods.reference import planned_nutrients

    keys = planned_nutrients()
    totals = dict.fromkeys(keys, 0.0)
    for food_id, grams in items:
        row = foods.loc[food_id]
        for key in keys:
            value = row.get(key)
            if value is not None and value == value:  # NaN is "not analysed": 0
                totals[key] += float(value) * grams / 100.0
    return totals
