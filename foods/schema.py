"""The catalogue schema as data (``foods/data/schema.csv``); its words: :mod:`foods.vocabulary`.

``schema.csv`` lists every catalogue column with its dtype, unit, allowed range, whether it is
required and what it means. :func:`coerce` turns raw CSV text into typed columns and reports
every cell that cannot be read, naming the line and the column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from foods.errors import FoodTableError
from foods.reference import DATA_DIR, nutrient_keys
from foods.text import one_line

SCHEMA_FILE = DATA_DIR / "schema.csv"

TRUE_WORDS = frozenset({"true", "yes", "1", "y", "t"})
FALSE_WORDS = frozenset({"false", "no", "0", "n", "f"})


@dataclass(frozen=True)
class Column:
    """One catalogue column: name, dtype (str|float|bool|list|category), unit and range."""

    name: str
    dtype: str
    unit: str
    min: float | None
    max: float | None
    required: bool
    description: str


@lru_cache(maxsize=1)
def schema() -> tuple[Column, ...]:
    """The catalogue columns of ``schema.csv``, in file order."""
    raw = pd.read_csv(SCHEMA_FILE, dtype=str, keep_default_na=False)
    return tuple(
        Column(
            name=r["column"],
            dtype=r["dtype"],
            unit=r["unit"],
            min=float(r["min"]) if r["min"] else None,
            max=float(r["max"]) if r["max"] else None,
            required=r["required"] == "yes",
            description=r["description"],
        )
        for _, r in raw.iterrows()
    )


def column_names() -> tuple[str, ...]:
    """Catalogue column names in schema order."""
    return tuple(c.name for c in schema())


#: Which vocabulary each list/category column draws from.
COLUMN_VOCABULARY: dict[str, str] = {
    "slots": "slot",
    "diet_tags": "diet",
    "allergens": "allergen",
    "category": "category",
    "aisle": "aisle",
    "role": "role",
}


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and value.strip() == "")
    )


def _to_float(value: object) -> float:
    if _blank(value):
        return math.nan
    if isinstance(value, bool):
        raise ValueError("a true/false value is not a number")
    return float(str(value).strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]


def _to_bool(value: object) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("expected true or false")


def _to_list(value: object) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value).replace(",", "|").split("|") if p.strip())


def _to_str(value: object) -> str:
    return "" if _blank(value) else one_line(value)


_CONVERTERS = {
    "float": _to_float,
    "bool": _to_bool,
    "list": _to_list,
    "str": _to_str,
    "category": _to_str,
}


def line_label(index: int) -> str:
    """How a row is named in messages: its CSV line (header is line 1)."""
    return f"line {index + 2}"


def coerce(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Convert a raw table (all text) to the schema's types.

    Parameters
    ----------
    raw : DataFrame
        Rows as read from CSV (``dtype=str``) or built from dicts; a fresh ``RangeIndex``.
    source : str
        Name of the table for messages (e.g. ``"my-foods.csv"``).

    Returns
    -------
    DataFrame
        Catalogue columns typed (float, bool, tuple of str, str) plus any nutrient columns
        (float, per 100 g). Missing optional columns are added empty.

    Raises
    ------
    FoodTableError
        When required columns are missing, unknown columns are present, or cells cannot be read.
    """
    known = set(column_names()) | set(nutrient_keys())
    missing = [c.name for c in schema() if c.required and c.name not in raw.columns]
    unknown = [c for c in raw.columns if c not in known]
    problems: list[str] = []
    if missing:
        problems.append(
            f"missing required column(s): {', '.join(missing)}; "
            "add them (see foods/data/schema.csv for what each means)"
        )
    if unknown:
        problems.append(
            f"unknown column(s): {', '.join(map(str, unknown))}; rename or remove them "
            f"(allowed: catalogue columns of foods/data/schema.csv and nutrient keys "
            f"{', '.join(nutrient_keys())})"
        )
    if problems:
        raise FoodTableError(f"{source}: " + "; ".join(problems))

    out = pd.DataFrame(index=raw.index)
    bad: list[str] = []
    dtypes = {c.name: c.dtype for c in schema()} | {k: "float" for k in nutrient_keys()}
    for name in list(column_names()) + [k for k in nutrient_keys() if k in raw.columns]:
        dtype = dtypes[name]
        convert = _CONVERTERS[dtype]
        values = raw[name] if name in raw.columns else pd.Series([None] * len(raw), raw.index)
        converted: list[object] = []
        for idx, value in values.items():
            try:
                converted.append(convert(value))
            except (TypeError, ValueError):
                converted.append(None)
                bad.append(f"{line_label(int(idx))} {name}={value!r} is not a valid {dtype}")
        out[name] = pd.Series(
            converted, index=raw.index, dtype="float64" if dtype == "float" else object
        )
    if bad:
        shown = "; ".join(bad[:20]) + (f"; and {len(bad) - 20} more" if len(bad) > 20 else "")
        raise FoodTableError(
            f"{source}: {len(bad)} cell(s) cannot be read: {shown}. "
            "Fix: numbers use a dot as decimal mark, true/false for yes-no columns, "
            "and '|' between list items"
        )
    return out
