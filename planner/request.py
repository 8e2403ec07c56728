"""A plan request: who the plan is for, what it may use, and how the optimiser should weigh it.

:func:`check_request` validates a :class:`PlanRequest` against the food table before anything
is built, so every problem a person can fix (an unknown food id, a lock in a slot where that
food is not eaten, locked items that alone break the budget) comes back as one clear
:class:`PlanRequestError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from foods.errors import UserError
from planner.profile import Profile

SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner", "snack")
#: Default for the most days a week one food (all its forms together) may appear. Three keeps
#: the week varied (a food at most every other day) and each day's model small, for about 7 %
#: more food cost than four (demo week $19.8 instead of $18.5; docs/optimiser.md).
MAX_DAYS_PER_FOOD = 3
#: Categories that are used every day (drinks, salt, oil): exempt from the days-per-week cap and
#: not counted as distinct foods.
STAPLE_CATEGORIES: frozenset[str] = frozenset({"beverage", "condiment", "fat_oil"})


class PlanRequestError(UserError):
    """A plan request that cannot be planned as asked; the message names the field and fix."""


@dataclass(frozen=True)
class LockedItem:
    """A fixed amount of one food in one meal: ``servings`` of ``food_id`` in ``slot`` on ``day``.

    ``day`` counts from 1.
    """

    day: int
    slot: str
    food_id: str
    servings: float


@dataclass(frozen=True)
class Weights:
    """Objective weights, all in US dollars so they compare with food cost.

    A 100 % shortfall of one nutrient target on one day costs ``shortfall_usd`` (1 % costs
    1/100 of it); that is far above any food cost, so a plan only falls short where no
    combination of allowed foods can close the gap.
    """

    #: Penalty for a 100 % shortfall of one minimum (per day, or per week for weekly targets).
    shortfall_usd: float = 5_000.0
    #: Penalty for each distinct food missing below the daily minimum count.
    variety_usd: float = 20.0
    #: Penalty per 100 % of the day's energy outside a meal's share band.
    meal_share_usd: float = 50.0
    #: Weight on food cost (USD).
    cost: float = 1.0
    #: Bonus per serving of a food the person likes (USD).
    like_usd: float = 1.00
    #: Penalty per serving of a food eaten in the previous saved week (rotation), USD.
    rotation_usd: float = 0.60


@dataclass(frozen=True)
class PlanRequest:
    """Everything the optimiser needs besides the food table.

    Parameters
    ----------
    profile : Profile
        The person (DESIGN.md profile contract).
    days : int
        Number of days to plan, 1–7.
    daily_vitamin_d : bool
        Meet vitamin D every day instead of as a weekly average (the default: it is stored).
    allow_fortified : bool
        Whether fortified foods (vitamin-D milk, fortified soy milk, cereal, ...) may be used.
    locked : tuple of LockedItem
        Fixed servings the plan must keep.
    exact_days : tuple of int
        Days that consist of their locked items only (the dashboard's "new menu for one day"
        keeps every other day exactly as it was).
    exclude_foods, like_foods : tuple of str
        Extra food ids beyond the profile's lists (the dashboard's "swap" and "add" buttons).
    avoid_foods : mapping food_id → weight
        Foods to rotate away from (the previous week's foods); weight 1 = ``rotation_usd``.
    target_overrides : mapping key → (min, max)
        Tightened targets from the dashboard's Targets page (checked by the targets module).
    min_distinct_foods : int
        Distinct (non-drink, non-condiment) foods each day.
    max_days_per_food : int
        Most days in the week one food (other than drinks, oils and salt) may appear.
    weekly_servings_factor : float
        Weekly cap per food = factor × ``max_servings_per_day`` servings.
    meal_pattern_per_meal : bool
        Apply the food-group caps of ``planner/data/meal_pattern.csv`` per meal as well as per
        day (per day always applies).
    time_limit_s : float
        Solver time limit in seconds.
    gap_rel : float
        Relative MIP gap at which the solver may stop (0.01 = 1 %).
    solver : str
        ``"highs"`` (default) or ``"cbc"``.
    """

    profile: Profile
    days: int = 7
    daily_vitamin_d: bool = False
    allow_fortified: bool = True
    locked: tuple[LockedItem, ...] = ()
    exact_days: tuple[int, ...] = ()
    exclude_foods: tuple[str, ...] = ()
    like_foods: tuple[str, ...] = ()
    avoid_foods: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    target_overrides: Mapping[str, tuple[float | None, float | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    min_distinct_foods: int = 8
    max_days_per_food: int = MAX_DAYS_PER_FOOD
    weekly_servings_factor: float = 3.0
    meal_pattern_per_meal: bool = True
    time_limit_s: float = 20.0
    gap_rel: float = 0.01
    solver: str = "highs"
    weights: Weights = field(default_factory=Weights)

    def __hash__(self) -> int:  # mappings are not hashable; hash a stable summary instead
        return hash((self.profile, self.days, self.daily_vitamin_d, self.locked))

    def summary(self) -> dict[str, object]:
        """JSON-ready description of the request (stored with saved plans)."""
        return {
            "profile": self.profile.to_dict(),
            "days": self.days,
            "daily_vitamin_d": self.daily_vitamin_d,
            "allow_fortified": self.allow_fortified,
            "locked": [vars(item) for item in self.locked],
            "exact_days": list(self.exact_days),
            "exclude_foods": list(self.exclude_foods),
            "like_foods": list(self.like_foods),
            "avoid_foods": dict(self.avoid_foods),
            "target_overrides": {k: list(v) for k, v in self.target_overrides.items()},
            "min_distinct_foods": self.min_distinct_foods,
            "max_days_per_food": self.max_days_per_food,
            "solver": self.solver,
            "gap_rel": self.gap_rel,
            "time_limit_s": self.time_limit_s,
        }


def _unknown(ids: tuple[str, ...], foods: pd.DataFrame) -> list[str]:
    return [i for i in ids if i not in foods.index]


def check_request(request: PlanRequest, foods: pd.DataFrame) -> None:
    """Refuse a request that cannot be planned as asked, naming the field and the fix.

    Raises
    ------
    PlanRequestError
        For out-of-range options, unknown food ids, impossible locks, or locks that alone
        break the budget.
    """
    problems: list[str] = []
    if not 1 <= request.days <= 7:
        problems.append(f"days: {request.days} is outside 1–7; plan between 1 and 7 days")
    if request.solver not in ("highs", "cbc"):
        problems.append(f"solver: {request.solver!r} is unknown; use 'highs' or 'cbc'")
    if not 0 < request.gap_rel <= 0.2:
        problems.append(f"gap_rel: {request.gap_rel} must be above 0 and at most 0.2")
    if not 0.5 <= request.time_limit_s <= 600:
        problems.append(f"time_limit_s: {request.time_limit_s} must be within 0.5–600 s")
    bad_days = [d for d in request.exact_days if not 1 <= d <= request.days]
    if bad_days:
        problems.append(f"exact_days: {bad_days} outside 1–{request.days}")
    if not 1 <= request.max_days_per_food <= 7:
        problems.append(f"max_days_per_food: {request.max_days_per_food} must be within 1–7")
    if not 0 <= request.min_distinct_foods <= 30:
        problems.append(f"min_distinct_foods: {request.min_distinct_foods} must be within 0–30")
    profile = request.profile
    for name, ids in (
        ("exclude_foods", profile.exclude_foods + request.exclude_foods),
        ("like_foods", profile.like_foods + request.like_foods),
        ("avoid_foods", tuple(request.avoid_foods)),
    ):
        missing = _unknown(tuple(ids), foods)
        if missing:
            problems.append(
                f"{name}: unknown food id(s) {', '.join(missing)}; "
                "see `cramp-planner foods list` for ids"
            )
    excluded = set(profile.exclude_foods) | set(request.exclude_foods)
    locked_cost = [0.0] * 8
    for item in request.locked:
        where = f"locked item {item.food_id!r} (day {item.day}, {item.slot})"
        if item.food_id not in foods.index:
            problems.append(f"{where}: unknown food id; pick one from the catalogue")
            continue
        row = foods.loc[item.food_id]
        if not 1 <= item.day <= request.days:
            problems.append(f"{where}: day must be within 1–{request.days}")
        if item.slot not in row["slots"]:
            problems.append(
                f"{where}: not eaten at {item.slot}; allowed slots: {', '.join(row['slots'])}"
            )
        step = 0.5 if row["allow_half"] else 1.0
        if item.servings <= 0 or (item.servings / step) % 1 > 1e-9:
            problems.append(
                f"{where}: servings {item.servings:g} must be a positive multiple of {step:g}"
            )
        if item.servings > row["max_servings_per_day"]:
            problems.append(
                f"{where}: {item.servings:g} servings exceed its daily maximum "
                f"{row['max_servings_per_day']:g}"
            )
        if item.food_id in excluded:
            problems.append(f"{where}: the food is also excluded; remove one of the two")
        if 1 <= item.day <= 7:
            grams = item.servings * row["serving_g"]
            locked_cost[item.day] += grams / 1000 * row["price_usd_per_kg"]
    budget = profile.budget_usd_per_day
    if budget is not None:
        for day, cost in enumerate(locked_cost):
            if cost > budget:
                problems.append(
                    f"locked items on day {day} cost ${cost:.2f}, above the budget of "
                    f"${budget:.2f}/day; unlock something or raise budget_usd_per_day"
                )
    if problems:
        raise PlanRequestError("the plan request cannot be planned:\n- " + "\n- ".join(problems))
