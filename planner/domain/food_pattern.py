"""The Dietary Guidelines' Healthy U.S.-Style Dietary Pattern at a person's energy level.

``planner/data/food_pattern.csv`` holds the pattern's daily and weekly food-group amounts at
its twelve energy levels (1,000–3,200 kcal) [DGA]. A person gets the level nearest their
energy target; people aged 14 and older use the 1,600–3,200 kcal levels (the lower levels are
for young children). Food groups are combinations of the MyPlate components of
:mod:`foods.food_groups` (:data:`PATTERN_GROUPS`).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from planner.domain.hei import LEGUME_OZ_PER_CUP

#: Energy levels adults and teenagers use (kcal/day).
ADULT_LEVELS: tuple[int, ...] = (1600, 1800, 2000, 2200, 2400, 2600, 2800, 3000, 3200)
#: Each pattern group as a sum of food-group components (weights per component).
PATTERN_GROUPS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "vegetables": {
            "veg_dark_green": 1,
            "veg_red_orange": 1,
            "veg_starchy": 1,
            "veg_other": 1,
            "legumes": 1,
        },
        "veg_dark_green": {"veg_dark_green": 1},
        "veg_red_orange": {"veg_red_orange": 1},
        "legumes": {"legumes": 1},
        "veg_starchy": {"veg_starchy": 1},
        "veg_other": {"veg_other": 1},
        "fruits": {"fruit_whole": 1, "fruit_juice": 1},
        "fruit_whole": {"fruit_whole": 1},
        "grains": {"grain_whole": 1, "grain_refined": 1},
        "grain_whole": {"grain_whole": 1},
        "grain_refined": {"grain_refined": 1},
        "dairy": {"dairy": 1},
        "protein_foods": {
            "protein_meat_poultry": 1,
            "protein_eggs": 1,
            "protein_seafood": 1,
            "protein_nuts_seeds": 1,
            "protein_soy": 1,
            "legumes": LEGUME_OZ_PER_CUP,
        },
        "protein_seafood": {"protein_seafood": 1},
        "protein_meat_poultry_eggs": {"protein_meat_poultry": 1, "protein_eggs": 1},
        "protein_nuts_seeds_soy": {"protein_nuts_seeds": 1, "protein_soy": 1},
        "oils": {"oils": 1},
    }
)
#: Groups the planner aims at every day (minimums), and per week.
#: Names of the pattern groups for people (capitalise for a heading).
GROUP_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "vegetables": "vegetables",
        "fruits": "fruits",
        "grain_whole": "whole grains",
        "dairy": "dairy or fortified soy",
        "protein_foods": "protein foods",
        "veg_dark_green": "dark-green vegetables",
        "veg_red_orange": "red and orange vegetables",
        "legumes": "beans, peas and lentils",
        "veg_starchy": "starchy vegetables",
        "veg_other": "other vegetables",
        "protein_seafood": "seafood",
    }
)
DAILY_MINIMUMS: tuple[str, ...] = ("vegetables", "fruits", "dairy", "protein_foods", "grain_whole")
WEEKLY_MINIMUMS: tuple[str, ...] = (
    "veg_dark_green",
    "veg_red_orange",
    "legumes",
    "veg_starchy",
    "veg_other",
    "protein_seafood",
)
UNITS: Mapping[str, str] = MappingProxyType(
    {"oils": "g", "other_uses_kcal": "kcal"}
    | {g: "oz-eq" for g in ("grains", "grain_whole", "grain_refined")}
    | {g: "oz-eq" for g in PATTERN_GROUPS if g.startswith("protein")}
)


@dataclass(frozen=True)
class FoodPattern:
    """The pattern at one energy level: ``daily`` and ``weekly`` amounts by group."""

    level_kcal: int
    daily: Mapping[str, float]
    weekly: Mapping[str, float]

    def unit(self, group: str) -> str:
        """``cup-eq``, ``oz-eq``, ``g`` or ``kcal``."""
        return UNITS.get(group, "cup-eq")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``{level_kcal, daily, weekly, source}``."""
        return {
            "level_kcal": self.level_kcal,
            "daily": dict(self.daily),
            "weekly": dict(self.weekly),
            "source": "Dietary Guidelines for Americans 2020–2025, Healthy U.S.-Style "
            "Dietary Pattern (Appendix 3)",
        }


@cache
def _table() -> tuple[dict[str, str], ...]:
    path = resources.files("planner") / "data" / "food_pattern.csv"
    with path.open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def pattern_level(energy_kcal: float) -> int:
    """The adult pattern level nearest ``energy_kcal``.

    >>> pattern_level(2174), pattern_level(1200), pattern_level(4000)
    (2200, 1600, 3200)
    """
    return min(ADULT_LEVELS, key=lambda level: (abs(level - energy_kcal), level))


def food_pattern(energy_kcal: float) -> FoodPattern:
    """The Healthy U.S.-Style pattern at the level nearest ``energy_kcal``."""
    level = pattern_level(energy_kcal)
    daily: dict[str, float] = {}
    weekly: dict[str, float] = {}
    for row in _table():
        amount = float(row[str(level)])
        (daily if row["per"] == "day" else weekly)[row["group"]] = amount
    return FoodPattern(level, MappingProxyType(daily), MappingProxyType(weekly))
