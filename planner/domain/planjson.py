"""Checks on plan JSON read from outside (a file, an old stored record) before it is used.

The planner's own plans always pass; a hand-edited or damaged file gets one message naming
the first few broken places (``days[0].meals[1].items[2].grams``) and the fix, never a crash
further down (shopping list, e-mail, rotation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from foods.vocabulary import is_food_id

#: Most grams of one item a plan may hold (100 kg: far above any real meal, far below the
#: float range where sums overflow).
MAX_ITEM_G = 100_000.0
#: Most days in a plan file.
MAX_DAYS = 31


def _list(value: Any, where: str, problems: list[str]) -> list[Any]:
    if not isinstance(value, list):
        problems.append(f"{where} must be a list, not {type(value).__name__}")
        return []
    return value


def _item_problems(item: Any, where: str) -> list[str]:
    if not isinstance(item, Mapping):
        return [f"{where} must be an object with food_id and grams"]
    problems = []
    if not is_food_id(item.get("food_id")):
        problems.append(f"{where}.food_id {item.get('food_id')!r} is not a food id")
    grams = item.get("grams")
    if (
        isinstance(grams, bool)
        or not isinstance(grams, int | float)
        or not math.isfinite(grams)
        or not 0 <= grams <= MAX_ITEM_G
    ):
        problems.append(
            f"{where}.grams {grams!r} must be a number of grams within 0–{MAX_ITEM_G:g}"
        )
    return problems


def plan_problems(plan: Any) -> list[str]:
    """Every place where ``plan`` breaks the plan JSON shape the outputs rely on.

    >>> plan_problems({"days": [1, 2]})
    ['days[0] must be an object with a meals list', 'days[1] must be an object with a meals list']
    >>> plan_problems({"days": [{"meals": [{"slot": "lunch", "items": [
    ...     {"food_id": "kale_raw", "grams": 1e308}]}]}]})
    ['days[0].meals[0].items[0].grams 1e+308 must be a number of grams within 0–100000']
    """
    if not isinstance(plan, Mapping):
        return [f"the plan must be a JSON object, not {type(plan).__name__}"]
    problems: list[str] = []
    days = _list(plan.get("days"), "days", problems)
    if len(days) > MAX_DAYS:
        problems.append(f"days has {len(days)} entries; a plan has at most {MAX_DAYS}")
        return problems
    for d, day in enumerate(days):
        if not isinstance(day, Mapping):
            problems.append(f"days[{d}] must be an object with a meals list")
            continue
        for m, meal in enumerate(_list(day.get("meals"), f"days[{d}].meals", problems)):
            where = f"days[{d}].meals[{m}]"
            if not isinstance(meal, Mapping):
                problems.append(f"{where} must be an object with an items list")
                continue
            for i, item in enumerate(_list(meal.get("items"), f"{where}.items", problems)):
                problems += _item_problems(item, f"{where}.items[{i}]")
    return problems
