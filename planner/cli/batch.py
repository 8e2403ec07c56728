"""``cramp-planner batch plan|email``: next week for every saved profile (or some), in parallel."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any, TextIO

from planner.cli.options import add_output, date_arg, emit, float_in, int_in
from planner.outputs.textfmt import text_table, to_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``batch plan`` and ``batch email`` (``--week-of D [--days N]``, who, ``--workers N`` or
    ``--ray ADDRESS``, ``--format table|json``; email also ``--max-per-minute``)."""
    parser = sub.add_parser("batch", help="plan (and e-mail) the week for many saved profiles")
    actions = parser.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    plan = actions.add_parser(
        "plan",
        help="plan and save the week for every saved profile (or --profiles); a profile "
        "whose week is already saved is skipped, so a stopped batch resumes",
    )
    _common(plan)
    plan.set_defaults(func=run_batch, email=False)
    email = actions.add_parser(
        "email",
        help="plan (or take the saved plan) and e-mail each person with an address their "
        "week, once: a re-run sends to nobody who got it (server: CRAMP_SMTP_* variables)",
    )
    _common(email)
    email.add_argument(
        "--max-per-minute",
        type=float_in(0.1, 100_000),
        default=60.0,
        metavar="N",
        help="send at most N messages a minute (default 60); temporary failures are retried "
        "with back-off",
    )
    email.set_defaults(func=run_batch, email=True)


def _common(parser: argparse.ArgumentParser) -> None:
    """The options ``batch plan`` and ``batch email`` share."""
    parser.add_argument(
        "--week-of", type=date_arg, required=True, metavar="YYYY-MM-DD", help="a day of the week"
    )
    parser.add_argument(
        "--days", type=int_in(1, 7), default=7, help="days to plan, 1–7 (default 7, as 'plan')"
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--profiles", metavar="NAME,NAME", help="only these saved profiles")
    who.add_argument(
        "--from-dir",
        metavar="DIR",
        help="a folder of profile files (.json, .toml): each is saved under its file name, "
        "then planned",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int_in(1, 256),
        default=os.cpu_count() or 1,
        help="processes planning in parallel on this machine (default: the cores)",
    )
    where.add_argument(
        "--ray",
        type=_ray_address,
        metavar="ADDRESS",
        help="plan on the Ray cluster at ADDRESS (host:port, or 'auto'); needs the optional "
        "extra: pip install 'cramp-planner[ray]'",
    )
    parser.add_argument(
        "--day-time-limit",
        type=float_in(0.05, 600),
        default=None,
        metavar="SECONDS",
        help="most seconds one day's search may take (default as 'plan'); a day that stops "
        "early keeps its best menu so far, so a longer limit makes plans independent of load",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    add_output(parser)


def _ray_address(text: str) -> str:
    """argparse type: a Ray cluster address, not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give host:port of the cluster, or 'auto'")
    return text.strip()


def run_batch(args: argparse.Namespace) -> int:
    """Plan (and send), show progress on stderr, then the summary; exit 1 when someone's plan
    or e-mail failed (each with the reason), else 0."""
    from pathlib import Path

    from planner.batch import Hooks, Outcome, batch_plan, profiles_from_dir

    names = [n.strip() for n in args.profiles.split(",") if n.strip()] if args.profiles else None
    failed: list[Outcome] = []
    if args.from_dir is not None:
        names, failed = profiles_from_dir(Path(args.from_dir))
    progress = Progress(sys.stderr)
    hooks = Hooks(start=progress.start, done=progress.done)
    where: dict[str, Any] = {
        "workers": args.workers,
        "ray_address": args.ray,
        "day_time_limit_s": args.day_time_limit,
        "days": args.days,
    }
    week = args.week_of or dt.date.today()
    try:
        if args.email:
            from planner.batch_email import Pacer, batch_email
            from planner.outputs.mailer import SmtpSettings

            pacer = Pacer(SmtpSettings.from_env(), per_minute=args.max_per_minute)
            summary = batch_email(week, names, pacer=pacer, hooks=hooks, failed=failed, **where)
        else:
            summary = batch_plan(week, names, hooks=hooks, failed=failed, **where)
    finally:
        progress.close()
    if args.format == "json":
        emit(args, to_json(summary.to_dict()))
    else:
        columns: tuple[str, ...] = ("name", "result", "plan_id", "status", "reason")
        if summary.emailed:
            columns += ("mail", "mail_reason")
        rows = [vars(o) for o in summary.outcomes]
        emit(args, summary.headline() + ("\n\n" + text_table(rows, columns) if rows else ""))
    return 1 if summary.count("failed") or summary.count_mail("not sent") else 0


def _size(stream: TextIO) -> tuple[int, int]:
    """The terminal's columns and rows (80 × 24 when it does not say, as a new
    pseudo-terminal: tqdm would then draw nothing)."""
    try:
        columns, rows = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        columns, rows = 0, 0
    return (columns if columns >= 40 else 80), (rows if rows >= 2 else 24)


class Progress:
    """Progress on ``stream``: a live bar with the rate and the time left (tqdm) when it is a
    terminal, else one plain line per person; failures are always written out in full."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: Any = None
        self.counts: dict[str, int] = {}

    def start(self, total: int) -> None:
        """The batch knows its people: draw the bar (on a terminal)."""
        if self.stream.isatty():
            from tqdm import tqdm

            columns, rows = _size(self.stream)
            self.bar = tqdm(total=total, unit="person", file=self.stream, ncols=columns,
                            nrows=rows, desc="batch", smoothing=0.1)  # fmt: skip

    def done(self, outcome: Any) -> None:
        """One person is done: move the bar, or print their line."""
        detail = f"plan #{outcome.plan_id}, {outcome.status}" if outcome.plan_id else outcome.reason
        line = f"{outcome.name}: {outcome.result} ({detail})"
        if outcome.mail:
            line += f"; e-mail {outcome.mail} ({outcome.mail_reason})"
        self.counts[outcome.result] = self.counts.get(outcome.result, 0) + 1
        if outcome.mail:
            self.counts[outcome.mail] = self.counts.get(outcome.mail, 0) + 1
        if self.bar is None:
            print(line, file=self.stream, flush=True)
            return
        if outcome.result == "failed" or outcome.mail == "not sent":
            self.bar.write(line, file=self.stream)
        self.bar.set_postfix(self.counts, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        """End the bar (a batch that stopped early leaves it where it was)."""
        if self.bar is not None:
            self.bar.close()
