"""``cramp-planner batch plan``: next week for every saved profile (or some), in parallel."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from planner.cli.options import add_output, date_arg, emit, int_in
from planner.outputs.textfmt import text_table, to_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``batch plan --week-of D [--profiles A,B] [--workers N] [--format table|json]``."""
    parser = sub.add_parser("batch", help="plan the week for many saved profiles at once")
    actions = parser.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    plan = actions.add_parser(
        "plan",
        help="plan and save the week for every saved profile (or --profiles); a profile "
        "whose week is already saved is skipped, so a stopped batch resumes",
    )
    plan.add_argument(
        "--week-of", type=date_arg, required=True, metavar="YYYY-MM-DD", help="a day of the week"
    )
    who = plan.add_mutually_exclusive_group()
    who.add_argument("--profiles", metavar="NAME,NAME", help="only these saved profiles")
    who.add_argument(
        "--from-dir",
        type=Path,
        metavar="DIR",
        help="a folder of profile files (.json, .toml): each is saved under its file name, "
        "then planned",
    )
    plan.add_argument(
        "--workers",
        type=int_in(1, 256),
        default=os.cpu_count() or 1,
        help="processes planning in parallel (default: the cores)",
    )
    plan.add_argument("--format", choices=("table", "json"), default="table")
    add_output(plan)
    plan.set_defaults(func=run_plan)


def run_plan(args: argparse.Namespace) -> int:
    """Plan, print a line per person on stderr as each is done, then the summary; exit 1 when
    someone failed (each with the reason), else 0."""
    from planner.batch import Outcome, batch_plan, profiles_from_dir

    names = [n.strip() for n in args.profiles.split(",") if n.strip()] if args.profiles else None
    failed: list[Outcome] = []
    if args.from_dir is not None:
        names, failed = profiles_from_dir(args.from_dir)

    def progress(outcome: Outcome) -> None:
        detail = f"plan #{outcome.plan_id}, {outcome.status}" if outcome.plan_id else outcome.reason
        print(f"{outcome.name}: {outcome.result} ({detail})", file=sys.stderr, flush=True)

    summary = batch_plan(args.week_of or dt.date.today(), names, workers=args.workers,
                         on_outcome=progress, failed=failed)  # fmt: skip
    if args.format == "json":
        emit(args, to_json(summary.to_dict()))
    else:
        rows = [vars(o) for o in summary.outcomes]
        head = (
            f"week of {summary.monday.isoformat()}: {summary.count('planned')} planned, "
            f"{summary.count('skipped')} skipped, {summary.count('failed')} failed "
            f"in {summary.seconds:.1f} s"
        )
        table = text_table(rows, ("name", "result", "plan_id", "status", "reason")) if rows else ""
        emit(args, head + ("\n\n" + table if table else ""))
    return 1 if summary.count("failed") else 0
