"""``cramp-planner plan``: plan a week for a profile file or a saved profile."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from planner.cli.options import add_output, date_arg, emit, float_in, int_in, print_notes
from planner.domain.profile import load_profile
from planner.domain.request import MAX_DISH_PER_WEEK, PlanRequest
from planner.outputs.textfmt import to_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``plan (--profile FILE | --profile-name NAME) --days N [--week-of D] [--save]``."""
    parser = sub.add_parser("plan", help="plan meals for 1–7 days")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--profile", type=Path, help="profile JSON or TOML file")
    who.add_argument("--profile-name", help="a profile saved with `profile save`")
    parser.add_argument(
        "--days", type=int_in(1, 7), default=7, help="days to plan, 1–7 (default 7)"
    )
    parser.add_argument("--format", choices=("json", "table", "markdown"), default="table")
    add_output(parser)
    parser.add_argument(
        "--daily-vitamin-d",
        action="store_true",
        help="meet vitamin D every day instead of as a weekly average",
    )
    parser.add_argument("--no-fortified", action="store_true", help="do not use fortified foods")
    parser.add_argument(
        "--max-dish-per-week",
        type=int_in(1, 7),
        default=MAX_DISH_PER_WEEK,
        help=f"most times a week one dish may appear, 1–7 (default {MAX_DISH_PER_WEEK})",
    )
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument(
        "--time-limit", type=float_in(0.5, 600), default=20.0, help="seconds, 0.5–600 (default 20)"
    )
    parser.add_argument(
        "--week-of", type=date_arg, help="a day of the planned week, YYYY-MM-DD (default today)"
    )
    parser.add_argument("--save", action="store_true", help="save the plan in the local store")
    parser.add_argument(
        "--rotation",
        type=float_in(0, 10),
        default=1.0,
        help="how strongly to avoid last week's dishes for a saved profile, 0–10 (0 = off, "
        "default 1)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan and print; exit 0 with a plan (even partial), 1 when no plan exists."""
    from planner import services

    options = {
        "days": args.days,
        "daily_vitamin_d": args.daily_vitamin_d,
        "allow_fortified": not args.no_fortified,
        "solver": args.solver,
        "time_limit_s": args.time_limit,
        "max_dish_per_week": args.max_dish_per_week,
    }
    if args.profile_name:
        profile = services.saved_profile(args.profile_name)
    else:
        profile = load_profile(args.profile)
    outcome = services.plan_week_of(
        PlanRequest(profile=profile, **options),
        args.week_of or dt.date.today(),
        profile_name=args.profile_name,
        rotation=args.rotation,
        save=args.save,
    )
    print_notes(outcome.notes)
    plan = outcome.plan
    if args.format == "json":
        emit(args, to_json(plan.to_dict()))
    else:
        from planner.outputs.report import plan_markdown, plan_table

        emit(args, plan_markdown(plan) if args.format == "markdown" else plan_table(plan))
    if outcome.saved_id is not None:
        print(f"saved as plan #{outcome.saved_id} in {outcome.store_path}", file=sys.stderr)
    return 0 if plan.ok else 1
