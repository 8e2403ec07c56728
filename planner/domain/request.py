"""A plan request: who the plan is for, what it may use, and how the optimiser weighs it.

:func:`check_request` validates a :class:`PlanRequest` against the dish library before
anything is built, so every problem a person can fix (a lock on an unknown dish, a dish in a
meal it does not suit, a day outside the plan) comes back as one :class:`PlanRequestError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from foods.errors import UserError
from planner.domain.profile import SLOTS, Profile

if TYPE_CHECKING:
    from foods.dishes import Dish

__all__ = [
    "SLOTS",
    "LockedDish",
    "PlanRequest",
    "PlanRequestError",
    "Weights",
    "check_request",
]

#: Default for the most times one dish may appear in a week.
MAX_DISH_PER_WEEK = 2
#: Default most seconds one day's search may take (see ``PlanRequest.day_time_limit_s``).
DAY_TIME_LIMIT_S = 0.5


class PlanRequestError(UserError):
    """A plan request that cannot be planned as asked; the message names the field and fix."""


@dataclass(frozen=True)
class LockedDish:
    """A dish kept in a meal: ``portion`` servings of ``dish_id`` in ``slot`` on ``day``
    (day counts from 1). A side food can be locked the same way by its food id."""

    day: int
    slot: str
    dish_id: str
    portion: float = 1.0


@dataclass(frozen=True)
class Weights:
    """Objective weights, all in US dollars a day so they compare with food cost.

    ``shortfall_usd``: a 100 % shortfall of a nutrient target on one day (1 % costs 1/100
    of it), far above everything else, so a plan falls short only where no allowed menu can
    close the gap. ``unreachable_usd``: the same for a minimum that not even the LP
    relaxation over every option of the person reaches (magnesium under a kidney patient's
    potassium cap); with kidney disease or a potassium-raising medicine, magnesium, calcium,
    zinc, fibre and vitamin D always count so, because the safety limits come first. They
    stay as close as the other aims allow and are explained.

    Among plans that meet the targets: ``hei_point_usd`` per Healthy Eating Index point
    lost; ``pattern_usd`` per 100 % of a Dietary Guidelines food-group amount missed;
    ``energy_usd`` per 10 % of energy away from the EER; ``meal_share_usd`` per 10 % of the
    day's energy a meal is outside its share; ``portion_usd`` per half portion away from a
    normal one; ``repeat_usd`` for a dish the other half of the week (or the previous week)
    already has; ``empty_meal_usd`` for a main meal without a main dish (a fifth of a full
    shortfall: people eat meals, so under tight limits the plan serves a dish and lets a
    nutrient fall short, explained). Food cost counts at ``cost_weight`` per dollar (1, or
    lower with a generous budget: :func:`planner.optimiser.week.cost_weight`); with no
    budget each dollar a day above the USDA Thrifty Food Plan's cost for the person costs
    ``over_thrifty_usd`` more, so a default plan stays within what a thrifty household
    spends. ``docs/optimiser.md`` explains how each value was chosen.
    """

    shortfall_usd: float = 2_000.0
    unreachable_usd: float = 60.0
    hei_point_usd: float = 0.35
    pattern_usd: float = 10.0
    energy_usd: float = 3.0
    meal_share_usd: float = 2.0
    portion_usd: float = 0.5
    repeat_usd: float = 0.6
    empty_meal_usd: float = 400.0
    over_thrifty_usd: float = 20.0


@dataclass(frozen=True)
class PlanRequest:
    """Everything the optimiser needs besides the food table and the dish library.

    Parameters
    ----------
    profile : Profile
        The person (the profile of docs/contract.md).
    days : int
        Number of days to plan, 1–7.
    daily_vitamin_d : bool
        Meet vitamin D every day instead of as a weekly average (the default: it is stored).
    allow_fortified : bool
        Whether fortified foods (vitamin-D milk, fortified soy milk, cereal, ...) may be used.
    locked : tuple of LockedDish
        Dishes (or side foods) the plan must keep where they are.
    exact_days : tuple of int
        Days that hold their locked dishes and nothing else (the dashboard keeps every other
        day exactly as it was when one day gets a new menu).
    forbidden : tuple of (day, slot, dish_id)
        Dishes not to use in that meal (the dashboard's "swap").
    exclude_foods, like_foods, exclude_dishes : tuple of str
        Extra ids or plain names beyond the profile's lists.
    avoid_dishes : mapping dish_id → weight
        Dishes to rotate away from (the previous week's); weight 1 = ``repeat_usd``.
    target_overrides : mapping key → (min, max)
        Tightened targets from the dashboard's Targets page.
    max_dish_per_week : int
        Most times one dish appears in the week, 1–7.
    time_limit_s : float
        Wall-clock limit for the whole plan, seconds.
    day_time_limit_s : float
        Most seconds one day's search may take; a day stopped by it keeps its best menu
        and reports its proven gap (the default keeps a week under about 2.5 s).
    gap_rel : float
        Relative MIP gap at which a day may stop (0.01 = 1 %).
    solver : str
        ``"highs"`` (default) or ``"cbc"``.
    """

    profile: Profile
    days: int = 7
    daily_vitamin_d: bool = False
    allow_fortified: bool = True
    locked: tuple[LockedDish, ...] = ()
    exact_days: tuple[int, ...] = ()
    forbidden: tuple[tuple[int, str, str], ...] = ()
    exclude_foods: tuple[str, ...] = ()
    like_foods: tuple[str, ...] = ()
    exclude_dishes: tuple[str, ...] = ()
    avoid_dishes: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    target_overrides: Mapping[str, tuple[float | None, float | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    max_dish_per_week: int = MAX_DISH_PER_WEEK
    time_limit_s: float = 20.0
    day_time_limit_s: float = DAY_TIME_LIMIT_S
    gap_rel: float = 0.01
    solver: str = "highs"
    weights: Weights = field(default_factory=Weights)

    def __hash__(self) -> int:  # mappings are not hashable; hash a stable summary instead
        return hash((self.profile, self.days, self.daily_vitamin_d, self.locked, self.forbidden))

    def summary(self) -> dict[str, object]:
        """JSON-ready description of the request (stored with saved plans)."""
        return {
            "profile": self.profile.to_dict(),
            "days": self.days,
            "daily_vitamin_d": self.daily_vitamin_d,
            "allow_fortified": self.allow_fortified,
            "locked": [vars(item) for item in self.locked],
            "exact_days": list(self.exact_days),
            "forbidden": [list(f) for f in self.forbidden],
            "exclude_foods": list(self.exclude_foods),
            "like_foods": list(self.like_foods),
            "exclude_dishes": list(self.exclude_dishes),
            "avoid_dishes": dict(self.avoid_dishes),
            "target_overrides": {k: list(v) for k, v in self.target_overrides.items()},
            "max_dish_per_week": self.max_dish_per_week,
            "solver": self.solver,
            "gap_rel": self.gap_rel,
            "time_limit_s": self.time_limit_s,
            "day_time_limit_s": self.day_time_limit_s,
        }


def check_request(request: PlanRequest, dishes: Mapping[str, Dish], food_ids: set[str]) -> None:
    """Refuse a request that cannot be planned as asked, naming the field and the fix.

    ``dishes`` is the dish library and ``food_ids`` the food table's ids (a lock may name a
    side food).

    Raises
    ------
    PlanRequestError
        For out-of-range options, locks on unknown dishes, in meals they do not suit, or on
        days outside the plan.
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
    if not 0.05 <= request.day_time_limit_s <= 600:
        problems.append(f"day_time_limit_s: {request.day_time_limit_s} must be within 0.05–600 s")
    if not 1 <= request.max_dish_per_week <= 7:
        problems.append(f"max_dish_per_week: {request.max_dish_per_week} must be within 1–7")
    bad_days = [d for d in request.exact_days if not 1 <= d <= request.days]
    if bad_days:
        problems.append(f"exact_days: {bad_days} outside 1–{request.days}")
    for lock in request.locked:
        problems += _lock_problems(lock, request, dishes, food_ids)
    if problems:
        raise PlanRequestError("the plan request cannot be planned:\n- " + "\n- ".join(problems))


def _lock_problems(
    lock: LockedDish, request: PlanRequest, dishes: Mapping[str, Dish], food_ids: set[str]
) -> list[str]:
    where = f"locked {lock.dish_id!r} (day {lock.day}, {lock.slot})"
    problems = []
    if lock.dish_id not in dishes and lock.dish_id not in food_ids:
        problems.append(f"{where}: no dish or food has this id; pick one from the plan")
    elif lock.dish_id in dishes and lock.slot not in dishes[lock.dish_id].meals:
        suits = ", ".join(dishes[lock.dish_id].meals)
        problems.append(f"{where}: the dish is eaten at {suits}, not {lock.slot}")
    if not 1 <= lock.day <= request.days:
        problems.append(f"{where}: day must be within 1–{request.days}")
    if lock.slot not in request.profile.meals_to_plan:
        problems.append(f"{where}: {lock.slot} is not among the meals to plan")
    if not 0.5 <= lock.portion <= 2 or (lock.portion * 2) % 1:
        problems.append(f"{where}: portion {lock.portion:g} must be 0.5, 1, 1.5 or 2")
    return problems
