"""Every food source the five articles name maps to real catalogue foods that really supply it.

``foods/data/article_sources.csv`` links each named source of the articles' table (see
``../shared/reference/article-sources.md``) to catalogue foods. A mapped food counts as a
meaningful source of its nutrient, by the USDA SR24 values, when **either**

* one serving gives >= 10 % of the adult reference intake (FDA calls 10-19 % of the Daily
  Value a "good source"), **or**
* 100 kcal of it give >= 5 % of the reference, i.e. its nutrient density is at least that of a
  2,000 kcal diet that meets the reference exactly.

Adult references (per day): potassium 3,400 mg, magnesium 420 mg, calcium 1,000 mg, vitamin D
15 µg, zinc 11 mg (men 19-50, NASEM/IOM), sodium 1,500 mg (AI). Fluid sources must give
>= 150 g water per serving. A claim the article makes but the USDA values only weakly support
is listed in :data:`WEAK_CLAIMS`; such a food must still give more than 5 % of the reference
per serving (FDA treats <= 5 % as a low source), and the list may hold nothing that passes the
full test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "foods" / "data"
ARTICLE_TABLE = next(
    (
        p / "reference" / "article-sources.md"
        for p in (ROOT.parent / "shared", Path("/work/shared"))
        if (p / "reference" / "article-sources.md").is_file()
    ),
    None,
)

#: Adult reference intakes per day (units as in the nutrient key).
REFERENCE = {
    "potassium_mg": 3400.0,
    "magnesium_mg": 420.0,
    "calcium_mg": 1000.0,
    "vitamin_d_ug": 15.0,
    "zinc_mg": 11.0,
    "sodium_mg": 1500.0,
}
SERVING_SHARE = 0.10  # of the reference, per serving
DENSITY_SHARE = 0.05  # of the reference, per 100 kcal
WEAK_SHARE = 0.05  # floor per serving for a listed weak claim
FLUID_WATER_G = 150.0  # g water per serving

#: (article, nutrient, named source) of the articles' "Food sources named" table.
EXPECTED = {
    ("001", "magnesium_mg", "nuts"),
    ("001", "magnesium_mg", "whole grains"),
    ("003", "magnesium_mg", "spinach"),
    ("003", "magnesium_mg", "nuts"),
    ("003", "magnesium_mg", "seeds"),
    ("003", "magnesium_mg", "dark chocolate"),
    ("003", "magnesium_mg", "legumes"),
    ("003", "magnesium_mg", "avocado"),
    ("003", "magnesium_mg", "leafy greens"),
    ("001", "calcium_mg", "dairy products"),
    ("001", "calcium_mg", "soy products"),
    ("001", "calcium_mg", "dark green vegetables"),
    ("003", "calcium_mg", "dairy"),
    ("003", "calcium_mg", "canned fish with bones"),
    ("003", "calcium_mg", "leafy greens"),
    ("003", "calcium_mg", "fortified foods"),
    ("003", "potassium_mg", "sweet potatoes"),
    ("003", "potassium_mg", "bananas"),
    ("003", "potassium_mg", "avocados"),
    ("003", "potassium_mg", "spinach"),
    ("003", "potassium_mg", "dried apricots"),
    ("003", "potassium_mg", "beans"),
    ("004", "potassium_mg", "fruits"),
    ("004", "potassium_mg", "vegetables"),
    ("004", "potassium_mg", "nuts"),
    ("004", "magnesium_mg", "fruits"),
    ("004", "magnesium_mg", "vegetables"),
    ("004", "magnesium_mg", "nuts"),
    ("003", "vitamin_d_ug", "fatty fish"),
    ("003", "vitamin_d_ug", "fortified dairy"),
    ("002", "zinc_mg", "zinc-rich foods"),
    ("004", "fluids", "adequate fluid"),
    ("000", "fluids", "adequate fluid"),
    ("004", "sodium_mg", "balanced sodium"),
    ("004", "sodium_mg", "replace electrolytes after sweating"),
    ("004", "fluids", "replace electrolytes after sweating"),
}

#: Named in the table but not food: advised in words, never mapped to catalogue foods.
NOT_FOOD = {"sun exposure", "vitamin d3 preparations"}

#: (article, nutrient, named source, food_id) the article names but USDA values support only
#: weakly: avocado has 29 mg magnesium per 100 g (about 7 % of 420 mg in half an avocado).
WEAK_CLAIMS = {("003", "magnesium_mg", "avocado", "avocado_raw")}


@pytest.fixture(scope="module")
def mapping() -> pd.DataFrame:
    """The article -> catalogue food mapping."""
    return pd.read_csv(DATA / "article_sources.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def foods() -> pd.DataFrame:
    """Catalogue foods joined with SR24 values per 100 g, indexed by food_id."""
    catalog = pd.read_csv(DATA / "catalog.csv", dtype={"ndb_no": str})
    ref = pd.read_csv(DATA / "usda_sr24_reference.csv.gz", dtype={"ndb_no": str})
    joined = catalog[["food_id", "ndb_no", "serving_g"]].merge(ref, on="ndb_no", how="left")
    return joined.set_index("food_id")


def test_columns(mapping: pd.DataFrame) -> None:
    assert list(mapping.columns) == ["article", "nutrient", "named_source", "food_id"]
    assert mapping.article.isin(["000", "001", "002", "003", "004"]).all()
    assert not mapping.duplicated().any()


def test_every_named_source_maps_to_an_existing_food(
    mapping: pd.DataFrame, foods: pd.DataFrame
) -> None:
    present = set(mapping[["article", "nutrient", "named_source"]].itertuples(index=False))
    assert present == EXPECTED
    unknown = sorted(set(mapping.food_id) - set(foods.index))
    assert not unknown, f"not in catalog.csv: {unknown}"
    assert not mapping.named_source.str.lower().isin(NOT_FOOD).any()


def share_of_reference(food: pd.Series, nutrient: str) -> tuple[float, float]:
    """(share per serving, share per 100 kcal) of the adult reference; missing counts as 0."""
    per_100g = 0.0 if pd.isna(food[nutrient]) else float(food[nutrient])
    per_serving = per_100g * float(food["serving_g"]) / 100.0 / REFERENCE[nutrient]
    energy = float(food["energy_kcal"])
    per_100kcal = per_100g / energy * 100.0 / REFERENCE[nutrient] if energy > 0 else float("inf")
    return per_serving, per_100kcal


def test_mapped_foods_are_meaningful_sources(mapping: pd.DataFrame, foods: pd.DataFrame) -> None:
    wrong: list[str] = []
    weak_that_pass: list[tuple[str, str, str, str]] = []
    for row in mapping.itertuples(index=False):
        food = foods.loc[row.food_id]
        key = (row.article, row.nutrient, row.named_source, row.food_id)
        if row.nutrient == "fluids":
            water = float(food["water_g"]) * float(food["serving_g"]) / 100.0
            if water < FLUID_WATER_G:
                wrong.append(f"{key}: {water:.0f} g water per serving")
            continue
        per_serving, per_100kcal = share_of_reference(food, row.nutrient)
        passes = per_serving >= SERVING_SHARE or per_100kcal >= DENSITY_SHARE
        if key in WEAK_CLAIMS:
            if passes:
                weak_that_pass.append(key)
            elif per_serving <= WEAK_SHARE:
                wrong.append(f"{key}: weak claim below {WEAK_SHARE:.0%} ({per_serving:.1%})")
        elif not passes:
            wrong.append(f"{key}: {per_serving:.1%} per serving, {per_100kcal:.1%} per 100 kcal")
    assert not wrong, "\n".join(wrong)
    assert not weak_that_pass, f"listed as weak but pass the full test: {weak_that_pass}"


def test_several_foods_for_broad_groups(mapping: pd.DataFrame) -> None:
    counts = mapping.groupby(["article", "nutrient", "named_source"]).size()
    broad = ["nuts", "whole grains", "legumes", "leafy greens", "dairy", "beans", "fatty fish"]
    # Among nuts only pistachios pass the potassium test, so that group has one food.
    for (article, nutrient, source), n in counts.items():
        if source in broad and (article, nutrient, source) != ("004", "potassium_mg", "nuts"):
            assert n >= 3, (article, nutrient, source)


@pytest.mark.skipif(ARTICLE_TABLE is None, reason="../shared/reference not available")
def test_expected_table_matches_the_reference_document() -> None:
    """Each food-like source in article-sources.md appears in :data:`EXPECTED`."""
    assert ARTICLE_TABLE is not None
    text = ARTICLE_TABLE.read_text(encoding="utf-8")
    section = text.split("## Food sources named", 1)[1].split("\n## ", 1)[0]
    named = {source for _, _, source in EXPECTED}
    rows = [line for line in section.splitlines() if re.match(r"\|\s*[A-Z]", line)]
    body = [r for r in rows if not r.startswith("| Nutrient")]
    assert len(body) == 10
    for line in body:
        _, nutrient, sources, articles, _ = (cell.strip() for cell in line.split("|"))
        for article in re.findall(r"\d{3}", articles):
            assert article in {a for a, _, _ in EXPECTED}, line
        if nutrient.startswith(("Zinc", "Fluids")) or "D3" in sources:
            continue
        cleaned = re.sub(r"\(.*?\)", "", sources)
        for source in re.split(r"[,;]", cleaned):
            source = source.strip().lower()
            if source and source not in NOT_FOOD:
                assert source in named, f"{source!r} from {nutrient} is not mapped"
