"""The words the food tables may use: the one food-id rule and the controlled vocabulary.

Plain Python (no pandas), so a profile can be checked and the store opened without loading
the food tables. ``foods/data/vocabulary.csv`` lists, per kind (``slot``, ``diet``,
``allergen``, ``category``, ``aisle``, ``role``, ``cuisine``), the allowed values in order
with a human label.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from pathlib import Path

VOCABULARY_FILE = Path(str(resources.files("foods") / "data")) / "vocabulary.csv"

#: The one rule for ids of foods and dishes, shared by the tables, the store and the profile.
FOOD_ID = re.compile(r"[a-z0-9_]{1,60}")
FOOD_ID_RULE = "1–60 lower-case letters, digits and '_' (e.g. banana_raw)"


def is_food_id(value: object) -> bool:
    """Whether ``value`` is a valid food or dish id (:data:`FOOD_ID`).

    >>> is_food_id("banana_raw"), is_food_id("Banana"), is_food_id("x" * 61)
    (True, False, False)
    """
    return isinstance(value, str) and FOOD_ID.fullmatch(value) is not None


@cache
def _rows() -> tuple[tuple[str, str, int, str], ...]:
    """(kind, value, order, label) of every vocabulary row, in file order."""
    with VOCABULARY_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["kind"], row["value"], int(row["order"]), row["label"])
            for row in csv.DictReader(handle)
        )


@cache
def vocabulary(kind: str) -> tuple[str, ...]:
    """Allowed values of one kind (``slot``, ``diet``, ``allergen``, ``category``, ``aisle``).

    >>> vocabulary("slot")
    ('breakfast', 'lunch', 'dinner', 'snack')
    """
    rows = sorted((order, value) for k, value, order, _ in _rows() if k == kind)
    return tuple(value for _, value in rows)


@cache
def _labels(kind: str) -> tuple[tuple[str, str], ...]:
    return tuple((value, label) for k, value, _, label in _rows() if k == kind)


def labels(kind: str) -> dict[str, str]:
    """Human labels of one vocabulary kind, e.g. ``{"tree_nuts": "Tree nuts"}`` (read once
    per kind; a new dict each call, so a caller may change it)."""
    return dict(_labels(kind))
