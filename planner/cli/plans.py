"""``cramp-planner plans``: list and show plans saved in the local store.

``plans show ID --format json`` prints the plan exactly as it was saved (docs/contract.md, the plan
JSON); ``--format table`` prints a short summary a person can read at a glance.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from planner import services
from planner.cli.options import add_output, emit
from planner.domain.plan import PlanItem, Shortfall, as_plan
from planner.outputs.textfmt import text_table, to_json
from planner.services import PlanSummary, SavedPlan

#: Columns of ``plans list --format table``.
LIST_COLUMNS = ("id", "profile", "week_start", "status", "created_at")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``plans list`` and ``plans show``."""
    parser = sub.add_parser("plans", help="list or show plans saved in the local store")
    actions = parser.add_subparsers(dest="plans_command", metavar="ACTION", required=True)

    lst = actions.add_parser("list", help="list saved plans, newest first")
    lst.add_argument("--profile-name", metavar="NAME", help="only plans of this saved profile")
    lst.add_argument("--format", choices=("json", "table"), default="table")
    add_output(lst)
    lst.set_defaults(func=run_list)

    show = actions.add_parser("show", help="print one saved plan")
    show.add_argument("id", type=_plan_id, metavar="ID", help="plan id from 'plans list'")
    show.add_argument("--format", choices=("json", "table"), default="table")
    add_output(show)
    show.set_defaults(func=run_show)


def run_list(args: argparse.Namespace) -> int:
    """Print saved plans (id, profile, week, status, when saved), newest first."""
    plans = services.list_plans(args.profile_name)
    if args.format == "json":
        emit(args, to_json([_summary_dict(p) for p in plans]))
    elif plans:
        rows = [
            {**_summary_dict(p), "profile": p.profile_name, "created_at": utc_minutes(p.created_at)}
            for p in plans
        ]
        emit(args, text_table(rows, LIST_COLUMNS))
    else:
        whose = f" for profile {args.profile_name!r}" if args.profile_name else ""
        emit(args, f"no saved plans{whose}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one saved plan: its JSON as saved, or a readable summary."""
    saved = services.saved_plan(args.id)
    if args.format == "json":
        emit(args, to_json(saved.plan))
    else:
        emit(args, plan_summary(saved))
    return 0


def plan_summary(saved: SavedPlan) -> str:
    """Return a short text summary: header, days × meals × items, each meal, shortfalls.

    Parameters
    ----------
    saved : SavedPlan
        A plan read from the store.

    Returns
    -------
    str
        Several lines, no trailing newline.
    """
    plan = as_plan(saved.plan)
    n_meals = sum(len(day.meals) for day in plan.days)
    n_items = sum(len(meal.items) for day in plan.days for meal in day.meals)
    who = f"profile {saved.profile_name!r}" if saved.profile_name else "no saved profile"
    week = f", week of {saved.week_start.isoformat()}" if saved.week_start else ""
    lines = [
        f"plan {saved.id} ({who}{week}), saved {utc_minutes(saved.created_at)}",
        f"status: {saved.status}",
        f"{len(plan.days)} days x {n_meals} meals x {n_items} items"
        + (f"; cost ${sum(d.cost_usd for d in plan.days):.2f}" if plan.days else ""),
    ]
    for day in plan.days:
        lines.append(f"day {day.day} (${day.cost_usd:.2f})")
        for meal in day.meals:
            items = "; ".join(_item_text(item) for item in meal.items) or "-"
            lines.append(f"  {meal.slot:<10} {items}")
    lines.append(f"shortfalls: {len(plan.shortfalls)}")
    lines += [f"  - {_shortfall_text(s)}" for s in plan.shortfalls]
    lines.append(f"warnings: {len(plan.warnings)}")
    lines += [f"  - {w}" for w in plan.warnings]
    return "\n".join(lines)


def utc_minutes(timestamp: str) -> str:
    """Shorten a stored UTC ISO-8601 timestamp for tables: ``2024-06-03 07:15 UTC``."""
    try:
        when = datetime.fromisoformat(timestamp).astimezone(UTC)
    except ValueError:
        return timestamp
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _item_text(item: PlanItem) -> str:
    detail = ", ".join(part for part in (item.household, f"{item.grams:.0f} g") if part)
    return f"{item.name or item.food_id} ({detail})"


def _shortfall_text(shortfall: Shortfall) -> str:
    when = f"day {shortfall.day}" if shortfall.day is not None else "weekly"
    reason = f" - {shortfall.reason}" if shortfall.reason else ""
    return f"{shortfall.nutrient} ({when}): {shortfall.achieved:g} of {shortfall.target:g}{reason}"


def _summary_dict(summary: PlanSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "profile_name": summary.profile_name,
        "week_start": summary.week_start.isoformat() if summary.week_start else None,
        "status": summary.status,
        "created_at": summary.created_at,
    }


#: SQLite's largest integer: no stored id can be above it.
MAX_ID = 2**63 - 1


def _plan_id(text: str) -> int:
    """argparse type: a positive whole number that SQLite can hold."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a plan id; use a number from 'plans list'"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a plan id; ids start at 1")
    if value > MAX_ID:
        raise argparse.ArgumentTypeError(
            f"{text!r} is larger than any plan id; use a number from 'plans list'"
        )
    return value
