"""The weekly e-mail against a real SMTP server (aiosmtpd on 127.0.0.1): the message's parts
and attachments, STARTTLS and implicit TLS with a certificate made at test time, every
failure mode, refused addresses, and the ``email`` command saving before it sends."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import email
import html
import io
import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

from planner import cli  # noqa: E402
from planner.domain.profile import demo_profile  # noqa: E402
from planner.domain.request import PlanRequest  # noqa: E402
from planner.optimiser.week import plan_week  # noqa: E402
from planner.outputs.mailer import (  # noqa: E402
    DISCLAIMER,
    MailError,
    SmtpSettings,
    build_message,
    plan_csv,
    plan_ics,
    send_message,
    validate_address,
)
from planner.outputs.shopping import ShoppingList, build_shopping_list, to_csv  # noqa: E402
from planner.store import Store  # noqa: E402

Controller = aiosmtpd_controller.Controller

WEEK = dt.date(2026, 11, 23)
TO = "anna@example.com"
FROM = "planner@example.org"
USER = "planner"
PASSWORD = "s3cret-PASS-7f1e9"
BAD_ADDRESSES = ["a@b.c\r\nBcc: x@y.z", "a@b.c, d@e.f", "not-an-address"]


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    """A real 2-day plan for the demo profile (~1 s), shared by the module."""
    return plan_week(PlanRequest(profile=demo_profile(), days=2)).to_dict()


@pytest.fixture(scope="module")
def shopping(plan: dict[str, Any]) -> ShoppingList:
    return build_shopping_list(plan)


class Collector:
    """aiosmtpd handler: keeps every accepted envelope; refuses ``nobody@`` recipients."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address.startswith("nobody@"):
            return "550 5.1.1 <nobody@example.com>: recipient unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(handler: Collector, **kwargs: Any) -> Any:  # an aiosmtpd Controller
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), **kwargs)
    controller.start()
    return controller


@pytest.fixture
def server() -> Iterator[tuple[Collector, int]]:
    handler = Collector()
    controller = _serve(handler)
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def auth_server() -> Iterator[tuple[Collector, int]]:
    """A plain server that asks for a log-in (no TLS: loopback only) and checks it."""
    handler = Collector()
    controller = _serve(handler, authenticator=_authenticator, auth_require_tls=False)
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor openssl is available")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private.public_key()), False)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def _server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def settings(port: int, **env: str) -> SmtpSettings:
    base = {
        "CRAMP_SMTP_HOST": "127.0.0.1",
        "CRAMP_SMTP_PORT": str(port),
        "CRAMP_SMTP_SECURITY": "none",
        "CRAMP_SMTP_FROM": FROM,
    }
    return SmtpSettings.from_env(base | env)


def message(plan: dict[str, Any], shopping: ShoppingList, **kwargs: Any) -> EmailMessage:
    args: dict[str, Any] = {"to": TO, "sender": FROM, "week_of": WEEK} | kwargs
    return build_message(plan, shopping, **args)


def received(handler: Collector) -> EmailMessage:
    (envelope,) = handler.envelopes
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def attachments(msg: EmailMessage) -> dict[str, EmailMessage]:
    return {str(part.get_filename()): part for part in msg.iter_attachments()}


def body_text(msg: EmailMessage, kind: str) -> str:
    """The text of the message's ``plain`` or ``html`` body."""
    part = msg.get_body((kind,))
    assert part is not None, kind
    return str(part.get_content())


# --- the message ------------------------------------------------------------------------------


def test_message_sent_and_received_has_every_part(
    server: tuple[Collector, int], plan: dict[str, Any], shopping: ShoppingList
) -> None:
    handler, port = server
    send_message(message(plan, shopping, profile_label="anna"), settings(port))
    msg = received(handler)
    assert handler.envelopes[0].mail_from == FROM and handler.envelopes[0].rcpt_tos == [TO]
    assert msg["Subject"] == "Cramp-prevention meal plan for anna, week of 2026-11-23"
    assert msg["To"] == TO and FROM in msg["From"] and msg["Message-ID"] and msg["Date"]
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/mixed"
    alternative, *rest = msg.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert [p.get_filename() for p in rest] == ["shopping-list.csv", "plan.csv", "plan.ics"]

    text = body_text(msg, "plain")
    page = body_text(msg, "html")
    for body in (text, page):
        for nutrient in ("potassium", "magnesium", "calcium", "vitamin D", "sodium"):
            assert nutrient in body
        assert DISCLAIMER in body
        assert "Monday" in body and "2026-11-23" in body
    for day in plan["days"]:
        for meal in day["meals"]:
            for item in meal["items"]:
                assert item["name"] in text and html.escape(item["name"]) in page
            for dish in meal["dishes"]:
                assert dish["name"] in text and html.escape(dish["name"]) in page
                if dish["role"] == "main":
                    for step in dish["steps"]:
                        assert step in text and f"<li>{html.escape(step)}</li>" in page
        assert f"HEI-2020 of the day:** {day['hei2020']:.0f} of 100" in text
        assert f"HEI-2020 of the day:</strong> {day['hei2020']:.0f} of 100" in page
        if day["water_schedule"]:
            first = day["water_schedule"][0]
            assert f"{first['ml']} ml {first['when']}" in text and "Water to drink" in page
    total = f"{plan['hei2020']['total']:.0f} of 100"
    assert f"Healthy Eating Index-2020:** {total}" in text
    assert f"Healthy Eating Index-2020:</strong> {total}" in page
    assert "Breakfast" in page and "Tuesday 24 November (day 2)" in page

    files = attachments(msg)
    shopping_rows = list(csv.DictReader(io.StringIO(files["shopping-list.csv"].get_content())))
    assert files["shopping-list.csv"].get_content_type() == "text/csv"
    assert [r["food_id"] for r in shopping_rows] == [r.food_id for r in shopping.rows]
    assert {"aisle", "buy_quantity", "buy_unit", "est_cost_usd", "price_source"} <= set(
        shopping_rows[0]
    )
    plan_rows = list(csv.DictReader(io.StringIO(files["plan.csv"].get_content())))
    n_items = sum(len(m["items"]) for d in plan["days"] for m in d["meals"])
    assert len(plan_rows) == n_items
    assert plan_rows[0]["date"] == "2026-11-23" and plan_rows[-1]["date"] == "2026-11-24"
    assert plan_rows[0]["dish"] == plan["days"][0]["meals"][0]["dishes"][0]["name"]
    ics = files["plan.ics"].get_content()
    ics = ics if isinstance(ics, str) else ics.decode("utf-8")
    n_meals = sum(len(d["meals"]) for d in plan["days"])
    assert ics.count("BEGIN:VEVENT") == n_meals
    assert "DTSTART:20261123T080000" in ics
    assert PASSWORD not in envelope_text(handler)


def envelope_text(handler: Collector) -> str:
    return b"".join(e.content for e in handler.envelopes).decode("utf-8", "replace")


def test_html_escapes_every_string_from_the_plan_and_the_person(
    plan: dict[str, Any], shopping: ShoppingList
) -> None:
    evil = copy.deepcopy(plan)
    meal = evil["days"][0]["meals"][0]
    meal["items"][0]["name"] = "<script>alert(1)</script>"
    meal["items"][0]["household"] = '1 "cup" & more'
    meal["dishes"][0]["name"] = "<iframe src=//evil>Stew"
    meal["dishes"][0]["steps"][0] = "Stir <svg onload=alert(1)> & serve"
    evil["days"][0]["water_schedule"] = [{"when": "<u>noon</u>", "ml": 300}]
    evil["days"][0]["water_to_drink_ml"] = 300
    evil["warnings"] = ["Take <b>care</b> & ask"]
    evil["shortfalls"] = [
        {
            "nutrient": "vitamin_d_ug",
            "day": None,
            "achieved": 9.5,
            "target": 15.0,
            "unit": "µg",
            "reason": "fortified foods are off <img src=x onerror=alert(1)>",
            "best_sources": [{"name": "Salmon <raw>", "blocked_by": "diet: vegan"}],
        }
    ]
    msg = message(evil, shopping, profile_label="<i>anna</i>")
    page = body_text(msg, "html")
    raws = ("<script>alert", "<b>care", "<img src=x", "<i>anna", "Salmon <raw>", "<iframe", "<svg")
    for raw in (*raws, "<u>"):
        assert raw not in page
    for escaped in (
        "&lt;script&gt;alert(1)&lt;/script&gt; — 1 &#34;cup&#34; &amp; more",  # Jinja2 escaping
        "Take &lt;b&gt;care&lt;/b&gt; &amp; ask",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;i&gt;anna&lt;/i&gt;",
        "<strong>&lt;iframe src=//evil&gt;Stew</strong>",
        "<li>Stir &lt;svg onload=alert(1)&gt; &amp; serve</li>",
        "300 ml &lt;u&gt;noon&lt;/u&gt;",
    ):
        assert escaped in page
    assert "<h2>Targets not met</h2>" in page and "Safety notes" in page
    assert "Food groups below the pattern" not in page  # no food-group shortfall here
    text = body_text(msg, "plain")
    assert "fortified foods are off" in text and "Take <b>care</b> & ask" in text
    assert "1. Stir <svg onload=alert(1)> & serve" in text  # plain text, shown as typed


def test_plan_csv_and_ics_stand_alone(plan: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(plan_csv(plan))))
    assert list(rows[0]) == [
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
    ]
    assert rows[0]["date"] == ""
    items = [(m, i) for d in plan["days"] for m in d["meals"] for i in m["items"]]
    assert len(rows) == len(items)
    for row, (meal, it) in zip(rows, items, strict=True):
        names = {d["dish_id"]: d["name"] for d in meal["dishes"]}
        assert row["food_id"] == it["food_id"] and row["dish_id"] == (it["dish_id"] or "")
        assert row["dish"] == (names[it["dish_id"]] if it["dish_id"] else "")
        assert float(row["servings"]) == it["portion"]
    assert any(r["dish"] == "" for r in rows) and any(r["dish"] for r in rows)
    tricky = copy.deepcopy(plan)
    tricky["days"][0]["meals"][0]["items"][0]["name"] = "Beans; salt, pepper\\ and a very long " * 3
    ics = plan_ics(tricky, WEEK, now=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC))
    lines = ics.split("\r\n")
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert "Beans\\; salt\\, pepper\\\\ and" in ics.replace("\r\n ", "")
    assert "DTSTAMP:20261120T120000Z" in ics
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) == sum(len(d["meals"]) for d in plan["days"])


def _ics(text: str) -> str:
    """``text`` as an iCalendar TEXT value (RFC 5545 §3.3.11)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def test_ics_events_are_titled_with_the_main_dish_and_hold_the_recipe(
    plan: dict[str, Any],
) -> None:
    ics = plan_ics(plan, WEEK, now=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC))
    events = ics.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]
    meals = [m for d in plan["days"] for m in d["meals"]]
    assert len(events) == len(meals)
    for event, meal in zip(events, meals, strict=True):
        slot = meal["slot"].capitalize()
        mains = [d for d in meal["dishes"] if d["role"] == "main"]
        if mains:
            title = f"{slot}: {mains[0]['name']}"
            assert f"SUMMARY:{_ics(title)}\r\n" in event
            steps = [_ics(f"{n}. {s}") for n, s in enumerate(mains[0]["steps"], start=1)]
            assert "\\n".join(steps) in event  # numbered, one a line
        else:
            names = ", ".join(i["name"] for i in meal["items"])
            assert f"SUMMARY:{_ics(f'{slot}: {names}')}\r\n" in event
        for item in meal["items"]:
            assert _ics(f"{item['name']} — {item['household']}") in event


def test_a_plan_saved_before_dishes_is_still_mailed_whole() -> None:
    item = {
        "food_id": "banana_raw",
        "ndb_no": "09040",
        "name": "Banana",
        "servings": 2.0,
        "grams": 236.0,
        "household": "2 medium",
    }
    old = {
        "status": "optimal",
        "message": "",
        "days": [
            {"day": 1, "meals": [{"slot": "lunch", "items": [item]}], "totals": {}, "cost_usd": 0.5}
        ],
        "targets": {},
        "shortfalls": [],
        "warnings": [],
    }
    msg = message(old, build_shopping_list(old))
    text = body_text(msg, "plain")
    page = body_text(msg, "html")
    assert "- Banana — 2 medium (236 g)" in text.splitlines()
    assert "<p>Banana — 2 medium (236 g)</p>" in page
    for body in (text, page):
        assert "Water to drink" not in body and "HEI-2020" not in body
    files = attachments(msg)
    (row,) = csv.DictReader(io.StringIO(files["plan.csv"].get_content()))
    assert (row["dish_id"], row["dish"], row["servings"], row["food_id"]) == (
        "",
        "",
        "2",
        "banana_raw",
    )
    ics = files["plan.ics"].get_content()
    ics = (ics if isinstance(ics, str) else ics.decode("utf-8")).replace("\r\n ", "")
    assert "SUMMARY:Lunch: Banana\r\n" in ics
    assert "DESCRIPTION:- Banana — 2 medium (236 g)\r\n" in ics


def test_plan_csv_neutralises_dish_names(plan: dict[str, Any]) -> None:
    evil = copy.deepcopy(plan)
    evil["days"][0]["meals"][0]["dishes"][0]["name"] = '=HYPERLINK("http://x","y")'
    rows = list(csv.DictReader(io.StringIO(plan_csv(evil))))
    assert rows[0]["dish"] == '\'=HYPERLINK("http://x","y")'


# --- addresses and settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anna@example.com", "anna@example.com"),
        ("  first.last+tag@mail.example.co.uk ", "first.last+tag@mail.example.co.uk"),
        ("anna@bücher.example", "anna@xn--bcher-kva.example"),
    ],
)
def test_valid_addresses(text: str, expected: str) -> None:
    assert validate_address(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a@b.c\r\nBcc: x@y.z", "line break"),
        ("a@b.c\nBcc: x@y.z", "line break"),
        ("a@b.c, d@e.f", "several addresses"),
        ("a@b.c; d@e.f", "several addresses"),
        ("a@b.c d@e.f", "several addresses"),
        ("not-an-address", "no @"),
        ("Anna <anna@example.com>", "brackets"),
        ('"evil"@example.com', "brackets"),
        ("anna@localhost", "mail domain"),
        ("anna@-example.com", "mail domain"),
        ("an..na@example.com", "part before @"),
        (".anna@example.com", "part before @"),
        ("", "empty"),
    ],
)
def test_invalid_addresses_are_refused(text: str, words: str) -> None:
    with pytest.raises(MailError, match=words):
        validate_address(text, "--to")


@pytest.mark.parametrize("bad", BAD_ADDRESSES)
def test_bad_recipient_is_refused_before_any_connection(
    server: tuple[Collector, int],
    bad: str,
    tmp_path: Path,
    plan: dict[str, Any],
    shopping: ShoppingList,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler, port = server
    with pytest.raises(MailError):
        message(plan, shopping, to=bad)
    _smtp_env(monkeypatch, port)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    assert cli.main(["email", "--to", bad, "--plan", str(plan_file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --to ") and err.count("\n") == 1
    assert handler.connections == 0 and handler.envelopes == []


def test_settings_from_env_check_every_variable(tmp_path: Path) -> None:
    good = {"CRAMP_SMTP_HOST": "smtp.example.com", "CRAMP_SMTP_FROM": FROM}
    s = SmtpSettings.from_env(good)
    assert (s.port, s.security, s.user, s.timeout_s) == (587, "starttls", "", 20.0)
    assert SmtpSettings.from_env(good | {"CRAMP_SMTP_SECURITY": "SSL"}).port == 465
    with_login = SmtpSettings.from_env(
        {"CRAMP_SMTP_HOST": "smtp.example.com", "CRAMP_SMTP_USER": "me@example.com"}
        | {"CRAMP_SMTP_PASSWORD": PASSWORD}
    )
    assert with_login.sender == "me@example.com"  # the user name doubles as From
    assert PASSWORD not in repr(with_login) and PASSWORD not in str(with_login)
    cases = [
        ({}, "CRAMP_SMTP_HOST is not set"),
        (good | {"CRAMP_SMTP_HOST": "smtp.example.com:587"}, "port goes in CRAMP_SMTP_PORT"),
        (good | {"CRAMP_SMTP_PORT": "abc"}, "CRAMP_SMTP_PORT='abc' is not a port"),
        (good | {"CRAMP_SMTP_PORT": "70000"}, "1–65535"),
        (good | {"CRAMP_SMTP_SECURITY": "tls"}, "CRAMP_SMTP_SECURITY='tls' is not one of"),
        (good | {"CRAMP_SMTP_USER": "me"}, "CRAMP_SMTP_PASSWORD is not"),
        (good | {"CRAMP_SMTP_PASSWORD": PASSWORD}, "CRAMP_SMTP_USER is not"),
        (
            good
            | {"CRAMP_SMTP_SECURITY": "none", "CRAMP_SMTP_USER": "me"}
            | {"CRAMP_SMTP_PASSWORD": PASSWORD},
            "unencrypted",
        ),
        ({"CRAMP_SMTP_HOST": "smtp.example.com"}, "CRAMP_SMTP_FROM is not set"),
        (good | {"CRAMP_SMTP_FROM": "x\r\nBcc: y@z.org"}, "CRAMP_SMTP_FROM"),
        (good | {"CRAMP_SMTP_CA_FILE": str(tmp_path / "no.pem")}, "CRAMP_SMTP_CA_FILE"),
        (good | {"CRAMP_SMTP_TIMEOUT": "0"}, "CRAMP_SMTP_TIMEOUT"),
    ]
    for env, words in cases:
        with pytest.raises(MailError) as err:
            SmtpSettings.from_env(env)
        if words is not None:
            assert words in str(err.value)
        assert PASSWORD not in str(err.value)


# --- transport: TLS and log-in ------------------------------------------------------------------


def test_starttls_with_verified_certificate_and_login(
    certificate: tuple[Path, Path], plan: dict[str, Any], shopping: ShoppingList
) -> None:
    handler = Collector()
    controller = _serve(
        handler,
        tls_context=_server_tls(certificate),
        require_starttls=True,
        authenticator=_authenticator,
    )
    try:
        env = {
            "CRAMP_SMTP_SECURITY": "starttls",
            "CRAMP_SMTP_CA_FILE": str(certificate[0]),
            "CRAMP_SMTP_USER": USER,
            "CRAMP_SMTP_PASSWORD": PASSWORD,
        }
        send_message(message(plan, shopping), settings(controller.port, **env))
        assert received(handler)["Subject"].endswith("week of 2026-11-23")
        # the same server, but the client does not trust the certificate → refused, clearly
        with pytest.raises(MailError) as err:
            send_message(
                message(plan, shopping),
                settings(controller.port, **{**env, "CRAMP_SMTP_CA_FILE": ""}),
            )
        text = str(err.value)
        assert "certificate" in text and "CRAMP_SMTP_CA_FILE" in text and PASSWORD not in text
        assert len(handler.envelopes) == 1
    finally:
        controller.stop()


def test_starttls_refused_when_the_server_does_not_offer_it(
    server: tuple[Collector, int], plan: dict[str, Any], shopping: ShoppingList
) -> None:
    handler, port = server
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        send_message(message(plan, shopping), settings(port, CRAMP_SMTP_SECURITY="starttls"))
    assert handler.envelopes == []


def test_implicit_tls(
    certificate: tuple[Path, Path], plan: dict[str, Any], shopping: ShoppingList
) -> None:
    handler = Collector()
    controller = _serve(handler, ssl_context=_server_tls(certificate))
    try:
        env = {"CRAMP_SMTP_SECURITY": "ssl", "CRAMP_SMTP_CA_FILE": str(certificate[0])}
        send_message(message(plan, shopping), settings(controller.port, **env))
        assert received(handler).get_content_type() == "multipart/mixed"
    finally:
        controller.stop()


# --- transport: failure modes -----------------------------------------------------------------


def test_auth_failure_names_the_variables_and_hides_the_password(
    auth_server: tuple[Collector, int], plan: dict[str, Any], shopping: ShoppingList
) -> None:
    handler, port = auth_server
    wrong = {"CRAMP_SMTP_USER": USER, "CRAMP_SMTP_PASSWORD": PASSWORD + "-wrong"}
    with pytest.raises(MailError) as err:
        send_message(message(plan, shopping), settings(port, **wrong))
    text = str(err.value)
    assert "rejected the user name or password" in text
    assert "CRAMP_SMTP_USER/CRAMP_SMTP_PASSWORD" in text and "535" in text
    assert PASSWORD not in text and err.value.__cause__ is None
    assert handler.envelopes == []
    right = {"CRAMP_SMTP_USER": USER, "CRAMP_SMTP_PASSWORD": PASSWORD}
    send_message(message(plan, shopping), settings(port, **right))
    assert len(handler.envelopes) == 1


def test_connection_refused_on_a_closed_port(plan: dict[str, Any], shopping: ShoppingList) -> None:
    port = _free_port()
    with pytest.raises(MailError) as err:
        send_message(message(plan, shopping), settings(port))
    assert f"127.0.0.1:{port}: connection refused" in str(err.value)
    assert "CRAMP_SMTP_HOST and CRAMP_SMTP_PORT" in str(err.value)


def test_timeout_when_the_server_accepts_but_never_answers(
    plan: dict[str, Any], shopping: ShoppingList
) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever says hello
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(MailError) as err:
            send_message(message(plan, shopping), settings(port), timeout_s=0.5)
        assert time.monotonic() - started < 5
    assert "did not answer within 0.5 s; check CRAMP_SMTP_HOST" in str(err.value)


def test_unknown_host(
    plan: dict[str, Any], shopping: ShoppingList, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_such_host(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    s = SmtpSettings.from_env({"CRAMP_SMTP_HOST": "smtp.nowhere.invalid", "CRAMP_SMTP_FROM": FROM})
    with pytest.raises(MailError, match="unknown SMTP host 'smtp.nowhere.invalid'"):
        send_message(message(plan, shopping), s)


def test_refused_recipient(
    server: tuple[Collector, int], plan: dict[str, Any], shopping: ShoppingList
) -> None:
    handler, port = server
    with pytest.raises(MailError) as err:
        send_message(message(plan, shopping, to="nobody@example.com"), settings(port))
    assert "refused the recipient nobody@example.com" in str(err.value)
    assert "550" in str(err.value) and handler.envelopes == []


# --- the command --------------------------------------------------------------------------------


def _smtp_env(monkeypatch: pytest.MonkeyPatch, port: int, **extra: str) -> None:
    for name in ("USER", "PASSWORD", "CA_FILE", "TIMEOUT"):
        monkeypatch.delenv(f"CRAMP_SMTP_{name}", raising=False)
    env = {
        "CRAMP_SMTP_HOST": "127.0.0.1",
        "CRAMP_SMTP_PORT": str(port),
        "CRAMP_SMTP_SECURITY": "none",
        "CRAMP_SMTP_FROM": FROM,
    } | extra
    for key, value in env.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def saved_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("CRAMP_DATA_DIR", str(data))
    with Store.open(data) as store:
        store.save_profile("anna", demo_profile().to_dict())
    return data


def test_cli_saves_the_plan_before_a_failed_send_then_sends(
    saved_profile: Path,
    server: tuple[Collector, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["email", "--to", TO, "--profile-name", "anna", "--days", "2", "--week-of", "2026-11-25"]
    _smtp_env(monkeypatch, _free_port(), CRAMP_SMTP_USER=USER, CRAMP_SMTP_PASSWORD=PASSWORD)
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    db = saved_profile / "cramp-planner.sqlite3"
    assert captured.err.count("\n") == 1 and captured.out == ""
    assert "connection refused" in captured.err
    assert f"plan #1 saved in {db}" in captured.err and "plans show 1" in captured.err
    assert PASSWORD not in captured.err
    with Store.open(saved_profile) as store:
        (summary,) = store.list_plans("anna")
        assert summary.id == 1 and summary.week_start == WEEK
        assert len(store.get_plan(1).plan["days"]) == 2

    handler, port = server
    _smtp_env(monkeypatch, port)
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    # the same profile and week again replaces the kept plan: one plan, same id
    assert out == f"sent week of 2026-11-23 to {TO} (plan #1 saved in {db})\n"
    with Store.open(saved_profile) as store:
        assert [p.id for p in store.list_plans("anna")] == [1]
    msg = received(handler)
    assert msg["Subject"] == "Cramp-prevention meal plan for anna, week of 2026-11-23"
    assert set(attachments(msg)) == {"shopping-list.csv", "plan.csv", "plan.ics"}


def test_cli_dry_run_writes_a_parseable_eml_and_sends_nothing(
    tmp_path: Path,
    server: tuple[Collector, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    handler, _port = server
    for name in ("HOST", "PORT", "USER", "PASSWORD", "SECURITY", "FROM"):
        monkeypatch.delenv(f"CRAMP_SMTP_{name}", raising=False)  # not needed for a dry run
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps(demo_profile().to_dict()), encoding="utf-8")
    out = tmp_path / "week.eml"
    argv = ["email", "--to", TO, "--profile", str(profile), "--days", "2", "--dry-run", str(out)]
    assert cli.main([*argv, "--week-of", "2026-11-29"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: week of 2026-11-23 to {TO}, not sent")
    msg = email.message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Cramp-prevention meal plan, week of 2026-11-23"
    assert msg.get_body(("html",)) is not None and msg.get_body(("plain",)) is not None
    assert len(list(csv.DictReader(io.StringIO(attachments(msg)["plan.csv"].get_content())))) > 0
    assert handler.connections == 0


def test_cli_needs_smtp_settings_before_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CRAMP_SMTP_HOST", raising=False)
    monkeypatch.setenv("CRAMP_DATA_DIR", str(tmp_path / "data"))
    started = time.monotonic()
    argv = ["email", "--to", TO, "--profile-name", "anna"]
    assert cli.main(argv) == 2
    assert "CRAMP_SMTP_HOST is not set" in capsys.readouterr().err
    assert time.monotonic() - started < 2  # refused before any planning


def test_shopping_csv_attachment_matches_the_shopping_module(
    plan: dict[str, Any], shopping: ShoppingList
) -> None:
    part = attachments(message(plan, shopping))["shopping-list.csv"]
    assert part.get_content() == to_csv(shopping)


# --- servers that answer, but too slowly --------------------------------------------------


class _DribblingSmtp:
    """A raw SMTP server on 127.0.0.1 that greets at once, then answers ``slow_verb`` one byte
    every ``pace_s`` seconds (a per-read timeout never fires; only a whole-conversation deadline
    stops it)."""

    def __init__(self, slow_verb: str, pace_s: float, reply: bytes) -> None:
        self.slow_verb, self.pace_s, self.reply = slow_verb, pace_s, reply
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.sendall(b"220 slow.test ESMTP\r\n")
            stream = conn.makefile("rb")
            for line in stream:
                verb = line.split(b" ")[0].strip().upper().decode()
                answer = b"250-slow.test\r\n250 AUTH PLAIN\r\n" if verb == "EHLO" else b"250 ok\r\n"
                if verb == self.slow_verb:
                    answer = self.reply
                    try:
                        for byte in answer:
                            conn.sendall(bytes([byte]))
                            time.sleep(self.pace_s)
                    except OSError:
                        return
                else:
                    conn.sendall(answer)

    def close(self) -> None:
        self.sock.close()


def test_a_dribbling_greeting_cannot_outlast_the_conversation_deadline(
    plan: dict[str, Any], shopping: ShoppingList
) -> None:
    slow = _DribblingSmtp("EHLO", 0.3, b"250-slow.test\r\n250 AUTH PLAIN\r\n")
    try:
        started = time.monotonic()
        with pytest.raises(MailError) as err:
            send_message(message(plan, shopping), settings(slow.port), timeout_s=1.0)
        assert time.monotonic() - started < 3.0
    finally:
        slow.close()
    text = str(err.value)
    assert "stalled during the greeting (EHLO)" in text and "within 1 s" in text
    assert "check CRAMP_SMTP_HOST" not in text  # the server was reached: host and port are fine


def test_a_slow_log_in_failure_is_not_blamed_on_host_and_port(
    plan: dict[str, Any], shopping: ShoppingList
) -> None:
    slow = _DribblingSmtp("AUTH", 0.3, b"535 5.7.8 authentication failed, take your time\r\n")
    try:
        env = {"CRAMP_SMTP_USER": USER, "CRAMP_SMTP_PASSWORD": PASSWORD}
        with pytest.raises(MailError) as err:
            send_message(message(plan, shopping), settings(slow.port, **env), timeout_s=1.0)
    finally:
        slow.close()
    text = str(err.value)
    assert "stalled during the log-in" in text and "CRAMP_SMTP_USER/CRAMP_SMTP_PASSWORD" in text
    assert "CRAMP_SMTP_HOST" not in text and PASSWORD not in text
