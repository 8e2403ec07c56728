"""``cramp-planner shopping-list``: what to buy for a saved plan JSON, aisle by aisle."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.options import add_output, emit, print_notes
from planner.domain.plan import Plan, as_plan
from planner.outputs.shopping import (
    build_shopping_list,
    read_have,
    read_plan,
    to_csv,
    to_html,
    to_markdown,
)

if TYPE_CHECKING:
    import pandas as pd

#: Writers of ``--format``.
WRITERS = {"csv": to_csv, "md": to_markdown, "html": to_html}


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``shopping-list --plan PLAN.json [--format csv|md|html] [--have FILE] [-o FILE]``."""
    parser = sub.add_parser(
        "shopping-list",
        help="what to buy for a plan: whole packs or counts, by aisle, with estimated cost",
    )
    parser.add_argument(
        "--plan",
        type=Path,
        required=True,
        metavar="PLAN.json",
        help="plan JSON from 'cramp-planner plan --format json' or 'plans show ID --format json'",
    )
    parser.add_argument("--format", choices=tuple(WRITERS), default="md", help="default md")
    parser.add_argument(
        "--have",
        type=Path,
        metavar="FILE",
        help="CSV 'food_id,grams' of what you already have; subtracted before buying",
    )
    add_output(parser)
    parser.set_defaults(func=run)


def foods_for(plan: Plan) -> pd.DataFrame:
    """The food table for a plan: the catalogue, plus the local store's custom foods and prices
    when the plan uses a food the catalogue lacks and a store exists (never creates one)."""
    from foods.catalog import load_catalog

    foods = load_catalog()
    used = {item.food_id for day in plan.days for meal in day.meals for item in meal.items}
    if used <= set(foods.index):
        return foods
    from planner import services

    foods = services.person_foods()
    print_notes(foods.notes)
    return foods.table


def run(args: argparse.Namespace) -> int:
    """Build the list and print (or write) it."""
    plan = as_plan(read_plan(args.plan))
    have = read_have(args.have) if args.have is not None else None
    emit(args, WRITERS[args.format](build_shopping_list(plan, foods_for(plan), have)))
    return 0
