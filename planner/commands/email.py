"""``cramp-planner email``: plan a week, save it, and e-mail it with its shopping list.

Suitable for cron: every fault is one line on stderr and a non-zero exit. When a saved
profile is used the plan is saved *before* sending, so a failed send loses nothing; the error
says which plan id holds it. ``--dry-run OUT.eml`` writes the message and sends nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from email import policy
from pathlib import Path
from typing import Any

from foods.catalog import load_catalog
from foods.errors import UserError
from planner.commands.options import date_arg, int_in, note_skips, write_atomic
from planner.commands.shopping import foods_for
from planner.mailer import MailError, SmtpSettings, build_message, send_message, validate_address
from planner.optimiser.week import plan_week
from planner.profile import load_profile, profile_from_dict
from planner.request import PlanRequest
from planner.shopping import build_shopping_list, read_have, read_plan
from planner.store import Store
from planner.weekly import plan_saved_week, user_foods, week_start

#: From address written into ``--dry-run`` files when ``CRAMP_SMTP_FROM`` is not set.
DRY_RUN_SENDER = "cramp-planner@example.invalid"


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


def coming_monday(today: dt.date | None = None) -> dt.date:
    """Today if it is a Monday, else the next Monday."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def run(args: argparse.Namespace) -> int:
    """Check the address and server settings, plan (and save), build, then send or write."""
    to = validate_address(args.to, "--to")
    settings = None if args.dry_run else SmtpSettings.from_env()
    monday = week_start(args.week_of) if args.week_of else coming_monday()
    have = read_have(args.have) if args.have is not None else None
    saved_id: int | None = None
    saved = ""
    label: str | None = None
    if args.plan is not None:
        plan: dict[str, Any] = read_plan(args.plan)
        foods = foods_for(plan)
    elif args.profile is not None:
        request = PlanRequest(profile=load_profile(args.profile), days=args.days)
        plan = plan_week(request).to_dict()
        foods = load_catalog()
    else:
        label = args.profile_name
        with Store.open() as store:
            profile = profile_from_dict(store.get_profile(args.profile_name))
            result, saved_id, _ = plan_saved_week(
                store,
                args.profile_name,
                monday,
                request=PlanRequest(profile=profile, days=args.days),
                save=args.dry_run is None,  # a dry run writes nothing but the .eml file
            )
            plan = result.to_dict()
            note_skips(store)
            foods = user_foods(store)
            if saved_id is not None:
                saved = f"plan #{saved_id} saved in {store.path}"
    if plan.get("status") in ("infeasible", "error"):
        raise UserError(
            f"no plan to send ({plan.get('status')}): {plan.get('message') or 'no message'}; "
            "nothing was sent"
        )
    shopping = build_shopping_list(plan, foods, have)
    msg = build_message(
        plan,
        shopping,
        to=to,
        sender=settings.sender if settings else _dry_run_sender(),
        week_of=monday,
        profile_label=label,
    )
    note = f" ({saved})" if saved else ""
    if args.dry_run is not None:
        write_atomic(args.dry_run, msg.as_bytes(policy=policy.SMTP))
        print(f"wrote {args.dry_run}: week of {monday.isoformat()} to {to}, not sent{note}")
        return 0
    assert settings is not None
    try:
        send_message(msg, settings)
    except MailError as exc:
        if saved_id is None:
            raise
        raise MailError(
            f"{exc}; nothing was sent, the plan is kept: {saved} "
            f"(see 'cramp-planner plans show {saved_id}')"
        ) from None
    print(f"sent week of {monday.isoformat()} to {to}{note}")
    return 0


def _dry_run_sender() -> str:
    text = os.environ.get("CRAMP_SMTP_FROM", "").strip()
    return validate_address(text, "CRAMP_SMTP_FROM") if text else DRY_RUN_SENDER
