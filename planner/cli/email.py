"""``cramp-planner email``: plan a week, save it, and e-mail it with its shopping list.

Suitable for cron: every fault is one line on stderr and a non-zero exit. When a saved
profile is used the plan is saved *before* sending, so a failed send loses nothing; the error
says which plan id holds it. ``--dry-run OUT.eml`` writes the message and sends nothing.
"""

from __future__ import annotations

import argparse
from email import policy
from pathlib import Path

from planner.cli.options import date_arg, int_in, print_notes, write_atomic
from planner.domain.profile import load_profile
from planner.domain.weekly import week_start
from planner.outputs.shopping import read_have, read_plan


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``email --to ADDR (--profile FILE | --profile-name NAME | --plan PLAN.json) ...``."""
    parser = sub.add_parser(
        "email",
        help="plan a week (saved for a saved profile) and e-mail it with its shopping list",
        description=(
            "Plan the week and e-mail it (plain text + HTML, with shopping-list.csv, plan.csv "
            "and plan.ics). The server comes from CRAMP_SMTP_HOST, CRAMP_SMTP_PORT, "
            "CRAMP_SMTP_USER, CRAMP_SMTP_PASSWORD, CRAMP_SMTP_SECURITY (starttls|ssl|none), "
            "CRAMP_SMTP_FROM, and optionally CRAMP_SMTP_CA_FILE and CRAMP_SMTP_TIMEOUT."
        ),
    )
    parser.add_argument("--to", required=True, metavar="ADDR", help="one recipient address")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--profile", type=Path, metavar="FILE", help="profile JSON or TOML")
    source.add_argument(
        "--profile-name", metavar="NAME", help="a saved profile; the plan is saved before sending"
    )
    source.add_argument("--plan", type=Path, metavar="PLAN.json", help="send an existing plan")
    parser.add_argument(
        "--week-of",
        type=date_arg,
        metavar="YYYY-MM-DD",
        help="any day of the week to plan (default: the coming Monday, today if Monday)",
    )
    parser.add_argument(
        "--days", type=int_in(1, 7), default=7, help="days to plan, 1–7 (default 7)"
    )
    parser.add_argument(
        "--have", type=Path, metavar="FILE", help="CSV 'food_id,grams' already at home"
    )
    parser.add_argument(
        "--dry-run",
        type=Path,
        metavar="OUT.eml",
        help="write the message to OUT.eml and send nothing",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the address and server settings, plan (and save), build, then send or write."""
    from planner import services

    have = read_have(args.have) if args.have is not None else None
    monday = week_start(args.week_of) if args.week_of else services.coming_monday()
    plan = read_plan(args.plan) if args.plan is not None else None
    profile = load_profile(args.profile) if args.profile is not None else None
    outcome = services.email_week(
        args.to,
        week_of=monday,
        profile=profile,
        profile_name=args.profile_name,
        plan=plan,
        days=args.days,
        have=have,
        send=args.dry_run is None,  # a dry run writes nothing but the .eml file
    )
    print_notes(outcome.notes)
    to = outcome.message["To"]
    saved = f"plan #{outcome.saved_id} saved in {outcome.store_path}"
    note = f" ({saved})" if outcome.saved_id is not None else ""
    if args.dry_run is not None:
        write_atomic(args.dry_run, outcome.message.as_bytes(policy=policy.SMTP))
        print(f"wrote {args.dry_run}: week of {monday.isoformat()} to {to}, not sent{note}")
        return 0
    print(f"sent week of {monday.isoformat()} to {to}{note}")
    return 0
