"""A person's week: their own foods and prices, the week's Monday, and week-to-week rotation.

:func:`user_food_table` joins the catalogue with the person's custom foods and price overrides
from the store (leaving out, with a reason, what no longer fits); :func:`rotation_penalties`
turns the previous saved week into dishes to avoid. :mod:`planner.services` uses both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from foods.catalog import build_food_table, load_catalog
from foods.errors import UserError
from foods.text import one_line
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
