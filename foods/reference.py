"""The USDA SR24 reference: 8,858 foods, nutrients per 100 g edible portion, and portions.

The bundled files were converted from USDA SR24 by ``scripts/build_reference.py`` (see
``foods/data/PROVENANCE.md``). Vitamin D is in µg (SR24's IU ÷ 40). A missing value means
"not analysed" and stays ``NaN``; it is never silently 0.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DATA_DIR = Path(str(resources.files("foods") / "data"))
REFERENCE_FILE = DATA_DIR / "usda_sr24_reference.csv.gz"
PORTIONS_FILE = DATA_DIR / "usda_sr24_portions.csv.gz"
NUTRIENTS_FILE = DATA_DIR / "nutrients.csv"


@lru_cache(maxsize=1)
def _nutrient_rows() -> tuple[dict[str, str], ...]:
    """The rows of ``nutrients.csv`` (key, unit, label, name, planned, SR24 column, FDC id),
    read with :mod:`csv` so that naming a nutrient needs no pandas."""
    with NUTRIENTS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def nutrient_keys() -> tuple[str, ...]:
    """All nutrient keys of the product, e.g. ``potassium_mg``, in table order."""
    return tuple(row["key"] for row in _nutrient_rows())


def planned_nutrients() -> tuple[str, ...]:
    """The nutrient keys the planner tracks (its model, totals and checks), in table order:
    the rows of ``nutrients.csv`` marked ``planned``."""
    return tuple(row["key"] for row in _nutrient_rows() if row["planned"].strip() == "1")


@lru_cache(maxsize=1)
def _names_and_units() -> dict[str, tuple[str, str]]:
    """``{key: (name in a sentence, unit)}``: looked up thousands of times per plan."""
    return {row["key"]: (row["name"], row["unit"]) for row in _nutrient_rows()}


def nutrient_name(key: str) -> str | None:
    """The name of a nutrient key in a sentence (``vitamin_d_ug`` → ``vitamin D``)."""
    found = _names_and_units().get(key)
    return found[0] if found else None


def nutrient_unit(key: str) -> str:
    """Unit of a nutrient key (``"mg"``, ``"g"``, ``"µg"``, ``"kcal"``)."""
    return _names_and_units()[key][1]


@lru_cache(maxsize=1)
def load_reference() -> pd.DataFrame:
    """Return the SR24 reference indexed by ``ndb_no`` (5-digit string).

    Columns: ``name``, ``food_group`` and every nutrient key (float, per 100 g edible
    portion; ``NaN`` = not analysed). The frame is cached; do not modify it in place.
    """
    import pandas as pd

    dtypes: dict[str, str] = {"ndb_no": "str", "name": "str", "food_group": "str"}
    dtypes.update({key: "float64" for key in nutrient_keys()})
    frame = pd.read_csv(REFERENCE_FILE, dtype=dtypes).set_index("ndb_no")
    if not frame.index.is_unique:  # the conversion guarantees it; a hand-edited file may not
        raise ValueError(f"{REFERENCE_FILE.name}: duplicate ndb_no; rebuild it")
    return frame


@lru_cache(maxsize=1)
def load_portions() -> pd.DataFrame:
    """Return SR24 household measures: ``ndb_no, amount, measure, grams`` (grams per measure)."""
    import pandas as pd

    return pd.read_csv(
        PORTIONS_FILE,
        dtype={"ndb_no": "str", "amount": "float64", "measure": "str", "grams": "float64"},
    )


def portions_for(ndb_no: str) -> list[tuple[str, float]]:
    """Household measures of one food as ``(text, grams)``, e.g. ``("1 medium", 118.0)``."""
    rows = load_portions()
    rows = rows[rows["ndb_no"] == ndb_no]
    return [(f"{_amount(r.amount)} {r.measure}", float(r.grams)) for r in rows.itertuples()]


def _amount(value: float) -> str:
    """Format a household amount: ``1.0`` → ``"1"``, ``0.5`` → ``"0.5"``."""
    return f"{value:g}"
