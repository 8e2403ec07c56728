"""Write ``foods/data/food_groups.csv``: MyPlate food-group equivalents of every catalogue food.

The rules (USDA MyPlate / Food Patterns Equivalents Database conventions, see
``foods/data/PROVENANCE.md``):

* **Vegetables and fruit** — 1 cup-equivalent (cup-eq) is 1 cup of the food as eaten, weighed
  with USDA SR24's own "1 cup" household measure of that food; raw leafy greens count half
  (2 cups raw = 1 cup-eq); dried fruit counts double (½ cup = 1 cup-eq); concentrated tomato
  products count by their solids (paste ≈ 4.5 × fresh tomato). Vegetables fall in one MyPlate
  subgroup (dark green, red and orange, starchy, other); fruit is whole or juice.
* **Legumes** (beans, peas, lentils) — cup-eq as vegetables (1 cup cooked); the Healthy
  Eating Index and the protein pattern also count them as protein: 1 cup-eq = 4 oz-eq.
* **Grains** — 1 ounce-equivalent (oz-eq) = ½ cup cooked rice, pasta or cereal (half SR24's
  1-cup weight), or 1 oz (28.35 g) of bread, crackers, ready-to-eat cereal, flour or dry grain;
  3 cups of popcorn. Each grain food is whole, refined, or a stated share of each.
* **Dairy** — 1 cup-eq = 1 cup of milk, yogurt or fortified soy milk/yogurt (SR24's cup),
  1.5 oz natural cheese, 2 oz processed cheese, 2 cups cottage cheese, ½ cup ricotta; cream
  cheese and butter are fats, not dairy.
* **Protein foods** — 1 oz-eq = 1 oz cooked meat, poultry or seafood, 1 egg, ½ oz nuts or
  seeds, 1 tbsp nut butter, ¼ cup tofu or edamame, 1 oz tempeh.
* **Oils** (g) — vegetable oils, soft margarine, mayonnaise and oil dressings: their fat.
* **Added sugars** (teaspoon-eq = 4.2 g) — sugars, syrups, honey and jam; in sweetened foods,
  total sugars less the food's own (lactose in dairy, fruit sugar in fruit products), or a
  stated share where part of the sugar is the food's own.

Mixed foods (soups, frozen meals) carry per-100 g estimates from their typical recipe, marked
as such. Usage: ``python scripts/build_food_groups.py`` (reads only this repository's files).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "foods" / "data"
OZ = 28.35

# --- vegetables --------------------------------------------------------------------------------
DARK_GREEN = (
    "beet_greens_cooked bok_choy_raw bok_choy_cooked broccoli_raw broccoli_cooked "
    "broccoli_frozen_cooked chard_cooked collards_cooked collards_frozen_cooked kale_raw "
    "kale_cooked kale_frozen_cooked lettuce_romaine mustard_greens_frozen_cooked spinach_raw "
    "spinach_cooked spinach_frozen_cooked spinach_canned turnip_greens_cooked "
    "turnip_greens_frozen arugula_raw"
).split()
RED_ORANGE = (
    "acorn_squash_baked butternut_squash_baked carrots_raw carrots_baby carrots_cooked "
    "carrots_frozen_cooked pepper_red_raw pumpkin_canned sweet_potato_baked sweet_potato_canned "
    "tomato_raw cherry_tomatoes tomatoes_canned tomato_sauce_canned tomato_juice "
    "tomato_juice_no_salt vegetable_fruit_juice salsa pasta_sauce_marinara"
).split()
STARCHY = (
    "corn_ear_cooked corn_canned corn_frozen_cooked peas_green_frozen peas_green_canned "
    "potato_baked potato_boiled potatoes_mashed lima_beans_frozen"
).split()
OTHER_VEG = (
    "artichoke_cooked asparagus_cooked beets_canned brussels_sprouts_cooked cabbage_raw "
    "cabbage_red_raw cauliflower_raw cauliflower_frozen_cooked celery_raw cucumber_raw "
    "eggplant_cooked green_beans_cooked green_beans_canned green_beans_frozen_cooked "
    "lettuce_iceberg mixed_vegetables_frozen mushrooms_white_raw mushrooms_portabella_uv_grilled "
    "mushrooms_maitake mushrooms_shiitake_cooked okra_cooked okra_frozen_cooked onion_raw "
    "pepper_green_raw radishes_raw zucchini_raw zucchini_cooked parsnips_cooked garlic_raw "
    "ginger_raw scallions_raw jalapeno_raw snow_peas_raw sauerkraut pickles_dill olives_ripe "
    "avocado_raw"
).split()
#: Raw leafy greens: 2 cups = 1 cup-eq.
LEAFY_RAW = "spinach_raw kale_raw lettuce_romaine lettuce_iceberg arugula_raw bok_choy_raw".split()
#: Concentrated tomato products: cup-eq per SR24 cup × this factor (solids vs fresh tomato).
CONCENTRATE = {"tomato_paste": 4.5}
#: Grams per cup-eq where SR24 has no usable "1 cup" measure (from the catalogue serving).
CUP_FALLBACK = {
    "sauerkraut": 142.0,
    "pickles_dill": 143.0,
    "olives_ripe": 134.0,
    "vegetable_fruit_juice": 246.0,
}

# --- fruit -------------------------------------------------------------------------------------
JUICE = (
    "apple_juice grape_juice orange_juice orange_juice_fortified orange_juice_from_concentrate "
    "prune_juice lemon_juice lime_juice"
).split()
DRIED_FRUIT = "apricots_dried cranberries_dried dates_deglet figs_dried raisins prunes".split()

# --- grains: (whole share, basis) where basis is "cooked" (½ cup = 1 oz-eq) or "ounce" -------
GRAINS: dict[str, tuple[float, str]] = {
    "oatmeal_cooked": (1.0, "cooked"),
    "oatmeal_instant_fortified": (1.0, "cooked"),
    "cream_of_wheat_cooked": (0.0, "cooked"),
    "grits_cooked": (0.0, "cooked"),
    "rice_brown_cooked": (1.0, "cooked"),
    "rice_white_cooked": (0.0, "cooked"),
    "quinoa_cooked": (1.0, "cooked"),
    "bulgur_cooked": (1.0, "cooked"),
    "barley_cooked": (0.0, "cooked"),  # pearled barley: the bran is polished off
    "couscous_cooked": (0.0, "cooked"),
    "millet_cooked": (1.0, "cooked"),
    "buckwheat_cooked": (1.0, "cooked"),
    "spaghetti_cooked": (0.0, "cooked"),
    "spaghetti_whole_wheat_cooked": (1.0, "cooked"),
    "macaroni_cooked": (0.0, "cooked"),
    "macaroni_whole_wheat_cooked": (1.0, "cooked"),
    "egg_noodles_cooked": (0.0, "cooked"),
    "soba_noodles_cooked": (0.5, "cooked"),  # buckwheat and wheat flour
    "rice_noodles_cooked": (0.0, "cooked"),
    "pasta_corn_cooked": (0.0, "cooked"),
    "bread_whole_wheat": (1.0, "ounce"),
    "bread_white": (0.0, "ounce"),
    "bread_multigrain": (0.5, "ounce"),
    "bread_rye": (0.2, "ounce"),
    "bread_pumpernickel": (0.3, "ounce"),
    "bread_oatmeal": (0.3, "ounce"),
    "bread_french": (0.0, "ounce"),
    "pita_white": (0.0, "ounce"),
    "pita_whole_wheat": (1.0, "ounce"),
    "english_muffin_whole_wheat": (1.0, "ounce"),
    "english_muffin": (0.0, "ounce"),
    "bagel_plain": (0.0, "ounce"),
    "tortilla_corn": (1.0, "ounce"),  # whole-kernel masa
    "tortilla_flour": (0.0, "ounce"),
    "crackers_whole_wheat": (1.0, "ounce"),
    "crackers_saltine": (0.0, "ounce"),
    "crispbread_rye": (1.0, "ounce"),
    "rice_cakes": (1.0, "ounce"),  # brown-rice cakes
    "popcorn_air_popped": (1.0, "popcorn"),
    "pretzels": (0.0, "ounce"),
    "tortilla_chips": (0.0, "ounce"),
    "cereal_cheerios": (1.0, "ounce"),
    "cereal_total_raisin_bran": (0.7, "ounce"),  # the rest is raisins
    "cereal_raisin_bran": (0.7, "ounce"),
    "cereal_total": (1.0, "ounce"),
    "cereal_grape_nuts": (1.0, "ounce"),
    "cereal_corn_flakes": (0.0, "ounce"),
    "cereal_wheaties": (1.0, "ounce"),
    "cereal_shredded_wheat": (1.0, "ounce"),
    "granola_homemade": (0.8, "ounce"),  # oats; the rest is nuts, oil and syrup
    "muffin_oat_bran": (0.5, "ounce"),
    "pancakes_frozen": (0.0, "ounce"),
    "flour_whole_wheat": (1.0, "ounce"),
    "flour_all_purpose": (0.0, "ounce"),
    "oats_rolled_dry": (1.0, "ounce"),
    "cornmeal_whole_grain": (1.0, "ounce"),
}
#: Share of a bakery product's weight that is grain, where it is well under the whole food
#: (1 oz-eq = 28.35 g of grain ingredient).
GRAIN_SHARE = {"granola_homemade": 0.6, "muffin_oat_bran": 0.6, "pancakes_frozen": 0.6}

# --- dairy: grams per cup-eq (None = SR24's "1 cup") -------------------------------------------
DAIRY: dict[str, float | None] = {
    "milk_whole": None,
    "milk_2pct": None,
    "milk_1pct": None,
    "milk_skim": None,
    "milk_chocolate_lowfat": None,
    "buttermilk_lowfat": None,
    "yogurt_plain_whole": None,
    "yogurt_plain_lowfat": None,
    "yogurt_plain_nonfat": None,
    "yogurt_fruit_vitd": None,
    "yogurt_vanilla_vitd": None,
    "soymilk_fortified": None,
    "soymilk_unsweetened_fortified": None,
    "soymilk_chocolate_fortified": None,
    "soy_yogurt_plain": None,
    "cheese_cheddar": 1.5 * OZ,
    "cheese_mozzarella_part_skim": 1.5 * OZ,
    "cheese_swiss": 1.5 * OZ,
    "cheese_parmesan": 1.5 * OZ,
    "cheese_provolone": 1.5 * OZ,
    "cheese_feta": 1.5 * OZ,
    "cheese_muenster": 1.5 * OZ,
    "cheese_goat_soft": 1.5 * OZ,
    "cheese_american_vitd": 2 * OZ,
    "cottage_cheese_2pct": 452.0,  # 2 cups
    "ricotta_part_skim": 124.0,  # ½ cup
    "ice_cream_vanilla": 264.0,  # 2 cups of ice cream ≈ 1 cup of milk
    "frozen_yogurt": 288.0,
}

# --- protein: grams per oz-eq ---------------------------------------------------------------
EGGS = {
    "egg_hard_boiled": 50.0,
    "egg_poached": 50.0,
    "egg_raw": 50.0,
    "egg_fried": 46.0,
    "egg_scrambled": 61.0,
    "egg_omelet": 61.0,
    "egg_white": 66.0,
}
NUT_BUTTERS = (
    "peanut_butter peanut_butter_no_salt almond_butter cashew_butter sunflower_seed_butter tahini"
).split()
SOY = {
    "tofu_firm_calcium": 63.0,
    "tofu_regular_calcium": 62.0,
    "tofu_firm_nigari": 63.0,
    "tofu_silken": 63.0,
    "tempeh": OZ,
    "edamame": 39.0,
    "soybeans_cooked": 43.0,
    "natto": 44.0,
}
HUMMUS_G_PER_CUP_EQ = 120.0  # 2 tbsp (30 g) = 1 oz-eq = ¼ cup-eq of legumes
#: Immature lima beans are a starchy vegetable; mature ones are legumes.
LEGUME_EXCLUDE = {"hummus", "lima_beans_frozen"}

# --- oils and added sugars -------------------------------------------------------------------
OILS = {
    "olive_oil": 1.0,
    "canola_oil": 1.0,
    "soybean_oil": 1.0,
    "sesame_oil": 1.0,
    "margarine_vitd": 1.0,
    "mayonnaise": 1.0,
    "italian_dressing": 1.0,
}
#: food → (natural sugars g per 100 g subtracted, share of the rest that is added).
ADDED_SUGARS: dict[str, tuple[float, float]] = {
    "sugar": (0, 1),
    "brown_sugar": (0, 1),
    "honey": (0, 1),
    "maple_syrup": (0, 1),
    "molasses": (0, 1),
    "jam": (0, 0.85),
    "dark_chocolate_70": (0, 1),
    "dark_chocolate_60": (0, 1),
    "cookies_chocolate_chip": (0, 1),
    "ice_cream_vanilla": (6.0, 1),
    "frozen_yogurt": (5.0, 1),
    "yogurt_fruit_vitd": (4.7, 1),
    "yogurt_vanilla_vitd": (4.7, 1),
    "milk_chocolate_lowfat": (5.0, 1),
    "soymilk_fortified": (1.0, 1),
    "soymilk_chocolate_fortified": (1.0, 1),
    "cranberries_dried": (0, 0.85),  # sweetened before drying
    "ketchup": (0, 0.85),
    "pasta_sauce_marinara": (4.0, 1),
    "baked_beans_canned": (0, 0.6),
    "italian_dressing": (0, 1),
    "peanut_butter": (0, 0.5),
    "granola_homemade": (0, 0.7),
    "muffin_oat_bran": (0, 1),
    "pancakes_frozen": (0, 1),
    "soup_tomato": (2.5, 1),
}
#: Grain foods whose sugars are added (breads, crackers, cereals), less a fruit share.
SWEETENED_GRAINS_SHARE = {"cereal_total_raisin_bran": 0.5, "cereal_raisin_bran": 0.5}

#: Mixed foods: (component, equivalents per 100 g) from their typical recipes (estimates).
MIXED: dict[str, list[tuple[str, float]]] = {
    "soup_minestrone": [
        ("veg_other", 0.10),
        ("veg_red_orange", 0.08),
        ("legumes", 0.04),
        ("grain_refined", 0.12),
    ],
    "soup_vegetarian_vegetable": [
        ("veg_other", 0.10),
        ("veg_red_orange", 0.08),
        ("veg_starchy", 0.04),
    ],
    "soup_black_bean": [("legumes", 0.16), ("veg_other", 0.03)],
    "soup_tomato": [("veg_red_orange", 0.25)],
    "soup_chicken_noodle": [
        ("protein_meat_poultry", 0.25),
        ("grain_refined", 0.15),
        ("veg_other", 0.03),
    ],
    "soup_lentil_ham": [("legumes", 0.14), ("protein_meat_poultry", 0.2), ("veg_other", 0.03)],
    "soup_split_pea_ham": [("legumes", 0.15), ("protein_meat_poultry", 0.2)],
    "chili_con_carne_beans": [
        ("protein_meat_poultry", 0.8),
        ("legumes", 0.12),
        ("veg_red_orange", 0.1),
    ],
    "burrito_bean_cheese": [("grain_refined", 1.5), ("legumes", 0.2), ("dairy", 0.2)],
    "pizza_cheese_frozen": [("grain_refined", 2.0), ("dairy", 0.45), ("veg_red_orange", 0.1)],
    "macaroni_cheese_frozen": [("grain_refined", 0.9), ("dairy", 0.35)],
    "lasagna_cheese_frozen": [("grain_refined", 0.6), ("dairy", 0.3), ("veg_red_orange", 0.12)],
    "potato_chips": [("veg_starchy", 2.0)],  # about 50 g of chips per cup of potato
}
#: Foods with no food-group equivalents (drinks, salt, spices, fats that are not oils).
NONE_NOTE = "no MyPlate food-group equivalents (drink, seasoning, solid fat or sweetener only)"


#: Which of SR24's cup measures stands for a cup of the food as eaten, best first (a mashed
#: or puréed cup packs far more food than a cup of pieces).
CUP_PREFERENCE = ("chopped", "sliced", "pieces", "cubes", "diced", "halves", "")
CUP_AVOID = ("mashed", "pureed", "puree", r"(?<!not )packed", "ground", "juice")
#: Grams per cup-eq where MyPlate names the food by the piece (1 medium potato = 1 cup).
CUP_OVERRIDE = {
    "potato_baked": 138.0,
    "potato_boiled": 136.0,
    "sweet_potato_baked": 150.0,
    "soy_yogurt_plain": 245.0,
}


#: One SR24 cup measure: its description, grams and amount (cups).
Cup = tuple[str, float, float]


def cup_measures(portions: pd.DataFrame) -> dict[str, list[Cup]]:
    """SR24's cup measures of some amount, leaving out :data:`CUP_AVOID`, by NDB number (in
    the file's order)."""
    cups = portions[portions.measure.str.match(r"^cups?\b", case=False) & (portions.amount > 0)]
    cups = cups[~cups.measure.str.contains("|".join(CUP_AVOID), case=False)]
    found: dict[str, list[Cup]] = {}
    for ndb, measure, grams, amount in zip(
        cups.ndb_no, cups.measure, cups.grams, cups.amount, strict=True
    ):
        found.setdefault(str(ndb), []).append((str(measure), float(grams), float(amount)))
    return found


def cup_grams(cups: list[Cup]) -> float | None:
    """Grams of one cup of a food from its cup measures (any amount: "0.5 cup" counts
    double), by :data:`CUP_PREFERENCE`."""
    for word in CUP_PREFERENCE:
        for measure, grams, amount in cups:
            if word in measure.lower():
                return grams / amount
    return None


Row = tuple[str, str, float, str]


def rows_for(food: pd.Series, cups: Mapping[str, list[Cup]]) -> list[Row]:
    """``(component, basis, value, note)`` rows of one catalogue food (see
    :mod:`foods.food_groups` for the bases); ``cups`` from :func:`cup_measures`."""
    f, ndb = str(food.food_id), str(food.ndb_no)
    out: list[Row] = []
    cup = (
        CUP_OVERRIDE.get(f)
        or cup_grams(cups.get(ndb, []))
        or CUP_FALLBACK.get(f)
        or float(food.serving_g) * 2
    )

    def cup_eq(component: str, grams: float, note: str) -> None:
        out.append((component, "g_per_eq", round(grams, 2), note))

    for group, members in (
        ("veg_dark_green", DARK_GREEN),
        ("veg_red_orange", RED_ORANGE),
        ("veg_starchy", STARCHY),
        ("veg_other", OTHER_VEG),
    ):
        if f in members:
            if f in LEAFY_RAW:
                cup_eq(group, 2 * cup, f"2 cups raw leafy greens ({cup:g} g/cup) = 1 cup-eq")
            else:
                cup_eq(group, cup, f"1 cup ({cup:g} g) = 1 cup-eq")
    if f in CONCENTRATE:
        grams = 262.0 / CONCENTRATE[f] if f == "tomato_paste" else cup / CONCENTRATE[f]
        cup_eq("veg_red_orange", grams, f"concentrate: solids {CONCENTRATE[f]:g}x fresh tomato")
    if food.category == "fruit" and f not in OTHER_VEG:
        if f in DRIED_FRUIT:
            cup_eq("fruit_whole", cup / 2, f"dried: 1/2 cup ({cup / 2:g} g) = 1 cup-eq")
        else:
            cup_eq("fruit_whole", cup, f"1 cup ({cup:g} g) = 1 cup-eq")
    if f in JUICE:
        cup_eq("fruit_juice", cup, f"1 cup juice ({cup:g} g) = 1 cup-eq")
    if food.category == "legume" and f not in LEGUME_EXCLUDE:
        cup_eq("legumes", cup, f"1 cup cooked ({cup:g} g) = 1 cup-eq (= 4 oz-eq protein)")
    if f == "hummus":
        cup_eq("legumes", HUMMUS_G_PER_CUP_EQ, "2 tbsp hummus = 1 oz-eq = 1/4 cup-eq legumes")
    out += grain_rows(f, cup)
    if f in DAIRY:
        grams = DAIRY[f] or cup
        cup_eq("dairy", grams, f"{grams:g} g = 1 cup-eq")
    out += protein_rows(food)
    if f in OILS:
        out.append(("oils", "fat_share", OILS[f], "oils = the food's fat"))
    out += sugar_rows(food)
    for component, value in MIXED.get(f, []):
        out.append((component, "per_100g", value, "estimate from a typical recipe"))
    return out


def grain_rows(f: str, cup: float) -> list[Row]:
    """Whole and refined oz-eq rows of a grain food."""
    if f not in GRAINS:
        return []
    whole, basis = GRAINS[f]
    if basis == "cooked":
        grams, how = cup / 2, f"1/2 cup cooked ({cup / 2:g} g) = 1 oz-eq"
    elif basis == "popcorn":
        grams, how = 24.0, "3 cups popped (24 g) = 1 oz-eq"
    else:
        share = GRAIN_SHARE.get(f, 1.0)
        grams, how = OZ / share, f"1 oz of grain ({OZ / share:.1f} g of the food) = 1 oz-eq"
    out = []
    if whole > 0:
        out.append(
            ("grain_whole", "g_per_eq", round(grams / whole, 2), f"{how}; {whole:.0%} whole")
        )
    if whole < 1:
        out.append(
            (
                "grain_refined",
                "g_per_eq",
                round(grams / (1 - whole), 2),
                f"{how}; {1 - whole:.0%} refined",
            )
        )
    return out


def protein_rows(food: pd.Series) -> list[Row]:
    """oz-eq rows of meat, poultry, seafood, eggs, nuts and seeds, and soy."""
    f = str(food.food_id)
    if food.category in ("meat", "poultry"):
        return [("protein_meat_poultry", "g_per_eq", OZ, "1 oz cooked = 1 oz-eq")]
    if food.category == "fish":
        return [("protein_seafood", "g_per_eq", OZ, "1 oz cooked or canned = 1 oz-eq")]
    if f in EGGS:
        return [("protein_eggs", "g_per_eq", EGGS[f], "1 egg = 1 oz-eq")]
    if f in NUT_BUTTERS:
        return [("protein_nuts_seeds", "g_per_eq", 16.0, "1 tbsp (16 g) = 1 oz-eq")]
    if food.category == "nuts_seeds":
        return [("protein_nuts_seeds", "g_per_eq", OZ / 2, "1/2 oz = 1 oz-eq")]
    if f in SOY:
        return [("protein_soy", "g_per_eq", SOY[f], "1/4 cup tofu or edamame, 1 oz tempeh")]
    return []


def sugar_rows(food: pd.Series) -> list[Row]:
    """Added sugars (tsp-eq) of sweetened foods."""
    f = str(food.food_id)
    if f in ADDED_SUGARS:
        natural, share = ADDED_SUGARS[f]
        return [("added_sugars", f"sugars_above_{natural:g}", share, "(sugars - own) x share")]
    if f in GRAINS and GRAINS[f][1] == "ounce":
        share = SWEETENED_GRAINS_SHARE.get(f, 1.0)
        return [("added_sugars", "sugars_above_0", share, "a grain product's sugars are added")]
    return []


def main() -> None:
    catalog = pd.read_csv(DATA / "catalog.csv", dtype=str, keep_default_na=False)
    portions = pd.read_csv(DATA / "usda_sr24_portions.csv.gz", dtype={"ndb_no": str})
    cups = cup_measures(portions)
    records = []
    for _, food in catalog.iterrows():
        found = rows_for(food, cups)
        if not found:
            records.append([food.food_id, "none", "per_100g", 0, NONE_NOTE])
        for component, basis, value, note in found:
            records.append([food.food_id, component, basis, value, note])
    with (DATA / "food_groups.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["food_id", "component", "basis", "value", "note"])
        writer.writerows(records)
    print(f"food_groups.csv: {len(records)} rows for {len(catalog)} foods")


if __name__ == "__main__":
    main()
