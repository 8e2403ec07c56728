"""Sending paced and retried (planner.batch_email.Pacer) against a real SMTP server on
127.0.0.1 (aiosmtpd); the waits are recorded, never slept."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

from planner.batch_email import Pacer  # noqa: E402
from planner.outputs.mailer import MailError, SmtpSettings  # noqa: E402


class Busy:
    """Answers ``421`` (try later) to the first ``busy`` recipients, then accepts."""

    def __init__(self, busy: int, code: str = "421 4.3.2 try again later") -> None:
        self.busy, self.code, self.accepted = busy, code, 0

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001
        if self.busy > 0:
            self.busy -= 1
            return self.code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.accepted += 1
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[tuple[Busy, int]]:
    handler = Busy(*request.param)
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=_port())
    controller.start()
    yield handler, controller.port
    controller.stop(no_assert=True)


def _message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "p@example.org", "a@example.com", "week"
    msg.set_content("hello")
    return msg


def _pacer(port: int, **kwargs: Any) -> tuple[Pacer, list[float]]:
    waits: list[float] = []
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="p@example.org")
    return Pacer(settings, sleep=waits.append, **kwargs), waits


@pytest.mark.parametrize("server", [(2,)], indirect=True)
def test_a_busy_server_is_retried_with_growing_waits(server: tuple[Busy, int]) -> None:
    handler, port = server
    pacer, waits = _pacer(port, per_minute=100_000)
    assert pacer.send(_message()) == 3
    assert handler.accepted == 1
    assert [w for w in waits if w >= 1] == [2.0, 4.0]  # exponential back-off from 2 s


@pytest.mark.parametrize("server", [(9,)], indirect=True)
def test_retries_end_with_the_servers_answer(server: tuple[Busy, int]) -> None:
    handler, port = server
    pacer, _ = _pacer(port, per_minute=100_000, attempts=3)
    with pytest.raises(MailError, match="421") as caught:
        pacer.send(_message())
    assert caught.value.temporary and pacer.tries == 3 and handler.accepted == 0


@pytest.mark.parametrize("server", [(1, "550 5.1.1 no such user")], indirect=True)
def test_a_permanent_refusal_is_not_retried(server: tuple[Busy, int]) -> None:
    _, port = server
    pacer, waits = _pacer(port, per_minute=100_000)
    with pytest.raises(MailError, match="550") as caught:
        pacer.send(_message())
    assert not caught.value.temporary and pacer.tries == 1 and not waits


@pytest.mark.parametrize("server", [(0,)], indirect=True)
def test_sends_are_spaced_to_the_rate(server: tuple[Busy, int]) -> None:
    handler, port = server
    now = [100.0]
    pacer, waits = _pacer(port, per_minute=12, clock=lambda: now[0])
    for _ in range(3):
        pacer.send(_message())
        now[0] += 1.0  # each send takes a second of the fake clock
    assert handler.accepted == 3 and waits == [4.0, 4.0]  # 12 a minute: 5 s apart


def test_a_server_that_is_not_there_is_a_temporary_failure() -> None:
    # A fake clock that only the waits move: a refusal can come back within the 0.6 ms the
    # rate allows between sends, which would add a pacing wait that depends on the machine.
    now, waits = [0.0], []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    settings = SmtpSettings(host="127.0.0.1", port=_port(), security="none", sender="p@example.org")
    pacer = Pacer(settings, per_minute=100_000, attempts=2, sleep=wait, clock=lambda: now[0])
    with pytest.raises(MailError, match="connection refused") as caught:
        pacer.send(_message())
    assert caught.value.temporary and pacer.tries == 2 and waits == [2.0]
