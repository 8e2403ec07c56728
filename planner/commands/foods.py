"""``cramp-planner foods``: list and search the catalogue and the USDA reference."""

from __future__ import annotations

import argparse

from foods.catalog import catalog_records, load_catalog
from foods.reference import nutrient_keys
from foods.schema import column_names
from foods.search import search_foods
from planner.textfmt import text_table, to_csv, to_json

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
    """Add ``foods list`` and ``foods search``."""
    parser = sub.add_parser("foods", help="list or search foods")
    foods_sub = parser.add_subparsers(dest="foods_command", metavar="ACTION", required=True)

    lst = foods_sub.add_parser(
        "list", help="print the catalogue with nutrients per 100 g (null = not analysed)"
    )
    lst.add_argument("--format", choices=("json", "csv", "table"), default="table")
    lst.set_defaults(func=run_list)

    search = foods_sub.add_parser("search", help="search the catalogue and the USDA reference")
    search.add_argument("query", help="words that must all occur in the name, e.g. 'dried apricot'")
    search.add_argument("--format", choices=("json", "table"), default="table")
    search.add_argument("--limit", type=int, default=50, help="most hits (default 50)")
    search.set_defaults(func=run_search)


def run_list(args: argparse.Namespace) -> int:
    """Print every catalogue food with its fields and nutrients per 100 g."""
    records = catalog_records(load_catalog())
    if args.format == "json":
        print(to_json(records))
    elif args.format == "csv":
        print(to_csv(records, list(column_names()) + list(nutrient_keys())), end="")
    else:
        print(text_table(records, TABLE_COLUMNS))
        print(f"\n{len(records)} foods; nutrients per 100 g ('-' = not analysed by USDA)")
    return 0


def run_search(args: argparse.Namespace) -> int:
    """Print foods matching the query from the catalogue and the whole reference."""
    hits = [h.to_dict() for h in search_foods(args.query, load_catalog(), limit=args.limit)]
    if args.format == "json":
        print(to_json(hits))
    elif hits:
        print(text_table(hits, ("ndb_no", "name", "in_catalog", "food_id")))
    else:
        print(f"no food matches {args.query!r}; try fewer or shorter words")
    return 0
