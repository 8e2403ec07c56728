"""The USDA reference conversion and the food-table path (schema, one check per rule)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from foods.catalog import build_food_table, load_catalog, read_food_csv
from foods.errors import FoodTableError
from foods.reference import load_portions, load_reference, nutrient_keys, portions_for
from foods.schema import column_names

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "usda-sr24"

HEADER = ",".join(c for c in column_names() if c != "role")  # optional columns may be left out
GOOD_ROWS = [
    # food_id,ndb_no,name,category,slots,serving_g,household,allow_half,max_servings_per_day,
    # diet_tags,allergens,fortified,aisle,purchase_unit,purchase_g,count_unit,count_g,
    # price_usd_per_kg,price_source,fdc_id
    "banana,09040,Banana,fruit,breakfast|snack,118,1 medium,true,2,vegan|vegetarian|pescatarian,,"
    "false,produce,1 lb,454,medium banana,118,1.4,ERS 2022 Bananas,",
    "almonds,12061,Almonds,nuts_seeds,snack,28.35,1 oz,true,2,vegan|vegetarian|pescatarian,"
    "tree_nuts,false,nuts_dried_fruit,16 oz bag,454,,,13.2,estimate: shelf price $6/lb,",
    "sardines,15088,Sardines canned with bone,fish,lunch,92,1 can,false,1,pescatarian,fish,false,"
    "canned_goods,3.75 oz can,92,,,16.0,estimate: shelf price $1.50 per can,",
]


def table(rows: list[str], header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def build(text: str) -> pd.DataFrame:
    return build_food_table(read_food_csv(text, "my-foods.csv"), "my-foods.csv", origin="custom")


# --- reference --------------------------------------------------------------------------------


def test_reference_has_every_sr24_food_with_vitamin_d_in_micrograms() -> None:
    ref = load_reference()
    assert len(ref) == 8858
    assert ref.index.is_unique
    assert {"iron_mg", "phosphorus_mg", "vitamin_d_ug"} <= set(ref.columns)
    # published SR values (data README spot checks); vitamin D 193 IU = 4.825 µg
    assert ref.at["12061", "potassium_mg"] == 705 and ref.at["12061", "magnesium_mg"] == 268
    assert ref.at["11457", "potassium_mg"] == 558 and ref.at["11457", "magnesium_mg"] == 79
    assert ref.at["09032", "potassium_mg"] == 1162
    assert ref.at["15088", "calcium_mg"] == 382
    assert ref.at["15088", "vitamin_d_ug"] == pytest.approx(193 / 40)


def test_not_analysed_stays_missing_never_zero() -> None:
    ref = load_reference()
    # SR24 leaves vitamin D unanalysed for ~46 % of foods; the conversion must keep that
    share = ref["vitamin_d_ug"].isna().mean()
    assert 0.40 < share < 0.50
    assert ref["caffeine_mg"].isna().sum() > 4000


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not present")
def test_reference_matches_shared_sr24_cell_by_cell() -> None:
    raw = pd.read_csv(SHARED / "foods.csv", dtype={"ndb_no": str}).set_index("ndb_no")
    ref = load_reference()
    assert (raw["name"] == ref["name"]).all()
    for key in nutrient_keys():
        column = "vitamin_d_IU" if key == "vitamin_d_ug" else key
        expected = raw[column] / 40 if key == "vitamin_d_ug" else raw[column]
        assert (expected.isna() == ref[key].isna()).all(), key
        both = expected.notna()
        assert (
            (expected[both] - ref.loc[both, key]).abs() <= 1e-5 * expected[both].abs() + 1e-9
        ).all(), key


def test_portions_give_household_measures() -> None:
    assert len(load_portions()) == 15274
    assert ('1 medium (7" to 7-7/8" long)', 118.0) in portions_for("09040")


# --- the food-table path ----------------------------------------------------------------------


def test_valid_user_table_joins_nutrients_from_reference() -> None:
    foods = build(table(GOOD_ROWS))
    assert list(foods.index) == ["banana", "almonds", "sardines"]
    assert foods.at["almonds", "potassium_mg"] == 705
    assert foods.at["banana", "slots"] == ("breakfast", "snack")
    assert foods.at["almonds", "allergens"] == ("tree_nuts",)
    assert foods.at["sardines", "allow_half"] is False
    assert (foods["origin"] == "custom").all()


def test_user_food_with_own_nutrients_and_no_ndb_no() -> None:
    header = HEADER + ",energy_kcal,protein_g,fat_g,carbohydrate_g,potassium_mg"
    row = (
        "grandmas_stew,,Grandma's stew,mixed,dinner,300,1 bowl,true,1,,,false,frozen,1 tub,600,,,"
        "8,user,,95,6,3,10,320"
    )
    foods = build(table([row], header))
    assert foods.at["grandmas_stew", "potassium_mg"] == 320
    assert math.isnan(foods.at["grandmas_stew", "magnesium_mg"])  # not given = missing, not 0


def test_stated_nutrients_that_match_reference_are_accepted() -> None:
    header = HEADER + ",potassium_mg"
    foods = build(table([GOOD_ROWS[0] + ",358"], header))
    assert foods.at["banana", "potassium_mg"] == 358


def replace_field(row: str, column: str, value: str) -> str:
    parts = row.split(",")
    parts[column_names().index(column)] = value
    return ",".join(parts)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([GOOD_ROWS[0], GOOD_ROWS[0]], ["unique food_id", "'banana' appears more than once"]),
        ([replace_field(GOOD_ROWS[0], "food_id", "Banana Raw")], ["food_id format", "line 2"]),
        ([replace_field(GOOD_ROWS[0], "ndb_no", "99999")], ["ndb_no '99999' is not in USDA"]),
        ([replace_field(GOOD_ROWS[0], "slots", "brunch")], ["slots has unknown 'brunch'"]),
        (
            [replace_field(GOOD_ROWS[0], "allergens", "nightshade")],
            ["allergens has unknown 'nightshade'"],
        ),
        ([replace_field(GOOD_ROWS[0], "diet_tags", "keto")], ["diet_tags has unknown 'keto'"]),
        ([replace_field(GOOD_ROWS[0], "aisle", "garden")], ["aisle has unknown 'garden'"]),
        (
            [replace_field(GOOD_ROWS[0], "serving_g", "5000")],
            ["serving_g 5000 g is outside 0.1–1000"],
        ),
        (
            [replace_field(GOOD_ROWS[0], "serving_g", "lots")],
            ["serving_g='lots' is not a valid float"],
        ),
        ([replace_field(GOOD_ROWS[0], "allow_half", "maybe")], ["allow_half='maybe'"]),
        ([replace_field(GOOD_ROWS[0], "price_usd_per_kg", "-1")], ["price_usd_per_kg -1"]),
        ([replace_field(GOOD_ROWS[0], "price_source", "my guess")], ["must start with 'ERS'"]),
        ([replace_field(GOOD_ROWS[0], "name", "")], ["required values", "name is empty"]),
        ([replace_field(GOOD_ROWS[0], "count_g", "")], ["give both count_unit and count_g"]),
        ([replace_field(GOOD_ROWS[0], "ndb_no", "")], ["no ndb_no and no energy_kcal"]),
    ],
)
def test_broken_tables_name_the_rule_row_and_fix(rows: list[str], expected: list[str]) -> None:
    with pytest.raises(FoodTableError) as err:
        build(table(rows))
    message = str(err.value)
    assert message.startswith("my-foods.csv")
    for fragment in expected:
        assert fragment in message


def test_missing_and_unknown_columns_are_named() -> None:
    header = HEADER.replace("serving_g", "serving_grams")
    with pytest.raises(FoodTableError) as err:
        build(table(GOOD_ROWS, header))
    assert "missing required column(s): serving_g" in str(err.value)
    assert "unknown column(s): serving_grams" in str(err.value)


def test_negative_nutrient_and_inconsistent_energy_are_refused() -> None:
    header = HEADER + ",energy_kcal,protein_g,fat_g,carbohydrate_g,potassium_mg"
    base = "stew,,Stew,mixed,dinner,300,1 bowl,true,1,,,false,frozen,1 tub,600,,,8,user,"
    with pytest.raises(FoodTableError, match="potassium_mg is -5"):
        build(table([base + ",95,6,3,10,-5"], header))
    with pytest.raises(FoodTableError, match="energy consistent with macros"):
        build(table([base + ",900,6,3,10,300"], header))


def test_disagreeing_stated_nutrient_is_refused() -> None:
    header = HEADER + ",potassium_mg"
    with pytest.raises(FoodTableError, match="potassium_mg 999 differs from USDA SR24 358"):
        build(table([GOOD_ROWS[0] + ",999"], header))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'food_id,name\n"unterminated,x\n', "not a readable CSV"),
        ((b"food_id,food_id\na,b\n"), "appear twice"),
        (HEADER.encode() + b"\n", "no food rows"),
    ],
)
def test_broken_files_get_clear_messages(content: bytes, expected: str) -> None:
    with pytest.raises(FoodTableError, match=expected):
        build_food_table(read_food_csv(content, "upload.csv"), "upload.csv")


def test_custom_food_may_not_reuse_catalogue_id() -> None:
    custom = build(table([replace_field(GOOD_ROWS[0], "food_id", "zz_custom_banana")]))
    merged = load_catalog([custom])
    assert "zz_custom_banana" in merged.index
    clash_id = load_catalog().index[0]
    clash = build(table([replace_field(GOOD_ROWS[0], "food_id", clash_id)]))
    with pytest.raises(FoodTableError, match="reuse food_id"):
        load_catalog([clash])


def test_price_override_is_applied_and_validated() -> None:
    first = load_catalog().index[0]
    table_ = load_catalog(price_overrides={first: 3.5})
    assert (
        table_.at[first, "price_usd_per_kg"] == 3.5 and table_.at[first, "price_source"] == "user"
    )
    with pytest.raises(FoodTableError, match="unknown food_id"):
        load_catalog(price_overrides={"no_such_food": 1.0})
    with pytest.raises(FoodTableError, match="between 0 and 500"):
        load_catalog(price_overrides={first: -2})
