"""The curated catalogue of menu-ready foods and the path every food table goes through.

A food table (the bundled ``catalog.csv``, a person's own CSV, a food imported from FoodData
Central) is read as text, typed by the schema (:mod:`foods.schema`), checked rule by rule and
joined with its nutrients. Bundled foods carry no nutrient values: they are joined from the
USDA SR24 reference by ``ndb_no`` so there is one source of truth. A person's own food may
instead give its nutrients per 100 g (then ``ndb_no`` stays empty).

Every rule is one ``check_*`` function returning the offending rows as text; the loader runs
them all and raises one :class:`~foods.errors.FoodTableError` that names each broken rule, the
rows (CSV line and ``food_id``) and the fix.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache, partial
from pathlib import Path

import pandas as pd

from foods.cache import cached
from foods.errors import FoodTableError
from foods.reference import DATA_DIR, load_reference, nutrient_keys
from foods.schema import COLUMN_VOCABULARY, Column, coerce, column_names, line_label, schema
from foods.vocabulary import FOOD_ID_RULE, is_food_id, vocabulary

CATALOG_FILE = DATA_DIR / "catalog.csv"

#: Energy must agree with 4 kcal/g protein, 9 kcal/g fat, 4 kcal/g carbohydrate and 7 kcal/g
#: alcohol within this share of the stated energy, or within ENERGY_TOLERANCE_KCAL per 100 g,
#: whichever is larger. SR24 uses food-specific Atwater factors, so general factors differ by
#: up to ~20 % on some foods (e.g. high-fibre foods); beyond that a value is a typo.
ENERGY_TOLERANCE_SHARE = 0.25
ENERGY_TOLERANCE_KCAL = 20.0
#: Nutrients a person's own food must give when it has no ``ndb_no``.
REQUIRED_OWN_NUTRIENTS = ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g")
#: Values a user row repeats from the reference must agree within this relative tolerance.
REFERENCE_MATCH_SHARE = 0.01

NDB = re.compile(r"^\d{5}$")

Rule = Callable[[pd.DataFrame], list[str]]


def _rows(frame: pd.DataFrame, mask: pd.Series, detail: Callable[[pd.Series], str]) -> list[str]:
    """Describe each row where ``mask`` holds as ``line N (food_id 'x'): detail``."""
    if not mask.any():  # the usual case: selecting no rows still costs a copy of the frame
        return []
    out = []
    for idx, row in frame[mask].iterrows():
        out.append(f"{line_label(int(idx))} (food_id {row['food_id']!r}): {detail(row)}")
    return out


def _empty(name: str, _row: pd.Series) -> str:
    return f"{name} is empty"


def _outside(col: Column, row: pd.Series) -> str:
    text = f"{col.name} {row[col.name]:g} {col.unit} is outside {col.min:g}–{col.max:g} {col.unit}"
    return text.rstrip()


def _negative(key: str, row: pd.Series) -> str:
    return f"{key} is {row[key]:g}; nutrient amounts per 100 g cannot be negative"


# --- one check per rule (each returns the offending rows; empty list = rule holds) ----------


def check_required_values(frame: pd.DataFrame) -> list[str]:
    """Required columns have a value in every row."""
    problems: list[str] = []
    for col in schema():
        if not col.required or col.name == "ndb_no":
            continue
        values = frame[col.name]
        if col.dtype == "float":
            mask = values.isna()
        elif col.dtype == "bool":
            mask = values.isna()
        elif col.dtype == "list":
            mask = values.map(len) == 0
        else:
            mask = values.map(lambda v: v == "" or v is None)
        problems += _rows(frame, mask, partial(_empty, col.name))
    return problems


def check_unique_ids(frame: pd.DataFrame) -> list[str]:
    """``food_id`` is unique."""
    dup = frame["food_id"].duplicated(keep=False) & (frame["food_id"] != "")
    return _rows(frame, dup, lambda r: f"food_id {r['food_id']!r} appears more than once")


def check_id_format(frame: pd.DataFrame) -> list[str]:
    """``food_id`` is a slug: 1–60 lower-case letters, digits and underscores."""
    bad = frame["food_id"].map(lambda v: v != "" and not is_food_id(v))
    return _rows(frame, bad, lambda r: f"use {FOOD_ID_RULE}")


def check_ndb_in_reference(frame: pd.DataFrame) -> list[str]:
    """Every ``ndb_no`` given is a 5-digit number present in the USDA SR24 reference."""
    ref = load_reference().index
    given = frame["ndb_no"] != ""
    bad = given & frame["ndb_no"].map(lambda v: not (NDB.match(v) and v in ref))
    return _rows(
        frame,
        bad,
        lambda r: (
            f"ndb_no {r['ndb_no']!r} is not in USDA SR24 "
            "(use `cramp-planner foods search` to find the 5-digit number)"
        ),
    )


def check_nutrient_source(frame: pd.DataFrame) -> list[str]:
    """A food without ``ndb_no`` gives its own energy, protein, fat and carbohydrate."""
    own = frame["ndb_no"] == ""

    def lacking(row: pd.Series) -> list[str]:
        return [k for k in REQUIRED_OWN_NUTRIENTS if k not in row or pd.isna(row[k])]

    mask = own & frame.apply(lambda r: bool(lacking(r)), axis=1)
    return _rows(
        frame,
        mask,
        lambda r: (
            f"no ndb_no and no {', '.join(lacking(r))}; "
            "give a USDA ndb_no or the nutrients per 100 g"
        ),
    )


def check_reference_agreement(frame: pd.DataFrame) -> list[str]:
    """Nutrients a row states next to an ``ndb_no`` agree with the reference (within 1 %)."""
    ref = load_reference()
    problems: list[str] = []
    keys = [k for k in nutrient_keys() if k in frame.columns]
    for idx, row in frame[frame["ndb_no"].isin(ref.index)].iterrows():
        for key in keys:
            mine, theirs = row[key], ref.at[row["ndb_no"], key]
            if pd.isna(mine):
                continue
            if pd.isna(theirs) or abs(mine - theirs) > REFERENCE_MATCH_SHARE * abs(theirs) + 1e-6:
                problems.append(
                    f"{line_label(int(idx))} (food_id {row['food_id']!r}): {key} {mine:g} differs "
                    f"from USDA SR24 {theirs:g} for ndb_no {row['ndb_no']}; drop the nutrient "
                    "columns or clear ndb_no to use your own values"
                )
    return problems


def check_vocabulary(frame: pd.DataFrame) -> list[str]:
    """Slots, diet tags, allergens, category and aisle use known words."""
    problems: list[str] = []
    for column, kind in COLUMN_VOCABULARY.items():
        allowed = set(vocabulary(kind))
        for idx, food_id, value in zip(frame.index, frame["food_id"], frame[column], strict=True):
            values = value if isinstance(value, tuple) else ((value,) if value else ())
            unknown = [v for v in values if v not in allowed]
            if unknown:
                problems.append(
                    f"{line_label(int(idx))} (food_id {food_id!r}): {column} has unknown "
                    f"{', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}"
                )
    return problems


def check_ranges(frame: pd.DataFrame) -> list[str]:
    """Numeric columns lie in their schema range (plausible servings, packs and prices)."""
    problems: list[str] = []
    for col in schema():
        if col.dtype != "float":
            continue
        lo = -math.inf if col.min is None else col.min
        hi = math.inf if col.max is None else col.max
        values = frame[col.name]
        mask = values.notna() & ((values < lo) | (values > hi))
        problems += _rows(
            frame,
            mask,
            partial(_outside, col),
        )
    return problems


def check_count_pair(frame: pd.DataFrame) -> list[str]:
    """``count_unit`` and ``count_g`` are given together or not at all."""
    has_unit = frame["count_unit"] != ""
    has_g = frame["count_g"].notna()
    return _rows(
        frame,
        has_unit != has_g,
        lambda r: "give both count_unit and count_g (e.g. 'medium banana', 118) or neither",
    )


def check_price_source(frame: pd.DataFrame) -> list[str]:
    """A price says where it comes from: ERS, BLS, a user entry or an explicit estimate."""
    ok = frame["price_source"].str.match(r"^(ERS|BLS|user|estimate: .+)", na=False)
    return _rows(
        frame,
        frame["price_usd_per_kg"].notna() & ~ok,
        lambda r: (
            f"price_source {r['price_source']!r} must start with 'ERS', 'BLS', 'user' or "
            "'estimate: ' followed by how the estimate was made"
        ),
    )


def check_nonnegative_nutrients(frame: pd.DataFrame) -> list[str]:
    """No nutrient amount is negative."""
    problems: list[str] = []
    for key in nutrient_keys():
        if key in frame.columns:
            problems += _rows(
                frame,
                frame[key] < 0,
                partial(_negative, key),
            )
    return problems


def check_energy_consistency(frame: pd.DataFrame) -> list[str]:
    """A person's own energy value agrees with 4/9/4/7 kcal per g of protein/fat/carbohydrate/
    alcohol (values joined from USDA SR24 are USDA's own and not second-guessed: spices and
    baking powder use food-specific factors far from the general ones)."""
    alcohol = frame["alcohol_g"].fillna(0.0) if "alcohol_g" in frame else 0.0
    computed = (
        4 * frame["protein_g"] + 9 * frame["fat_g"] + 4 * frame["carbohydrate_g"] + 7 * alcohol
    )
    stated = frame["energy_kcal"]
    allowed = (ENERGY_TOLERANCE_SHARE * stated).clip(lower=ENERGY_TOLERANCE_KCAL)
    own = frame["ndb_no"] == ""
    mask = own & stated.notna() & computed.notna() & ((stated - computed).abs() > allowed)
    return _rows(
        frame,
        mask,
        lambda r: (
            f"energy_kcal {r['energy_kcal']:g} per 100 g but protein, fat and carbohydrate "
            f"give {4 * r['protein_g'] + 9 * r['fat_g'] + 4 * r['carbohydrate_g']:.0f} kcal; "
            "check the energy and macro values"
        ),
    )


#: Rules on the typed table, before nutrients are joined: (rule name, check).
ROW_RULES: tuple[tuple[str, Rule], ...] = (
    ("required values", check_required_values),
    ("unique food_id", check_unique_ids),
    ("food_id format", check_id_format),
    ("ndb_no in USDA SR24", check_ndb_in_reference),
    ("nutrients for foods without ndb_no", check_nutrient_source),
    ("stated nutrients agree with USDA SR24", check_reference_agreement),
    ("known slots, diets, allergens, categories and aisles", check_vocabulary),
    ("values within schema ranges", check_ranges),
    ("count_unit with count_g", check_count_pair),
    ("price source stated", check_price_source),
)
#: Rules on the joined table (nutrients per 100 g present).
NUTRIENT_RULES: tuple[tuple[str, Rule], ...] = (
    ("non-negative nutrients", check_nonnegative_nutrients),
    ("energy consistent with macros", check_energy_consistency),
)


def _raise_if(problems: list[tuple[str, list[str]]], source: str) -> None:
    broken = [(name, rows) for name, rows in problems if rows]
    if not broken:
        return
    count = sum(len(rows) for _, rows in broken)
    lines = [f"{source}: {count} problem(s) in the food table:"]
    for name, rows in broken:
        shown = rows[:10] + ([f"... and {len(rows) - 10} more"] if len(rows) > 10 else [])
        lines.append(f"- rule '{name}':")
        lines += [f"    {row}" for row in shown]
    raise FoodTableError("\n".join(lines))


def _join_nutrients(typed: pd.DataFrame) -> pd.DataFrame:
    """Fill nutrient columns from the reference for rows with ``ndb_no``; keep own values."""
    keys = list(nutrient_keys())
    out = typed.copy()
    linked = (out["ndb_no"] != "").to_numpy()
    values = out.reindex(columns=keys).astype("float64")  # a column not given: all NaN
    if linked.any():
        found = load_reference()[keys].reindex(out.loc[linked, "ndb_no"])
        values.loc[linked, keys] = found.to_numpy(dtype="float64")
    out[keys] = values
    return out


def build_food_table(raw: pd.DataFrame, source: str, origin: str = "catalog") -> pd.DataFrame:
    """Type, check and join one food table.

    Parameters
    ----------
    raw : DataFrame
        Rows with catalogue columns (text or values) and optional nutrient columns per 100 g.
    source : str
        Name used in messages (file name or "custom foods").
    origin : str
        Stored in the ``origin`` column: ``"catalog"`` for bundled foods, else e.g. ``"custom"``.

    Returns
    -------
    DataFrame
        Indexed by ``food_id``; schema columns, every nutrient key (per 100 g, NaN = not
        analysed) and ``origin``.

    Raises
    ------
    FoodTableError
        Naming each broken rule, the rows and the fix.
    """
    if raw.empty:
        raise FoodTableError(f"{source}: the table has no food rows; add at least one row")
    raw = raw.reset_index(drop=True)
    typed = coerce(raw, source)
    _raise_if([(name, rule(typed)) for name, rule in ROW_RULES], source)
    typed["role"] = typed["role"].replace("", "side")  # a person's own food is eaten as is
    joined = _join_nutrients(typed)
    _raise_if([(name, rule(joined)) for name, rule in NUTRIENT_RULES], source)
    joined["origin"] = origin
    return joined.set_index("food_id", drop=False).rename_axis(None)


def read_food_csv(data: str | Path | bytes, source: str | None = None) -> pd.DataFrame:
    """Read a food CSV (path, text or bytes) as text cells, with clear errors for broken files."""
    if isinstance(data, Path):
        source = source or data.name
        try:
            content = data.read_bytes()
        except OSError as exc:
            raise FoodTableError(f"{source}: cannot read the file ({exc.strerror})") from exc
    else:
        content = data.encode("utf-8") if isinstance(data, str) else data
        source = source or "foods CSV"
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FoodTableError(
            f"{source}: not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8"
        ) from exc
    if not text.strip():
        raise FoodTableError(f"{source}: the file is empty; it needs a header row and food rows")
    try:
        header = next(csv.reader(io.StringIO(text)))
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise FoodTableError(
            f"{source}: not a readable CSV ({exc}); check quotes and that every row has "
            f"{len(header) if 'header' in locals() else 'the same number of'} fields"
        ) from exc
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise FoodTableError(f"{source}: column(s) {', '.join(dupes)} appear twice; keep one")
    return frame


@lru_cache(maxsize=1)
def bundled_catalog() -> pd.DataFrame:
    """The bundled, validated catalogue joined with USDA nutrients (cached in memory and, by
    :mod:`foods.cache`, on disk: built once per version of the package)."""
    return cached("catalog", lambda: build_food_table(read_food_csv(CATALOG_FILE), "catalog.csv"))


def load_catalog(
    extra: Iterable[pd.DataFrame] = (),
    price_overrides: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The catalogue plus a person's foods, with their price overrides applied.

    Parameters
    ----------
    extra : iterable of DataFrame
        Tables already built by :func:`build_food_table` (custom or imported foods).
    price_overrides : mapping food_id → USD per kg, optional
        A person's own prices; ``price_source`` becomes ``"user"``.

    Raises
    ------
    FoodTableError
        When a custom food reuses a catalogue ``food_id`` or an override names an unknown food.
    """
    tables = [bundled_catalog(), *extra]
    table = pd.concat(tables) if len(tables) > 1 else tables[0].copy()
    clash = table.index[table.index.duplicated()].unique().tolist()
    if clash:
        raise FoodTableError(
            f"custom foods reuse food_id(s) already in the catalogue: {', '.join(clash)}; "
            "give them new ids"
        )
    for food_id, price in (price_overrides or {}).items():
        if food_id not in table.index:
            raise FoodTableError(f"price override for unknown food_id {food_id!r}; remove it")
        if not (isinstance(price, int | float) and 0 < price <= 500):
            raise FoodTableError(
                f"price override for {food_id!r} is {price!r}; give USD per kg between 0 and 500"
            )
        table.at[food_id, "price_usd_per_kg"] = float(price)
        table.at[food_id, "price_source"] = "user"
    return table


def catalog_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts: lists for tuples, ``None`` for missing values."""
    cols = [c for c in column_names() if c in table.columns] + list(nutrient_keys())
    records = []
    for row in table[cols].itertuples(index=False):
        record: dict[str, object] = {}
        for name, value in zip(cols, row, strict=True):
            if isinstance(value, tuple):
                record[name] = list(value)
            elif isinstance(value, float) and math.isnan(value):
                record[name] = None
            else:
                record[name] = value
        records.append(record)
    return records
