"""Planning a saved profile's week: the person's own foods, prices and week-to-week rotation.

:func:`user_foods` joins the catalogue with the person's custom foods and price overrides from
the store. :func:`plan_saved_week` plans a week for a saved profile, penalising the dishes of
its previous saved week so consecutive weeks differ, and saves the plan before returning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from foods.catalog import build_food_table, load_catalog
from foods.errors import UserError
from foods.text import one_line
from planner.optimiser.week import plan_week
from planner.plan import Plan
from planner.profile import profile_from_dict
from planner.request import PlanRequest
from planner.store import Store

#: Default strength of the rotation penalty (1 = ``Weights.repeat_usd`` per dish).
ROTATION_STRENGTH = 1.0


@dataclass(frozen=True)
class Skipped:
    """A saved food or price that no longer fits the food tables and is left out.

    ``kind`` is ``"custom_food"`` or ``"price"``; ``reason`` says why, ``command`` removes it.
    """

    kind: str
    food_id: str
    reason: str

    @property
    def command(self) -> str:
        """The CLI command that removes the record."""
        verb = "remove" if self.kind == "custom_food" else "clear-price"
        return f"cramp-planner foods {verb} {self.food_id}"

    def message(self) -> str:
        """One line for a person: what is left out, why, and how to remove it."""
        what = "your food" if self.kind == "custom_food" else "your price for"
        return (
            f"{what} {self.food_id!r} is left out: {self.reason}; remove it with `{self.command}`"
        )


def user_food_table(store: Store) -> tuple[pd.DataFrame, list[Skipped]]:
    """The catalogue plus the store's custom foods, with the person's price overrides, and
    the saved records that had to be left out (never fatal: one bad record must not lock a
    person out of planning)."""
    catalog = load_catalog()
    skipped: list[Skipped] = []
    extra = []
    for row in store.list_custom_foods():
        food_id = str(row.get("food_id", ""))
        if food_id in catalog.index:
            reason = "the catalogue now has a food with this id; add yours again under a new id"
            skipped.append(Skipped("custom_food", food_id, reason))
            continue
        try:
            extra.append(build_food_table(pd.DataFrame([row]), food_id, origin="custom"))
        except UserError as exc:
            skipped.append(Skipped("custom_food", food_id, one_line(exc)))
    known = set(catalog.index).union(*(set(t.index) for t in extra))
    prices = {}
    for food_id, price in store.price_overrides().items():
        if food_id in known:
            prices[food_id] = price
        else:
            skipped.append(Skipped("price", food_id, "no food has this id any more"))
    return load_catalog(extra, prices), skipped


def user_foods(store: Store | None) -> pd.DataFrame:
    """The catalogue plus the store's usable custom foods and prices (see
    :func:`user_food_table` for what is left out)."""
    if store is None:
        return load_catalog()
    return user_food_table(store)[0]


def existing_user_foods(notes: list[str] | None = None) -> pd.DataFrame:
    """The catalogue plus the local store's foods and prices, if a store exists (never creates
    one). Messages about saved records that are left out are appended to ``notes``."""
    from planner.store import DB_FILENAME, default_data_dir

    if not (default_data_dir() / DB_FILENAME).exists():
        return load_catalog()
    with Store.open() as store:
        table, skipped = user_food_table(store)
    if notes is not None:
        notes.extend(s.message() for s in skipped)
    return table


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())


def _entries(value: object, key: str) -> list[Mapping[str, Any]]:
    """The mappings listed under ``key`` of ``value`` (anything else is ignored)."""
    found = value.get(key) if isinstance(value, Mapping) else None
    return [v for v in found if isinstance(v, Mapping)] if isinstance(found, list) else []


def foods_of(plan: Mapping[str, Any]) -> set[str]:
    """The food ids eaten anywhere in a plan JSON (parts that are not in the plan shape, as in
    a record edited outside cramp-planner, are ignored)."""
    return {
        item["food_id"]
        for day in _entries(plan, "days")
        for meal in _entries(day, "meals")
        for item in _entries(meal, "items")
        if isinstance(item.get("food_id"), str)
    }


def dishes_of(plan: Mapping[str, Any]) -> set[str]:
    """The dish ids served anywhere in a plan JSON (older plans without dishes give none)."""
    return {
        dish["dish_id"]
        for day in _entries(plan, "days")
        for meal in _entries(day, "meals")
        for dish in _entries(meal, "dishes")
        if isinstance(dish.get("dish_id"), str)
    }


def jaccard_distance(a: set[str], b: set[str]) -> float:
    """1 − |a ∩ b| / |a ∪ b| (0 = same foods, 1 = nothing in common)."""
    union = a | b
    return 0.0 if not union else 1.0 - len(a & b) / len(union)


def rotation_penalties(
    previous: Mapping[str, Any] | None, strength: float = ROTATION_STRENGTH
) -> dict[str, float]:
    """Dishes of the previous week's plan → penalty weight (so next week brings others)."""
    if previous is None or strength <= 0:
        return {}
    return {d: strength for d in dishes_of(previous)}


def plan_saved_week(
    store: Store,
    profile_name: str,
    week_of: dt.date,
    *,
    request: PlanRequest | None = None,
    rotation_strength: float = ROTATION_STRENGTH,
    save: bool = True,
) -> tuple[Plan, int | None, PlanRequest]:
    """Plan the week of ``week_of`` for a saved profile and (by default) save it.

    Parameters
    ----------
    store : Store
        The open SQLite store.
    profile_name : str
        A saved profile (``cramp-planner profile save``).
    week_of : date
        Any day of the week; the plan is stored under that week's Monday.
    request : PlanRequest, optional
        Options to use (its profile is replaced by the saved one); default 7 days.
    rotation_strength : float
        Penalty weight on the previous saved week's dishes (0 = no rotation).
    save : bool
        Save the plan (with its request) before returning.

    Returns
    -------
    (Plan, saved plan id or None, the request used)
    """
    profile = profile_from_dict(store.get_profile(profile_name))
    monday = week_start(week_of)
    previous = store.latest_plan(profile_name, before_week=monday)
    foods = user_foods(store)
    avoid = rotation_penalties(previous.plan if previous else None, rotation_strength)
    base = request or PlanRequest(profile=profile)
    req = replace(base, profile=profile, avoid_dishes=avoid)
    plan = plan_week(req, foods)
    saved_id = None
    if save and plan.ok:
        summary = req.summary() | {"week_start": monday.isoformat()}
        saved_id = store.save_plan(
            plan.to_dict(), summary, profile_name=profile_name, week_start=monday
        )
    return plan, saved_id, req
