"""Healthy Eating Index-2020 scoring (planner/domain/hei.py), worked by hand.

Standards (per 1,000 kcal unless a share of energy; HEI-2020 for ages 2+ = HEI-2015):
total fruits 0.8 cup-eq (5 points), whole fruits 0.4 (5), total vegetables 1.1 (5), greens and
beans 0.2 (5), whole grains 1.5 oz-eq (10), dairy 1.3 cup-eq (10), total protein foods 2.5 oz-eq
(5), seafood and plant proteins 0.8 oz-eq (5), fatty acids (MUFA+PUFA)/SFA 2.5 full / 1.2 zero
(10), refined grains 1.8 full / 4.3 zero (10), sodium 1.1 g full / 2.0 g zero (10), added sugars
6.5 % full / 26 % zero (10), saturated fats 8 % full / 16 % zero (10); linear in between.

The reference for the edge cases is the National Cancer Institute's scoring macro
(hei2015.score.macro.sas, which HEI-2020 reuses): with no energy every component scores 0;
added sugars are 16 kcal per teaspoon-equivalent; legumes (V_LEGUMES, and 4 oz-eq per cup-eq
as PF_LEGUMES) are added to all four of total vegetables, greens and beans, total protein and
seafood and plant proteins (the HEI-2015 change; HEI-2010 had allocated legumes to protein
first and only the surplus to vegetables); and the fatty-acid score is 0 when there is neither
saturated nor unsaturated fat, 10 when there is unsaturated but no saturated fat.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foods.food_groups import COMPONENTS
from planner.domain.hei import (
    ADDED_SUGAR_KCAL_PER_TSP,
    ADEQUACY,
    LEGUME_OZ_PER_CUP,
    MODERATION,
    HeiScore,
    hei2020,
    hei_amounts,
)

KEYS = (
    "total_fruits",
    "whole_fruits",
    "total_vegetables",
    "greens_and_beans",
    "whole_grains",
    "dairy",
    "total_protein",
    "seafood_plant",
    "fatty_acids",
    "refined_grains",
    "sodium",
    "added_sugars",
    "saturated_fats",
)


def points(score: HeiScore) -> dict[str, float]:
    return {c.key: c.points for c in score.components}


def amounts(score: HeiScore) -> dict[str, float]:
    return {c.key: c.amount for c in score.components}


def day(kcal: float = 2000.0, **nutrients: float) -> dict[str, float]:
    """A day's nutrients: by default no sodium and no fat of any kind."""
    return {"energy_kcal": kcal, **nutrients}


# --- structure -------------------------------------------------------------------------------


def test_thirteen_components_worth_one_hundred_points() -> None:
    score = hei2020(day(), {})
    assert tuple(c.key for c in score.components) == KEYS
    assert sum(c.max_points for c in score.components) == 100
    assert {c.key: c.max_points for c in score.components} == {
        "total_fruits": 5,
        "whole_fruits": 5,
        "total_vegetables": 5,
        "greens_and_beans": 5,
        "whole_grains": 10,
        "dairy": 10,
        "total_protein": 5,
        "seafood_plant": 5,
        "fatty_acids": 10,
        "refined_grains": 10,
        "sodium": 10,
        "added_sugars": 10,
        "saturated_fats": 10,
    }


def test_standards_are_the_published_hei_2020_values() -> None:
    assert {a.key: a.standard for a in ADEQUACY} == {
        "total_fruits": 0.8,
        "whole_fruits": 0.4,
        "total_vegetables": 1.1,
        "greens_and_beans": 0.2,
        "whole_grains": 1.5,
        "dairy": 1.3,
        "total_protein": 2.5,
        "seafood_plant": 0.8,
    }
    assert {m.key: (m.best, m.worst) for m in MODERATION} == {
        "refined_grains": (1.8, 4.3),
        "sodium": (1.1, 2.0),
        "added_sugars": (6.5, 26.0),
        "saturated_fats": (8.0, 16.0),
    }


def test_added_sugars_count_16_kcal_per_teaspoon_as_in_the_nci_code() -> None:
    assert ADDED_SUGAR_KCAL_PER_TSP == 16.0
    # 10 tsp-eq in 1,000 kcal = 160 kcal = 16 % of energy -> 10 x (26 - 16) / 19.5 points
    score = hei2020(day(1000), {"added_sugars": 10})
    assert amounts(score)["added_sugars"] == pytest.approx(16.0)
    assert points(score)["added_sugars"] == pytest.approx(10 * 10 / 19.5)


# --- a day that meets every standard ---------------------------------------------------------


def test_a_day_that_meets_every_standard_scores_100() -> None:
    """2,500 kcal: every amount is its standard x 2.5."""
    nutrients = day(
        2500,
        sodium_mg=2750,  # 1.1 g per 1,000 kcal
        fat_saturated_g=200 / 9,  # 8 % of 2,500 kcal
        fat_monounsaturated_g=2.5 * 200 / 9 * 0.6,  # (MUFA + PUFA) / SFA = 2.5
        fat_polyunsaturated_g=2.5 * 200 / 9 * 0.4,
    )
    groups = {
        "fruit_whole": 2.0,  # 0.8
        "veg_dark_green": 0.5,  # 0.2
        "veg_other": 2.25,  # total vegetables 2.75 = 1.1
        "grain_whole": 3.75,  # 1.5
        "grain_refined": 4.5,  # 1.8
        "dairy": 3.25,  # 1.3
        "protein_meat_poultry": 4.25,
        "protein_seafood": 2.0,  # total protein 6.25 = 2.5; seafood 2.0 = 0.8
        "added_sugars": 162.5 / 16,  # 6.5 % of 2,500 kcal
    }
    score = hei2020(nutrients, groups)
    for c in score.components:
        assert c.points == pytest.approx(c.max_points), c
    assert score.total == pytest.approx(100.0)
    assert score.to_dict()["total"] == 100.0


def test_going_beyond_the_standards_still_scores_100() -> None:
    nutrients = day(2000, sodium_mg=1000, fat_saturated_g=5, fat_monounsaturated_g=40)
    groups = {
        "fruit_whole": 5,
        "veg_dark_green": 3,
        "grain_whole": 9,
        "dairy": 6,
        "protein_seafood": 8,
    }
    assert hei2020(nutrients, groups).total == pytest.approx(100.0)


# --- empty days ------------------------------------------------------------------------------


def test_a_day_without_energy_scores_zero_everywhere() -> None:
    """NCI macro: IF kcal=0 THEN every component = 0 (also the 'lower is better' ones)."""
    score = hei2020({"energy_kcal": 0.0, "sodium_mg": 0.0}, {})
    assert score.total == 0.0
    assert all(c.points == 0.0 for c in score.components)
    assert hei2020({}, {"fruit_whole": 3.0}).total == 0.0


def test_with_energy_and_no_food_groups_the_limits_score_full_and_adequacy_zero() -> None:
    score = points(hei2020(day(1800), {}))
    for key in ("refined_grains", "sodium", "added_sugars", "saturated_fats"):
        assert score[key] == 10.0, key
    for a in ADEQUACY:
        assert score[a.key] == 0.0, a.key


def test_a_day_with_energy_but_no_fat_and_no_foods_scores_40() -> None:
    """By hand: adequacy 8 x 0, fatty acids 0 (no fat at all), four limits x 10 = 40."""
    score = hei2020(day(1800), {})
    assert points(score)["fatty_acids"] == 0.0
    assert score.total == pytest.approx(40.0)


def test_no_saturated_fat_but_some_unsaturated_scores_full_fatty_acids() -> None:
    score = hei2020(day(2000, fat_monounsaturated_g=30, fat_polyunsaturated_g=10), {})
    assert points(score)["fatty_acids"] == 10.0
    assert amounts(score)["fatty_acids"] == float("inf")


# --- linear in between: one midpoint (and the ends) per component -----------------------------


@pytest.mark.parametrize(
    ("key", "nutrients", "groups", "expected"),
    [
        # adequacy at 2,000 kcal: half the standard x 2 = the amount, half the points
        ("total_fruits", {}, {"fruit_juice": 0.8}, 2.5),  # 0.4 cup-eq / 1,000 kcal
        ("whole_fruits", {}, {"fruit_juice": 0.8}, 0.0),  # juice is not whole fruit
        ("whole_fruits", {}, {"fruit_whole": 0.4}, 2.5),  # 0.2
        ("total_vegetables", {}, {"veg_red_orange": 1.1}, 2.5),  # 0.55
        ("greens_and_beans", {}, {"veg_dark_green": 0.2}, 2.5),  # 0.1
        ("greens_and_beans", {}, {"veg_red_orange": 3.0}, 0.0),  # not green
        ("whole_grains", {}, {"grain_whole": 1.5}, 5.0),  # 0.75 oz-eq
        ("dairy", {}, {"dairy": 1.3}, 5.0),  # 0.65 cup-eq
        ("total_protein", {}, {"protein_eggs": 2.5}, 2.5),  # 1.25 oz-eq
        ("seafood_plant", {}, {"protein_nuts_seeds": 0.8}, 2.5),  # 0.4 oz-eq
        ("seafood_plant", {}, {"protein_meat_poultry": 5.0}, 0.0),
        # moderation and the fatty-acid ratio
        ("sodium", {"sodium_mg": 3100}, {}, 5.0),  # 1.55 g / 1,000 kcal
        ("sodium", {"sodium_mg": 4000}, {}, 0.0),  # 2.0 g: none
        ("sodium", {"sodium_mg": 5000}, {}, 0.0),
        ("refined_grains", {}, {"grain_refined": 6.1}, 5.0),  # 3.05 oz-eq
        ("refined_grains", {}, {"grain_refined": 8.6}, 0.0),  # 4.3
        ("added_sugars", {}, {"added_sugars": 325 / 16}, 5.0),  # 16.25 % of energy
        ("added_sugars", {}, {"added_sugars": 520 / 16}, 0.0),  # 26 %
        ("saturated_fats", {"fat_saturated_g": 240 / 9}, {}, 5.0),  # 12 % of energy
        ("saturated_fats", {"fat_saturated_g": 320 / 9}, {}, 0.0),  # 16 %
        ("fatty_acids", {"fat_saturated_g": 20, "fat_monounsaturated_g": 37}, {}, 5.0),  # 1.85
        ("fatty_acids", {"fat_saturated_g": 20, "fat_polyunsaturated_g": 24}, {}, 0.0),  # 1.2
        ("fatty_acids", {"fat_saturated_g": 20, "fat_monounsaturated_g": 30}, {}, 10 * 0.3 / 1.3),
    ],
)
def test_component_points_are_linear_between_the_standards(
    key: str, nutrients: dict[str, float], groups: dict[str, float], expected: float
) -> None:
    score = points(hei2020(day(2000, **nutrients), groups))
    assert score[key] == pytest.approx(expected, abs=1e-9)


def test_amounts_are_densities_and_shares_of_energy() -> None:
    score = amounts(
        hei2020(
            day(2000, sodium_mg=3100, fat_saturated_g=20, fat_monounsaturated_g=37),
            {"fruit_whole": 1.0, "grain_refined": 6.1, "added_sugars": 10},
        )
    )
    assert score["total_fruits"] == pytest.approx(0.5)  # cup-eq per 1,000 kcal
    assert score["sodium"] == pytest.approx(1.55)  # g per 1,000 kcal
    assert score["refined_grains"] == pytest.approx(3.05)
    assert score["added_sugars"] == pytest.approx(8.0)  # 160 kcal of 2,000 = 8 %
    assert score["saturated_fats"] == pytest.approx(9.0)  # 180 kcal of 2,000 = 9 %
    assert score["fatty_acids"] == pytest.approx(1.85)


# --- legumes count in all four components (NCI, HEI-2015 and later) --------------------------


def test_legumes_count_toward_vegetables_greens_protein_and_plant_protein() -> None:
    amounts_ = hei_amounts({"legumes": 0.5, "protein_meat_poultry": 2.0})
    assert LEGUME_OZ_PER_CUP == 4.0
    assert amounts_["total_vegetables"] == 0.5
    assert amounts_["greens_and_beans"] == 0.5
    assert amounts_["total_protein"] == 4.0  # 2 oz meat + 0.5 cup x 4
    assert amounts_["seafood_plant"] == 2.0


def test_a_legume_day_hand_computed() -> None:
    """2,000 kcal with 1/2 cup-eq of beans and 2 oz-eq of meat, nothing else.

    Per 1,000 kcal: vegetables 0.25 -> 5 x 0.25 / 1.1 = 1.136; greens and beans 0.25 >= 0.2
    -> 5; total protein (2 + 2) / 2 = 2.0 -> 5 x 2.0 / 2.5 = 4; seafood and plant 1.0 -> 5.
    (Under HEI-2010's protein-first allocation the beans would all have gone to protein, for
    vegetables 0 and greens 0; HEI-2015/2020 count them in all four.)
    """
    score = points(hei2020(day(2000), {"legumes": 0.5, "protein_meat_poultry": 2.0}))
    assert score["total_vegetables"] == pytest.approx(5 * 0.25 / 1.1)
    assert score["greens_and_beans"] == pytest.approx(5.0)
    assert score["total_protein"] == pytest.approx(4.0)
    assert score["seafood_plant"] == pytest.approx(5.0)


def test_hei_amounts_add_the_right_food_groups() -> None:
    groups = {c: 0.0 for c in COMPONENTS}
    groups |= {
        "veg_dark_green": 1,
        "veg_red_orange": 2,
        "veg_starchy": 4,
        "veg_other": 8,
        "fruit_whole": 16,
        "fruit_juice": 32,
        "protein_eggs": 64,
        "protein_soy": 128,
        "oils": 1000,  # not an HEI component: scored through the fatty-acid ratio
    }
    got = hei_amounts(groups)
    assert got["total_vegetables"] == 15
    assert got["greens_and_beans"] == 1
    assert got["total_fruits"] == 48 and got["whole_fruits"] == 16
    assert got["total_protein"] == 192 and got["seafood_plant"] == 128


# --- per 1,000 kcal: scaling the day leaves the score unchanged -------------------------------

GROUP_VALUES = st.floats(min_value=0.0, max_value=12.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    kcal=st.floats(min_value=400.0, max_value=5000.0),
    sodium=st.floats(min_value=0.0, max_value=8000.0),
    sat=st.floats(min_value=0.0, max_value=80.0),
    mono=st.floats(min_value=0.0, max_value=80.0),
    poly=st.floats(min_value=0.0, max_value=40.0),
    groups=st.fixed_dictionaries({c: GROUP_VALUES for c in COMPONENTS}),
    factor=st.sampled_from([0.5, 2.0, 3.0, 7.0]),
)
def test_scaling_every_amount_and_the_energy_leaves_the_score_unchanged(
    kcal: float,
    sodium: float,
    sat: float,
    mono: float,
    poly: float,
    groups: dict[str, float],
    factor: float,
) -> None:
    nutrients = {
        "energy_kcal": kcal,
        "sodium_mg": sodium,
        "fat_saturated_g": sat,
        "fat_monounsaturated_g": mono,
        "fat_polyunsaturated_g": poly,
    }
    one = hei2020(nutrients, groups)
    scaled = hei2020(
        {k: v * factor for k, v in nutrients.items()}, {k: v * factor for k, v in groups.items()}
    )
    assert scaled.total == pytest.approx(one.total, abs=1e-6)
    for a, b in zip(one.components, scaled.components, strict=True):
        assert b.points == pytest.approx(a.points, abs=1e-6), a.key
    assert 0.0 <= one.total <= 100.0


def test_a_week_scores_like_its_average_day() -> None:
    nutrients = day(2000, sodium_mg=3100, fat_saturated_g=20, fat_monounsaturated_g=37)
    groups = {"fruit_whole": 1.0, "legumes": 0.3, "grain_whole": 2.0, "dairy": 1.5}
    week = hei2020({k: 7 * v for k, v in nutrients.items()}, {k: 7 * v for k, v in groups.items()})
    assert week.total == pytest.approx(hei2020(nutrients, groups).total)


def test_to_dict_rounds_for_display() -> None:
    score = hei2020(day(2000, sodium_mg=3100), {"fruit_whole": 1.0})
    out = score.to_dict()
    assert out["total"] == round(score.total, 1)
    assert set(out["components"]) == set(KEYS)
    sodium = out["components"]["sodium"]
    assert sodium == {
        "label": "Sodium",
        "points": 5.0,
        "max": 10,
        "amount": 1.55,
        "unit": "g per 1,000 kcal",
    }
