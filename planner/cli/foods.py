"""``cramp-planner foods``: list and search foods; search and import from FoodData Central."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from foods.vocabulary import vocabulary
from planner import services
from planner.cli.options import add_output, emit, float_in, int_in, print_notes
from planner.outputs.textfmt import text_table, to_csv, to_json

if TYPE_CHECKING:
    import pandas as pd

#: Columns of ``foods list --format table`` (the JSON and CSV forms carry every column).
TABLE_COLUMNS = (
    "food_id",
    "name",
    "serving_g",
    "household",
    "potassium_mg",
    "magnesium_mg",
    "calcium_mg",
    "vitamin_d_ug",
    "price_usd_per_kg",
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``foods list|search|fdc-search|fdc-import``."""
    parser = sub.add_parser("foods", help="list, search or import foods")
    foods_sub = parser.add_subparsers(dest="foods_command", metavar="ACTION", required=True)

    lst = foods_sub.add_parser(
        "list", help="print the catalogue with nutrients per 100 g (null = not analysed)"
    )
    lst.add_argument("--format", choices=("json", "csv", "table"), default="table")
    add_output(lst)
    lst.set_defaults(func=run_list)

    search = foods_sub.add_parser("search", help="search the catalogue and the USDA reference")
    search.add_argument("query", help="words that must all occur in the name, e.g. 'dried apricot'")
    search.add_argument("--format", choices=("json", "table"), default="table")
    search.add_argument(
        "--limit", type=int_in(1, 1000), default=50, help="most hits, 1–1000 (default 50)"
    )
    add_output(search)
    search.set_defaults(func=run_search)

    fdc = foods_sub.add_parser("fdc-search", help="search USDA FoodData Central (online)")
    fdc.add_argument("query")
    fdc.add_argument("--format", choices=("json", "table"), default="table")
    fdc.add_argument(
        "--limit", type=int_in(1, 200), default=25, help="most hits, 1–200 (default 25)"
    )
    add_output(fdc)
    fdc.set_defaults(func=run_fdc_search)

    imp = foods_sub.add_parser(
        "fdc-import", help="import a FoodData Central food as one of your foods"
    )
    imp.add_argument(
        "fdc_id", type=int_in(1, 2**31 - 1, "an FDC id"), help="the FDC id, e.g. 328637"
    )
    imp.add_argument(
        "--serving-g",
        type=float_in(0.1, 1000),
        default=100.0,
        help="grams in one serving, 0.1–1000 (default 100)",
    )
    imp.add_argument(
        "--slots",
        nargs="+",
        choices=vocabulary("slot"),
        default=["lunch", "dinner"],
        help="meals where you eat it",
    )
    imp.add_argument("--name", help="display name (default: the FDC description)")
    imp.add_argument("--category", choices=vocabulary("category"), default="mixed")
    imp.add_argument("--aisle", choices=vocabulary("aisle"), default="dry_goods")
    imp.add_argument(
        "--price-usd-per-kg",
        type=float_in(0.001, 500),
        help="your price, 0.001–500 (default: an estimate)",
    )
    imp.add_argument("--format", choices=("json",), default="json")
    imp.set_defaults(func=run_fdc_import)

    rm = foods_sub.add_parser("remove", help="delete one of your own foods")
    rm.add_argument("food_id", help="the id of your food (see `foods list`)")
    rm.set_defaults(func=run_remove)

    clear = foods_sub.add_parser("clear-price", help="go back to the catalogue price of a food")
    clear.add_argument("food_id", help="the food whose own price you set")
    clear.set_defaults(func=run_clear_price)


def _user_foods() -> pd.DataFrame:
    """The person's food table; a note on stderr for each saved record left out of it."""
    foods = services.person_foods()
    print_notes(foods.notes)
    return foods.table


def run_list(args: argparse.Namespace) -> int:
    """Print every catalogue food (and your own) with its fields and nutrients per 100 g."""
    from foods.catalog import catalog_records
    from foods.reference import nutrient_keys
    from foods.schema import column_names

    records = catalog_records(_user_foods())
    if args.format == "json":
        emit(args, to_json(records))
    elif args.format == "csv":
        emit(args, to_csv(records, list(column_names()) + list(nutrient_keys())))
    else:
        note = f"{len(records)} foods; nutrients per 100 g ('-' = not analysed by USDA)"
        emit(args, text_table(records, TABLE_COLUMNS) + "\n\n" + note)
    return 0


def run_search(args: argparse.Namespace) -> int:
    """Print foods matching the query from the catalogue and the whole reference."""
    from foods.search import search_foods

    hits = [h.to_dict() for h in search_foods(args.query, _user_foods(), limit=args.limit)]
    if args.format == "json":
        emit(args, to_json(hits))
    elif hits:
        emit(args, text_table(hits, ("ndb_no", "name", "in_catalog", "food_id")))
    else:
        emit(args, f"no food matches {args.query!r}; try fewer or shorter words")
    return 0


def run_fdc_search(args: argparse.Namespace) -> int:
    """Search FoodData Central; print ``fdc_id, name, data_type`` per hit."""
    hits = services.fdc_search(args.query, args.limit)
    rows = [{"fdc_id": h.fdc_id, "name": h.name, "data_type": h.data_type} for h in hits]
    if args.format == "json":
        emit(args, to_json(rows))
    elif rows:
        emit(args, text_table(rows, ("fdc_id", "data_type", "name")))
    else:
        emit(args, f"FoodData Central has no food matching {args.query!r}")
    return 0


def run_fdc_import(args: argparse.Namespace) -> int:
    """Fetch one FDC food, validate it like any food table, store it as a custom food."""
    imported = services.import_fdc_food(
        args.fdc_id,
        serving_g=args.serving_g,
        price_usd_per_kg=args.price_usd_per_kg,
        slots=args.slots,
        name=args.name,
        category=args.category,
        aisle=args.aisle,
    )
    print_notes(imported.notes)
    from foods.catalog import catalog_records

    emit(args, to_json(catalog_records(imported.table)[0]))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    """Delete a custom food from the local store (its price, if any, stays until cleared)."""
    services.remove_custom_food(args.food_id)
    print(f"removed your food {args.food_id!r}", file=sys.stderr)
    return 0


def run_clear_price(args: argparse.Namespace) -> int:
    """Remove a price override; the catalogue's price applies again."""
    had = services.clear_price(args.food_id)
    what = "removed your price for" if had else "there was no price of yours for"
    print(f"{what} {args.food_id!r}", file=sys.stderr)
    return 0
