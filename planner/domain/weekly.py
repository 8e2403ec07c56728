"""A person's weeks: the week's Monday, what a plan serves, and week-to-week rotation
(:func:`rotation_penalties` turns the previous saved week into dishes to avoid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

#: Default strength of the rotation penalty (1 = ``Weights.repeat_usd`` per dish).
ROTATION_STRENGTH = 1.0


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


def rotation_penalties(
    previous: Mapping[str, Any] | None, strength: float = ROTATION_STRENGTH
) -> dict[str, float]:
    """Dishes of the previous week's plan → penalty weight (so next week brings others)."""
    if previous is None or strength <= 0:
        return {}
    return {d: strength for d in dishes_of(previous)}
