"""Batch e-mail against a real SMTP server (aiosmtpd on 127.0.0.1): each person with an
address gets their week once, the server going down mid-batch and coming back, a refused
mailbox reported for that person only, and a batch killed with SIGKILL resumed by the
installed script with nobody planned or e-mailed twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

from planner import batch, services  # noqa: E402
from planner.batch_email import Pacer, _Mailer, batch_email, message_id  # noqa: E402
from planner.domain.profile import demo_profile  # noqa: E402
from planner.outputs.mailer import SmtpSettings  # noqa: E402
from planner.store import Store  # noqa: E402

MONDAY = dt.date(2026, 12, 7)
SENDER = "planner@example.org"
#: Days searched to proof (plans independent of load); two of them: these tests are about
#: sending each week once, not about the week.
SEARCH = {"day_time_limit_s": 30.0, "days": 2}


class Inbox:
    """aiosmtpd handler: keeps each accepted message; answers 550 for ``gone@``; calls
    ``on_mail(n)`` as the n-th conversation starts its MAIL command (n from 1)."""

    def __init__(self, on_mail: Callable[[int], None] | None = None) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.mail_commands = 0
        self.on_mail = on_mail

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: ANN001
        self.mail_commands += 1
        if self.on_mail is not None:
            self.on_mail(self.mail_commands)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001
        if address.startswith("gone@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def received(self) -> Counter[str]:
        return Counter(str(m["To"]) for m in self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, Any]]:
    inbox = Inbox()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller
    controller.stop(no_assert=True)


@pytest.fixture
def people(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "PLAN_OPTIONS", dict(batch.PLAN_OPTIONS) | SEARCH)
    base = demo_profile()
    services.save_profile("ana", dataclasses.replace(base, email="ana@example.com"))
    services.save_profile("bo", dataclasses.replace(base, diet="vegetarian", age=30,
                                                    email="bo@example.com"))  # fmt: skip
    services.save_profile("cy", dataclasses.replace(base, age=61))  # no address


def settings(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER)


def test_each_person_with_an_address_gets_their_week_once(
    people: None, smtp: tuple[Inbox, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, controller = smtp
    built_here: list[str] = []
    build = _Mailer._build
    monkeypatch.setattr(_Mailer, "_build", lambda self, plan, address, outcome: (
        built_here.append(outcome.name), build(self, plan, address, outcome))[1])  # fmt: skip
    waits: list[float] = []
    pacer = Pacer(settings(controller.port), per_minute=30, sleep=waits.append)
    first = batch_email(MONDAY, workers=2, pacer=pacer)
    assert inbox.received() == {"ana@example.com": 1, "bo@example.com": 1}
    mail = {o.name: o.mail for o in first.outcomes}
    assert mail == {"ana": "sent", "bo": "sent", "cy": "no address"}
    assert first.count("planned") == 3 and first.to_dict()["sent"] == 2
    assert waits and all(0 < w <= 2.0 for w in waits)  # 30 a minute: 2 s apart at most
    assert not built_here  # each message was built by the worker that planned the week
    ana = next(m for m in inbox.messages if m["To"] == "ana@example.com")
    assert ana["Message-ID"] == message_id("ana", MONDAY, SENDER)
    assert ana["Subject"] == "Cramp-prevention meal plan for ana, week of 2026-12-07"
    attachments = {part.get_filename() for part in ana.iter_attachments()}
    assert {"plan.csv", "plan.ics"} <= attachments

    again = batch_email(MONDAY, workers=2, pacer=Pacer(settings(controller.port)))
    assert inbox.received() == {"ana@example.com": 1, "bo@example.com": 1}  # nobody twice
    assert {o.name: (o.result, o.mail) for o in again.outcomes if o.mail != "no address"} == {
        "ana": ("skipped", "already sent"),
        "bo": ("skipped", "already sent"),
    }


def test_the_server_going_down_mid_batch_and_coming_back(people: None) -> None:
    inbox = Inbox()
    port = free_port()
    servers = [aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port)]
    servers[0].start()
    restarted: list[float] = []
    stopping: list[threading.Thread] = []

    def down_at_the_second(n: int) -> None:
        if n == 2:  # the server goes away in the middle of the second conversation
            inbox.on_mail = None
            stopping.append(threading.Thread(target=servers[0].stop, kwargs={"no_assert": True}))
            stopping[0].start()

    def wait(seconds: float) -> None:  # the back-off: the server is back when it ends
        restarted.append(seconds)
        if len(restarted) == 1:
            stopping[0].join()
            servers.append(aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port))
            servers[1].start()

    inbox.on_mail = down_at_the_second
    try:
        summary = batch_email(MONDAY, ["ana", "bo"], workers=1,
                              pacer=Pacer(settings(port), per_minute=6000, sleep=wait))  # fmt: skip
    finally:
        servers[-1].stop(no_assert=True)
    assert inbox.received() == {"ana@example.com": 1, "bo@example.com": 1}
    assert [o.mail for o in summary.outcomes] == ["sent", "sent"]
    assert [o.attempts for o in summary.outcomes] == [1, 2]  # bo's: one retry after the drop
    assert restarted[0] >= 2.0  # the first back-off wait


def test_a_refused_mailbox_is_that_persons_reason_and_the_rest_are_sent(
    people: None, smtp: tuple[Inbox, Any]
) -> None:
    inbox, controller = smtp
    services.save_profile("dee", dataclasses.replace(demo_profile(), email="gone@example.com"))
    waits: list[float] = []
    pacer = Pacer(settings(controller.port), per_minute=6000, sleep=waits.append)
    summary = batch_email(MONDAY, ["ana", "dee"], workers=2, pacer=pacer)
    dee = next(o for o in summary.outcomes if o.name == "dee")
    assert (
        dee.mail == "not sent"
        and "550" in dee.mail_reason
        and "gone@example.com" in (dee.mail_reason)
    )
    assert inbox.received() == {"ana@example.com": 1}
    assert all(w < 2.0 for w in waits)  # a permanent refusal is not retried
    with Store.open() as store:
        record = store.mail_record("dee", MONDAY)
        assert record is not None and record.state == "failed" and record.attempts == 1


def test_a_batch_killed_mid_way_resumes_with_nobody_twice(tmp_path: Path) -> None:
    """SIGKILL as the third person's message starts; a re-run finishes the batch."""
    folder = tmp_path / "people"
    folder.mkdir()
    names = [f"p{n}" for n in range(4)]
    for n, name in enumerate(names):
        profile = dataclasses.replace(demo_profile(), age=30 + n, email=f"{name}@example.com")
        (folder / f"{name}.json").write_text(json.dumps(profile.to_dict()))
    script = Path(sys.executable).with_name("cramp-planner")
    command = [
        str(script),
        "batch",
        "email",
        "--week-of",
        "2026-12-07",
        "--days",
        "2",
        "--from-dir",
        str(folder),
        "--workers",
        "2",
        "--max-per-minute",
        "6000",
        "--format",
        "json",
    ]
    victim: dict[str, subprocess.Popen[str]] = {}

    def kill_at_the_third(n: int) -> None:
        if n == 3:
            os.killpg(victim["run"].pid, signal.SIGKILL)

    inbox = Inbox(on_mail=kill_at_the_third)
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = dict(os.environ, CRAMP_SMTP_HOST="127.0.0.1", CRAMP_SMTP_PORT=str(controller.port),
               CRAMP_SMTP_SECURITY="none", CRAMP_SMTP_FROM=SENDER)  # fmt: skip
    try:
        victim["run"] = subprocess.Popen(
            command, env=env, text=True, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        victim["run"].communicate(timeout=300)
        assert victim["run"].returncode == -signal.SIGKILL
        assert sum(inbox.received().values()) == 2
        inbox.on_mail = None
        done = subprocess.run(command, env=env, text=True, capture_output=True, timeout=300)
    finally:
        controller.stop(no_assert=True)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert inbox.received() == {f"{name}@example.com": 1 for name in names}
    assert summary["already_sent"] == 2 and summary["sent"] == 2
    resent = [p["name"] for p in summary["people"] if p["mail_reason"].startswith("resent")]
    assert len(resent) == 1  # the one whose conversation the kill cut
    with Store.open() as store:
        weeks = Counter(p.profile_name for p in store.list_plans() if p.week_start == MONDAY)
        assert weeks == {name: 1 for name in names}
        states = {name: store.mail_record(name, MONDAY).state for name in names}  # type: ignore[union-attr]
    assert set(states.values()) == {"sent"}


def test_a_week_sent_by_the_email_command_is_not_sent_again_by_the_batch(
    people: None, smtp: tuple[Inbox, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, controller = smtp
    for key, value in (("HOST", "127.0.0.1"), ("PORT", str(controller.port)),
                       ("SECURITY", "none"), ("FROM", SENDER)):  # fmt: skip
        monkeypatch.setenv(f"CRAMP_SMTP_{key}", value)
    services.email_week("ana@example.com", week_of=MONDAY, profile_name="ana", days=SEARCH["days"])
    summary = batch_email(MONDAY, ["ana"], workers=1, pacer=Pacer(settings(controller.port)))
    assert [(o.result, o.mail) for o in summary.outcomes] == [("skipped", "already sent")]
    assert inbox.received() == {"ana@example.com": 1}
