"""Checking and saving a person's own foods (reference picks, CSV uploads, FDC imports).

Every row goes through the same loader as the catalogue (:func:`foods.catalog.build_food_table`
and :func:`foods.catalog.load_catalog`), together with the foods already saved, so what is
saved is known to load; errors are :class:`~foods.errors.FoodTableError` naming rows and fixes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from foods.schema import column_names
from planner.outputs.textfmt import csv_text

#: Columns of a CSV template (the catalogue schema) and an example row.
TEMPLATE_EXAMPLE: dict[str, str] = {
    "food_id": "my_lentil_soup",
    "ndb_no": "",
    "name": "Lentil soup (homemade)",
    "category": "mixed",
    "slots": "lunch|dinner",
    "serving_g": "250",
    "household": "1 bowl",
    "allow_half": "true",
    "max_servings_per_day": "2",
    "diet_tags": "vegan|vegetarian|pescatarian",
    "allergens": "",
    "fortified": "false",
    "aisle": "canned_goods",
    "purchase_unit": "1 kg",
    "purchase_g": "1000",
    "count_unit": "",
    "count_g": "",
    "price_usd_per_kg": "3.50",
    "price_source": "estimate: my shop 2024",
    "fdc_id": "",
    "energy_kcal": "56",
    "protein_g": "3.6",
    "fat_g": "0.8",
    "carbohydrate_g": "9",
    "potassium_mg": "250",
    "magnesium_mg": "20",
    "calcium_mg": "20",
    "sodium_mg": "300",
}


def slug(text: str) -> str:
    """A food id from a name: ``"Broccoli, raw"`` → ``"broccoli_raw"`` (a-z, 0-9, _)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "my_food"


def template_csv() -> str:
    """A CSV template: the schema's columns, a few nutrient columns and one example row."""
    header = list(column_names()) + [k for k in TEMPLATE_EXAMPLE if k not in column_names()]
    return csv_text(header, [[TEMPLATE_EXAMPLE.get(col, "") for col in header]])


def reference_row(
    *,
    ndb_no: str,
    name: str,
    food_id: str,
    serving_g: float,
    household: str,
    slots: Sequence[str],
    category: str,
    aisle: str,
    diet_tags: Sequence[str],
    allergens: Sequence[str],
    price_usd_per_kg: float,
    max_servings_per_day: float = 3.0,
) -> dict[str, Any]:
    """A custom-food row for a USDA reference food (nutrients are joined by ``ndb_no``)."""
    return {
        "food_id": food_id,
        "ndb_no": ndb_no,
        "name": name,
        "category": category,
        "slots": "|".join(slots),
        "serving_g": f"{serving_g:g}",
        "household": household,
        "allow_half": "true",
        "max_servings_per_day": f"{max_servings_per_day:g}",
        "diet_tags": "|".join(diet_tags),
        "allergens": "|".join(allergens),
        "fortified": "false",
        "aisle": aisle,
        "purchase_unit": "1 kg",
        "purchase_g": "1000",
        "count_unit": "",
        "count_g": "",
        "price_usd_per_kg": f"{price_usd_per_kg:g}",
        "price_source": "estimate: entered by you",
        "fdc_id": "",
    }


def text_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of an uploaded CSV (all text cells), ready for the store."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]
