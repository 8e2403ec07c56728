"""The food table as arrays and plain dicts: what every stage reads many times, read once.

Reading single cells of a DataFrame costs microseconds each; a plan reads thousands, so the
table is converted once per plan into NumPy arrays (nutrients and food groups per 100 g) and
dicts (names, tags, prices), and every later stage uses those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from foods.food_groups import COMPONENTS, equivalents_per_100g
from foods.reference import planned_nutrients
from planner.domain.plan import PlanItem

#: Nutrient keys the planner tracks (per 100 g in the table; units of the keys): the rows of
#: ``foods/data/nutrients.csv`` marked ``planned``, the one registry of nutrients.
NUTRIENTS: tuple[str, ...] = planned_nutrients()


@dataclass(frozen=True)
class FoodTable:
    """The food table: the frame, row numbers, arrays per 100 g and per-food attributes."""

    foods: pd.DataFrame
    row: Mapping[str, int]
    nutrients: np.ndarray
    groups: np.ndarray
    name: Mapping[str, str]
    category: Mapping[str, str]
    diet_tags: Mapping[str, frozenset[str]]
    allergens: Mapping[str, frozenset[str]]
    fortified: Mapping[str, bool]
    role: Mapping[str, str]
    slots: Mapping[str, frozenset[str]]
    serving_g: Mapping[str, float]
    household: Mapping[str, str]
    price: Mapping[str, float]
    ndb_no: Mapping[str, str]

    @classmethod
    def of(cls, foods: pd.DataFrame) -> FoodTable:
        """Arrays and dicts of ``foods`` (missing USDA values count as 0 in the arrays)."""
        ids = [str(f) for f in foods.index]
        nutrients = np.nan_to_num(foods.reindex(columns=list(NUTRIENTS)).to_numpy(dtype=float))

        def column(name: str, convert: type = str) -> Mapping[str, object]:
            return MappingProxyType(dict(zip(ids, map(convert, foods[name]), strict=True)))

        prices = np.nan_to_num(foods["price_usd_per_kg"].to_numpy(dtype=float))
        return cls(
            foods=foods,
            row=MappingProxyType({f: i for i, f in enumerate(ids)}),
            nutrients=nutrients,
            groups=equivalents_per_100g(foods).to_numpy(dtype=float),
            name=column("name"),  # type: ignore[arg-type]
            category=column("category"),  # type: ignore[arg-type]
            diet_tags=column("diet_tags", frozenset),  # type: ignore[arg-type]
            allergens=column("allergens", frozenset),  # type: ignore[arg-type]
            fortified=column("fortified", bool),  # type: ignore[arg-type]
            role=column("role"),  # type: ignore[arg-type]
            slots=column("slots", frozenset),  # type: ignore[arg-type]
            serving_g=column("serving_g", float),  # type: ignore[arg-type]
            household=column("household"),  # type: ignore[arg-type]
            price=MappingProxyType(dict(zip(ids, map(float, prices), strict=True))),
            ndb_no=column("ndb_no"),  # type: ignore[arg-type]
        )

    def item(self, food_id: str, grams: float, household: str, **extra: object) -> PlanItem:
        """A :class:`PlanItem` of ``grams`` of a food, its cost from the table's price."""
        return PlanItem(
            food_id=food_id,
            ndb_no=self.ndb_no[food_id],
            name=self.name[food_id],
            grams=grams,
            household=household,
            cost_usd=grams / 1000.0 * self.price[food_id],
            **extra,  # type: ignore[arg-type]
        )

    def totals(self, items: list[PlanItem]) -> tuple[dict[str, float], dict[str, float]]:
        """Nutrient totals (units of the keys) and food groups of the items."""
        nutrients = np.zeros(len(NUTRIENTS))
        groups = np.zeros(self.groups.shape[1])
        for item in items:
            i = self.row[item.food_id]
            nutrients += self.nutrients[i] * item.grams / 100.0
            groups += self.groups[i] * item.grams / 100.0
        return (
            {k: float(v) for k, v in zip(NUTRIENTS, nutrients, strict=True)},
            {k: float(v) for k, v in zip(COMPONENTS, groups, strict=True)},
        )
