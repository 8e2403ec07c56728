"""The dish library (foods/dishes.py): the bundled recipes, the checks, the derived tags and
nutrients, and the substitutions.

Hand-checked values use USDA SR24 per-100 g figures written out below with their NDB numbers;
the tests first assert the catalogue still carries those figures, so a changed source shows up
as such and not as a wrong sum.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from foods.catalog import bundled_catalog
from foods.dishes import (
    DISH_DIR,
    NOT_INGREDIENTS,
    Dish,
    Ingredient,
    adapt,
    build_dishes,
    bundled_dishes,
    check_dish_rows,
    check_ingredient_rows,
    derived_tags,
    dish_cost,
    dish_nutrients,
    dish_table,
    read_dish_tables,
    substitutions,
)
from foods.errors import FoodTableError
from foods.vocabulary import vocabulary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dishes"
DISH_HEADER = "dish_id,name,kind,meals,cuisine,minutes,appeal,steps"
INGREDIENT_HEADER = "dish_id,food_id,grams,household"
GOOD_DISH = "good_dish,Good Dish,main,lunch,american,10,3,Mix.|Serve."
GOOD_INGREDIENT = "good_dish,banana_raw,118,1 medium"


@pytest.fixture(scope="module")
def foods() -> pd.DataFrame:
    return bundled_catalog()


@pytest.fixture(scope="module")
def library() -> dict[str, Dish]:
    return bundled_dishes()


@pytest.fixture(scope="module")
def table(library: dict[str, Dish], foods: pd.DataFrame) -> pd.DataFrame:
    return dish_table(library, foods)


def write_set(
    directory: Path, name: str, dishes: list[str], ingredients: list[str]
) -> tuple[Path, Path]:
    """Write ``<name>_dishes.csv`` and ``<name>_ingredients.csv`` (header + rows)."""
    d = directory / f"{name}_dishes.csv"
    i = directory / f"{name}_ingredients.csv"
    d.write_text("\n".join([DISH_HEADER, *dishes]) + "\n", encoding="utf-8")
    i.write_text("\n".join([INGREDIENT_HEADER, *ingredients]) + "\n", encoding="utf-8")
    return d, i


def build_from(directory: Path, foods: pd.DataFrame) -> dict[str, Dish]:
    return build_dishes(*read_dish_tables(directory), foods)


def dish(*parts: tuple[str, float], dish_id: str = "test_dish") -> Dish:
    """A one-portion dish of (food_id, grams) for tag and nutrient checks."""
    return Dish(
        dish_id=dish_id,
        name="Test dish",
        kind="main",
        meals=("lunch",),
        cuisine="american",
        minutes=10,
        appeal=3,
        steps=("Cook.",),
        ingredients=tuple(Ingredient(f, g, f"{g:g} g") for f, g in parts),
    )


# --- the bundled library meets the counts ------------------------------------------
# Counts are over *main* dishes only (a side dish does not make a meal), the stricter reading.


def mains(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["kind"] == "main"]


def test_library_has_at_least_200_main_dishes(table: pd.DataFrame) -> None:
    assert len(mains(table)) >= 200
    assert set(table["kind"]) <= {"main", "side"}


@pytest.mark.parametrize(
    ("meal", "least"), [("breakfast", 40), ("lunch", 60), ("dinner", 70), ("snack", 30)]
)
def test_enough_main_dishes_for_each_meal(table: pd.DataFrame, meal: str, least: int) -> None:
    count = sum(meal in meals for meals in mains(table)["meals"])
    assert count >= least, f"{count} {meal} dishes"


def test_at_least_six_cuisines_each_with_several_dishes(table: pd.DataFrame) -> None:
    per_cuisine = mains(table)["cuisine"].value_counts()
    assert (per_cuisine >= 4).sum() >= 6, per_cuisine.to_dict()
    assert set(per_cuisine.index) <= set(vocabulary("cuisine"))


@pytest.mark.parametrize(("diet", "least"), [("vegan", 50), ("vegetarian", 80)])
def test_enough_vegan_and_vegetarian_dishes_by_derived_tags(
    table: pd.DataFrame, diet: str, least: int
) -> None:
    count = sum(diet in tags for tags in mains(table)["diet_tags"])
    assert count >= least, f"{count} {diet} dishes"


def test_enough_gluten_free_dishes_by_derived_allergens(table: pd.DataFrame) -> None:
    count = sum("gluten" not in allergens for allergens in mains(table)["allergens"])
    assert count >= 40, f"{count} gluten-free dishes"


# Every food source the articles name (../shared/reference/article-sources.md), as catalogue
# foods. Sets are explicit ids; rules say which catalogue column decides.
FOOD_SOURCES: dict[str, Callable[[pd.DataFrame], set[str]]] = {
    "spinach": lambda c: {
        "spinach_raw",
        "spinach_cooked",
        "spinach_frozen_cooked",
        "spinach_canned",
    },
    # tree nuts and peanuts (and their butters): category nuts_seeds with a nut allergen
    "nuts": lambda c: {
        f
        for f in c.index[c["category"] == "nuts_seeds"]
        if {"tree_nuts", "peanuts"} & set(c.at[f, "allergens"])
    },
    # category nuts_seeds without a nut allergen: sunflower, pumpkin, chia, flax, sesame, tahini
    "seeds": lambda c: {
        f
        for f in c.index[c["category"] == "nuts_seeds"]
        if not {"tree_nuts", "peanuts"} & set(c.at[f, "allergens"])
    },
    "dark chocolate": lambda c: {"dark_chocolate_70", "dark_chocolate_60"},
    "legumes": lambda c: set(c.index[c["category"] == "legume"]),
    "avocado": lambda c: {"avocado_raw"},
    "dairy": lambda c: set(c.index[c["category"] == "dairy"]),
    "canned fish with bones": lambda c: {
        "sardines_oil_canned",
        "sardines_tomato_canned",
        "salmon_pink_canned",
        "salmon_sockeye_canned",
        "anchovies_canned",
    },
    "leafy greens": lambda c: {
        "spinach_raw",
        "spinach_cooked",
        "spinach_frozen_cooked",
        "spinach_canned",
        "kale_raw",
        "kale_cooked",
        "kale_frozen_cooked",
        "collards_cooked",
        "collards_frozen_cooked",
        "chard_cooked",
        "beet_greens_cooked",
        "turnip_greens_cooked",
        "turnip_greens_frozen",
        "mustard_greens_frozen_cooked",
        "bok_choy_raw",
        "bok_choy_cooked",
        "arugula_raw",
        "lettuce_romaine",
    },
    # the catalogue's fortified flag
    "fortified foods": lambda c: set(c.index[c["fortified"].astype(bool)]),
    "sweet potato": lambda c: {"sweet_potato_baked", "sweet_potato_canned"},
    "banana": lambda c: {"banana_raw"},
    "dried apricot": lambda c: {"apricots_dried"},
    "fatty fish": lambda c: {
        "salmon_sockeye_cooked",
        "salmon_pink_cooked",
        "salmon_coho_cooked",
        "salmon_pink_canned",
        "salmon_sockeye_canned",
        "salmon_smoked",
        "sardines_oil_canned",
        "sardines_tomato_canned",
        "mackerel_cooked",
        "trout_rainbow_cooked",
        "herring_cooked",
        "herring_pickled",
        "herring_kippered",
        "anchovies_canned",
    },
    # 100 % whole-grain foods
    "whole grains": lambda c: {
        "oats_rolled_dry",
        "oatmeal_cooked",
        "oatmeal_instant_fortified",
        "rice_brown_cooked",
        "quinoa_cooked",
        "bulgur_cooked",
        "millet_cooked",
        "buckwheat_cooked",
        "spaghetti_whole_wheat_cooked",
        "macaroni_whole_wheat_cooked",
        "bread_whole_wheat",
        "pita_whole_wheat",
        "english_muffin_whole_wheat",
        "crackers_whole_wheat",
        "crispbread_rye",
        "flour_whole_wheat",
        "cornmeal_whole_grain",
        "tortilla_corn",
        "popcorn_air_popped",
        "cereal_shredded_wheat",
    },
    # tofu, tempeh, edamame, soybeans, natto (category soy_protein) and soy milks and yogurt
    "soy": lambda c: (
        set(c.index[c["category"] == "soy_protein"])
        | {
            f
            for f in c.index[c["category"] == "dairy_alternative"]
            if "soy" in c.at[f, "allergens"]
        }
    ),
}


@pytest.mark.parametrize("source", sorted(FOOD_SOURCES))
def test_every_article_food_source_is_in_at_least_four_dishes(
    source: str, library: dict[str, Dish], foods: pd.DataFrame
) -> None:
    members = FOOD_SOURCES[source](foods)
    assert members, f"{source}: the definition matches no catalogue food"
    assert members <= set(foods.index), f"{source}: unknown ids {members - set(foods.index)}"
    using = sorted(d.dish_id for d in library.values() if members & set(d.food_ids()))
    assert len(using) >= 4, f"{source}: only in {using}"


# --- every dish is complete ------------------------------------------------------------------


def test_every_bundled_dish_is_complete(library: dict[str, Dish]) -> None:
    slots, cuisines = set(vocabulary("slot")), set(vocabulary("cuisine"))
    for dish_id, d in library.items():
        assert d.dish_id == dish_id and d.dish_id
        assert d.name.strip(), dish_id
        assert d.meals and set(d.meals) <= slots, dish_id
        assert d.cuisine in cuisines, dish_id
        assert 1 <= d.minutes <= 240, dish_id
        assert 1 <= d.appeal <= 5, dish_id
        assert d.steps and all(s.strip() for s in d.steps), dish_id
        assert d.ingredients, dish_id
        for item in d.ingredients:
            assert 0 < item.grams <= 1000, (dish_id, item)
            assert item.household.strip(), (dish_id, item)
            assert item.replaces is None, (dish_id, item)
        assert len(set(d.food_ids())) == len(d.food_ids()), f"{dish_id}: a food listed twice"


def test_no_bundled_dish_lists_drinking_water(library: dict[str, Dish]) -> None:
    used = {f for d in library.values() for f in d.food_ids()}
    assert not used & NOT_INGREDIENTS


def test_every_bundled_set_is_read_with_its_file_and_line(library: dict[str, Dish]) -> None:
    dishes, ingredients = read_dish_tables()
    sets = {p.name.removesuffix("_dishes.csv") for p in DISH_DIR.glob("*_dishes.csv")}
    assert {s.split(" line ")[0] for s in dishes["source"]} == {f"{s}_dishes.csv" for s in sets}
    assert len(dishes) == len(library)
    assert len(ingredients) == sum(len(d.ingredients) for d in library.values())
    first = dishes.iloc[0]
    assert first["source"].endswith(" line 2")


# --- oil, salt and sugar are never side foods ------------------------------------------------


def test_oil_salt_sugar_and_seasonings_are_ingredients_only(foods: pd.DataFrame) -> None:
    """role=ingredient keeps them out of the side foods the planner offers on their own."""
    for category in ("fat_oil", "condiment", "herb_spice"):
        members = foods[foods["category"] == category]
        assert len(members) > 0, category
        assert (members["role"] == "ingredient").all(), members[members["role"] != "ingredient"]
    sweeteners = ["sugar", "brown_sugar", "honey", "maple_syrup", "molasses", "jam", "salt_table"]
    oils = ["olive_oil", "canola_oil", "soybean_oil", "sesame_oil", "butter_salted"]
    for food_id in sweeteners + oils:
        assert foods.at[food_id, "role"] == "ingredient", food_id
    assert set(foods["role"]) == {"side", "ingredient"}


# --- derived diet tags and allergens ---------------------------------------------------------


def test_cheese_makes_a_dish_vegetarian_not_vegan(foods: pd.DataFrame) -> None:
    diets, allergens = derived_tags(dish(("spaghetti_cooked", 140), ("cheese_parmesan", 10)), foods)
    assert diets == ("vegetarian", "pescatarian")
    assert allergens == ("milk", "wheat", "gluten")  # vocabulary order


def test_wheat_flour_carries_wheat_and_gluten(foods: pd.DataFrame) -> None:
    diets, allergens = derived_tags(
        dish(("flour_all_purpose", 30), ("egg_raw", 50), ("milk_2pct", 60)), foods
    )
    assert diets == ("vegetarian", "pescatarian")
    assert allergens == ("milk", "egg", "wheat", "gluten")


def test_oats_carry_gluten_because_the_catalogue_has_no_gluten_free_oats(
    foods: pd.DataFrame,
) -> None:
    oat_foods = [f for f in foods.index if f.startswith("oat")]
    assert set(oat_foods) == {"oats_rolled_dry", "oatmeal_cooked", "oatmeal_instant_fortified"}
    for food_id in oat_foods:  # the catalogue's choice: oats as sold may carry wheat
        assert "gluten" in foods.at[food_id, "allergens"], food_id
        assert "wheat" not in foods.at[food_id, "allergens"], food_id
    diets, allergens = derived_tags(dish(("oats_rolled_dry", 40), ("banana_raw", 118)), foods)
    assert diets == ("vegan", "vegetarian", "pescatarian")
    assert allergens == ("gluten",)


def test_a_dish_of_gluten_free_foods_has_no_allergen(foods: pd.DataFrame) -> None:
    diets, allergens = derived_tags(dish(("quinoa_cooked", 185), ("black_beans_cooked", 86)), foods)
    assert diets == ("vegan", "vegetarian", "pescatarian")
    assert allergens == ()


def test_meat_and_fish_remove_the_diet_tags(foods: pd.DataFrame) -> None:
    chicken = dish(("chicken_breast_roasted", 85), ("rice_white_cooked", 158))
    salmon = dish(("salmon_sockeye_cooked", 85), ("rice_white_cooked", 158))
    assert derived_tags(chicken, foods) == ((), ())
    assert derived_tags(salmon, foods) == (("pescatarian",), ("fish",))


def test_bundled_dish_tags_follow_their_ingredients(
    table: pd.DataFrame, library: dict[str, Dish], foods: pd.DataFrame
) -> None:
    animal = {"dairy", "egg", "fish", "meat", "poultry"}
    for dish_id, d in library.items():
        row = table.loc[dish_id]
        categories = {foods.at[f, "category"] for f in d.food_ids()}
        if categories & animal:
            assert "vegan" not in row["diet_tags"], dish_id
        if categories & {"meat", "poultry"}:
            assert row["diet_tags"] == (), dish_id
        if {"flour_all_purpose", "flour_whole_wheat"} & set(d.food_ids()):
            assert {"wheat", "gluten"} <= set(row["allergens"]), dish_id
        if any(f.startswith("cheese_") for f in d.food_ids()):
            assert "milk" in row["allergens"] and "vegan" not in row["diet_tags"], dish_id


# --- broken dish files are refused with the file, the row and the fix ------------------------


def test_the_tiny_fixture_set_builds_field_by_field(foods: pd.DataFrame) -> None:
    built = build_from(FIXTURES, foods)
    assert list(built) == ["banana_milk_smoothie", "lentil_rice_bowl"]
    smoothie = built["banana_milk_smoothie"]
    assert smoothie.name == "Banana Milk Smoothie"
    assert smoothie.kind == "main"
    assert smoothie.meals == ("breakfast", "snack")
    assert smoothie.cuisine == "american"
    assert (smoothie.minutes, smoothie.appeal) == (5, 4)
    assert smoothie.steps == (
        "Peel the banana and break it into pieces.",
        "Blend with the milk until smooth.",
    )
    assert smoothie.ingredients == (
        Ingredient("milk_2pct", 244.0, "1 cup"),
        Ingredient("banana_raw", 118.0, "1 medium"),
    )
    assert built["lentil_rice_bowl"].food_ids() == (
        "lentils_cooked",
        "rice_brown_cooked",
        "olive_oil",
        "salt_table",
    )


def test_unknown_ingredient_food_id_is_refused_naming_dish_row_and_id(
    tmp_path: Path, foods: pd.DataFrame
) -> None:
    write_set(
        tmp_path,
        "bad",
        [GOOD_DISH, "stew,Stew,main,dinner,french,60,3,Simmer."],
        [GOOD_INGREDIENT, "stew,unicorn_steak,150,1 steak", "stew,onion_raw,50,1/2 onion"],
    )
    with pytest.raises(FoodTableError) as caught:
        build_from(tmp_path, foods)
    message = str(caught.value)
    assert "bad_ingredients.csv line 3 (dish_id 'stew'): unknown food_id 'unicorn_steak'" in message
    assert "foods/data/catalog.csv" in message  # the fix
    assert "1 problem(s)" in message


@pytest.mark.parametrize("water", sorted(NOT_INGREDIENTS))
def test_drinking_water_as_an_ingredient_is_refused(
    tmp_path: Path, foods: pd.DataFrame, water: str
) -> None:
    write_set(tmp_path, "soup", [GOOD_DISH], [GOOD_INGREDIENT, f"good_dish,{water},250,1 cup"])
    with pytest.raises(FoodTableError) as caught:
        build_from(tmp_path, foods)
    message = str(caught.value)
    assert f"soup_ingredients.csv line 3 (dish_id 'good_dish'): '{water}' is drinking water" in (
        message
    )
    assert "in the steps" in message


def test_duplicate_dish_id_across_sets_is_refused(tmp_path: Path, foods: pd.DataFrame) -> None:
    write_set(tmp_path, "alpha", [GOOD_DISH], [GOOD_INGREDIENT])
    write_set(
        tmp_path,
        "beta",
        ["other_dish,Other,main,lunch,american,5,3,Mix.", GOOD_DISH],
        ["other_dish,apple_raw,182,1 apple", GOOD_INGREDIENT],
    )
    with pytest.raises(FoodTableError) as caught:
        build_from(tmp_path, foods)
    message = str(caught.value)
    assert "beta_dishes.csv line 3 (dish_id 'good_dish'): dish_id appears more than once" in message


@pytest.mark.parametrize(
    ("dish_row", "ingredient_row", "expected"),
    [
        (GOOD_DISH, "good_dish,banana_raw,0,1 medium", "line 2 (dish_id 'good_dish'): grams '0'"),
        (GOOD_DISH, "good_dish,banana_raw,-5,1 medium", "grams '-5' must be above 0"),
        (GOOD_DISH, "good_dish,banana_raw,nan,1 medium", "grams 'nan' must be above 0"),
        (GOOD_DISH, "good_dish,banana_raw,1500,1 bunch", "grams '1500' must be above 0 and at"),
        (GOOD_DISH, "good_dish,banana_raw,118,", "household is empty"),
        (GOOD_DISH, "ghost_dish,banana_raw,118,1", "(dish_id 'ghost_dish'): no dish with this id"),
        ("good_dish,Good,main,lunch,martian,10,3,Mix.", GOOD_INGREDIENT, "cuisine 'martian'"),
        ("good_dish,Good,main,elevenses,american,10,3,Mix.", GOOD_INGREDIENT, "meals 'elevenses'"),
        ("good_dish,Good,starter,lunch,american,10,3,Mix.", GOOD_INGREDIENT, "kind 'starter'"),
        ("good_dish,Good,main,lunch,american,0,3,Mix.", GOOD_INGREDIENT, "minutes '0'"),
        ("good_dish,Good,main,lunch,american,300,3,Mix.", GOOD_INGREDIENT, "minutes '300'"),
        ("good_dish,Good,main,lunch,american,10,6,Mix.", GOOD_INGREDIENT, "appeal '6'"),
        ("good_dish,Good,main,lunch,american,10,3,|", GOOD_INGREDIENT, "steps are empty"),
        ("good_dish,,main,lunch,american,10,3,Mix.", GOOD_INGREDIENT, "name is empty"),
        ("Good Dish,Good,main,lunch,american,10,3,Mix.", "Good Dish,banana_raw,118,1", "a-z"),
    ],
)
def test_each_broken_cell_is_named(
    tmp_path: Path, foods: pd.DataFrame, dish_row: str, ingredient_row: str, expected: str
) -> None:
    write_set(tmp_path, "case", [dish_row], [ingredient_row])
    with pytest.raises(FoodTableError, match="case_") as caught:
        build_from(tmp_path, foods)
    assert expected in str(caught.value)


def test_the_same_food_twice_in_one_dish_is_refused(tmp_path: Path, foods: pd.DataFrame) -> None:
    write_set(tmp_path, "twice", [GOOD_DISH], [GOOD_INGREDIENT, "good_dish,banana_raw,50,1/2"])
    with pytest.raises(FoodTableError, match=r"line 3 \(dish_id 'good_dish'\): 'banana_raw' is"):
        build_from(tmp_path, foods)


def test_a_dish_without_ingredients_is_refused(tmp_path: Path, foods: pd.DataFrame) -> None:
    write_set(
        tmp_path,
        "bare",
        [GOOD_DISH, "empty_dish,Empty,main,lunch,american,5,3,Nothing."],
        [GOOD_INGREDIENT],
    )
    with pytest.raises(FoodTableError, match="dish_id 'empty_dish': has no ingredients"):
        build_from(tmp_path, foods)


def test_every_problem_is_reported_at_once(tmp_path: Path, foods: pd.DataFrame) -> None:
    write_set(
        tmp_path,
        "many",
        ["good_dish,Good,main,lunch,martian,10,3,Mix."],
        ["good_dish,unicorn_steak,150,1", "good_dish,water_tap,250,1 cup"],
    )
    with pytest.raises(FoodTableError) as caught:
        build_from(tmp_path, foods)
    message = str(caught.value)
    assert message.startswith("dishes: 3 problem(s):")
    assert "cuisine 'martian'" in message
    assert "unknown food_id 'unicorn_steak'" in message
    assert "'water_tap' is drinking water" in message


def test_check_functions_return_nothing_for_good_rows(foods: pd.DataFrame) -> None:
    dishes, ingredients = read_dish_tables(FIXTURES)
    assert check_dish_rows(dishes) == []
    assert check_ingredient_rows(ingredients, dishes, foods) == []


def test_missing_ingredients_file_and_wrong_columns_are_refused(tmp_path: Path) -> None:
    (tmp_path / "lonely_dishes.csv").write_text(DISH_HEADER + "\n" + GOOD_DISH + "\n")
    with pytest.raises(FoodTableError, match="lonely_ingredients.csv is missing"):
        read_dish_tables(tmp_path)
    (tmp_path / "lonely_ingredients.csv").write_text("dish_id,food,grams\ngood_dish,x,1\n")
    with pytest.raises(FoodTableError, match="missing food_id, household; unknown food"):
        read_dish_tables(tmp_path)
    with pytest.raises(FoodTableError, match="no \\*_dishes.csv files"):
        read_dish_tables(tmp_path / "nowhere")


def test_a_non_ascii_digit_in_minutes_is_refused_with_the_row(
    tmp_path: Path, foods: pd.DataFrame
) -> None:
    write_set(tmp_path, "odd", ["good_dish,Good,main,lunch,american,²,3,Mix."], [GOOD_INGREDIENT])
    with pytest.raises(FoodTableError, match=r"odd_dishes.csv line 2 .*minutes '²'"):
        build_from(tmp_path, foods)


# --- substitutions ---------------------------------------------------------------------------


def no_allergen(foods: pd.DataFrame, *allergens: str) -> Callable[[str], bool]:
    return lambda f: not set(allergens) & set(foods.at[f, "allergens"])


def test_substitution_table_names_catalogue_foods_best_first(foods: pd.DataFrame) -> None:
    swaps = substitutions()
    assert swaps["milk_2pct"] == ("soymilk_unsweetened_fortified", "soymilk_fortified")
    assert swaps["spaghetti_cooked"] == ("pasta_corn_cooked",)
    for food_id, subs in swaps.items():
        assert food_id in foods.index, food_id
        for s in subs:
            assert s in foods.index and s != food_id, (food_id, s)


def test_swaps_said_to_be_gluten_free_or_nut_free_are(foods: pd.DataFrame) -> None:
    table = pd.read_csv(DISH_DIR.parent / "substitutions.csv", dtype=str)
    for row in table.itertuples(index=False):
        allergens = set(foods.at[row.substitute_id, "allergens"])
        if "gluten-free" in row.reason or "without wheat" in row.reason:
            assert not {"gluten", "wheat"} & allergens, row
        if "nut-free" in row.reason:
            assert not {"tree_nuts", "peanuts"} & allergens, row
        if "peanut-free" in row.reason:
            assert "peanuts" not in allergens, row
        if "without dairy" in row.reason or "in place of dairy" in row.reason:
            assert "milk" not in allergens, row


def test_cows_milk_becomes_fortified_soy_milk_for_someone_without_milk(
    library: dict[str, Dish], foods: pd.DataFrame
) -> None:
    original = library["peanut_butter_banana_oatmeal_cinnamon"]
    assert "milk_2pct" in original.food_ids()
    adapted = adapt(original, no_allergen(foods, "milk"))
    assert adapted is not None
    position = original.food_ids().index("milk_2pct")
    swapped = adapted.ingredients[position]
    before = original.ingredients[position]
    assert swapped.food_id == "soymilk_unsweetened_fortified"
    assert swapped.replaces == "milk_2pct"
    assert (swapped.grams, swapped.household) == (before.grams, before.household)
    assert [i for n, i in enumerate(adapted.ingredients) if n != position] == [
        i for n, i in enumerate(original.ingredients) if n != position
    ]
    assert "milk" not in derived_tags(adapted, foods)[1]
    assert adapted.dish_id == original.dish_id and adapted.steps == original.steps


def test_a_dish_that_is_already_allowed_comes_back_unchanged(library: dict[str, Dish]) -> None:
    original = library["peanut_butter_banana_oatmeal_cinnamon"]
    assert adapt(original, lambda f: True) == original


def test_the_next_substitute_is_taken_when_the_first_is_not_allowed(
    library: dict[str, Dish],
) -> None:
    original = library["peanut_butter_banana_oatmeal_cinnamon"]
    adapted = adapt(original, lambda f: f not in ("milk_2pct", "soymilk_unsweetened_fortified"))
    assert adapted is not None
    assert "soymilk_fortified" in adapted.food_ids()


def test_a_dish_whose_ingredient_has_no_allowed_swap_is_left_out(
    library: dict[str, Dish], foods: pd.DataFrame
) -> None:
    with_cheese = library["pinto_bean_rice_stuffed_peppers"]
    assert "cheese_cheddar" in with_cheese.food_ids()
    assert "cheese_cheddar" not in substitutions()
    assert adapt(with_cheese, no_allergen(foods, "milk")) is None
    # milk's only swaps are soy milks: no milk and no soy leaves nothing
    with_milk = library["peanut_butter_banana_oatmeal_cinnamon"]
    assert adapt(with_milk, no_allergen(foods, "milk", "soy")) is None


def test_adapt_uses_the_given_swaps_not_the_file() -> None:
    d = dish(("milk_2pct", 244), ("banana_raw", 118))
    adapted = adapt(d, lambda f: f != "milk_2pct", {"milk_2pct": ("rice_beverage",)})
    assert adapted is not None
    assert adapted.ingredients[0] == Ingredient("rice_beverage", 244, "244 g", "milk_2pct")
    assert adapt(d, lambda f: f != "milk_2pct", {}) is None


# --- nutrients and cost are the sums of the ingredients --------------------------------------

# USDA SR24 per 100 g: (NDB, kcal, potassium mg, sodium mg, magnesium mg, protein g)
SR24 = {
    "celery_raw": ("11143", 16.0, 260.0, 80.0, 11.0, 0.69),
    "peanut_butter_no_salt": ("16398", 588.0, 649.0, 17.0, 154.0, 25.09),
    "raisins": ("09298", 299.0, 749.0, 11.0, 32.0, 3.07),
}


def test_catalogue_carries_the_sr24_values_used_by_hand(foods: pd.DataFrame) -> None:
    for food_id, (ndb, kcal, k, na, mg, protein) in SR24.items():
        row = foods.loc[food_id]
        assert row["ndb_no"] == ndb
        assert (
            row["energy_kcal"],
            row["potassium_mg"],
            row["sodium_mg"],
            row["magnesium_mg"],
            row["protein_g"],
        ) == (kcal, k, na, mg, protein)


def test_celery_logs_nutrients_hand_checked(library: dict[str, Dish], foods: pd.DataFrame) -> None:
    logs = library["celery_peanut_butter_raisin_logs"]
    assert [(i.food_id, i.grams) for i in logs.ingredients] == [
        ("celery_raw", 100.0),
        ("peanut_butter_no_salt", 18.0),
        ("raisins", 20.0),
    ]
    got = dish_nutrients([logs], foods).loc["celery_peanut_butter_raisin_logs"]
    # 100 g celery + 18 g peanut butter + 20 g raisins, by hand:
    assert got["energy_kcal"] == pytest.approx(16.0 + 105.84 + 59.8)  # 181.64
    assert got["potassium_mg"] == pytest.approx(260.0 + 116.82 + 149.8)  # 526.62
    assert got["sodium_mg"] == pytest.approx(80.0 + 3.06 + 2.2)  # 85.26
    assert got["magnesium_mg"] == pytest.approx(11.0 + 27.72 + 6.4)  # 45.12
    assert got["protein_g"] == pytest.approx(0.69 + 4.5162 + 0.614)  # 5.8202


def test_fixture_dishes_nutrients_and_cost_hand_checked(foods: pd.DataFrame) -> None:
    built = build_from(FIXTURES, foods)
    got = dish_nutrients(built.values(), foods, ["energy_kcal", "potassium_mg", "sodium_mg"])
    assert list(got.columns) == ["energy_kcal", "potassium_mg", "sodium_mg"]
    # smoothie: 244 g 2 % milk (SR24 01079: 50 kcal, 140 mg K, 47 mg Na per 100 g)
    #         + 118 g banana (SR24 09040: 89 kcal, 358 mg K, 1 mg Na)
    assert got.at["banana_milk_smoothie", "energy_kcal"] == pytest.approx(122.0 + 105.02)
    assert got.at["banana_milk_smoothie", "potassium_mg"] == pytest.approx(341.6 + 422.44)
    assert got.at["banana_milk_smoothie", "sodium_mg"] == pytest.approx(114.68 + 1.18)
    # bowl: 198 g lentils (116 kcal, 2 mg Na) + 97.5 g brown rice (111 kcal, 5 mg Na)
    #     + 5 g olive oil (884 kcal, 2 mg Na) + 0.5 g salt (0 kcal, 38,758 mg Na)
    assert got.at["lentil_rice_bowl", "energy_kcal"] == pytest.approx(229.68 + 108.225 + 44.2)
    assert got.at["lentil_rice_bowl", "sodium_mg"] == pytest.approx(3.96 + 4.875 + 0.1 + 193.79)
    # cost: 0.244 kg x $1.0341/kg + 0.118 kg x $2.0568/kg
    assert foods.at["milk_2pct", "price_usd_per_kg"] == pytest.approx(1.0341)
    assert foods.at["banana_raw", "price_usd_per_kg"] == pytest.approx(2.0568)
    assert dish_cost(built["banana_milk_smoothie"], foods) == pytest.approx(0.2523204 + 0.2427024)


def test_dish_table_joins_fields_tags_grams_cost_and_nutrients(foods: pd.DataFrame) -> None:
    built = build_from(FIXTURES, foods)
    t = dish_table(built, foods)
    assert list(t.index) == ["banana_milk_smoothie", "lentil_rice_bowl"]
    smoothie = t.loc["banana_milk_smoothie"]
    assert smoothie["diet_tags"] == ("vegetarian", "pescatarian")
    assert smoothie["allergens"] == ("milk",)
    assert smoothie["grams"] == pytest.approx(362.0)
    assert smoothie["meals"] == ("breakfast", "snack")
    bowl = t.loc["lentil_rice_bowl"]
    assert bowl["diet_tags"] == ("vegan", "vegetarian", "pescatarian")
    assert bowl["allergens"] == ()
    assert bowl["grams"] == pytest.approx(301.0)
    assert bowl["energy_kcal"] == pytest.approx(382.105)
    assert smoothie["cost_usd"] == pytest.approx(dish_cost(built["banana_milk_smoothie"], foods))


def test_every_bundled_dish_total_equals_the_ingredient_sum(
    library: dict[str, Dish], foods: pd.DataFrame, table: pd.DataFrame
) -> None:
    """The table's nutrients equal a plain per-ingredient loop (missing USDA values as 0)."""
    keys = ["energy_kcal", "potassium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug"]
    for key in keys:
        per_100g = foods[key].fillna(0.0)
        for dish_id, d in library.items():
            expected = sum(i.grams * per_100g[i.food_id] for i in d.ingredients) / 100.0
            assert table.at[dish_id, key] == pytest.approx(expected, rel=1e-9, abs=1e-9), (
                dish_id,
                key,
            )
