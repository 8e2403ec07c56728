"""Check dish files and print what each dish derives to: nutrients, tags, cost per portion.

Usage: ``python scripts/dish_report.py [SET_GLOB]`` (default ``*``: every set in
``foods/data/dishes/``). Exits 1 with the problems when a file breaks a rule.
"""

from __future__ import annotations

import sys

from foods.catalog import bundled_catalog
from foods.dishes import build_dishes, dish_table, read_dish_tables
from foods.errors import FoodTableError

COLUMNS = {
    "energy_kcal": "kcal",
    "protein_g": "prot",
    "fiber_g": "fib",
    "sodium_mg": "Na",
    "potassium_mg": "K",
    "magnesium_mg": "Mg",
    "calcium_mg": "Ca",
    "vitamin_d_ug": "D",
}


def main(sets: str = "*") -> int:
    """Print one line per dish and a summary; return the exit status."""
    foods = bundled_catalog()
    try:
        dishes = build_dishes(*read_dish_tables(sets=sets), foods)
    except FoodTableError as exc:
        print(exc)
        return 1
    table = dish_table(dishes, foods)
    table["satfat_pct"] = 900 * table["fat_saturated_g"] / table["energy_kcal"].clip(lower=1)
    for row in table.itertuples():
        values = " ".join(f"{label}={getattr(row, key):.0f}" for key, label in COLUMNS.items())
        print(
            f"{row.dish_id:34} {row.kind:4} {'|'.join(row.meals):22} {values} "
            f"sat%={row.satfat_pct:.0f} ${row.cost_usd:.2f} {row.minutes}min "
            f"diet={'|'.join(row.diet_tags) or 'omnivore'} allergens={'|'.join(row.allergens)}"
        )
    print(f"\n{len(table)} dishes")
    for meal in ("breakfast", "lunch", "dinner", "snack"):
        print(f"  {meal}: {sum(meal in m for m in table['meals'])}")
    for diet in ("vegan", "vegetarian", "pescatarian"):
        print(f"  {diet}: {sum(diet in d for d in table['diet_tags'])}")
    print(f"  gluten-free: {sum('gluten' not in a for a in table['allergens'])}")
    print(f"  cuisines: {table['cuisine'].value_counts().to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
