"""The USDA Thrifty Food Plan's cost for a person: the yardstick for a plan's cost.

``planner/data/thrifty_food_plan.csv`` holds the weekly cost of the Thrifty Food Plan by sex
and age group, U.S. average, **February 2023** (USDA Food and Nutrition Service, Official
USDA Thrifty Food Plan: U.S. Average, February 2023; the plan itself is the Thrifty Food Plan,
2021 [TFP]). The planner's food prices are 2022 averages (ERS and BLS), a few months earlier:
food-at-home prices rose over that time, so the comparison slightly favours the planner.
Pregnancy and breastfeeding use the woman's age group (the Food Plans have no separate group).
"""

from __future__ import annotations

import csv
import math
from functools import cache
from importlib import resources

from planner.domain.profile import Profile

#: Month and year of the figures.
AS_OF = "February 2023"


@cache
def _rows() -> tuple[tuple[str, int, int, float], ...]:
    path = resources.files("planner") / "data" / "thrifty_food_plan.csv"
    with path.open(encoding="utf-8") as handle:
        return tuple(
            (r["sex"], int(r["age_min"]), int(r["age_max"]), float(r["weekly_usd"]))
            for r in csv.DictReader(handle)
        )


def thrifty_usd_per_day(profile: Profile) -> float:
    """The Thrifty Food Plan's cost a day (USD) for the person's sex and age group.

    >>> from planner.domain.profile import demo_profile
    >>> round(thrifty_usd_per_day(demo_profile()), 2)
    8.03
    """
    age = math.floor(profile.age)
    for sex, low, high, weekly in _rows():
        if sex == profile.sex and low <= age <= high:
            return weekly / 7.0
    raise LookupError(f"no Thrifty Food Plan group for {profile.sex}, {age}")
