"""MyPlate food-group equivalents of foods: cup-, ounce- and teaspoon-equivalents per 100 g.

``foods/data/food_groups.csv`` states, for every catalogue food, which food groups it counts
towards and by which rule (written by ``scripts/build_food_groups.py``; the rules are listed in
that script's docstring and in ``foods/data/PROVENANCE.md``). Each row has a ``basis``:

``g_per_eq``
    grams of the food that make one equivalent (e.g. 244 g of milk = 1 cup-eq of dairy);
``per_100g``
    equivalents per 100 g directly (estimates for mixed foods such as soups);
``fat_share``
    oils: grams of oil per 100 g = the food's fat × ``value``;
``sugars_above_<g>``
    added sugars (teaspoon-eq, 4.2 g each) = (sugars − ``<g>`` of the food's own sugars)
    × ``value`` per 100 g.

A person's own food has no row; it counts by its category (:data:`CATEGORY_DEFAULTS`), e.g.
a vegetable as "other vegetables" at 130 g per cup, a grain as refined at 1 oz per oz-eq;
an oil or spread counts its fat as oils, a sweet its sugars as added sugars.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from foods.reference import DATA_DIR

FOOD_GROUPS_FILE = DATA_DIR / "food_groups.csv"
#: Grams of sugar in one teaspoon-equivalent of added sugars.
TSP_SUGAR_G = 4.2

#: Food-group components and their units (MyPlate / FPED names in brackets).
COMPONENTS: dict[str, str] = {
    "veg_dark_green": "cup-eq",  # dark-green vegetables
    "veg_red_orange": "cup-eq",  # red and orange vegetables (tomatoes, carrots, sweet potato)
    "veg_starchy": "cup-eq",  # potatoes, corn, green peas
    "veg_other": "cup-eq",  # every other vegetable (incl. avocado, onions, mushrooms)
    "legumes": "cup-eq",  # beans, peas, lentils (also 4 oz-eq protein per cup-eq)
    "fruit_whole": "cup-eq",  # whole fruit: fresh, frozen, canned, dried
    "fruit_juice": "cup-eq",  # 100 % fruit juice
    "grain_whole": "oz-eq",
    "grain_refined": "oz-eq",
    "dairy": "cup-eq",  # milk, yogurt, cheese, fortified soy milk and yogurt
    "protein_meat_poultry": "oz-eq",
    "protein_eggs": "oz-eq",
    "protein_seafood": "oz-eq",
    "protein_nuts_seeds": "oz-eq",
    "protein_soy": "oz-eq",  # tofu, tempeh, edamame (soy milk counts as dairy)
    "oils": "g",
    "added_sugars": "tsp-eq",
}
#: Human labels of the components.
LABELS: dict[str, str] = {
    "veg_dark_green": "Dark-green vegetables",
    "veg_red_orange": "Red and orange vegetables",
    "veg_starchy": "Starchy vegetables",
    "veg_other": "Other vegetables",
    "legumes": "Beans, peas, lentils",
    "fruit_whole": "Whole fruit",
    "fruit_juice": "Fruit juice",
    "grain_whole": "Whole grains",
    "grain_refined": "Refined grains",
    "dairy": "Dairy and fortified soy",
    "protein_meat_poultry": "Meat and poultry",
    "protein_eggs": "Eggs",
    "protein_seafood": "Seafood",
    "protein_nuts_seeds": "Nuts and seeds",
    "protein_soy": "Soy foods",
    "oils": "Oils",
    "added_sugars": "Added sugars",
}

#: How a food without a row counts, by catalogue category: (component, grams per equivalent).
CATEGORY_DEFAULTS: dict[str, tuple[str, float]] = {
    "fruit": ("fruit_whole", 150.0),
    "vegetable": ("veg_other", 130.0),
    "legume": ("legumes", 170.0),
    "grain": ("grain_refined", 28.35),
    "dairy": ("dairy", 245.0),
    "dairy_alternative": ("dairy", 245.0),
    "egg": ("protein_eggs", 50.0),
    "fish": ("protein_seafood", 28.35),
    "meat": ("protein_meat_poultry", 28.35),
    "poultry": ("protein_meat_poultry", 28.35),
    "soy_protein": ("protein_soy", 63.0),
    "nuts_seeds": ("protein_nuts_seeds", 14.175),
}


@lru_cache(maxsize=1)
def food_group_rules() -> pd.DataFrame:
    """The rule table (``food_id, component, basis, value, note``)."""
    return pd.read_csv(FOOD_GROUPS_FILE, dtype={"food_id": str, "basis": str})


@lru_cache(maxsize=1)
def _rule_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rules as arrays: food ids, component column, basis code, value, own sugars (g).

    Basis codes: 0 ``g_per_eq``, 1 ``per_100g``, 2 ``fat_share``, 3 ``sugars_above_<g>``.
    """
    rules = food_group_rules()
    rules = rules[rules["component"] != "none"]
    columns = {c: i for i, c in enumerate(COMPONENTS)}
    basis = rules["basis"].astype(str)
    code = np.select(
        [basis == "g_per_eq", basis == "per_100g", basis == "fat_share"], [0, 1, 2], default=3
    )
    unknown = ~basis.isin(["g_per_eq", "per_100g", "fat_share"]) & ~basis.str.startswith(
        "sugars_above_"
    )
    if unknown.any():
        raise ValueError(f"food_groups.csv: unknown basis {basis[unknown].iloc[0]!r}")
    own = basis.str.removeprefix("sugars_above_").where(code == 3, "0").astype(float)
    return (
        rules["food_id"].to_numpy(dtype=str),
        rules["component"].map(columns).to_numpy(dtype=int),
        code,
        rules["value"].to_numpy(dtype=float),
        own.to_numpy(dtype=float),
    )


def equivalents_per_100g(foods: pd.DataFrame) -> pd.DataFrame:
    """Food-group equivalents per 100 g of every food of ``foods`` (rows food ids, columns
    :data:`COMPONENTS`; units as listed there).

    Catalogue foods use their rows of ``food_groups.csv``; other foods (a person's own) use
    :data:`CATEGORY_DEFAULTS` by their ``category``.
    """
    ids, column, code, value, own = _rule_arrays()
    out = np.zeros((len(foods), len(COMPONENTS)))
    row = foods.index.get_indexer(ids)
    hit = row >= 0
    row, column, code, value, own = row[hit], column[hit], code[hit], value[hit], own[hit]
    fat = np.nan_to_num(_column(foods, "fat_g"))[row]
    sugars = np.nan_to_num(_column(foods, "sugars_g"))[row]
    amount = np.select(
        [code == 0, code == 1, code == 2],
        [100.0 / value, value, fat * value],
        default=np.maximum(sugars - own, 0.0) * value / TSP_SUGAR_G,
    )
    np.add.at(out, (row, column), amount)
    ruled = set(food_group_rules()["food_id"])  # rows saying "none" count nothing
    columns = {c: i for i, c in enumerate(COMPONENTS)}
    all_fat = np.nan_to_num(_column(foods, "fat_g"))
    all_sugars = np.nan_to_num(_column(foods, "sugars_g"))
    for i, (food_id, category) in enumerate(zip(foods.index, foods["category"], strict=True)):
        if food_id in ruled:
            continue
        default = CATEGORY_DEFAULTS.get(str(category))
        if default is not None:
            out[i, columns[default[0]]] = 100.0 / default[1]
        elif category == "fat_oil":  # a person's own oil or spread: its fat counts as oils
            out[i, columns["oils"]] = all_fat[i]
        elif category == "sweet":  # a person's own sweet: its sugars count as added
            out[i, columns["added_sugars"]] = all_sugars[i] / TSP_SUGAR_G
    return pd.DataFrame(out, index=foods.index, columns=list(COMPONENTS))


def _column(foods: pd.DataFrame, name: str) -> np.ndarray:
    if name not in foods.columns:
        return np.zeros(len(foods))
    return foods[name].to_numpy(dtype=float)
