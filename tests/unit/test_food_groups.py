"""MyPlate food-group equivalents (foods/food_groups.py, foods/data/food_groups.csv).

Each case is worked by hand from the rule the build script states
(``scripts/build_food_groups.py``) and the USDA SR24 household weight it names, e.g. "1 cup of
cooked spinach = 180 g (SR24 11458)". Where the rule itself is exact the tolerance is the
CSV's rounding (0.01 g in the grams-per-equivalent column, i.e. well under 0.1 %); where a
MyPlate statement is approximate ("1 slice of bread = 1 oz-eq") the tolerance is 5 %.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foods.catalog import build_food_table, bundled_catalog, load_catalog, read_food_csv
from foods.food_groups import (
    CATEGORY_DEFAULTS,
    COMPONENTS,
    LABELS,
    TSP_SUGAR_G,
    equivalents_per_100g,
    food_group_rules,
)
from foods.schema import column_names
from planner.domain.food_pattern import PATTERN_GROUPS
from planner.domain.hei import hei_amounts

ROOT = Path(__file__).resolve().parents[2]
EXACT = 1e-3  # the CSV rounds grams per equivalent to 0.01 g
ABOUT = 0.05  # MyPlate's own "about" statements
OZ = 28.35


@pytest.fixture(scope="module")
def eq() -> pd.DataFrame:
    return equivalents_per_100g(bundled_catalog())


def amount(eq: pd.DataFrame, food_id: str, grams: float) -> dict[str, float]:
    """Non-zero equivalents of ``grams`` of a food, by component."""
    row = eq.loc[food_id] * grams / 100.0
    return {k: float(v) for k, v in row.items() if v != 0}


def only(eq: pd.DataFrame, food_id: str, grams: float, component: str, rel: float = EXACT) -> None:
    """``grams`` of the food count ~1 equivalent of ``component`` and nothing else."""
    got = amount(eq, food_id, grams)
    assert set(got) == {component}, got
    assert got[component] == pytest.approx(1.0, rel=rel), got


# --- the table covers the catalogue ----------------------------------------------------------


def test_every_catalogue_food_has_a_rule_row_and_no_stranger_does() -> None:
    rules = food_group_rules()
    assert set(rules["food_id"]) == set(bundled_catalog().index)
    assert set(rules["component"]) <= set(COMPONENTS) | {"none"}
    none = set(rules.loc[rules["component"] == "none", "food_id"])
    also = set(rules.loc[rules["component"] != "none", "food_id"])
    assert not none & also, "a food marked 'none' also has equivalents"
    assert not rules.duplicated(["food_id", "component"]).any()
    assert (rules["value"] >= 0).all()
    assert (rules.loc[rules["basis"] == "g_per_eq", "value"] > 0).all()


def test_components_units_and_labels() -> None:
    assert len(COMPONENTS) == 17
    assert set(LABELS) == set(COMPONENTS)
    assert COMPONENTS["oils"] == "g" and COMPONENTS["added_sugars"] == "tsp-eq"
    assert {k for k, u in COMPONENTS.items() if u == "oz-eq"} == {
        "grain_whole",
        "grain_refined",
        "protein_meat_poultry",
        "protein_eggs",
        "protein_seafood",
        "protein_nuts_seeds",
        "protein_soy",
    }


def test_equivalents_of_the_catalogue_are_finite_and_non_negative(eq: pd.DataFrame) -> None:
    assert list(eq.columns) == list(COMPONENTS)
    assert list(eq.index) == list(bundled_catalog().index)
    values = eq.to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all()


def test_foods_with_no_food_group_count_nothing(eq: pd.DataFrame) -> None:
    for food_id in ("water_tap", "salt_table", "coffee_brewed", "spice_cumin", "butter_salted"):
        assert amount(eq, food_id, 100) == {}, food_id


def test_foods_marked_none_count_nothing_even_in_a_defaulted_category(eq: pd.DataFrame) -> None:
    rules = food_group_rules()
    none = sorted(rules.loc[rules["component"] == "none", "food_id"])
    assert {"cream_cheese", "rice_beverage", "wheat_germ"} <= set(none)
    leaking = {f: amount(eq, f, 100) for f in none if amount(eq, f, 100)}
    assert leaking == {}


# --- vegetables ------------------------------------------------------------------------------


def test_one_cup_cooked_spinach_is_one_cup_eq_dark_green(eq: pd.DataFrame) -> None:
    only(eq, "spinach_cooked", 180.0, "veg_dark_green")  # SR24 11458: 1 cup = 180 g


@pytest.mark.parametrize(
    ("food_id", "grams_per_cup"),
    [
        ("spinach_raw", 30.0),  # SR24 11457: 1 cup = 30 g
        ("lettuce_romaine", 47.0),  # SR24 11251: 1 cup shredded = 47 g
        ("kale_raw", 67.0),  # SR24 11233: 1 cup chopped = 67 g
    ],
)
def test_two_cups_raw_leafy_greens_are_one_cup_eq(
    eq: pd.DataFrame, food_id: str, grams_per_cup: float
) -> None:
    only(eq, food_id, 2 * grams_per_cup, "veg_dark_green")
    assert amount(eq, food_id, grams_per_cup)["veg_dark_green"] == pytest.approx(0.5, rel=EXACT)


def test_vegetable_subgroups(eq: pd.DataFrame) -> None:
    only(eq, "sweet_potato_baked", 150.0, "veg_red_orange")  # stated 150 g per cup-eq
    only(eq, "carrots_raw", 128.0, "veg_red_orange")  # SR24 11124: 1 cup chopped = 128 g
    only(eq, "avocado_raw", 146.0, "veg_other")  # SR24 09037: 1 cup sliced = 146 g
    only(eq, "potato_baked", 138.0, "veg_starchy")
    only(eq, "broccoli_cooked", 156.0, "veg_dark_green")  # SR24 11091: 1 cup chopped = 156 g


# --- fruit: whole vs juice -------------------------------------------------------------------


def test_juice_counts_as_juice_and_whole_fruit_as_whole(eq: pd.DataFrame) -> None:
    only(eq, "orange_juice", 249.0, "fruit_juice")  # SR24 09209: 1 cup = 249 g
    only(eq, "orange_raw", 180.0, "fruit_whole")  # SR24 09200: 1 cup sections = 180 g
    only(eq, "apple_raw", 125.0, "fruit_whole")  # SR24 09003: 1 cup chopped = 125 g
    only(eq, "banana_raw", 150.0, "fruit_whole")  # SR24 09040: 1 cup sliced = 150 g


def test_half_a_cup_of_dried_apricots_is_one_cup_eq(eq: pd.DataFrame) -> None:
    only(eq, "apricots_dried", 65.0, "fruit_whole")  # SR24 09032: 1 cup halves = 130 g


def test_half_a_cup_of_raisins_is_one_cup_eq(eq: pd.DataFrame) -> None:
    only(eq, "raisins", 72.5, "fruit_whole")  # SR24 09298: 1 cup (not packed) = 145 g


# --- grains: whole vs refined ----------------------------------------------------------------


def test_half_cup_cooked_rice_or_pasta_is_one_oz_eq(eq: pd.DataFrame) -> None:
    only(eq, "rice_white_cooked", 79.0, "grain_refined")  # SR24 20045: 1 cup = 158 g
    only(eq, "rice_brown_cooked", 97.5, "grain_whole")  # SR24 20037: 1 cup = 195 g
    only(eq, "spaghetti_cooked", 70.0, "grain_refined")  # SR24 20121: 1 cup = 140 g
    only(eq, "quinoa_cooked", 92.5, "grain_whole")  # SR24 20137: 1 cup = 185 g


def test_one_ounce_of_bread_is_one_oz_eq_whole_or_refined(eq: pd.DataFrame) -> None:
    white = amount(eq, "bread_white", OZ)
    whole = amount(eq, "bread_whole_wheat", OZ)
    assert white["grain_refined"] == pytest.approx(1.0, rel=EXACT)
    assert "grain_whole" not in white
    assert whole["grain_whole"] == pytest.approx(1.0, rel=EXACT)
    assert "grain_refined" not in whole
    # MyPlate: 1 regular slice = 1 oz-eq; SR24's slice of whole-wheat bread is 28 g
    assert amount(eq, "bread_whole_wheat", 28.0)["grain_whole"] == pytest.approx(1.0, rel=ABOUT)


def test_multigrain_bread_splits_by_its_stated_whole_share(eq: pd.DataFrame) -> None:
    got = amount(eq, "bread_multigrain", OZ)
    assert got["grain_whole"] == pytest.approx(0.5, rel=EXACT)
    assert got["grain_refined"] == pytest.approx(0.5, rel=EXACT)


def test_three_cups_of_popcorn_are_one_oz_eq_whole(eq: pd.DataFrame) -> None:
    only(eq, "popcorn_air_popped", 24.0, "grain_whole")


# --- dairy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("food_id", "grams"),
    [
        ("milk_2pct", 244.0),  # 1 cup (SR24 01079)
        ("yogurt_plain_lowfat", 245.0),  # 1 cup (SR24 01117)
        ("soymilk_unsweetened_fortified", 243.0),  # fortified soy milk counts as dairy
        ("cheese_cheddar", 1.5 * OZ),  # 1.5 oz natural cheese
        ("cheese_american_vitd", 2 * OZ),  # 2 oz processed cheese
        ("cottage_cheese_2pct", 452.0),  # 2 cups (SR24 01016: 226 g a cup)
        ("ricotta_part_skim", 124.0),  # 1/2 cup
    ],
)
def test_one_cup_eq_of_dairy(eq: pd.DataFrame, food_id: str, grams: float) -> None:
    got = amount(eq, food_id, grams)
    assert got["dairy"] == pytest.approx(1.0, rel=EXACT)
    assert set(got) <= {"dairy", "added_sugars"}


# --- protein foods and legumes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("food_id", "grams", "component"),
    [
        ("chicken_breast_roasted", OZ, "protein_meat_poultry"),  # 1 oz cooked
        ("salmon_sockeye_cooked", OZ, "protein_seafood"),
        ("egg_hard_boiled", 50.0, "protein_eggs"),  # 1 egg
        ("almonds", OZ / 2, "protein_nuts_seeds"),  # 1/2 oz nuts
        ("sunflower_seeds", OZ / 2, "protein_nuts_seeds"),
        ("tofu_firm_calcium", 63.0, "protein_soy"),  # 1/4 cup tofu
        ("tempeh", OZ, "protein_soy"),  # 1 oz tempeh
    ],
)
def test_one_oz_eq_of_protein(eq: pd.DataFrame, food_id: str, grams: float, component: str) -> None:
    only(eq, food_id, grams, component)


def test_one_tablespoon_of_peanut_butter_is_one_oz_eq(eq: pd.DataFrame) -> None:
    got = amount(eq, "peanut_butter", 16.0)
    assert got["protein_nuts_seeds"] == pytest.approx(1.0, rel=EXACT)
    assert set(got) == {"protein_nuts_seeds", "added_sugars"}  # half its sugars are added
    assert got["added_sugars"] == pytest.approx(16.0 * 0.0922 * 0.5 / 4.2, rel=EXACT)


def test_legumes_count_as_cup_eq_and_four_oz_eq_protein_per_cup(eq: pd.DataFrame) -> None:
    only(eq, "lentils_cooked", 198.0, "legumes")  # SR24 16070: 1 cup = 198 g
    quarter = amount(eq, "black_beans_cooked", 43.0)  # 1/4 cup (SR24 16015: 172 g a cup)
    assert quarter == pytest.approx({"legumes": 0.25}, rel=EXACT)
    # the project keeps legumes in one column; the pattern and the HEI read it as protein:
    assert PATTERN_GROUPS["protein_foods"]["legumes"] == 4.0
    assert PATTERN_GROUPS["vegetables"]["legumes"] == 1.0
    assert hei_amounts(quarter)["total_protein"] == pytest.approx(1.0, rel=EXACT)  # 1 oz-eq
    assert hei_amounts(quarter)["total_vegetables"] == pytest.approx(0.25, rel=EXACT)


def test_hummus_two_tablespoons_are_a_quarter_cup_eq_of_legumes(eq: pd.DataFrame) -> None:
    assert amount(eq, "hummus", 30.0) == pytest.approx({"legumes": 0.25}, rel=EXACT)


def test_immature_lima_beans_are_a_starchy_vegetable_not_a_legume(eq: pd.DataFrame) -> None:
    assert set(amount(eq, "lima_beans_frozen", 100)) == {"veg_starchy"}
    assert set(amount(eq, "lima_beans_cooked", 100)) == {"legumes"}


# --- oils and added sugars -------------------------------------------------------------------


def test_a_teaspoon_of_added_sugar_is_4_2_grams(eq: pd.DataFrame) -> None:
    assert TSP_SUGAR_G == 4.2
    # SR24 19335 granulated sugar: 99.8 g sugars per 100 g
    assert amount(eq, "sugar", 4.2) == pytest.approx({"added_sugars": 0.998}, rel=1e-6)
    assert eq.at["sugar", "added_sugars"] == pytest.approx(99.8 / 4.2, rel=1e-6)
    # SR24 19296 honey: 82.12 g sugars per 100 g; 1 tbsp = 21 g
    assert amount(eq, "honey", 21.0) == pytest.approx({"added_sugars": 21 * 0.8212 / 4.2})


def test_sweetened_soy_milk_counts_sugar_above_its_own(eq: pd.DataFrame) -> None:
    # SR24 16139: 3.65 g sugars per 100 g, 1 g of which the soybeans' own
    sweet = amount(eq, "soymilk_fortified", 243.0)
    assert sweet["added_sugars"] == pytest.approx(2.43 * (3.65 - 1.0) / 4.2, rel=1e-6)
    assert "added_sugars" not in amount(eq, "soymilk_unsweetened_fortified", 243.0)


def test_oils_are_the_fat_of_oils_and_oily_spreads(eq: pd.DataFrame) -> None:
    assert amount(eq, "olive_oil", 13.5) == pytest.approx({"oils": 13.5})  # 1 tbsp (SR24)
    # MyPlate: 1 tbsp mayonnaise = 11 g of oil; SR24 04025: 13.8 g, 79.39 % fat
    mayo = amount(eq, "mayonnaise", 13.8)
    assert mayo["oils"] == pytest.approx(11.0, rel=ABOUT)
    assert mayo["oils"] == pytest.approx(13.8 * 0.7939, rel=1e-6)


# --- a person's own foods count by category --------------------------------------------------


def own_foods(categories: list[str]) -> pd.DataFrame:
    """Made-up foods, one per category, with their own nutrients (no USDA link)."""
    header = ",".join(c for c in column_names() if c != "role")
    header += ",energy_kcal,protein_g,fat_g,carbohydrate_g,sugars_g"
    rows = [
        f"my_{c},,My {c},{c},lunch,100,1 portion,true,2,,,false,produce,1 lb,454,,,5.0,user,,"
        "125,10,5,10,8"
        for c in categories
    ]
    text = "\n".join([header, *rows]) + "\n"
    return build_food_table(read_food_csv(text, "mine.csv"), "mine.csv", origin="custom")


def test_custom_foods_use_the_category_defaults() -> None:
    mine = own_foods(list(CATEGORY_DEFAULTS))
    merged = load_catalog([mine])
    eq = equivalents_per_100g(merged)
    # 100 g over the grams per equivalent, by hand:
    expected = {
        "fruit": ("fruit_whole", 100 / 150),  # 0.667 cup-eq
        "vegetable": ("veg_other", 100 / 130),  # 0.769
        "legume": ("legumes", 100 / 170),  # 0.588
        "grain": ("grain_refined", 100 / 28.35),  # 3.527 oz-eq
        "dairy": ("dairy", 100 / 245),  # 0.408
        "dairy_alternative": ("dairy", 100 / 245),
        "egg": ("protein_eggs", 2.0),
        "fish": ("protein_seafood", 100 / 28.35),
        "meat": ("protein_meat_poultry", 100 / 28.35),
        "poultry": ("protein_meat_poultry", 100 / 28.35),
        "soy_protein": ("protein_soy", 100 / 63),  # 1.587
        "nuts_seeds": ("protein_nuts_seeds", 100 / 14.175),  # 7.055
    }
    assert set(expected) == set(CATEGORY_DEFAULTS)
    for category, (component, value) in expected.items():
        assert amount(eq, f"my_{category}", 100) == pytest.approx({component: value}), category
    # the catalogue's own rows are untouched by the merge
    alone = equivalents_per_100g(bundled_catalog())
    np.testing.assert_array_equal(eq.loc[list(alone.index)].to_numpy(), alone.to_numpy())


def test_food_group_rules_for_foods_outside_the_table_are_ignored() -> None:
    """A table holding only custom foods gets defaults and no catalogue rows."""
    eq = equivalents_per_100g(own_foods(["fruit", "egg"]))
    assert list(eq.index) == ["my_fruit", "my_egg"]
    assert eq.loc["my_fruit"].sum() == pytest.approx(100 / 150)
    assert eq.loc["my_egg"].sum() == pytest.approx(2.0)


# --- a dish's groups are the sum of its ingredients ------------------------------------------


def test_a_dish_counts_the_groups_of_its_ingredients(eq: pd.DataFrame) -> None:
    """Lentils on brown rice (tests/fixtures/dishes): 1 cup lentils, 1/2 cup rice, 5 g oil."""
    parts = {"lentils_cooked": 198.0, "rice_brown_cooked": 97.5, "olive_oil": 5.0}
    total = sum(eq.loc[f] * g / 100.0 for f, g in parts.items())
    assert total["legumes"] == pytest.approx(1.0, rel=EXACT)
    assert total["grain_whole"] == pytest.approx(1.0, rel=EXACT)
    assert total["oils"] == pytest.approx(5.0)
    assert math.isclose(float(total.sum()), 7.0, rel_tol=EXACT)


# --- the CSV is what the script writes -------------------------------------------------------


def test_a_persons_own_oil_and_sweet_count_oils_and_added_sugars() -> None:
    from foods.food_groups import TSP_SUGAR_G, equivalents_per_100g

    foods = pd.DataFrame(
        {"category": ["fat_oil", "sweet"], "fat_g": [92.0, 1.0], "sugars_g": [0.0, 63.0]},
        index=["my_ghee", "my_fudge"],
    )
    table = equivalents_per_100g(foods)
    assert table.at["my_ghee", "oils"] == pytest.approx(92.0)
    assert table.at["my_fudge", "added_sugars"] == pytest.approx(63.0 / TSP_SUGAR_G)
    assert table.loc["my_fudge"].drop("added_sugars").sum() == 0
