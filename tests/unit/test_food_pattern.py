"""The Healthy U.S.-Style Dietary Pattern (planner/domain/food_pattern.py) and the Thrifty Food Plan
cost (planner/domain/thrifty.py), checked against the published tables.

Pattern: Dietary Guidelines for Americans 2020-2025, Appendix 3, Table A3-2 (ages 2 and older).
At 2,000 kcal: vegetables 2 1/2 cup-eq/day (weekly: dark green 1 1/2, red and orange 5 1/2,
beans, peas, lentils 1 1/2, starchy 5, other 4), fruits 2 cup-eq, grains 6 oz-eq (whole >= 3,
refined <= 3), dairy 3 cup-eq, protein foods 5 1/2 oz-eq (weekly: meats, poultry, eggs 26;
seafood 8; nuts, seeds, soy 5), oils 27 g, limit on calories for other uses 240 kcal (12 %).

Thrifty Food Plan, U.S. average, February 2023 (USDA FNS), weekly cost: female 14-18 $57.10,
19-50 $56.20, 51-70 $52.20, 71+ $57.40; male 14-18 $71.90, 19-50 $70.20, 51-70 $62.10,
71+ $59.30.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from planner.domain.food_pattern import (
    ADULT_LEVELS,
    DAILY_MINIMUMS,
    PATTERN_GROUPS,
    WEEKLY_MINIMUMS,
    food_pattern,
    pattern_level,
)
from planner.domain.profile import Profile, demo_profile
from planner.domain.thrifty import AS_OF, thrifty_usd_per_day

LEVELS = (1000, 1200, 1400, 1600, 1800, 2000, 2200, 2400, 2600, 2800, 3000, 3200)


def rows() -> list[dict[str, str]]:
    path = resources.files("planner") / "data" / "food_pattern.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- the 2,000 kcal pattern ------------------------------------------------------------------


def test_the_2000_kcal_pattern_daily_amounts() -> None:
    pattern = food_pattern(2000)
    assert pattern.level_kcal == 2000
    daily = dict(pattern.daily)
    daily.pop("other_uses_kcal")  # checked against the published value below
    assert daily == {
        "vegetables": 2.5,
        "fruits": 2.0,
        "grains": 6.0,
        "grain_whole": 3.0,
        "grain_refined": 3.0,
        "dairy": 3.0,
        "protein_foods": 5.5,
        "oils": 27.0,
    }
    assert daily["grain_whole"] >= daily["grains"] / 2  # at least half whole


def test_the_2000_kcal_pattern_weekly_amounts() -> None:
    assert dict(food_pattern(2000).weekly) == {
        "veg_dark_green": 1.5,
        "veg_red_orange": 5.5,
        "legumes": 1.5,
        "veg_starchy": 5.0,
        "veg_other": 4.0,
        "protein_meat_poultry_eggs": 26.0,
        "protein_seafood": 8.0,
        "protein_nuts_seeds_soy": 5.0,
    }


def test_the_limit_on_calories_for_other_uses_is_the_2020_2025_value() -> None:
    assert food_pattern(2000).daily["other_uses_kcal"] == 240
    assert food_pattern(2200).daily["other_uses_kcal"] == 250
    assert food_pattern(3200).daily["other_uses_kcal"] == 580


@pytest.mark.parametrize(
    ("level", "vegetables", "fruits", "grains", "whole", "dairy", "protein", "oils"),
    [
        (1600, 2.0, 1.5, 5, 3.0, 3.0, 5.0, 22),
        (1800, 2.5, 1.5, 6, 3.0, 3.0, 5.0, 24),
        (2200, 3.0, 2.0, 7, 3.5, 3.0, 6.0, 29),
        (2400, 3.0, 2.0, 8, 4.0, 3.0, 6.5, 31),
        (2600, 3.5, 2.0, 9, 4.5, 3.0, 6.5, 34),
        (2800, 3.5, 2.5, 10, 5.0, 3.0, 7.0, 36),
        (3000, 4.0, 2.5, 10, 5.0, 3.0, 7.0, 44),
        (3200, 4.0, 2.5, 10, 5.0, 3.0, 7.0, 51),
    ],
)
def test_adult_levels_match_table_a3_2(
    level: int,
    vegetables: float,
    fruits: float,
    grains: float,
    whole: float,
    dairy: float,
    protein: float,
    oils: float,
) -> None:
    daily = food_pattern(level).daily
    assert (
        daily["vegetables"],
        daily["fruits"],
        daily["grains"],
        daily["grain_whole"],
        daily["dairy"],
        daily["protein_foods"],
        daily["oils"],
    ) == (vegetables, fruits, grains, whole, dairy, protein, oils)


def test_the_table_is_internally_consistent_at_every_level() -> None:
    """Vegetable subgroups sum to 7 x the daily vegetables; whole + refined = grains;
    the protein subgroups to 7 x the daily protein within 1 oz-eq (the DGA rounds them)."""
    table = {r["group"]: r for r in rows()}
    for level in map(str, LEVELS):
        value = {g: float(r[level]) for g, r in table.items()}
        subgroups = ("veg_dark_green", "veg_red_orange", "legumes", "veg_starchy", "veg_other")
        assert sum(value[g] for g in subgroups) == pytest.approx(7 * value["vegetables"]), level
        assert value["grain_whole"] + value["grain_refined"] == value["grains"], level
        protein = ("protein_meat_poultry_eggs", "protein_seafood", "protein_nuts_seeds_soy")
        assert abs(sum(value[g] for g in protein) - 7 * value["protein_foods"]) <= 1.0, level
        assert value["grain_whole"] >= value["grains"] / 2, level


def test_every_group_has_a_unit_and_a_period() -> None:
    table = rows()
    assert [int(c) for c in table[0] if c.isdigit()] == list(LEVELS)
    pattern = food_pattern(2000)
    for row in table:
        assert row["per"] in ("day", "week"), row
        assert pattern.unit(row["group"]) == row["unit"], row
        assert row["source"] == "DGA"
    assert set(DAILY_MINIMUMS) <= set(pattern.daily)
    assert set(WEEKLY_MINIMUMS) <= set(pattern.weekly)
    assert set(pattern.daily) | set(pattern.weekly) <= set(PATTERN_GROUPS) | {"other_uses_kcal"}


def test_pattern_groups_count_legumes_as_vegetables_and_four_oz_protein() -> None:
    assert PATTERN_GROUPS["vegetables"]["legumes"] == 1
    assert PATTERN_GROUPS["protein_foods"]["legumes"] == 4
    assert dict(PATTERN_GROUPS["fruits"]) == {"fruit_whole": 1, "fruit_juice": 1}
    assert dict(PATTERN_GROUPS["grains"]) == {"grain_whole": 1, "grain_refined": 1}


def test_to_dict_names_the_source() -> None:
    out = food_pattern(2000).to_dict()
    assert out["level_kcal"] == 2000
    assert out["daily"]["dairy"] == 3.0
    assert out["weekly"]["protein_seafood"] == 8.0
    assert "2020–2025" in str(out["source"])


# --- the nearest adult level -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("energy", "level"),
    [
        (2000, 2000),
        (2099, 2000),
        (2101, 2200),
        (2174, 2200),
        (1850, 1800),
        (1700, 1600),  # a tie goes to the lower level
        (3100, 3000),
        (1500, 1600),  # below the adult range: clamped up
        (1000, 1600),
        (0, 1600),
        (3300, 3200),  # above: clamped down
        (6000, 3200),
    ],
)
def test_pattern_level_picks_the_nearest_adult_level(energy: float, level: int) -> None:
    assert pattern_level(energy) == level
    assert food_pattern(energy).level_kcal == level


def test_adult_levels_are_1600_to_3200_in_steps_of_200() -> None:
    assert ADULT_LEVELS == tuple(range(1600, 3201, 200))
    for level in ADULT_LEVELS:
        assert pattern_level(level) == level


# --- Thrifty Food Plan -----------------------------------------------------------------------


def person(age: float, sex: str, **extra: object) -> Profile:
    return Profile(age=age, sex=sex, weight_kg=70, height_cm=170, activity="low_active", **extra)


def test_thrifty_figures_are_february_2023() -> None:
    assert AS_OF == "February 2023"


def test_demo_woman_45_costs_5620_a_week() -> None:
    profile = demo_profile()
    assert (profile.sex, profile.age) == ("female", 45)
    assert thrifty_usd_per_day(profile) == pytest.approx(56.20 / 7)  # $8.03 a day


@pytest.mark.parametrize(
    ("age", "sex", "weekly"),
    [
        (30, "male", 70.20),
        (19, "male", 70.20),
        (50, "male", 70.20),
        (50.9, "male", 70.20),  # whole years: still 19-50
        (51, "male", 62.10),
        (70, "male", 62.10),
        (71, "male", 59.30),
        (100, "male", 59.30),
        (14, "male", 71.90),
        (18.5, "male", 71.90),
        (14, "female", 57.10),
        (19, "female", 56.20),
        (51, "female", 52.20),
        (70.99, "female", 52.20),
        (71, "female", 57.40),
    ],
)
def test_thrifty_cost_by_sex_and_age(age: float, sex: str, weekly: float) -> None:
    assert thrifty_usd_per_day(person(age, sex)) == pytest.approx(weekly / 7)


def test_pregnancy_uses_the_womans_age_group() -> None:
    pregnant = person(30, "female", life_stage="pregnant", trimester=2)
    assert thrifty_usd_per_day(pregnant) == pytest.approx(56.20 / 7)
    lactating = person(17, "female", life_stage="lactating")
    assert thrifty_usd_per_day(lactating) == pytest.approx(57.10 / 7)


def test_the_thrifty_table_covers_every_allowed_age_once() -> None:
    path = resources.files("planner") / "data" / "thrifty_food_plan.csv"
    with path.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    for sex in ("female", "male"):
        spans = sorted((int(r["age_min"]), int(r["age_max"])) for r in table if r["sex"] == sex)
        assert spans[0][0] <= 14 and spans[-1][1] >= 100, sex
        for (_, high), (low, _) in zip(spans, spans[1:], strict=False):
            assert low == high + 1, (sex, spans)
