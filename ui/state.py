"""Per-person state of the dashboard and the cached calls into the planner.

Session state holds one JSON-ready *request* dict (the canonical description of what to plan);
every page reads it and every control changes it through the helpers below. The plan is never
stored as truth: it is always ``cached_plan(request, foods)``, so a page that changes the
request simply reruns and gets the matching plan (instantly when it was solved before).

Keys of ``st.session_state`` used here
--------------------------------------
``request``
    ``{"profile": {...}, "days", "daily_vitamin_d", "allow_fortified", "locked": [...],
    "pinned": [...], "avoid_foods": {...}, "target_overrides": {key: [min, max]}}``.
    ``locked`` are the person's own locks; ``pinned`` and ``avoid_foods`` belong to a
    "new menu for one day" request and are dropped by any other change.
``planned``
    The request the shown plan answers. Usually equal to ``request``; locking or unlocking
    an item changes only ``request`` (the lock applies from the next re-plan), so the plan on
    screen does not reshuffle when a person locks something they like.
``profile_name``
    The saved profile the form was loaded from or saved as (None = unsaved).
``is_demo``
    True until the person submits their own profile (the start page says it is a demo).
``have``
    ``{food_id: grams}`` already at home (Shopping list page).
``notice``
    A one-time success message shown after an action, e.g. "Profile saved".
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from planner.optimize import plan_week
from planner.profile import demo_profile, profile_from_dict
from planner.request import LockedItem, PlanRequest
from planner.store import Store
from planner.textfmt import md_escape
from planner.weekly import Skipped, user_food_table, user_foods

K_REQUEST = "request"
K_PLANNED = "planned"
K_PROFILE_NAME = "profile_name"
K_IS_DEMO = "is_demo"
K_HAVE = "have"
K_NOTICE = "notice"
K_FORM_VERSION = "form_version"

#: Weight of the rotation penalty on the foods of a day being replaced ("new menu"):
#: 5 × ``Weights.rotation_usd`` per serving, strong enough to change the menu while
#: targets still win (they are penalised thousands of dollars).
REGENERATE_AVOID_WEIGHT = 5.0
#: Categories that stay in a regenerated day (drinks, oils, salt are used every day).
STAPLES = frozenset({"beverage", "condiment", "fat_oil"})


def default_request() -> dict[str, Any]:
    """The first-load request: the demo profile, a full week, weekly vitamin D."""
    return {
        "profile": demo_profile().to_dict(),
        "days": 7,
        "daily_vitamin_d": False,
        "allow_fortified": True,
        "locked": [],
        "pinned": [],
        "avoid_foods": {},
        "target_overrides": {},
    }


def init_state() -> None:
    """Fill the session state with defaults the first time a session runs a page."""
    st.session_state.setdefault(K_REQUEST, default_request())
    st.session_state.setdefault(K_PLANNED, st.session_state[K_REQUEST])
    st.session_state.setdefault(K_PROFILE_NAME, None)
    st.session_state.setdefault(K_IS_DEMO, True)
    st.session_state.setdefault(K_HAVE, {})
    st.session_state.setdefault(K_FORM_VERSION, 0)


def get_request() -> dict[str, Any]:
    """A deep copy of the current request dict (change it, then :func:`set_request`)."""
    init_state()
    return copy.deepcopy(st.session_state[K_REQUEST])


def set_request(
    request: Mapping[str, Any], *, keep_regenerate: bool = False, replan: bool = True
) -> None:
    """Make ``request`` current; drop a one-day "new menu" unless ``keep_regenerate``.

    With ``replan=False`` the plan on screen stays as it is until the next change that
    re-plans (used for locks).
    """
    new = copy.deepcopy(dict(request))
    if not keep_regenerate:
        new["pinned"] = []
        new["avoid_foods"] = {}
    days = int(new.get("days", 7))
    new["locked"] = [item for item in new.get("locked", []) if int(item["day"]) <= days]
    st.session_state[K_REQUEST] = new
    if replan:
        st.session_state[K_PLANNED] = copy.deepcopy(new)


def reset_form() -> None:
    """Make the sidebar form re-read the request (after a load or a one-click fix)."""
    st.session_state[K_FORM_VERSION] = st.session_state.get(K_FORM_VERSION, 0) + 1


def notify(message: str) -> None:
    """Queue a success message for the next run of the page."""
    st.session_state[K_NOTICE] = message


def show_notice() -> None:
    """Show (once) the message queued by :func:`notify`."""
    message = st.session_state.pop(K_NOTICE, None)
    if message:
        st.success(md_escape(message), icon=":material/check_circle:")


# --- request ↔ PlanRequest ------------------------------------------------------------------


def request_json(request: Mapping[str, Any]) -> str:
    """Canonical JSON text of a request dict (the cache key of a plan)."""
    return json.dumps(request, sort_keys=True, separators=(",", ":"))


def _locks(request: Mapping[str, Any]) -> tuple[LockedItem, ...]:
    """The person's locks plus a "new menu" request's pinned items, without duplicates."""
    seen: dict[tuple[int, str, str], LockedItem] = {}
    for item in [*request.get("pinned", []), *request.get("locked", [])]:
        lock = LockedItem(
            int(item["day"]), str(item["slot"]), str(item["food_id"]), float(item["servings"])
        )
        seen[(lock.day, lock.slot, lock.food_id)] = lock
    return tuple(seen.values())


def build_request(request: Mapping[str, Any]) -> PlanRequest:
    """Turn a request dict into a validated :class:`PlanRequest`.

    Raises
    ------
    ProfileError
        When the profile breaks a rule (the message names the field and the fix).
    """
    overrides = {
        key: (bounds[0], bounds[1]) for key, bounds in request.get("target_overrides", {}).items()
    }
    return PlanRequest(
        profile=profile_from_dict(request["profile"]),
        days=int(request.get("days", 7)),
        daily_vitamin_d=bool(request.get("daily_vitamin_d", False)),
        allow_fortified=bool(request.get("allow_fortified", True)),
        locked=_locks(request),
        exact_days=tuple(sorted({int(p["day"]) for p in request.get("pinned", [])})),
        avoid_foods=dict(request.get("avoid_foods", {})),
        target_overrides=overrides,
    )


# --- the store and the food table ---------------------------------------------------------


@contextmanager
def open_store() -> Iterator[Store]:
    """Open the SQLite store for one use (a store belongs to the thread that opened it)."""
    store = Store.open()
    try:
        yield store
    finally:
        store.close()


def foods_snapshot() -> str:
    """JSON of the person's custom foods and prices: the cache key of their food table."""
    with open_store() as store:
        data = {"custom": store.list_custom_foods(), "prices": store.price_overrides()}
    return json.dumps(data, sort_keys=True)


@st.cache_resource(show_spinner=False, max_entries=8)
def food_table(snapshot: str) -> pd.DataFrame:
    """The catalogue + custom foods + price overrides (read-only; keyed by the snapshot)."""
    del snapshot  # the key only: the table is read from the store it describes
    with open_store() as store:
        return user_foods(store)


def current_foods() -> pd.DataFrame:
    """The person's food table as it is in the store now (cached)."""
    return food_table(foods_snapshot())


def skipped_records() -> list[Skipped]:
    """Saved foods and prices that no longer fit the food tables (left out of every plan)."""
    with open_store() as store:
        return user_food_table(store)[1]


@st.cache_data(show_spinner=False, max_entries=64)
def cached_plan(request_text: str, snapshot: str) -> dict[str, Any]:
    """Solve the request (JSON of a request dict) over the snapshot's food table.

    Returns ``Plan.to_dict()``. Invalid requests raise (:class:`~foods.errors.UserError`
    subclasses) and are not cached.
    """
    request = build_request(json.loads(request_text))
    return plan_week(request, food_table(snapshot)).to_dict()


def planned_request() -> dict[str, Any]:
    """A copy of the request the plan on screen answers."""
    init_state()
    return copy.deepcopy(st.session_state[K_PLANNED])


def current_plan() -> dict[str, Any]:
    """The plan on screen (of :func:`planned_request`), solving it with a spinner if needed.

    Raises
    ------
    UserError
        When the request cannot be planned (the message names the field and the fix).
    """
    request = planned_request()
    snapshot = foods_snapshot()
    days = request.get("days", 7)
    with st.spinner(f"Planning {days} day{'s' if days != 1 else ''} of meals…"):
        return cached_plan(request_json(request), snapshot)


def plan_foods(plan: Mapping[str, Any]) -> list[tuple[int, str, Mapping[str, Any]]]:
    """Every item of a plan as ``(day, slot, item)``."""
    return [
        (int(day["day"]), str(meal["slot"]), item)
        for day in plan.get("days", [])
        for meal in day.get("meals", [])
        for item in meal.get("items", [])
    ]
