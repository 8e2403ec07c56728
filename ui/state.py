"""Per-person state of the dashboard and the cached calls into the planner.

Session state holds one JSON-ready *request* dict (the canonical description of what to plan);
every page reads it and every control changes it through the helpers below. The plan is never
stored as truth: it is always ``cached_plan(request, foods)``, so a page that changes the
request simply reruns and gets the matching plan (instantly when it was solved before).

Keys of ``st.session_state`` used here
--------------------------------------
``request``
    ``{"profile": {...}, "days", "daily_vitamin_d", "allow_fortified", "locked": [...],
    "pinned": [...], "forbidden": [...], "avoid_dishes": {...}, "target_overrides":
    {key: [min, max]}}``. ``locked`` and ``pinned`` hold ``{"day", "slot", "dish_id",
    "portion"}`` entries (``dish_id`` may name a side food, ``portion`` is then its
    servings); ``forbidden`` holds ``[day, slot, dish_id]`` triples; ``avoid_dishes`` maps a
    dish id to a rotation weight. ``locked`` are the person's own locks; ``pinned``,
    ``forbidden`` and ``avoid_dishes`` belong to one action ("swap", "new menu for a day")
    and are dropped by any other change. A day with pins is kept exactly as pinned, except
    a day that also has a forbidden dish: that day is planned again around its pins (swap).
``planned``
    The request the shown plan answers. Usually equal to ``request``; locking or unlocking
    a meal changes only ``request`` (the lock applies from the next re-plan), so the plan on
    screen does not reshuffle when a person locks something they like.
``profile_name``
    The saved profile the form was loaded from or saved as (None = unsaved).
``is_demo``
    True until the person submits their own profile (the start page says it is a demo).
``have``
    ``{food_id: grams}`` already at home (Shopping list page).
``notice``
    A one-time success message shown after an action, e.g. "Profile saved".

Requests from older versions (saved plans with ``food_id``/``servings`` locks or
``avoid_foods``) and damaged ones are read by :func:`clean_request`: what cannot be mapped
is dropped, so a saved plan never locks a person out.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

# The decorators from their module: through ``st.`` mypy meets Streamlit's import cycle
# ("Cannot determine type of cache_data").
from streamlit.runtime.caching import cache_data, cache_resource

from foods.dishes import bundled_dishes
from planner import services
from planner.domain.plan import Meal, Plan
from planner.domain.profile import SLOTS, Profile, demo_profile, profile_from_dict
from planner.domain.request import LockedDish, PlanRequest
from planner.outputs.textfmt import md_escape
from planner.services import Skipped

K_REQUEST = "request"
K_PLANNED = "planned"
K_PROFILE_NAME = "profile_name"
K_IS_DEMO = "is_demo"
K_HAVE = "have"
K_NOTICE = "notice"
K_FORM_VERSION = "form_version"

#: Rotation weight on the dishes of a day that gets a new menu: 5 × ``Weights.repeat_usd``
#: per use, strong enough to change the menu while targets still win (they are penalised
#: thousands of dollars).
REGENERATE_AVOID_WEIGHT = 5.0
#: Fields that belong to one action ("swap", "new menu for a day").
ONE_OFF_KEYS: tuple[str, ...] = ("pinned", "forbidden", "avoid_dishes")
#: Portions a lock may take: a dish ½–2 portions, a side food 1 or 2 servings.
DISH_PORTIONS: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0)
SIDE_SERVINGS: tuple[float, ...] = (1.0, 2.0)


def default_request() -> dict[str, Any]:
    """The first-load request: the demo profile, a full week, weekly vitamin D."""
    return {
        "profile": demo_profile().to_dict(),
        "days": 7,
        "daily_vitamin_d": False,
        "allow_fortified": True,
        "locked": [],
        "pinned": [],
        "forbidden": [],
        "avoid_dishes": {},
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
    """A cleaned copy of the current request dict (change it, then :func:`set_request`)."""
    init_state()
    return clean_request(st.session_state[K_REQUEST])


def set_request(
    request: Mapping[str, Any], *, keep_one_off: bool = False, replan: bool = True
) -> None:
    """Make ``request`` current; drop the one-action fields unless ``keep_one_off``.

    With ``replan=False`` the plan on screen stays as it is until the next change that
    re-plans (used for locks).
    """
    new = clean_request(request)
    if not keep_one_off:
        new |= {key: default_request()[key] for key in ONE_OFF_KEYS}
    new["locked"] = [item for item in new["locked"] if item["day"] <= new["days"]]
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


# --- reading a request dict, tolerantly ----------------------------------------------------


def _whole(value: Any) -> int | None:
    """A whole number (``3``, ``3.0``), else None (``True``, ``"3"``, ``2.5``, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    return int(value)


def _number(value: Any) -> float | None:
    """A finite number, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _nearest(value: float, allowed: tuple[float, ...]) -> float:
    return min(allowed, key=lambda a: (abs(a - value), a))


def clean_lock(entry: Any) -> dict[str, Any] | None:
    """A lock or pin as ``{"day", "slot", "dish_id", "portion"}``, or None if unusable.

    Older requests locked foods (``food_id`` and ``servings``); such a lock becomes a lock of
    that id (a side food, if it still is one) with its servings rounded to a portion.
    """
    if not isinstance(entry, Mapping):
        return None
    day, slot = _whole(entry.get("day")), entry.get("slot")
    key = entry.get("dish_id", entry.get("food_id"))
    portion = _number(entry.get("portion", entry.get("servings", 1.0)))
    if day is None or day < 1 or slot not in SLOTS or not isinstance(key, str) or not key:
        return None
    if portion is None or portion <= 0:
        return None
    return {"day": day, "slot": slot, "dish_id": key, "portion": _nearest(portion, DISH_PORTIONS)}


def _legacy_lock(entry: Any) -> bool:
    return isinstance(entry, Mapping) and "dish_id" not in entry


def clean_pins(entries: Any) -> list[dict[str, Any]]:
    """Pins of a request: all of them, or none when one is unusable or of the older shape
    (a day kept "exactly" with part of its meals would lose the rest)."""
    if not isinstance(entries, list) or any(_legacy_lock(e) for e in entries):
        return []
    pins = [clean_lock(e) for e in entries]
    return [p for p in pins if p is not None] if None not in pins else []


def clean_forbidden(entries: Any) -> list[list[Any]]:
    """``[day, slot, dish_id]`` triples; anything else is dropped."""
    out: list[list[Any]] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            continue
        day, slot, key = _whole(entry[0]), entry[1], entry[2]
        if day is not None and day >= 1 and slot in SLOTS and isinstance(key, str) and key:
            if [day, slot, key] not in out:
                out.append([day, slot, key])
    return out


def _clean_weights(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        return {}
    weights = {str(k): _number(v) for k, v in value.items() if isinstance(k, str)}
    return {k: w for k, w in weights.items() if w is not None and w > 0}


def _clean_overrides(value: Any) -> dict[str, list[float | None]]:
    if not isinstance(value, Mapping):
        return {}
    out = {}
    for key, bounds in value.items():
        if not isinstance(key, str) or not isinstance(bounds, list | tuple) or len(bounds) != 2:
            continue
        if all(b is None or _number(b) is not None for b in bounds):
            out[key] = [None if b is None else float(b) for b in bounds]
    return out


def clean_request(raw: Any) -> dict[str, Any]:
    """A well-formed request dict from whatever is stored (see the module docstring).

    The profile is copied as it is (it is validated, with a message naming the field and
    the fix, when the request is planned); every other part that cannot be read is replaced
    by its default or dropped.
    """
    if not isinstance(raw, Mapping):
        return default_request()
    days = _whole(raw.get("days"))
    entries = raw.get("locked")
    locks = [clean_lock(e) for e in entries] if isinstance(entries, list) else []
    return {
        "profile": copy.deepcopy(dict(raw["profile"]))
        if isinstance(raw.get("profile"), Mapping)
        else {},
        "days": min(max(days, 1), 7) if days is not None else 7,
        "daily_vitamin_d": raw.get("daily_vitamin_d") is True,
        "allow_fortified": raw.get("allow_fortified") is not False,
        "locked": [lock for lock in locks if lock is not None],
        "pinned": clean_pins(raw.get("pinned")),
        "forbidden": clean_forbidden(raw.get("forbidden")),
        "avoid_dishes": _clean_weights(raw.get("avoid_dishes")),
        "target_overrides": _clean_overrides(raw.get("target_overrides")),
    }


# --- request ↔ PlanRequest ------------------------------------------------------------------


def request_json(request: Mapping[str, Any]) -> str:
    """Canonical JSON text of a request dict (the cache key of a plan)."""
    return json.dumps(request, sort_keys=True, separators=(",", ":"))


def _usable(
    lock: Mapping[str, Any], profile: Profile, days: int, foods: pd.DataFrame | None
) -> LockedDish | None:
    """The lock as a :class:`LockedDish` when the plan can keep it, else None: an unknown
    id, a dish in a meal it does not suit, a meal not planned or a day outside the plan."""
    day, slot, key, portion = lock["day"], lock["slot"], lock["dish_id"], lock["portion"]
    if day > days or slot not in profile.meals_to_plan:
        return None
    dish = bundled_dishes().get(key)
    if dish is not None:
        return LockedDish(day, slot, key, portion) if slot in dish.meals else None
    if foods is not None and key not in foods.index:
        return None
    return LockedDish(day, slot, key, _nearest(portion, SIDE_SERVINGS))


def _locks(
    request: Mapping[str, Any], profile: Profile, foods: pd.DataFrame | None
) -> tuple[LockedDish, ...]:
    """The person's locks plus an action's pins, without duplicates or unusable ones."""
    seen: dict[tuple[int, str, str], LockedDish] = {}
    for entry in [*request["pinned"], *request["locked"]]:
        lock = _usable(entry, profile, request["days"], foods)
        if lock is not None:
            seen[(lock.day, lock.slot, lock.dish_id)] = lock
    return tuple(seen.values())


def exact_days(request: Mapping[str, Any]) -> tuple[int, ...]:
    """Days kept exactly as pinned: every pinned day without a forbidden dish."""
    swapped = {f[0] for f in request["forbidden"]}
    pinned = {p["day"] for p in request["pinned"] if p["day"] <= request["days"]}
    return tuple(sorted(pinned - swapped))


def build_request(request: Mapping[str, Any], foods: pd.DataFrame | None = None) -> PlanRequest:
    """Turn a request dict into a validated :class:`PlanRequest`.

    ``foods`` (the person's food table) lets locks on foods that no longer exist be dropped.

    Raises
    ------
    ProfileError
        When the profile breaks a rule (the message names the field and the fix).
    """
    clean = clean_request(request)
    profile = profile_from_dict(clean["profile"])
    overrides = {key: (b[0], b[1]) for key, b in clean["target_overrides"].items()}
    return PlanRequest(
        profile=profile,
        days=clean["days"],
        daily_vitamin_d=clean["daily_vitamin_d"],
        allow_fortified=clean["allow_fortified"],
        locked=_locks(clean, profile, foods),
        exact_days=exact_days(clean),
        forbidden=tuple((d, s, k) for d, s, k in clean["forbidden"] if d <= clean["days"]),
        avoid_dishes=dict(clean["avoid_dishes"]),
        target_overrides=overrides,
    )


# --- the food table ------------------------------------------------------------------------


@cache_resource(show_spinner=False, max_entries=8)
def food_table(snapshot: str) -> pd.DataFrame:
    """The catalogue + custom foods + price overrides (read-only; keyed by the snapshot)."""
    del snapshot  # the key only: the table is read from the store it describes
    return services.person_foods().table


def current_foods() -> pd.DataFrame:
    """The person's food table as it is in the store now (cached)."""
    return food_table(services.foods_snapshot())


def skipped_records() -> list[Skipped]:
    """Saved foods and prices that no longer fit the food tables (left out of every plan)."""
    return list(services.person_foods().skipped)


@cache_data(show_spinner=False, max_entries=64)
def cached_plan(request_text: str, snapshot: str) -> dict[str, Any]:
    """Solve the request (JSON of a request dict) over the snapshot's food table; the untouched
    first-load request is the example week, kept between starts of the dashboard.

    Returns ``Plan.to_dict()``. Invalid requests raise (:class:`~foods.errors.UserError`
    subclasses) and are not cached.
    """
    foods = food_table(snapshot)
    request = build_request(json.loads(request_text), foods)
    if request_text == request_json(clean_request(default_request())):
        return services.example_plan(request, foods, snapshot).to_dict()
    return services.plan_for(request, foods).to_dict()


def planned_request() -> dict[str, Any]:
    """A cleaned copy of the request the plan on screen answers."""
    init_state()
    return clean_request(st.session_state[K_PLANNED])


def current_plan() -> dict[str, Any]:
    """The plan on screen (of :func:`planned_request`), solving it with a spinner if needed.

    Raises
    ------
    UserError
        When the request cannot be planned (the message names the field and the fix).
    """
    request = planned_request()
    snapshot = services.foods_snapshot()
    days = request["days"]
    with st.spinner(f"Planning {days} day{'s' if days != 1 else ''} of meals…"):
        return cached_plan(request_json(request), snapshot)


# --- what an action keeps, bars or avoids (from the plan JSON) ------------------------------


def meal_pins(day: int, meal: Meal) -> list[dict[str, Any]]:
    """Every dish and side food of a meal as a pin at its portion."""
    pins = [
        {"day": day, "slot": meal.slot, "dish_id": d.dish_id, "portion": d.portion}
        for d in meal.dishes
    ]
    pins += [
        {"day": day, "slot": meal.slot, "dish_id": i.food_id, "portion": i.portion}
        for i in meal.items
        if i.dish_id is None
    ]
    return pins


def meal_anchor(day: int, meal: Meal) -> list[dict[str, Any]]:
    """What a meal's Swap and Lock act on: its main dish, or (a snack of sides) all of it."""
    pins = meal_pins(day, meal)
    mains = {d.dish_id for d in meal.dishes if d.role == "main"}
    anchor = [p for p in pins if p["dish_id"] in mains]
    return anchor or pins


def pins_except(plan: Plan, day: int, slot: str | None = None) -> list[dict[str, Any]]:
    """Pins of every meal of the plan but ``day`` (all of it, or only its ``slot``)."""
    pins: list[dict[str, Any]] = []
    for d in plan.days:
        for meal in d.meals:
            if d.day != day or (slot is not None and meal.slot != slot):
                pins += meal_pins(d.day, meal)
    return pins
