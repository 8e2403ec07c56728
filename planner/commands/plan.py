"""``cramp-planner plan``: plan a week for a profile file."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.optimize import plan_week
from planner.profile import load_profile
from planner.report import plan_markdown, plan_table
from planner.request import PlanRequest
from planner.textfmt import to_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``plan --profile FILE --days N [--format json|table|markdown]``."""
    parser = sub.add_parser("plan", help="plan meals for 1–7 days")
    parser.add_argument("--profile", type=Path, required=True, help="profile JSON or TOML")
    parser.add_argument("--days", type=int, default=7, help="days to plan, 1–7 (default 7)")
    parser.add_argument("--format", choices=("json", "table", "markdown"), default="table")
    parser.add_argument(
        "--daily-vitamin-d",
        action="store_true",
        help="meet vitamin D every day instead of as a weekly average",
    )
    parser.add_argument("--no-fortified", action="store_true", help="do not use fortified foods")
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds (default 20)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan and print; exit 0 with a plan (even partial), 1 when no plan exists."""
    request = PlanRequest(
        profile=load_profile(args.profile),
        days=args.days,
        daily_vitamin_d=args.daily_vitamin_d,
        allow_fortified=not args.no_fortified,
        solver=args.solver,
        time_limit_s=args.time_limit,
    )
    plan = plan_week(request).to_dict()
    if args.format == "json":
        print(to_json(plan))
    elif args.format == "markdown":
        print(plan_markdown(plan), end="")
    else:
        print(plan_table(plan))
    return 0 if plan["status"] not in ("infeasible", "error") else 1
