"""The batch driver's own work per person: saving a plan in SQLite, building the week's
e-mail and handing it to an SMTP server — the parts that do not spread over workers.

One real week is planned for the demo profile, then (medians of ``--runs`` runs):

- *save*: ``N`` plans saved as the batch driver saves them (:func:`planner.batch._save`: open
  the store, one transaction, the upsert), each under its own profile, into a fresh store;
- *build*: the week's message (text, HTML, shopping list, plan.csv, plan.ics), ``M`` times;
- *send*: that message sent ``M`` times to an SMTP server on 127.0.0.1 (aiosmtpd, no TLS),
  one connection per message as ``batch email`` does.

Usage: ``python benchmarks/bench_driver.py [--plans 500] [--messages 50] [--runs 3]
[--no-write]``; writes its table into ``docs/scaling.md`` (``<!-- driver -->`` markers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiosmtpd.controller import Controller  # noqa: E402
from bench_solver import machine, write_section  # noqa: E402

from planner import batch, services  # noqa: E402
from planner.domain.profile import demo_profile  # noqa: E402
from planner.domain.request import PlanRequest  # noqa: E402
from planner.outputs.mailer import SmtpSettings, send_message  # noqa: E402

MONDAY = dt.date(2026, 12, 7)


class Sink:
    """An SMTP handler that accepts and forgets every message."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def time_saves(plan: dict[str, Any], count: int) -> float:
    """Seconds per plan saved the way the batch driver saves it, into a fresh store."""
    request = PlanRequest(profile=demo_profile()).summary()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CRAMP_DATA_DIR"] = folder
        for n in range(count):
            services.save_profile(f"p{n:05d}", demo_profile())
        start = time.perf_counter()
        for n in range(count):
            batch._save((f"p{n:05d}", plan, request, "", None), MONDAY)
        return (time.perf_counter() - start) / count


def time_mail(plan: dict[str, Any], count: int) -> tuple[float, float]:
    """Seconds per message built, and per message sent to a local SMTP server."""
    foods = services.person_foods().table
    start = time.perf_counter()
    for _ in range(count):
        message = services.week_message(
            plan, foods, to="ana@example.com", week_of=MONDAY, sender="p@example.org"
        )
    build = (time.perf_counter() - start) / count
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Controller(Sink(), hostname="127.0.0.1", port=port)
    server.start()
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="p@example.org")
    try:
        start = time.perf_counter()
        for _ in range(count):
            send_message(message, settings)
        send = (time.perf_counter() - start) / count
    finally:
        server.stop()
    return build, send


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=500)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    plan = services.plan_for(PlanRequest(profile=demo_profile())).to_dict()
    size_kb = len(json.dumps(plan, sort_keys=True)) / 1024
    saves = [time_saves(plan, args.plans) for _ in range(args.runs)]
    mails = [time_mail(plan, args.messages) for _ in range(args.runs)]
    save = statistics.median(saves)
    build = statistics.median(m[0] for m in mails)
    send = statistics.median(m[1] for m in mails)
    lines = [
        f"Machine: {machine()}  ",
        f"Date: {dt.date.today().isoformat()}; medians of {args.runs} runs "
        "(`python benchmarks/bench_driver.py`). One week's plan JSON: "
        f"{size_kb:.0f} KB.",
        "",
        "| driver step, per person | ms | per minute, one driver |",
        "|---|--:|--:|",
        f"| save the plan (open, one transaction, upsert; {args.plans} plans) | "
        f"{save * 1000:.1f} | {60 / save:,.0f} |",
        f"| build the week's e-mail ({args.messages} messages) | {build * 1000:.1f} | "
        f"{60 / build:,.0f} |",
        f"| send it to an SMTP server on 127.0.0.1 | {send * 1000:.1f} | {60 / send:,.0f} |",
    ]
    print("\n".join(lines))
    if not args.no_write:
        print(f"written to {write_section('driver', chr(10).join(lines), 'scaling.md')}")


if __name__ == "__main__":
    main()
