"""Derive real 2022 retail prices per kg of edible food and write them into the catalogue.

Reads the USDA ERS *Fruit and Vegetable Prices* (2022) and the US BLS *Average Price Data*
(U.S. city average, monthly) from ``../shared/data/prices`` and writes

* ``foods/data/retail_prices.csv`` -- one row per price key: ``price_key, source, item, form,
  year, usd_per_kg_edible, derivation`` (the derivation says exactly how the number was made);
* the ``price_usd_per_kg`` and ``price_source`` columns of ``foods/data/catalog.csv`` for every
  catalogue food listed in :data:`PRICE_MAP`.

Foods not in :data:`PRICE_MAP` keep the hand-curated, explicitly labelled estimate that the
catalogue already carries (``price_source`` starting with ``"estimate: "``); the script refuses
to finish if any such row lacks that label. The third-party price files are *not* copied into
the repository: the outputs are committed and this script only regenerates them.

Unit conversions use USDA SR24 household weights from ``foods/data/usda_sr24_portions.csv.gz``
and energy values from ``foods/data/usda_sr24_reference.csv.gz`` (both in this repository).

Usage: ``python3 scripts/build_prices.py [PRICES_DIR]``. The output is deterministic.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "foods" / "data"
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "prices"
CATALOG = DATA / "catalog.csv"
OUTPUT = DATA / "retail_prices.csv"

LB_KG = 0.45359237  # kilograms per avoirdupois pound (exact)
GALLON_CUPS = 16  # US cups per US gallon
PINT_CUPS = 2  # US cups per US pint (16 fl oz)
COFFEE_G_PER_L = 55.0  # grams of ground coffee per litre brewed (SCA "golden cup" ratio)
OUT_COLUMNS = ["price_key", "source", "item", "form", "year", "usd_per_kg_edible", "derivation"]

# ERS juices are priced per pint; the pint is weighed with the SR24 cup weight of the
# matching juice (ready-to-drink or reconstituted), i.e. 1 pint = 2 x SR24 cup grams.
ERS_JUICE_SR = {
    ("Apples, ready-to-drink", "Juice"): "09016",
    ("Apples, frozen concentrate", "Juice"): "09018",
    ("Grapefruit, ready-to-drink", "Juice"): "09123",
    ("Grapes, ready-to-drink", "Juice"): "09135",
    ("Grapes, frozen concentrate", "Juice"): "09135",
    ("Oranges, ready-to-drink", "Juice"): "09209",
    ("Oranges, frozen concentrate", "Juice"): "09215",
    ("Pineapple, ready-to-drink", "Juice"): "09273",
    ("Pineapple, frozen concentrate", "Juice"): "09275",
    ("Plum (prune), ready-to-drink", "Juice"): "09294",
    ("Pomegranate, ready-to-drink", "Juice"): "09442",
}

# ERS canned items whose catalogue food is the whole can contents (solids and liquid): the
# per-pound price is used as is (yield 1) instead of the ERS drained-solids yield.
ERS_WHOLE_CAN = {
    "ers2022_black_beans_canned": "16018",
    "ers2022_navy_beans_canned": "16039",
    "ers2022_great_northern_beans_canned": "16026",
}


def slug(text: str) -> str:
    """Lower-case ``text`` and join its alphanumeric runs with underscores."""
    return "_".join(re.findall(r"[a-z0-9]+", text.lower()))


def ers_key(item: str, form: str) -> str:
    """Price key of an ERS row, e.g. ``ers2022_bananas_fresh``."""
    return f"ers2022_{slug(item)}_{slug(form)}"


class SR:
    """Look-ups in the project's SR24 reference and portion tables."""

    def __init__(self) -> None:
        self.ref = pd.read_csv(
            DATA / "usda_sr24_reference.csv.gz", dtype={"ndb_no": str}
        ).set_index("ndb_no")
        self.portions = pd.read_csv(DATA / "usda_sr24_portions.csv.gz", dtype={"ndb_no": str})

    def grams(self, ndb_no: str, measure: str, amount: float = 1.0) -> float:
        """Grams of the SR24 household measure ``amount measure`` (exact text) of a food."""
        rows = self.portions[
            (self.portions.ndb_no == ndb_no)
            & (self.portions.measure == measure)
            & (self.portions.amount == amount)
        ]
        if len(rows) != 1:
            raise KeyError(f"SR24 {ndb_no}: no unique portion {amount:g} {measure!r}")
        return float(rows.grams.iloc[0])

    def value(self, ndb_no: str, column: str) -> float:
        """Nutrient value per 100 g of a food (e.g. ``energy_kcal``)."""
        return float(self.ref.at[ndb_no, column])


# ---------------------------------------------------------------- ERS -------------------------


def ers_rows(src: Path, sr: SR) -> list[dict[str, object]]:
    """Price rows from the two ERS 2022 tables, per kg of edible food."""
    rows: list[dict[str, object]] = []
    for name, item_col in (("fruit", "Fruit"), ("vegetable", "Vegetable")):
        table = pd.read_csv(src / f"ers_fv_{name}_prices_2022.csv")
        for rec in table.itertuples(index=False):
            item, form = str(getattr(rec, item_col)), str(rec.Form)
            price, unit, yld = float(rec.RetailPrice), str(rec.RetailPriceUnit), float(rec.Yield)
            key = ers_key(item, form)
            if unit == "per pound":
                value = price / yld / LB_KG
                how = (
                    f"ERS RetailPrice ${price:.4f} per lb as purchased / Yield {yld:g} "
                    f"= ${price / yld:.4f} per edible lb; / {LB_KG} kg per lb"
                )
                if yld > 1:
                    how += " (Yield > 1: ERS counts the cooked weight, so this is per kg cooked)"
            elif unit == "per pint":
                ndb = ERS_JUICE_SR[(item, form)]
                pint_g = PINT_CUPS * sr.grams(ndb, "cup")
                value = price / yld / (pint_g / 1000)
                how = (
                    f"ERS RetailPrice ${price:.4f} per pint / Yield {yld:g}; 1 pint (16 fl oz) "
                    f"weighed as 2 x SR24 cup of {ndb} = {pint_g:g} g"
                )
                if "concentrate" in item:
                    how += " (ERS prices concentrate per pint of reconstituted juice)"
            else:
                raise ValueError(f"ERS {item}/{form}: unknown unit {unit!r}")
            rows.append(row(key, "ERS 2022", item, form, value, how))
            if key in ERS_WHOLE_CAN:
                ndb = ERS_WHOLE_CAN[key]
                rows.append(
                    row(
                        f"{key}__whole_contents",
                        "ERS 2022",
                        item,
                        form,
                        price / LB_KG,
                        f"ERS RetailPrice ${price:.4f} per lb of can contents / {LB_KG} kg per lb; "
                        f"yield 1 because SR24 {ndb} is solids and liquid (ERS drained yield "
                        f"{yld:g} not applied)",
                    )
                )
    return rows


# ---------------------------------------------------------------- BLS -------------------------


@dataclass(frozen=True)
class BlsSeries:
    """One BLS average-price series and how its unit becomes a kg of edible food."""

    file: str
    series: str
    title: str


BLS = {
    "milk": BlsSeries("Milk.csv", "APU0000709112", "Milk, fresh, whole, fortified, per gal."),
    "eggs": BlsSeries("Eggs.csv", "APU0000708111", "Eggs, grade A, large, per doz."),
    "bread_white": BlsSeries("Bread.csv", "APU0000702111", "Bread, white, pan, per lb."),
    "bread_whole_wheat": BlsSeries(
        "Bread_Whole_Wheat.csv", "APU0000702212", "Bread, whole wheat, pan, per lb."
    ),
    "rice": BlsSeries("Rice.csv", "APU0000701312", "Rice, white, long grain, uncooked, per lb."),
    "pasta": BlsSeries(
        "Spaghetti_and_Macaroni.csv", "APU0000701322", "Spaghetti and macaroni, per lb."
    ),
    "flour": BlsSeries("Flour.csv", "APU0000701111", "Flour, white, all purpose, per lb."),
    "cheddar": BlsSeries("Cheese_Cheddar.csv", "APU0000710212", "Cheddar cheese, natural, per lb."),
    "american": BlsSeries(
        "Cheese_American.csv", "APU0000710211", "American processed cheese, per lb."
    ),
    "chicken_whole": BlsSeries(
        "Chicken_Whole.csv", "APU0000706111", "Chicken, fresh, whole, per lb."
    ),
    "ground_beef": BlsSeries("Beef_Ground.csv", "APU0000703112", "Ground beef, 100% beef, per lb."),
    "round_roast": BlsSeries(
        "Beef_Round_Roast.csv", "APU0000703311", "Round roast, USDA Choice, boneless, per lb."
    ),
    "round_steak": BlsSeries(
        "Beef_Steak_Round.csv", "APU0000703511", "Steak, round, USDA Choice, boneless, per lb."
    ),
    "pork_chops": BlsSeries(
        "Pork_Chops.csv", "APU0000704211", "Chops, center cut, bone-in, per lb."
    ),
    "bacon": BlsSeries("Bacon.csv", "APU0000704111", "Bacon, sliced, per lb."),
    "frankfurters": BlsSeries(
        "Frankfurters.csv", "APU0000705111", "Frankfurters, all meat or all beef, per lb."
    ),
    "coffee": BlsSeries(
        "Coffee.csv", "APU0000717311", "Coffee, 100%, ground roast, all sizes, per lb."
    ),
    "sugar": BlsSeries("Sugar_White.csv", "APU0000715211", "Sugar, white, all sizes, per lb."),
    "cookies": BlsSeries("Cookies.csv", "APU0000702421", "Cookies, chocolate chip, per lb."),
    "chips": BlsSeries("Chips_Potato.csv", "APU0000718311", "Potato chips, per 16 oz."),
    "ice_cream": BlsSeries(
        "IceCream.csv", "APU0000710411", "Ice cream, prepackaged, bulk, regular, per 1/2 gal."
    ),
    "oj_concentrate": BlsSeries(
        "Juice_Orange.csv",
        "APU0000713111",
        "Orange juice, frozen concentrate, 12 oz. can, per 16 oz.",
    ),
    "lemons": BlsSeries("Lemons.csv", "APU0000711412", "Lemons, per lb."),
}

MONTHS = {f"M{m:02d}": m for m in range(1, 13)}
MONTH_ABBR = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def bls_mean_2022(src: Path, series: BlsSeries) -> tuple[float, str]:
    """Mean of the available 2022 monthly values and a text naming the months used."""
    table = pd.read_csv(src / "bls_ap_us_city_avg" / series.file)
    table.columns = [c.strip() for c in table.columns]
    table = table[(table["Series Id"].str.strip() == series.series) & (table["Year"] == 2022)]
    table = table[table["Period"].str.strip().isin(list(MONTHS))]
    if table.empty:
        raise ValueError(f"{series.file}: no 2022 monthly values for {series.series}")
    months = sorted(MONTHS[p.strip()] for p in table["Period"])
    value = float(table["Value"].astype(float).mean())
    if months == list(range(months[0], months[-1] + 1)):
        span = f"{MONTH_ABBR[months[0] - 1]}–{MONTH_ABBR[months[-1] - 1]}"
    else:
        span = ", ".join(MONTH_ABBR[m - 1] for m in months)
    return value, f"mean {span} 2022 ({len(months)} months)"


def bls_rows(src: Path, sr: SR) -> list[dict[str, object]]:
    """Price rows derived from the BLS series, per kg of the edible form named in the key."""
    rows: list[dict[str, object]] = []
    means = {name: bls_mean_2022(src, s) for name, s in BLS.items()}

    def add(key: str, name: str, form: str, convert: Callable[[float], float], how: str) -> None:
        series = BLS[name]
        mean, span = means[name]
        text = f"BLS {series.series} {series.title} {span} = ${mean:.3f}; {how}"
        rows.append(row(key, "BLS 2022", series.title, form, convert(mean), text))

    per_lb = 1 / LB_KG  # kg -> lb factor for "$ per lb" -> "$ per kg"
    milk_gal_g = GALLON_CUPS * sr.grams("01077", "cup")
    add(
        "bls2022_milk_whole",
        "milk",
        "fluid milk",
        lambda p: p / (milk_gal_g / 1000),
        f"1 gallon = 16 x SR24 cup of whole milk 01077 = {milk_gal_g:g} g",
    )
    egg_g = sr.grams("01123", "large")
    for form, ndb, label in (
        ("hard_boiled", "01129", "hard-boiled"),
        ("poached", "01131", "poached"),
        ("fried", "01128", "fried"),
        ("scrambled", "01132", "scrambled"),
        ("omelet", "01130", "omelet"),
    ):
        cooked_g = sr.grams(ndb, "large")
        how = (
            f"12 large eggs, SR24 raw edible {egg_g:g} g each; one egg {label} weighs "
            f"{cooked_g:g} g (SR24 {ndb}), so $/kg = price / 12 / {cooked_g:g} g"
        )
        if label in ("scrambled", "omelet"):
            how += "; the milk and fat added in cooking are not priced"
        add(
            f"bls2022_eggs_{form}",
            "eggs",
            f"egg, {label}",
            lambda p, g=cooked_g: p / 12 / (g / 1000),
            how,
        )
    for key, name in (
        ("bls2022_bread_white", "bread_white"),
        ("bls2022_bread_whole_wheat", "bread_whole_wheat"),
        ("bls2022_flour_white", "flour"),
        ("bls2022_cheese_cheddar", "cheddar"),
        ("bls2022_cheese_american", "american"),
        ("bls2022_sugar_white", "sugar"),
        ("bls2022_cookies_chocolate_chip", "cookies"),
    ):
        add(
            key,
            name,
            "as purchased",
            lambda p: p * per_lb,
            f"per lb as purchased, all edible; / {LB_KG} kg per lb",
        )
    add(
        "bls2022_potato_chips",
        "chips",
        "as purchased",
        lambda p: p * per_lb,
        f"16 oz = 1 lb, all edible; / {LB_KG} kg per lb",
    )
    rice_yield = sr.value("20044", "energy_kcal") / sr.value("20045", "energy_kcal")
    add(
        "bls2022_rice_white_cooked",
        "rice",
        "cooked",
        lambda p: p * per_lb / rice_yield,
        f"per lb dry; cooked/dry mass ratio {rice_yield:.3f} from SR24 energy "
        f"(20044 raw / 20045 cooked); / {LB_KG} kg per lb",
    )
    for key, dry, cooked, label in (
        ("bls2022_spaghetti_cooked", "20120", "20121", "spaghetti"),
        ("bls2022_macaroni_cooked", "20099", "20100", "macaroni"),
    ):
        ratio = sr.value(dry, "energy_kcal") / sr.value(cooked, "energy_kcal")
        add(
            key,
            "pasta",
            f"{label}, cooked",
            lambda p, r=ratio: p * per_lb / r,
            f"per lb dry; cooked/dry mass ratio {ratio:.3f} from SR24 energy "
            f"({dry} dry / {cooked} cooked); / {LB_KG} kg per lb",
        )
    chicken_g = sr.grams("05013", "unit (yield from 1 lb ready-to-cook chicken)")
    add(
        "bls2022_chicken_whole_meat_roasted",
        "chicken_whole",
        "roasted meat only",
        lambda p: p / (chicken_g / 1000),
        f"1 lb ready-to-cook chicken yields {chicken_g:g} g roasted meat without skin and "
        "bone (SR24 05013)",
    )
    beef_g = sr.grams("23570", "portion ( yield from 1/2 lb raw meat )")
    add(
        "bls2022_ground_beef_cooked",
        "ground_beef",
        "cooked crumbles",
        lambda p: p / (2 * beef_g / 1000),
        f"1/2 lb raw 85% lean ground beef yields {beef_g:g} g pan-browned crumbles (SR24 "
        f"23570), so 1 lb yields {2 * beef_g:g} g; assumes the BLS '100% beef' is ~85% lean",
    )
    roast_g = sr.grams("13418", "roast (yield from 436 g raw meat)")
    add(
        "bls2022_round_roast_cooked",
        "round_roast",
        "roasted lean",
        lambda p: p * per_lb / (roast_g / 436),
        f"SR24 13418: 436 g raw eye of round roast yields {roast_g:g} g roasted lean "
        f"(yield {roast_g / 436:.3f}); / {LB_KG} kg per lb",
    )
    steak_yield = sr.value("23609", "protein_g") / sr.value("23608", "protein_g")
    add(
        "bls2022_round_steak_cooked",
        "round_steak",
        "broiled lean",
        lambda p: p * per_lb / steak_yield,
        f"cooking yield {steak_yield:.3f} = raw/broiled protein per 100 g (SR24 23609/"
        f"23608; protein is conserved in cooking); / {LB_KG} kg per lb",
    )
    chop_raw = sr.grams(
        "10040", "chop without refuse (Yield from 1 raw chop, with refuse, weighing 259g)"
    )
    chop_cooked = sr.grams(
        "10042", "chop without refuse (Yield from 1 cooked chop, with refuse, weighing 209g)"
    )
    add(
        "bls2022_pork_chop_cooked_lean",
        "pork_chops",
        "broiled lean",
        lambda p: p * per_lb / (chop_cooked / 259),
        f"SR24 typical chop: 259 g raw with bone ({chop_raw:g} g raw lean) gives "
        f"{chop_cooked:g} g broiled lean (10042), yield {chop_cooked / 259:.3f} per raw "
        f"bone-in weight; / {LB_KG} kg per lb",
    )
    bacon_yield = sr.grams("10862", "slice cooked") / sr.grams("10123", "slice raw")
    add(
        "bls2022_bacon_cooked",
        "bacon",
        "pan-fried",
        lambda p: p * per_lb / bacon_yield,
        f"one slice: {sr.grams('10123', 'slice raw'):g} g raw (10123) -> "
        f"{sr.grams('10862', 'slice cooked'):g} g pan-fried (10862), yield {bacon_yield:.3f}; "
        f"/ {LB_KG} kg per lb",
    )
    frank_yield = sr.grams("07945", "frankfurter") / sr.grams("07022", "frankfurter")
    add(
        "bls2022_frankfurter_heated",
        "frankfurters",
        "heated",
        lambda p: p * per_lb / frank_yield,
        f"one beef frank {sr.grams('07022', 'frankfurter'):g} g unheated (07022) -> "
        f"{sr.grams('07945', 'frankfurter'):g} g heated (07945), yield {frank_yield:.3f}; "
        f"/ {LB_KG} kg per lb",
    )
    brewed_kg = 453.59237 / COFFEE_G_PER_L
    add(
        "bls2022_coffee_brewed",
        "coffee",
        "brewed",
        lambda p: p / brewed_kg,
        f"1 lb (453.6 g) ground coffee brews {brewed_kg:.2f} L at {COFFEE_G_PER_L:g} g per "
        "litre (SCA ratio), taken as kg (water ~1 kg/L)",
    )
    cream_g = 16 * sr.grams("19095", "serving 1/2 cup")
    add(
        "bls2022_ice_cream_vanilla",
        "ice_cream",
        "as purchased",
        lambda p: p / (cream_g / 1000),
        f"1/2 gallon = 8 cups = 16 x 1/2 cup; SR24 19095 1/2 cup = "
        f"{sr.grams('19095', 'serving 1/2 cup'):g} g, so {cream_g:g} g",
    )
    oj_g = 4 * PINT_CUPS * sr.grams("09215", "cup")
    add(
        "bls2022_orange_juice_reconstituted",
        "oj_concentrate",
        "reconstituted",
        lambda p: p / (oj_g / 1000),
        f"16 fl oz of concentrate + 3 volumes water = 64 fl oz juice = 8 x SR24 cup of 09215 "
        f"= {oj_g:g} g",
    )
    lemon_whole = sr.grams("09151", "fruit without seeds")
    lemon_juice = sr.grams("09152", "lemon yields")
    add(
        "bls2022_lemon_juice",
        "lemons",
        "fresh juice",
        lambda p: p * per_lb / (lemon_juice / lemon_whole),
        f"one lemon {lemon_whole:g} g with peel (09151) yields {lemon_juice:g} g juice "
        f"(09152), juice yield {lemon_juice / lemon_whole:.3f}; / {LB_KG} kg per lb",
    )
    return rows


def row(key: str, source: str, item: str, form: str, value: float, how: str) -> dict[str, object]:
    """One ``retail_prices.csv`` record, price rounded to 1/10,000 USD per kg."""
    return {
        "price_key": key,
        "source": source,
        "item": item,
        "form": form,
        "year": 2022,
        "usd_per_kg_edible": round(value, 4),
        "derivation": how,
    }


# ------------------------------------------------------- catalogue food -> price key ----------

#: Catalogue food_id -> (price_key, note). The note is appended to price_source when the
#: price key is a stand-in for a close but not identical product.
PRICE_MAP: dict[str, tuple[str, str]] = {
    # fruit (ERS)
    "apple_raw": ("ers2022_apples_fresh", ""),
    "applesauce_unsweetened": ("ers2022_apples_applesauce_canned", ""),
    "apple_juice": ("ers2022_apples_ready_to_drink_juice", ""),
    "apricot_raw": ("ers2022_apricots_fresh", ""),
    "apricots_canned_juice": ("ers2022_apricots_packed_in_juice_canned", ""),
    "apricots_dried": ("ers2022_apricots_dried", ""),
    "banana_raw": ("ers2022_bananas_fresh", ""),
    "blackberries_raw": ("ers2022_blackberries_fresh", ""),
    "blackberries_frozen": ("ers2022_blackberries_frozen", ""),
    "blueberries_raw": ("ers2022_blueberries_fresh", ""),
    "blueberries_frozen": ("ers2022_blueberries_frozen", ""),
    "cantaloupe_raw": ("ers2022_cantaloupe_fresh", ""),
    "cherries_raw": ("ers2022_cherries_fresh", ""),
    "clementine_raw": ("ers2022_clementines_fresh", ""),
    "cranberries_dried": ("ers2022_cranberries_dried", ""),
    "dates_deglet": ("ers2022_dates_dried", ""),
    "figs_dried": ("ers2022_figs_dried", ""),
    "fruit_cocktail_juice": ("ers2022_fruit_cocktail_packed_in_juice_canned", ""),
    "grapefruit_raw": ("ers2022_grapefruit_fresh", ""),
    "grapes_raw": ("ers2022_grapes_fresh", ""),
    "raisins": ("ers2022_raisins_dried", ""),
    "grape_juice": ("ers2022_grapes_ready_to_drink_juice", ""),
    "honeydew_raw": ("ers2022_honeydew_fresh", ""),
    "kiwifruit_raw": ("ers2022_kiwi_fresh", ""),
    "mango_raw": ("ers2022_mangoes_fresh", ""),
    "nectarine_raw": ("ers2022_nectarines_fresh", ""),
    "orange_raw": ("ers2022_oranges_fresh", ""),
    "orange_juice": ("ers2022_oranges_ready_to_drink_juice", ""),
    "orange_juice_fortified": (
        "ers2022_oranges_ready_to_drink_juice",
        "all ready-to-drink orange juice; used for the calcium + vitamin D fortified kind",
    ),
    "orange_juice_from_concentrate": ("ers2022_oranges_frozen_concentrate_juice", ""),
    "papaya_raw": ("ers2022_papaya_fresh", ""),
    "peach_raw": ("ers2022_peaches_fresh", ""),
    "peaches_canned_juice": ("ers2022_peaches_packed_in_juice_canned", ""),
    "pear_raw": ("ers2022_pears_fresh", ""),
    "pears_canned_juice": ("ers2022_pears_packed_in_juice_canned", ""),
    "pineapple_raw": ("ers2022_pineapple_fresh", ""),
    "pineapple_canned_juice": ("ers2022_pineapple_packed_in_juice_canned", ""),
    "plum_raw": ("ers2022_plum_fresh", ""),
    "prunes": ("ers2022_plum_prunes_dried", ""),
    "prune_juice": ("ers2022_plum_prune_ready_to_drink_juice", ""),
    "pomegranate_raw": ("ers2022_pomegranate_fresh", ""),
    "raspberries_raw": ("ers2022_raspberries_fresh", ""),
    "strawberries_raw": ("ers2022_strawberries_fresh", ""),
    "strawberries_frozen": ("ers2022_strawberries_frozen", ""),
    "watermelon_raw": ("ers2022_watermelon_fresh", ""),
    "avocado_raw": ("ers2022_avocados_fresh", ""),
    # vegetables (ERS)
    "acorn_squash_baked": ("ers2022_acorn_squash_fresh", ""),
    "artichoke_cooked": ("ers2022_artichoke_fresh", ""),
    "asparagus_cooked": ("ers2022_asparagus_fresh", ""),
    "beets_canned": ("ers2022_beets_canned", ""),
    "broccoli_raw": ("ers2022_broccoli_florets_fresh", ""),
    "broccoli_cooked": ("ers2022_broccoli_heads_fresh", ""),
    "broccoli_frozen_cooked": ("ers2022_broccoli_frozen", ""),
    "brussels_sprouts_cooked": ("ers2022_brussels_sprouts_fresh", ""),
    "butternut_squash_baked": ("ers2022_butternut_squash_fresh", ""),
    "cabbage_raw": ("ers2022_green_cabbage_fresh", ""),
    "cabbage_red_raw": ("ers2022_purple_cabbage_fresh", ""),
    "carrots_raw": ("ers2022_carrots_raw_whole_fresh", ""),
    "carrots_baby": ("ers2022_carrots_baby_fresh", ""),
    "carrots_cooked": ("ers2022_carrots_cooked_whole_fresh", ""),
    "carrots_frozen_cooked": ("ers2022_carrots_frozen", ""),
    "cauliflower_raw": ("ers2022_cauliflower_heads_fresh", ""),
    "cauliflower_frozen_cooked": ("ers2022_cauliflower_frozen", ""),
    "celery_raw": ("ers2022_celery_trimmed_bunches_fresh", ""),
    "collards_cooked": ("ers2022_collard_greens_fresh", ""),
    "collards_frozen_cooked": ("ers2022_collard_greens_frozen", ""),
    "corn_ear_cooked": ("ers2022_corn_fresh", ""),
    "corn_canned": ("ers2022_corn_canned", ""),
    "corn_frozen_cooked": ("ers2022_corn_frozen", ""),
    "cucumber_raw": ("ers2022_cucumbers_with_peel_fresh", ""),
    "green_beans_cooked": ("ers2022_green_beans_fresh", ""),
    "green_beans_canned": ("ers2022_green_beans_canned", ""),
    "green_beans_frozen_cooked": ("ers2022_green_beans_frozen", ""),
    "kale_cooked": ("ers2022_kale_fresh", ""),
    "kale_frozen_cooked": ("ers2022_kale_frozen", ""),
    "lettuce_iceberg": ("ers2022_lettuce_iceberg_fresh", ""),
    "lettuce_romaine": ("ers2022_lettuce_romaine_heads_fresh", ""),
    "mixed_vegetables_frozen": (
        "ers2022_mixed_vegetables_carrots_peas_corn_green_beans_frozen",
        "",
    ),
    "mushrooms_white_raw": ("ers2022_mushrooms_whole_fresh", ""),
    "mustard_greens_frozen_cooked": ("ers2022_mustard_greens_frozen", ""),
    "okra_cooked": ("ers2022_okra_fresh", ""),
    "okra_frozen_cooked": ("ers2022_okra_frozen", ""),
    "onion_raw": ("ers2022_onions_fresh", ""),
    "peas_green_frozen": ("ers2022_green_peas_frozen", ""),
    "peas_green_canned": ("ers2022_green_peas_canned", ""),
    "pepper_green_raw": ("ers2022_green_peppers_fresh", ""),
    "pepper_red_raw": ("ers2022_red_peppers_fresh", ""),
    "potato_baked": ("ers2022_potatoes_fresh", ""),
    "potato_boiled": ("ers2022_potatoes_fresh", ""),
    "pumpkin_canned": ("ers2022_pumpkin_canned", ""),
    "radishes_raw": ("ers2022_radish_fresh", ""),
    "spinach_raw": ("ers2022_spinach_eaten_raw_fresh", ""),
    "spinach_cooked": ("ers2022_spinach_boiled_fresh", ""),
    "spinach_frozen_cooked": ("ers2022_spinach_frozen", ""),
    "spinach_canned": ("ers2022_spinach_canned", ""),
    "sweet_potato_baked": ("ers2022_sweet_potatoes_fresh", ""),
    "tomato_raw": ("ers2022_tomatoes_large_round_fresh", ""),
    "cherry_tomatoes": ("ers2022_tomatoes_grape_cherry_fresh", ""),
    "tomatoes_canned": ("ers2022_tomatoes_canned", ""),
    "turnip_greens_cooked": ("ers2022_turnip_greens_fresh", ""),
    "turnip_greens_frozen": ("ers2022_turnip_greens_frozen", ""),
    "zucchini_cooked": ("ers2022_zucchini_fresh", ""),
    "olives_ripe": ("ers2022_olives_canned", ""),
    # legumes (ERS; dried-bean yields are cooked weight per dry weight)
    "lentils_cooked": ("ers2022_lentils_dried", ""),
    "black_beans_cooked": ("ers2022_black_beans_dried", ""),
    "black_beans_canned": ("ers2022_black_beans_canned__whole_contents", ""),
    "kidney_beans_cooked": ("ers2022_kidney_beans_dried", ""),
    "kidney_beans_canned": ("ers2022_kidney_beans_canned", ""),
    "pinto_beans_cooked": ("ers2022_pinto_beans_dried", ""),
    "pinto_beans_canned": ("ers2022_pinto_beans_canned", ""),
    "navy_beans_cooked": ("ers2022_navy_beans_dried", ""),
    "navy_beans_canned": ("ers2022_navy_beans_canned__whole_contents", ""),
    "great_northern_beans_cooked": ("ers2022_great_northern_beans_dried", ""),
    "great_northern_beans_canned": ("ers2022_great_northern_beans_canned__whole_contents", ""),
    "blackeyed_peas_cooked": ("ers2022_blackeye_peas_dried", ""),
    "lima_beans_cooked": ("ers2022_lima_beans_dried", ""),
    "lima_beans_frozen": ("ers2022_lima_beans_frozen", ""),
    # BLS
    "lemon_juice": ("bls2022_lemon_juice", ""),
    "milk_whole": ("bls2022_milk_whole", ""),
    "milk_2pct": ("bls2022_milk_whole", "whole-milk series used for 2% milk (no 2% series here)"),
    "milk_1pct": ("bls2022_milk_whole", "whole-milk series used for 1% milk (no 1% series here)"),
    "milk_skim": ("bls2022_milk_whole", "whole-milk series used for skim milk (no skim series)"),
    "egg_hard_boiled": ("bls2022_eggs_hard_boiled", ""),
    "egg_poached": ("bls2022_eggs_poached", ""),
    "egg_fried": ("bls2022_eggs_fried", ""),
    "egg_scrambled": ("bls2022_eggs_scrambled", ""),
    "egg_omelet": ("bls2022_eggs_omelet", ""),
    "bread_white": ("bls2022_bread_white", ""),
    "bread_whole_wheat": ("bls2022_bread_whole_wheat", ""),
    "rice_white_cooked": ("bls2022_rice_white_cooked", ""),
    "spaghetti_cooked": ("bls2022_spaghetti_cooked", ""),
    "macaroni_cooked": ("bls2022_macaroni_cooked", ""),
    "cheese_cheddar": ("bls2022_cheese_cheddar", ""),
    "cheese_american_vitd": ("bls2022_cheese_american", ""),
    "chicken_meat_roasted": ("bls2022_chicken_whole_meat_roasted", ""),
    "beef_ground_85_cooked": ("bls2022_ground_beef_cooked", ""),
    "beef_eye_round_roast": ("bls2022_round_roast_cooked", ""),
    "beef_top_round_steak": ("bls2022_round_steak_cooked", ""),
    "pork_chop_broiled": ("bls2022_pork_chop_cooked_lean", ""),
    "bacon_cooked": ("bls2022_bacon_cooked", ""),
    "frankfurter_beef": ("bls2022_frankfurter_heated", ""),
    "coffee_brewed": ("bls2022_coffee_brewed", ""),
    "sugar": ("bls2022_sugar_white", ""),
    "cookies_chocolate_chip": ("bls2022_cookies_chocolate_chip", ""),
    "potato_chips": ("bls2022_potato_chips", ""),
    "ice_cream_vanilla": ("bls2022_ice_cream_vanilla", ""),
}


def price_source(key: str, rec: pd.Series, note: str) -> str:
    """Catalogue ``price_source`` text for a price row (``ERS 2022 …`` or ``BLS 2022 …``)."""
    if rec["source"] == "ERS 2022":
        first = rec["derivation"].split(";")[0]
        raw = re.search(r"\$([0-9.]+) per (lb|pint)", first)
        yld = re.search(r"Yield ([0-9.]+)", rec["derivation"])
        assert raw is not None
        detail = f"${float(raw.group(1)):.2f}/{raw.group(2)}"
        if "__whole_contents" in key:
            detail += ", whole can contents, yield 1"
        elif yld is not None:
            detail += f", yield {yld.group(1)}"
        text = f"ERS 2022 {rec['item']}, {rec['form']} ({detail})"
    else:
        series = re.search(r"BLS (APU\w+) ", rec["derivation"])
        span = re.search(r"mean ([^=]+?) 2022", rec["derivation"])
        assert series is not None and span is not None
        text = f"BLS 2022 {series.group(1)} {rec['item']} (mean {span.group(1)}; {rec['form']})"
    text += f" = ${rec['usd_per_kg_edible']:.2f}/kg edible"
    return f"{text}; {note}" if note else text


def main(src: Path = DEFAULT_SRC) -> None:
    """Rebuild ``retail_prices.csv`` and the catalogue's price columns from ``src``."""
    sr = SR()
    prices = pd.DataFrame(ers_rows(src, sr) + bls_rows(src, sr), columns=OUT_COLUMNS)
    dupes = prices.price_key[prices.price_key.duplicated()]
    if len(dupes):
        raise ValueError(f"duplicate price keys: {list(dupes)}")
    prices = prices.sort_values("price_key", kind="stable").reset_index(drop=True)
    prices.to_csv(OUTPUT, index=False, lineterminator="\n")

    catalog = pd.read_csv(CATALOG, dtype=str, keep_default_na=False)
    by_key = prices.set_index("price_key")
    unknown = sorted(set(PRICE_MAP) - set(catalog.food_id))
    if unknown:
        raise ValueError(f"PRICE_MAP names foods that are not in the catalogue: {unknown}")
    for i, food_id in enumerate(catalog.food_id):
        if food_id in PRICE_MAP:
            key, note = PRICE_MAP[food_id]
            rec = by_key.loc[key]
            catalog.at[i, "price_usd_per_kg"] = f"{rec['usd_per_kg_edible']:.4f}"
            catalog.at[i, "price_source"] = price_source(key, rec, note)
        elif not catalog.at[i, "price_source"].startswith("estimate: "):
            raise ValueError(
                f"{food_id}: no ERS/BLS price and no 'estimate: ' label; add it to PRICE_MAP "
                "or give it a labelled estimate in catalog.csv"
            )
    catalog.to_csv(CATALOG, index=False, lineterminator="\n")
    n_real = sum(catalog.food_id.isin(list(PRICE_MAP)))
    print(
        f"retail_prices: {len(prices)} rows; catalogue: {n_real} of {len(catalog)} foods "
        f"priced from ERS/BLS, {len(catalog) - n_real} labelled estimates"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SRC)
