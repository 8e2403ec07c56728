"""``cramp-planner solve``: the generic diet problem on a person's own CSV files."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner import services
from planner.cli.options import add_output, emit
from planner.outputs.textfmt import text_table, to_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``solve --foods FOODS.csv --requirements REQ.csv [--continuous]``."""
    parser = sub.add_parser(
        "solve",
        help="minimise cost on your own foods table (the classic diet problem)",
        description="FOODS.csv: food,cost,<nutrient columns per unit>. "
        "REQ.csv: nutrient,min,max (blank = no bound).",
    )
    parser.add_argument("--foods", type=Path, required=True, help="FOODS.csv")
    parser.add_argument("--requirements", type=Path, required=True, help="REQ.csv")
    parser.add_argument("--continuous", action="store_true", help="allow fractional units (an LP)")
    parser.add_argument("--format", choices=("json", "table"), default="json")
    add_output(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Solve and print ``{status, objective, amounts}``; exit 1 when no diet exists."""
    result = services.solve_diet_files(args.foods, args.requirements, args.continuous)
    if args.format == "json":
        emit(args, to_json(result.to_dict()))
    else:
        rows = [{"food": f, "units": a} for f, a in result.amounts.items()]
        head = f"status: {result.status}   cost: {result.objective}"
        head += f"\n{result.message}" if result.message else ""
        emit(args, head + ("\n" + text_table(rows, ("food", "units")) if rows else ""))
    return 0 if result.status in ("optimal", "feasible") else 1
