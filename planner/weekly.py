"""Planning a saved profile's week: the person's own foods, prices and week-to-week rotation.

:func:`user_foods` joins the catalogue with the person's custom foods and price overrides from
the store. :func:`plan_saved_week` plans a week for a saved profile, penalising the foods of
its previous saved week so consecutive weeks differ, and saves the plan before returning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from foods.catalog import build_food_table, load_catalog
from planner.optimize import plan_week
from planner.plan import Plan
from planner.profile import profile_from_dict
from planner.request import PlanRequest
from planner.store import Store

#: Default strength of the rotation penalty (1 = ``Weights.rotation_usd`` per serving).
ROTATION_STRENGTH = 1.0


def user_foods(store: Store | None) -> pd.DataFrame:
    """The catalogue plus the store's custom foods, with the person's price overrides."""
    if store is None:
        return load_catalog()
    rows = store.list_custom_foods()
    extra = []
    if rows:
        frame = pd.DataFrame(rows)
        extra.append(build_food_table(frame, "saved custom foods", origin="custom"))
    return load_catalog(extra, store.price_overrides())


def existing_user_foods() -> pd.DataFrame:
    """The catalogue plus the local store's foods and prices, if a store exists (never creates)."""
    from planner.store import DB_FILENAME, default_data_dir

    if not (default_data_dir() / DB_FILENAME).exists():
        return load_catalog()
    with Store.open() as store:
        return user_foods(store)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())


def foods_of(plan: Mapping[str, Any]) -> set[str]:
    """The food ids eaten anywhere in a plan JSON."""
    return {
        item["food_id"]
        for day in plan.get("days", [])
        for meal in day.get("meals", [])
        for item in meal.get("items", [])
    }


def jaccard_distance(a: set[str], b: set[str]) -> float:
    """1 − |a ∩ b| / |a ∪ b| (0 = same foods, 1 = nothing in common)."""
    union = a | b
    return 0.0 if not union else 1.0 - len(a & b) / len(union)


def rotation_penalties(
    previous: Mapping[str, Any] | None,
    strength: float = ROTATION_STRENGTH,
    exempt: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Foods of the previous week's plan → penalty weight (drinks, salt and oil exempt)."""
    if previous is None or strength <= 0:
        return {}
    return {f: strength for f in foods_of(previous) if f not in exempt}


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
        Penalty weight on the previous saved week's foods (0 = no rotation).
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
    staples = frozenset(foods.index[foods["category"].isin(["beverage", "condiment", "fat_oil"])])
    avoid = rotation_penalties(previous.plan if previous else None, rotation_strength, staples)
    avoid = {f: w for f, w in avoid.items() if f in foods.index}
    base = request or PlanRequest(profile=profile)
    req = replace(base, profile=profile, avoid_foods=avoid)
    plan = plan_week(req, foods)
    saved_id = None
    if save and plan.ok:
        summary = req.summary() | {"week_start": monday.isoformat()}
        saved_id = store.save_plan(
            plan.to_dict(), summary, profile_name=profile_name, week_start=monday
        )
    return plan, saved_id, req
