"""Checks on the bundled catalogue data: ``foods/data/catalog.csv`` and ``retail_prices.csv``.

The data are read with pandas directly (not through the ``foods`` loader) so that these tests
pin the *content* of the files: breadth per diet and meal slot, tags, real prices, and links to
the USDA SR24 reference. Nutrient amounts come from the reference (per 100 g) and are scaled by
each food's ``serving_g``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "foods" / "data"
SHARED_CANDIDATES = (ROOT.parent / "shared", Path("/work/shared"))
SHARED = next((p for p in SHARED_CANDIDATES if (p / "data" / "prices").is_dir()), None)
LB_KG = 0.45359237

DIETS = ("omnivore", "pescatarian", "vegetarian", "vegan")
SLOTS = ("breakfast", "lunch", "dinner", "snack")


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    """The catalogue as strings, empty cells as ``""``."""
    return pd.read_csv(DATA / "catalog.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    """USDA SR24 reference, per 100 g, indexed by ``ndb_no``."""
    return pd.read_csv(DATA / "usda_sr24_reference.csv.gz", dtype={"ndb_no": str}).set_index(
        "ndb_no"
    )


@pytest.fixture(scope="module")
def per_serving(catalog: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Nutrients per serving of each catalogue food (missing values count as 0)."""
    ref = reference.loc[catalog.ndb_no].drop(columns=["name", "food_group"]).fillna(0.0)
    grams = catalog.serving_g.astype(float).to_numpy()
    out = ref.mul(grams / 100.0, axis=0)
    out.index = catalog.food_id
    return out


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    """Derived retail prices."""
    return pd.read_csv(DATA / "retail_prices.csv", dtype={"price_key": str})


def fits(catalog: pd.DataFrame, diet: str) -> pd.DataFrame:
    """Foods a person on ``diet`` may eat (omnivores eat everything)."""
    if diet == "omnivore":
        return catalog
    return catalog[catalog.diet_tags.str.split("|").apply(lambda tags: diet in tags)]


def listed(column: pd.Series, value: str) -> pd.Series:
    """Rows whose pipe-separated ``column`` contains ``value``."""
    return column.str.split("|").apply(lambda items: value in items)


# ------------------------------------------------------------------ structure ----------------


def test_columns_follow_schema_exactly(catalog: pd.DataFrame) -> None:
    schema = pd.read_csv(DATA / "schema.csv")
    assert list(catalog.columns) == list(schema.column)


def test_at_least_260_foods_with_unique_slug_ids(catalog: pd.DataFrame) -> None:
    assert len(catalog) >= 260
    assert catalog.food_id.is_unique
    bad = [f for f in catalog.food_id if not re.fullmatch(r"[a-z0-9_]+", f)]
    assert not bad, f"food_id must be a lower-case slug: {bad}"


def test_every_ndb_no_is_a_real_sr24_food(catalog: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert catalog.ndb_no.str.fullmatch(r"\d{5}").all()
    missing = sorted(set(catalog.ndb_no) - set(reference.index))
    assert not missing, f"ndb_no not in SR24 reference: {missing}"


def test_no_raw_meat_fish_grain_or_legume(catalog: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Foods eaten cooked are tied to cooked / ready-to-eat SR24 descriptions."""
    cooked = catalog[catalog.category.isin(["meat", "poultry", "fish", "legume", "grain"])]
    names = reference.loc[cooked.ndb_no, "name"]
    raw = [f"{fid}: {n}" for fid, n in zip(cooked.food_id, names, strict=True) if ", raw" in n]
    assert not raw


def test_values_come_from_the_vocabulary(catalog: pd.DataFrame) -> None:
    vocab = pd.read_csv(DATA / "vocabulary.csv")
    allowed = {kind: set(group.value) for kind, group in vocab.groupby("kind")}
    assert set(catalog.category) <= allowed["category"]
    assert set(catalog.aisle) <= allowed["aisle"]
    for column, kind, may_be_empty in (
        ("slots", "slot", False),
        ("diet_tags", "diet", True),
        ("allergens", "allergen", True),
    ):
        for food_id, value in zip(catalog.food_id, catalog[column], strict=True):
            if value == "" and may_be_empty:
                continue
            items = value.split("|")
            assert set(items) <= allowed[kind], f"{food_id}: {column} {value!r}"
            assert len(items) == len(set(items)), f"{food_id}: repeated {column}"


def test_numbers_within_schema_ranges(catalog: pd.DataFrame) -> None:
    schema = pd.read_csv(DATA / "schema.csv").set_index("column")
    for column in (
        "serving_g",
        "max_servings_per_day",
        "purchase_g",
        "count_g",
        "price_usd_per_kg",
    ):
        low, high = float(schema.at[column, "min"]), float(schema.at[column, "max"])
        values = pd.to_numeric(catalog[column].replace("", None), errors="raise")
        required = schema.at[column, "required"] == "yes"
        if required:
            assert values.notna().all(), f"{column} is required"
        present = values.dropna()
        outside = catalog.food_id[present.index[(present < low) | (present > high)]]
        assert outside.empty, f"{column} outside {low}-{high}: {list(outside)}"
    for column in ("allow_half", "fortified"):
        assert set(catalog[column]) <= {"true", "false"}
    assert (catalog.household.str.strip() != "").all()
    counted = catalog.count_unit != ""
    assert ((catalog.count_g != "") == counted).all(), "count_unit and count_g go together"


# ------------------------------------------------------------------ tags ---------------------


def test_diet_tags_follow_the_food_group(catalog: pd.DataFrame) -> None:
    meat = catalog[catalog.category.isin(["meat", "poultry"])]
    assert (meat.diet_tags == "").all()
    fish = catalog[catalog.category == "fish"]
    assert (fish.diet_tags == "pescatarian").all()
    animal = catalog.allergens.str.contains("milk|egg|fish|shellfish")
    vegan = listed(catalog.diet_tags, "vegan")
    assert not (animal & vegan).any(), list(catalog.food_id[animal & vegan])
    for food_id, tags in zip(catalog.food_id, catalog.diet_tags, strict=True):
        items = set(tags.split("|")) - {""}
        if "vegan" in items:
            assert {"vegetarian", "pescatarian"} <= items, food_id
        if "vegetarian" in items:
            assert "pescatarian" in items, food_id


@pytest.mark.parametrize(
    ("pattern", "allergen"),
    [
        (r"\btofu\b|soy ?milk|soy yogurt|tempeh|edamame|soybean|natto|miso|soy sauce", "soy"),
        (r"tahini|hummus|sesame", "sesame"),
        (r"bread|pasta|spaghetti|macaroni|bagel|english muffin|couscous|bulgur|\bpita", "wheat"),
        (r"almond|cashew|walnut|pecan|pistachio|hazelnut|brazil|macadamia", "tree_nuts"),
        (r"peanut", "peanuts"),
        (r"\bmilk\b|cheese|yogurt|butter\b|buttermilk", "milk"),
        (r"\begg\b", "egg"),
        (r"salmon|tuna|sardine|cod\b|trout|herring|mackerel|tilapia|halibut|anchov", "fish"),
        (r"shrimp|crab", "shellfish"),
    ],
)
def test_obvious_allergens_are_tagged(catalog: pd.DataFrame, pattern: str, allergen: str) -> None:
    # Highly refined soybean oil is exempt from allergen labelling (FALCPA); plant "milks"
    # and nut butters are not milk.
    exempt = {
        "soy": {"soybean_oil"},
        "milk": {
            "soymilk_fortified",
            "soymilk_unsweetened_fortified",
            "soymilk_chocolate_fortified",
            "peanut_butter",
            "peanut_butter_no_salt",
            "almond_butter",
            "cashew_butter",
            "sunflower_seed_butter",
            "soy_yogurt_plain",
            "coconut_milk_canned",
        },
        "wheat": {"pasta_corn_cooked"},  # corn pasta is the gluten-free stand-in for wheat pasta
    }
    hits = catalog[catalog.name.str.contains(pattern, case=False, regex=True)]
    hits = hits[~hits.food_id.isin(exempt.get(allergen, set()))]
    assert not hits.empty
    untagged = hits.food_id[~listed(hits.allergens, allergen)]
    assert untagged.empty, f"missing allergen {allergen}: {list(untagged)}"


def test_fortified_foods_carry_the_flag(catalog: pd.DataFrame) -> None:
    for food_id in ("milk_whole", "soymilk_fortified", "orange_juice_fortified", "cereal_total"):
        assert catalog.set_index("food_id").at[food_id, "fortified"] == "true"


# ------------------------------------------------------------------ breadth ------------------


@pytest.mark.parametrize("diet", DIETS)
@pytest.mark.parametrize("slot", SLOTS)
def test_each_diet_has_15_foods_per_slot(catalog: pd.DataFrame, diet: str, slot: str) -> None:
    foods = fits(catalog, diet)
    assert listed(foods.slots, slot).sum() >= 15


@pytest.mark.parametrize("diet", DIETS)
def test_each_diet_has_protein_energy_and_mineral_sources(
    catalog: pd.DataFrame, per_serving: pd.DataFrame, diet: str
) -> None:
    """Per serving: protein >= 10 g, energy >= 150 kcal, and 10 % of adult K/Mg/Ca/D."""
    ids = fits(catalog, diet).food_id
    food = per_serving.loc[ids]
    assert (food.protein_g >= 10).sum() >= 8
    assert (food.energy_kcal >= 150).sum() >= 15
    assert (food.potassium_mg >= 340).sum() >= 15
    assert (food.magnesium_mg >= 42).sum() >= 10
    assert (food.calcium_mg >= 100).sum() >= 8
    assert (food.vitamin_d_ug >= 1.5).sum() >= 3
    assert (food.zinc_mg >= 1.1).sum() >= 8


def test_vegans_have_fortified_vitamin_d(catalog: pd.DataFrame, per_serving: pd.DataFrame) -> None:
    vegan = fits(catalog, "vegan")
    fortified = vegan.food_id[vegan.fortified == "true"]
    assert (per_serving.loc[fortified, "vitamin_d_ug"] >= 1.5).sum() >= 3


def test_fluids_sodium_and_caffeine_sources(
    catalog: pd.DataFrame, per_serving: pd.DataFrame
) -> None:
    """Water, coffee and tea exist; salt is a small condiment serving."""
    table = catalog.set_index("food_id")
    for food_id in ("water_tap", "coffee_brewed", "tea_black_brewed", "tea_herbal_brewed"):
        assert set(SLOTS) & set(table.at[food_id, "slots"].split("|"))
    assert per_serving.at["water_tap", "water_g"] >= 400
    assert float(table.at["water_tap", "max_servings_per_day"]) >= 6
    assert per_serving.at["coffee_brewed", "caffeine_mg"] > 50
    salt = per_serving.loc["salt_table"]
    assert float(table.at["salt_table", "serving_g"]) <= 2 and salt.sodium_mg > 250
    assert float(table.at["salt_table", "max_servings_per_day"]) * salt.sodium_mg <= 2300


# ------------------------------------------------------------------ prices -------------------


def test_at_least_60_foods_have_ers_or_bls_prices(catalog: pd.DataFrame) -> None:
    real = catalog.price_source.str.match(r"(ERS|BLS) 2022 ")
    assert real.sum() >= 60
    others = catalog[~real]
    unlabelled = others.food_id[~others.price_source.str.startswith("estimate: ")]
    assert unlabelled.empty, f"price without source label: {list(unlabelled)}"
    assert (others.price_source.str.len() > len("estimate: ") + 20).all(), "say how"


def test_catalogue_prices_come_from_retail_prices(
    catalog: pd.DataFrame, prices: pd.DataFrame
) -> None:
    real = catalog[catalog.price_source.str.match(r"(ERS|BLS) 2022 ")]
    known = set(prices.usd_per_kg_edible.round(4))
    stray = real.food_id[~real.price_usd_per_kg.astype(float).round(4).isin(known)]
    assert stray.empty, f"price not found in retail_prices.csv: {list(stray)}"


def test_retail_prices_table_is_well_formed(prices: pd.DataFrame) -> None:
    assert list(prices.columns) == [
        "price_key",
        "source",
        "item",
        "form",
        "year",
        "usd_per_kg_edible",
        "derivation",
    ]
    assert prices.price_key.is_unique
    assert set(prices.source) == {"ERS 2022", "BLS 2022"}
    assert (prices.year == 2022).all()
    assert (prices.usd_per_kg_edible > 0).all()
    assert (prices.derivation.str.len() > 30).all()
    bls = prices[prices.source == "BLS 2022"]
    assert bls.derivation.str.contains(r"APU\d+ .* mean .*2022").all()


@pytest.mark.skipif(SHARED is None, reason="../shared price files not available")
def test_ers_prices_recompute_from_the_ers_files(prices: pd.DataFrame) -> None:
    """Every ERS per-pound row equals RetailPrice / Yield / 0.45359 kg; pints weigh 473-520 g."""
    assert SHARED is not None
    ers = prices[prices.source == "ERS 2022"].set_index("price_key")
    checked = 0
    for name, item_col in (("fruit", "Fruit"), ("vegetable", "Vegetable")):
        table = pd.read_csv(SHARED / "data" / "prices" / f"ers_fv_{name}_prices_2022.csv")
        for rec in table.itertuples(index=False):
            item, form = str(getattr(rec, item_col)), str(rec.Form)
            key = "ers2022_" + "_".join(re.findall(r"[a-z0-9]+", f"{item} {form}".lower()))
            assert key in ers.index, key
            got = float(ers.at[key, "usd_per_kg_edible"])
            per_edible = float(rec.RetailPrice) / float(rec.Yield)
            if rec.RetailPriceUnit == "per pound":
                assert got == pytest.approx(per_edible / LB_KG, abs=1e-4), key
            else:
                pint_kg = per_edible / got
                assert 0.473 <= pint_kg <= 0.520, key
            checked += 1
    assert checked == len(ers[~ers.index.str.contains("__")])


@pytest.mark.skipif(SHARED is None, reason="../shared price files not available")
def test_bls_milk_price_recomputes(prices: pd.DataFrame) -> None:
    """The whole-milk row is the 2022 monthly mean per gallon over 3,904 g (16 SR24 cups)."""
    assert SHARED is not None
    milk = pd.read_csv(SHARED / "data" / "prices" / "bls_ap_us_city_avg" / "Milk.csv")
    months = milk[(milk.Year == 2022) & milk.Period.str.match(r"M\d\d")]
    expected = months.Value.mean() / 3.904
    got = prices.set_index("price_key").at["bls2022_milk_whole", "usd_per_kg_edible"]
    assert got == pytest.approx(expected, abs=1e-4)
