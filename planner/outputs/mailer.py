"""The weekly plan e-mail: a MIME message built with :mod:`email`, sent with :mod:`smtplib`.

:func:`build_message` returns an :class:`~email.message.EmailMessage` laid out as::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain   the week (Markdown text): dishes with ingredients and steps, water
    │   │                to drink, HEI-2020, food groups, coverage, shortfalls, safety notes,
    │   │                the shopping list
    │   └── text/html    the same, every string from the plan or the person escaped
    ├── text/csv         shopping-list.csv   (planner.outputs.shopping.to_csv)
    ├── text/csv         plan.csv            (one row per food per meal, with its dish)
    └── text/calendar    plan.ics            (one event per meal, titled with its main dish,
                                              floating local time)

:func:`send_message` sends it through the server described by :class:`SmtpSettings`
(``CRAMP_SMTP_*`` environment variables) with a timeout on every network step, and turns
every SMTP, TLS and network fault into one :class:`MailError` line that names the problem and
the setting to check. The password never appears in a message, a ``repr`` or an error.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import math
import os
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import icalendar

from foods.errors import UserError
from foods.text import one_line
from planner.domain import address
from planner.domain.plan import DayPlan, Plan, Shortfall, as_plan
from planner.outputs.report import (
    DishView,
    MealView,
    coverage_rows,
    dish_meta,
    food_names,
    hei_rows,
    hei_total,
    line_text,
    meal_view,
    pattern_rows,
    plan_markdown,
    short_number,
    shortfall_name,
    split_shortfalls,
    water_note,
    water_text,
)
from planner.outputs.shopping import ShoppingList, ShoppingRow, buy_text, used_in_text
from planner.outputs.shopping import to_csv as shopping_csv
from planner.outputs.templates import render
from planner.outputs.textfmt import amount, csv_text

__all__ = [
    "DEFAULT_PORTS",
    "DEFAULT_TIMEOUT_S",
    "DISCLAIMER",
    "ENV",
    "MailError",
    "SECURITY_MODES",
    "SLOT_TIMES",
    "SmtpSettings",
    "build_message",
    "html_body",
    "plan_csv",
    "plan_ics",
    "send_message",
    "subject",
    "text_body",
    "validate_address",
]

#: Environment variables read by :meth:`SmtpSettings.from_env`.
ENV = {
    "host": "CRAMP_SMTP_HOST",
    "port": "CRAMP_SMTP_PORT",
    "user": "CRAMP_SMTP_USER",
    "password": "CRAMP_SMTP_PASSWORD",
    "security": "CRAMP_SMTP_SECURITY",
    "sender": "CRAMP_SMTP_FROM",
    "ca_file": "CRAMP_SMTP_CA_FILE",
    "timeout": "CRAMP_SMTP_TIMEOUT",
}
#: Allowed ``CRAMP_SMTP_SECURITY`` values.
SECURITY_MODES: tuple[str, ...] = ("starttls", "ssl", "none")
#: Port used when ``CRAMP_SMTP_PORT`` is not set, by security mode.
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
#: Seconds allowed for each network step (connect, each reply) unless configured.
DEFAULT_TIMEOUT_S = 20.0
#: Footer of every e-mail.
DISCLAIMER = (
    "This plan suggests foods; it is not medical advice. Supplements only under medical guidance."
)
#: Local start time and length (minutes) of each meal in ``plan.ics``.
SLOT_TIMES: dict[str, tuple[dt.time, int]] = {
    "breakfast": (dt.time(8, 0), 30),
    "lunch": (dt.time(12, 30), 45),
    "snack": (dt.time(15, 30), 15),
    "dinner": (dt.time(18, 30), 45),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")
#: Control characters other than the line feed, which an event's description keeps.
_ICS_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029\u0085]")


class MailError(UserError):
    """The e-mail cannot be built or sent; the message names the problem and what to check.

    ``temporary`` is True when trying again later may succeed: the server answered 4xx, closed
    or refused the connection, or did not answer in time (a batch retries those with back-off).
    """

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary


def is_temporary(exc: BaseException) -> bool:
    """True for SMTP faults worth retrying later: a 4xx reply (RFC 5321 §4.2.1), a dropped,
    refused or reset connection, or a timeout; False for 5xx replies, TLS and log-in faults."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= int(code) < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError | ssl.SSLError):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= int(exc.smtp_code) < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError):
        return True
    return False


# --------------------------------------------------------------------------------------------
# Addresses and settings
# --------------------------------------------------------------------------------------------


def validate_address(text: str, what: str = "address") -> str:
    """Return ``text`` as one plain e-mail address, or refuse it with a :class:`MailError`
    (the rules of :func:`planner.domain.address.validate_address`).

    >>> validate_address(" anna@example.com ")
    'anna@example.com'
    """
    try:
        return address.validate_address(text, what)
    except address.AddressError as exc:
        raise MailError(str(exc)) from None


def _host_with_port(host: str) -> bool:
    """Whether ``host`` looks like ``name:port`` (an IPv6 address is not)."""
    if ":" not in host:
        return False
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return True
    return False


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server; read with :meth:`from_env`.

    Attributes
    ----------
    host : str
        Server name or IP (``CRAMP_SMTP_HOST``).
    port : int
        TCP port 1–65535 (``CRAMP_SMTP_PORT``; default 587 starttls, 465 ssl, 25 none).
    security : str
        ``starttls`` (default), ``ssl`` (implicit TLS) or ``none`` (``CRAMP_SMTP_SECURITY``).
    sender : str
        From address (``CRAMP_SMTP_FROM``; default ``CRAMP_SMTP_USER`` when that is an address).
    user, password : str
        Log-in (``CRAMP_SMTP_USER``, ``CRAMP_SMTP_PASSWORD``); empty = no log-in. The password
        is left out of ``repr``.
    ca_file : Path or None
        PEM file of the CA that signs the server's certificate (``CRAMP_SMTP_CA_FILE``),
        replacing the system's trusted CAs; None = system CAs.
    timeout_s : float
        Seconds allowed for each network step (``CRAMP_SMTP_TIMEOUT``, default 20).
    """

    host: str
    port: int
    security: str
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)
    ca_file: Path | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        """Read and check the ``CRAMP_SMTP_*`` variables (default: ``os.environ``).

        Raises
        ------
        MailError
            Naming the variable and the fix (never showing the password).
        """
        env = os.environ if env is None else env

        def get(key: str) -> str:
            return (env.get(ENV[key]) or "").strip()

        host = _env_host(get("host"))
        security = _env_security(get("security"))
        port = _env_port(get("port"), security)
        user, password = get("user"), env.get(ENV["password"]) or ""
        _check_login(user, password, security, host)
        sender_text = get("sender") or (user if "@" in user else "")
        if not sender_text:
            raise MailError(
                f"{ENV['sender']} is not set; set it to the address the e-mail comes from, "
                "e.g. planner@example.com"
            )
        return cls(
            host=host,
            port=port,
            security=security,
            sender=validate_address(sender_text, ENV["sender"]),
            user=user,
            password=password,
            ca_file=_env_ca_file(get("ca_file")),
            timeout_s=_env_timeout(get("timeout")),
        )

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying TLS context (system CAs, or only ``ca_file`` when given)."""
        try:
            return ssl.create_default_context(
                cafile=str(self.ca_file) if self.ca_file is not None else None
            )
        except (ssl.SSLError, OSError) as exc:
            raise MailError(
                f"{ENV['ca_file']}={str(self.ca_file)!r} is not a readable PEM CA certificate "
                f"({getattr(exc, 'reason', None) or exc}); give the CA's PEM file"
            ) from None

    @property
    def where(self) -> str:
        """``host:port`` for messages."""
        return f"{self.host}:{self.port}"


def _env_host(host: str) -> str:
    """``CRAMP_SMTP_HOST``: a bare server name."""
    if not host:
        raise MailError(
            f"{ENV['host']} is not set; set it to your mail server, e.g. smtp.example.com"
        )
    if re.search(r"[\s/@]", host) or _CONTROL.search(host) or _host_with_port(host):
        raise MailError(
            f"{ENV['host']}={host!r} is not a host name; give only the server name, "
            "e.g. smtp.example.com (the port goes in CRAMP_SMTP_PORT)"
        )
    return host


def _env_security(text: str) -> str:
    """``CRAMP_SMTP_SECURITY``: starttls (default), ssl or none."""
    security = text.lower() or "starttls"
    if security not in SECURITY_MODES:
        raise MailError(
            f"{ENV['security']}={security!r} is not one of {', '.join(SECURITY_MODES)}; use "
            "starttls (port 587), ssl (port 465) or none (local relay only)"
        )
    return security


def _env_port(text: str, security: str) -> int:
    """``CRAMP_SMTP_PORT``: 1–65535, default by security mode."""
    if not text:
        return DEFAULT_PORTS[security]
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise MailError(
            f"{ENV['port']}={text!r} is not a port; give a whole number 1–65535 "
            "(usually 587 for starttls, 465 for ssl)"
        )
    return port


def _check_login(user: str, password: str, security: str, host: str) -> None:
    """User and password come together, and never in clear text to another host."""
    if bool(user) != bool(password):
        missing, given = ("password", "user") if user else ("user", "password")
        raise MailError(
            f"{ENV[given]} is set but {ENV[missing]} is not; set both to log in, or "
            "neither for a server that needs no log-in"
        )
    if user and security == "none" and not _is_loopback(host):
        raise MailError(
            f"{ENV['security']}=none would send the password unencrypted to {host}; use "
            "starttls or ssl"
        )


def _env_ca_file(text: str) -> Path | None:
    """``CRAMP_SMTP_CA_FILE``: an existing PEM file, or None for the system's CAs."""
    ca_file = Path(text).expanduser() if text else None
    if ca_file is not None and not ca_file.is_file():
        raise MailError(
            f"{ENV['ca_file']}={text!r} is not a file; give the path of the CA "
            "certificate (PEM) or unset it to use the system's CAs"
        )
    return ca_file


def _env_timeout(text: str) -> float:
    """``CRAMP_SMTP_TIMEOUT``: seconds, 0.1–600."""
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        timeout = float(text)
    except ValueError:
        timeout = math.nan
    if not 0.1 <= timeout <= 600:
        raise MailError(
            f"{ENV['timeout']}={text!r} is not a timeout; give seconds between 0.1 and 600"
        )
    return timeout


# --------------------------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------------------------

#: Columns of :func:`plan_csv` (``date`` only when a week start is given; ``dish_id`` and
#: ``dish`` empty for a side food).
PLAN_CSV_COLUMNS: tuple[str, ...] = (
    "day",
    "date",
    "slot",
    "dish_id",
    "dish",
    "food_id",
    "name",
    "servings",
    "grams",
    "household",
)


def _day_date(week_of: dt.date, day: Any) -> dt.date | None:
    if isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 31:
        return week_of + dt.timedelta(days=day - 1)
    return None


def plan_csv(plan: Plan | Mapping[str, Any], week_of: dt.date | None = None) -> str:
    """One CSV row per food per meal: day, date, slot, dish_id and dish (the dish the food is
    an ingredient of; empty for a side food), food_id, name, servings (the item's
    ``servings``, or in plans of dishes its ``portion``), grams (g), household measure.
    ``date`` (ISO) is empty without ``week_of`` (the date of day 1). Cells are made inert
    (:func:`planner.outputs.textfmt.csv_text`)."""
    rows = []
    for day in as_plan(plan).days:
        when = _day_date(week_of, day.day) if week_of else None
        for meal in day.meals:
            dishes = {d.dish_id: d.name for d in meal.dishes}
            for item in meal.items:
                dish_id = item.dish_id or ""
                rows.append(
                    [
                        day.day,
                        when.isoformat() if when else "",
                        meal.slot,
                        dish_id,
                        dishes.get(dish_id, "") if dish_id else "",
                        item.food_id,
                        item.name,
                        _plain_number(item.portion),
                        _plain_number(item.grams),
                        item.household,
                    ]
                )
    return csv_text(PLAN_CSV_COLUMNS, rows)


def _plain_number(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 2)
    return value


def _ics_dish(dish: DishView, heading: str) -> list[str]:
    """A dish for an event's description: name, portion and time, ingredients, steps."""
    meta = dish_meta(dish)
    lines = [f"{heading}{dish.name}" + (f" {meta}" if meta else "")]
    lines += [f"- {line_text(i)}" for i in dish.ingredients]
    lines += [f"{n}. {step}" for n, step in enumerate(dish.steps, start=1)]
    return lines


def _ics_details(view: MealView) -> str:
    """The description of a meal's event: each dish with ingredients and steps, then the side
    foods (plain text; :func:`_ics_text` escapes it)."""
    lines: list[str] = []
    for dish in view.dishes:
        if lines:
            lines.append("")
        lines += _ics_dish(dish, "" if dish is view.main else "Side: ")
    if lines and view.sides:
        lines.append("")
    bullet = "+" if view.dishes else "-"
    lines += [f"{bullet} {line_text(s)}" for s in view.sides]
    return "\n".join(lines)


def plan_ics(
    plan: Plan | Mapping[str, Any],
    week_of: dt.date,
    *,
    scope: str = "",
    now: dt.datetime | None = None,
) -> str:
    """An iCalendar file with one event per meal, written by the ``icalendar`` library (RFC
    5545: CRLF line endings, lines folded at 75 octets, TEXT values escaped).

    Each event is titled with the meal's main dish ("Lunch: Chana Masala"; without a dish, the
    foods' names) and describes the dishes with their ingredients and steps, then the side
    foods. Events use floating local time (the meal happens at 08:00 wherever the person is):
    breakfast 08:00, lunch 12:30, snack 15:30, dinner 18:30 (:data:`SLOT_TIMES`). Day 1 is
    ``week_of``. UIDs are stable for (scope, date, slot), so a re-sent week updates the events
    in a calendar instead of doubling them; pass the profile name as ``scope``.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//cramp-planner//weekly meal plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Meals, week of {week_of.isoformat()}")
    typed = as_plan(plan)
    names = food_names(typed)
    for day in typed.days:
        when = _day_date(week_of, day.day)
        if when is None:
            continue
        for meal in day.meals:
            view = meal_view(meal, names)
            start_time, minutes = SLOT_TIMES.get(view.slot, (dt.time(12, 0), 30))
            key = f"{scope}|{when.isoformat()}|{view.slot}".encode()
            event = icalendar.Event()
            event.add("uid", f"{hashlib.sha256(key).hexdigest()[:24]}@cramp-planner")
            event.add("dtstamp", stamp)
            event.add("dtstart", dt.datetime.combine(when, start_time))  # floating local time
            event.add("duration", dt.timedelta(minutes=minutes))
            event.add("summary", _CONTROL.sub(" ", f"{view.slot.capitalize()}: {view.title()}"))
            event.add("description", _ICS_CONTROL.sub(" ", _ics_details(view)))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


# --------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------


def _clean_label(text: str | None) -> str:
    return " ".join(_CONTROL.sub(" ", text or "").split())[:60]


def subject(week_of: dt.date, profile_label: str | None = None) -> str:
    """``Cramp-prevention meal plan for anna, week of 2026-11-23``."""
    who = _clean_label(profile_label)
    return f"Cramp-prevention meal plan{f' for {who}' if who else ''}, week of {week_of:%Y-%m-%d}"


def _day_heading(week_of: dt.date, day: DayPlan) -> str:
    when = _day_date(week_of, day.day)
    name = f"{when:%A} {when.day} {when:%B}" if when else f"Day {day.day}"
    return f"{name} (day {day.day})"


def _for_text(row: ShoppingRow) -> str:
    used = used_in_text(row)
    return f" (for {one_line(used)})" if used else ""


def _without_footer(markdown: str) -> str:
    """Drop plan_markdown's closing disclaimer (the e-mail ends with :data:`DISCLAIMER`)."""
    lines = markdown.rstrip().splitlines()
    if lines and lines[-1].startswith("_This plan suggests foods"):
        lines.pop()
    return "\n".join(lines).rstrip()


def text_body(
    plan: Plan | Mapping[str, Any],
    shopping: ShoppingList,
    week_of: dt.date,
    profile_label: str | None = None,
) -> str:
    """The plain-text part: dates of the days, the plan as Markdown text
    (:func:`~planner.outputs.report.plan_markdown`: dishes, ingredients and steps, water to drink,
    HEI-2020, food groups, coverage, shortfalls, safety notes) and the shopping list (each
    food with the dishes it is for)."""
    plan = as_plan(plan)
    first = week_of
    last = week_of + dt.timedelta(days=max(len(plan.days), 1) - 1)
    title = f"Your cramp-prevention week of {week_of:%Y-%m-%d}"
    return render(
        "week.txt.j2",
        first=f"{first:%A %d %B}",
        last=f"{last:%A %d %B %Y}",
        who=_clean_label(profile_label),
        day_one=f"{first:%A %Y-%m-%d}",
        plan=_without_footer(plan_markdown(plan, title=title, plain=True)),
        total=f"${shopping.total_usd:,.2f}",
        aisles=[
            (label, [f"{buy_text(r)} — {r.name}{_for_text(r)}" for r in rows])
            for label, rows in shopping.aisles()
        ],
        notes=shopping.notes,
        disclaimer=DISCLAIMER,
    )


_HTML_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       max-width: 44rem; margin: 0 auto; padding: 1rem; line-height: 1.4; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem;
       border-bottom: 2px solid #2e7d32; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #ddd;
         vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
.short { color: #b71c1c; font-weight: 600; } .ok { color: #2e7d32; }
.note { background: #fff8e1; padding: .5rem .75rem; border-left: 4px solid #f9a825; }
.footer { color: #555; font-size: .85rem; margin-top: 2rem; }
td p { margin: .2rem 0; } td ul, td ol { margin: .2rem 0 .4rem; padding-left: 1.3rem; }
@media print { body { max-width: none; } h2 { break-after: avoid; } }
"""


def _dish_view(dish: DishView, main: bool) -> dict[str, Any]:
    """A dish for the template: name, portion and time, ingredients, steps (plain text)."""
    return {
        "name": dish.name,
        "meta": dish_meta(dish),
        "main": main,
        "ingredients": [line_text(i) for i in dish.ingredients],
        "steps": list(dish.steps),
    }


def _meal_view(view: MealView) -> dict[str, Any]:
    """One meal row: the slot, then its dishes and side foods."""
    return {
        "slot": view.slot.capitalize(),
        "dishes": [_dish_view(d, main=d is view.main) for d in view.dishes],
        "sides": [line_text(s) for s in view.sides],
        "bullet": "+ " if view.dishes else "",
    }


def _day_view(day: DayPlan, week_of: dt.date, names: Mapping[str, str]) -> dict:
    """A day: heading with the date and cost, its meals, water to drink and HEI-2020."""
    finite = day.hei is not None and math.isfinite(day.hei)
    return {
        "heading": _day_heading(week_of, day) + f" — about ${day.cost_usd:,.2f}",
        "meals": [_meal_view(meal_view(m, names)) for m in day.meals],
        "water": water_text(day),
        "hei": day.hei if finite else None,
    }


def _pattern_view(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "label": r["label"],
            "planned": amount(r["planned"]),
            "target": amount(r["target"]),
            "unit": r["unit"],
            "percent": "" if r["percent"] is None else f"{r['percent']:.0f} %",
            "short": r["percent"] is not None and r["percent"] < 95,
        }
        for r in pattern_rows(plan)
    ]


def _hei_view(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "label": r["label"],
            "points": f"{short_number(r['points'])} of {short_number(r['max'])}",
            "amount": short_number(r["amount"]),
            "unit": r["unit"],
        }
        for r in hei_rows(plan)
    ]


def _coverage_view(plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for row in coverage_rows(plan):
        lo, hi, avg, unit = row["min"], row["max"], row["average"], str(row["unit"])
        if lo is not None and hi is not None:
            band = f"{amount(lo)}–{amount(hi)} {unit}"
        else:
            band = f"≥ {amount(lo)} {unit}" if lo is not None else f"≤ {amount(hi)} {unit}"
        mark = "ok"
        if lo is not None and avg < lo * (1 - 1e-3):
            mark = "below"
        elif hi is not None and avg > hi * (1 + 1e-3):
            mark = "above"
        pct = "" if row["percent_of_min"] is None else f"{row['percent_of_min']:.0f} %"
        rows.append(
            {"nutrient": str(row["nutrient"]), "band": band, "average": amount(avg)}
            | {"unit": unit, "percent": pct, "mark": mark}
        )
    return rows


def _shortfall_view(shortfall: Shortfall) -> dict[str, Any]:
    sources = []
    for source in shortfall.best_sources:
        blocked = source.blocked_by
        sources.append(f"{source.name} (not used: {blocked})" if blocked else source.name)
    return {
        "name": shortfall_name(shortfall),
        "when": "weekly average" if shortfall.day is None else f"day {shortfall.day}",
        "numbers": f": {amount(shortfall.achieved)} of {amount(shortfall.target)} "
        f"{shortfall.unit}.",
        "reason": shortfall.reason,
        "sources": sources,
    }


def _shopping_view(shopping: ShoppingList) -> dict[str, Any]:
    aisles = [
        (label, [{"buy": buy_text(r), "name": r.name, "used_in": used_in_text(r)} for r in rows])
        for label, rows in shopping.aisles()
    ]
    return {"total": f"${shopping.total_usd:,.2f}", "aisles": aisles, "notes": shopping.notes}


def html_body(
    plan: Plan | Mapping[str, Any],
    shopping: ShoppingList,
    week_of: dt.date,
    profile_label: str | None = None,
) -> str:
    """The HTML part (``templates/week.html.j2``, autoescaped): the week by day and meal
    (dishes with ingredients and steps, side foods, water to drink, HEI-2020 of the day), the
    week's HEI-2020, food groups against the pattern, coverage, shortfalls with reasons, safety
    notes and the shopping list."""
    plan = as_plan(plan)
    nutrients, groups = split_shortfalls(plan)
    headings = ("Targets not met", "Food groups below the pattern")
    names = food_names(plan)
    return render(
        "week.html.j2",
        title=f"Your cramp-prevention week of {week_of:%Y-%m-%d}",
        css=_HTML_CSS,
        who=_clean_label(profile_label),
        status=f"{plan.status.value} — {plan.message}".strip(" —"),
        hei_total=hei_total(plan),
        days=[_day_view(day, week_of, names) for day in plan.days],
        pattern=_pattern_view(plan),
        hei_rows=_hei_view(plan),
        coverage=_coverage_view(plan),
        water_note=water_note(plan),
        shortfall_groups=[
            (h, [_shortfall_view(s) for s in group])
            for h, group in zip(headings, (nutrients, groups), strict=True)
            if group
        ],
        warnings=list(plan.warnings),
        shopping=_shopping_view(shopping),
        disclaimer=DISCLAIMER,
    )


# --------------------------------------------------------------------------------------------
# Message
# --------------------------------------------------------------------------------------------


def build_message(
    plan: Plan | Mapping[str, Any],
    shopping: ShoppingList,
    *,
    to: str,
    sender: str,
    week_of: dt.date,
    profile_label: str | None = None,
) -> EmailMessage:
    """Build the weekly e-mail.

    Parameters
    ----------
    plan : Plan or mapping
        The plan, or its JSON (``Plan.to_dict()``).
    shopping : ShoppingList
        Its shopping list (:func:`planner.outputs.shopping.build_shopping_list`).
    to, sender : str
        Recipient and From address; each must be one plain address (:func:`validate_address`).
    week_of : date
        The date of day 1 (usually a Monday); named in the subject.
    profile_label : str, optional
        Whose plan it is (a saved profile's name), shown in the subject and the greeting.

    Returns
    -------
    EmailMessage
        ``multipart/mixed``: ``multipart/alternative`` (text/plain, text/html), then the
        attachments ``shopping-list.csv``, ``plan.csv`` and ``plan.ics``.

    Raises
    ------
    MailError
        When ``to`` or ``sender`` is not one valid address.
    """
    to = validate_address(to, "recipient address")
    sender = validate_address(sender, "sender address")
    plan = as_plan(plan)
    msg = EmailMessage()
    msg["Subject"] = subject(week_of, profile_label)
    msg["From"] = Address(display_name="Cramp planner", addr_spec=sender)
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text_body(plan, shopping, week_of, profile_label))
    msg.add_alternative(html_body(plan, shopping, week_of, profile_label), subtype="html")
    msg.add_attachment(shopping_csv(shopping), subtype="csv", filename="shopping-list.csv")
    msg.add_attachment(plan_csv(plan, week_of), subtype="csv", filename="plan.csv")
    msg.add_attachment(
        plan_ics(plan, week_of, scope=_clean_label(profile_label)).encode("utf-8"),
        maintype="text",
        subtype="calendar",
        filename="plan.ics",
        params={"charset": "utf-8", "method": "PUBLISH"},
    )
    return msg


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _reply(code: Any, text: Any) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def _scrub(text: str, settings: SmtpSettings) -> str:
    """Remove the password (and the AUTH PLAIN/LOGIN forms of it) from a message."""
    if not settings.password:
        return text
    secrets = {settings.password}
    for raw in (
        settings.password,
        f"\0{settings.user}\0{settings.password}",
        f"{settings.user}\0{settings.user}\0{settings.password}",
    ):
        secrets.add(base64.b64encode(raw.encode("utf-8")).decode("ascii"))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _explain(exc: BaseException, settings: SmtpSettings, timeout: float) -> str:
    """One line naming the SMTP problem and the setting to check."""
    where = settings.where
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"the SMTP server {where} rejected the user name or password "
            f"({ENV['user']}/{ENV['password']}): {_reply(exc.smtp_code, exc.smtp_error)}"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{addr} ({_reply(code, text)})" for addr, (code, text) in exc.recipients.items()
        )
        return f"the SMTP server {where} refused the recipient {refused}; check --to"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"the SMTP server {where} refused the sender {exc.sender} "
            f"({_reply(exc.smtp_code, exc.smtp_error)}); check {ENV['sender']}"
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return (
            f"the SMTP server {where} refused the message: {_reply(exc.smtp_code, exc.smtp_error)}"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (
            f"the SMTP server {where} does not support what was asked ({exc}); a log-in "
            f"usually needs {ENV['security']}=starttls or ssl, or unset {ENV['user']} and "
            f"{ENV['password']} if the server needs none"
        )
    if _caused_by(exc, TimeoutError):
        return (
            f"the SMTP server {where} did not answer within {timeout:g} s (timeout); check "
            f"{ENV['host']} and {ENV['port']}, or try again later"
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"the TLS certificate of the SMTP server {where} could not be verified "
            f"({exc.verify_message or exc.reason}); check {ENV['host']} is the name on the "
            f"certificate, or set {ENV['ca_file']} to the PEM file of the CA that signed it"
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS with the SMTP server {where} failed ({exc.reason or exc}); check "
            f"{ENV['security']} (ssl for port 465, starttls for 587) and {ENV['port']}"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return (
            f"the SMTP server {where} closed the connection ({exc}); check {ENV['port']} and "
            f"{ENV['security']} (ssl for port 465, starttls for 587)"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the SMTP server {where} answered {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPException):
        return f"SMTP error with {where}: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return (
            f"cannot connect to the SMTP server {where}: connection refused (nothing listens "
            f"there); check {ENV['host']} and {ENV['port']}"
        )
    if isinstance(exc, socket.gaierror):
        return (
            f"unknown SMTP host {settings.host!r} ({exc.strerror}); check {ENV['host']} and "
            "the network"
        )
    if isinstance(exc, OSError):
        return (
            f"cannot reach the SMTP server {where}: {exc.strerror or exc}; check "
            f"{ENV['host']}, {ENV['port']} and the network"
        )
    return f"sending to {where} failed: {type(exc).__name__}: {exc}"


class _Watchdog:
    """Cuts an SMTP conversation that runs past its deadline, however slowly the server
    dribbles bytes: after ``seconds`` it shuts the client's socket down, so the blocked read
    returns and smtplib raises."""

    def __init__(self, client: smtplib.SMTP, seconds: float) -> None:
        self.fired = False
        self._client = client
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = getattr(self._client, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def send_message(msg: EmailMessage, settings: SmtpSettings, timeout_s: float | None = None) -> None:
    """Send ``msg`` through the configured server; every fault becomes one :class:`MailError`.

    Connects (implicit TLS for ``ssl``), says EHLO, upgrades with STARTTLS (certificate and
    host name verified) for ``starttls``, logs in when a user is set, sends, and quits — all
    within one deadline (``timeout_s``) for the whole conversation, not per network read.

    Parameters
    ----------
    msg : EmailMessage
        From :func:`build_message`; its From/To headers give the envelope.
    settings : SmtpSettings
        Server, security, log-in.
    timeout_s : float, optional
        Seconds allowed for the whole conversation (default ``settings.timeout_s``).

    Raises
    ------
    MailError
        "could not send the e-mail: ..." naming the fault (refused connection, unknown host,
        timeout and the step it happened in, TLS, log-in, refused sender, recipient or
        message) and the variable to check; the password never appears.
    """
    timeout = settings.timeout_s if timeout_s is None else timeout_s
    client: smtplib.SMTP = (
        smtplib.SMTP_SSL(timeout=timeout, context=settings.ssl_context())
        if settings.security == "ssl"
        else smtplib.SMTP(timeout=timeout)
    )
    client._host = settings.host  # type: ignore[attr-defined]  # TLS name; connect() leaves it
    watchdog = _Watchdog(client, timeout)
    stage = "connect"
    try:
        client.connect(settings.host, settings.port)
        stage = "greet"
        client.ehlo()
        if settings.security == "starttls":
            if not client.has_extn("starttls"):
                raise MailError(
                    f"could not send the e-mail: the SMTP server {settings.where} does not offer "
                    f"STARTTLS; check {ENV['port']} (587 for starttls) or set "
                    f"{ENV['security']}=ssl for port 465"
                )
            stage = "starttls"
            client.starttls(context=settings.ssl_context())
            client.ehlo()
        if settings.user:
            stage = "login"
            client.login(settings.user, settings.password)
        stage = "send"
        refused = client.send_message(msg)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        stage = "quit"
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the message was accepted; a lost goodbye is not a failure
    except MailError:
        raise
    except (smtplib.SMTPException, OSError) as exc:  # one line each; never the password
        overdue = watchdog.fired or _caused_by(exc, TimeoutError)
        text = _overdue(settings, stage, timeout) if overdue else _explain(exc, settings, timeout)
        raise MailError(
            f"could not send the e-mail: {_scrub(text, settings)}",
            temporary=overdue or is_temporary(exc),
        ) from None
    finally:
        watchdog.cancel()
        client.close()


#: What the client was doing when the server stopped answering, for the timeout message.
_STAGES = {
    "connect": "connecting",
    "greet": "the greeting (EHLO)",
    "starttls": "the STARTTLS upgrade",
    "login": "the log-in",
    "send": "sending the message",
}


def _overdue(settings: SmtpSettings, stage: str, timeout: float) -> str:
    """The message for a conversation that ran out of time, naming the step."""
    where = settings.where
    if stage == "connect":
        return (
            f"the SMTP server {where} did not answer within {timeout:g} s; check "
            f"{ENV['host']} and {ENV['port']}, or try again later"
        )
    return (
        f"the SMTP server {where} answered but stalled during {_STAGES.get(stage, stage)} and "
        f"the conversation did not finish within {timeout:g} s ({ENV['timeout']}); the server "
        "is slow or overloaded: try again later"
        + (f", and check {ENV['user']}/{ENV['password']}" if stage == "login" else "")
    )
