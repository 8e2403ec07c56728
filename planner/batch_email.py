"""Batch e-mail: plan next week for many saved profiles and send each person with an address
their week — the same message ``cramp-planner email`` sends — once.

Planning is :func:`planner.batch.batch_plan` (a process pool or a Ray cluster); each worker
also builds its person's message beside the plan, and the driver sends it as the plan is saved
(a week found already saved has its message built in the driver), paced by
``max_per_minute``. The store records each person's e-mail for the week (``week_mail``):
``sending`` is committed before the SMTP conversation and ``sent`` as soon as the server
accepted the message, so a re-run sends to nobody who got the week. A batch killed between the
server's acceptance and that commit (a window of milliseconds) resends on the next run with
the same ``Message-ID``, which mail clients use to drop a duplicate; the outcome says so.

Temporary failures (a 4xx reply, a dropped or refused connection, a timeout) are retried with
exponential back-off (tenacity); a permanent one (5xx: an unknown mailbox, a refused message)
is that person's reason, and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import tenacity

from foods.errors import UserError
from foods.text import one_line
from planner import services
from planner.batch import BatchSummary, Hooks, MailSpec, Outcome, batch_plan
from planner.domain.weekly import week_start
from planner.outputs.mailer import MailError, SmtpSettings, send_message
from planner.store import MailRecord, Store

if TYPE_CHECKING:
    import pandas as pd

#: Default pace of sending (messages a minute), well under what hosted SMTP services allow.
DEFAULT_PER_MINUTE = 60.0


@dataclass
class Pacer:
    """Sends through one server at most ``per_minute`` times a minute, retrying temporary
    failures up to ``attempts`` times with waits of ``first_wait_s``, 2×, 4×, … (≤ 120 s).

    ``sleep`` and ``clock`` are the waiting and the monotonic clock in seconds (tests give
    their own, so nothing really sleeps).
    """

    settings: SmtpSettings
    per_minute: float = DEFAULT_PER_MINUTE
    attempts: int = 5
    first_wait_s: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)
    #: Attempts the last :meth:`send` made (also when it failed).
    tries: int = field(default=0, init=False)

    def send(self, message: EmailMessage) -> int:
        """Send ``message``; return the attempts it took. Raises :class:`MailError` (the
        last one) when a permanent fault happens or the attempts run out."""
        self.tries = 0
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=tenacity.wait_exponential(multiplier=self.first_wait_s, max=120),
            retry=tenacity.retry_if_exception(lambda e: getattr(e, "temporary", False)),
            sleep=self.sleep,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                self.tries += 1
                self._pace()
                send_message(message, self.settings)
        return self.tries

    def _pace(self) -> None:
        """Wait until a send is allowed: 60 / ``per_minute`` seconds after the last one."""
        now = self.clock()
        if self._last is not None:
            wait = self._last + 60.0 / self.per_minute - now
            if wait > 0:
                self.sleep(wait)
                now = self.clock()
        self._last = now


def message_id(profile_name: str, monday: dt.date, sender: str) -> str:
    """The week's Message-ID for a person: the same on every run, so a resent week can be
    recognised as the same message (RFC 5322 §3.6.4)."""
    digest = hashlib.sha256(profile_name.encode("utf-8")).hexdigest()[:16]
    domain = sender.rpartition("@")[2] or "cramp-planner.invalid"
    return f"<week-{monday.isoformat()}-{digest}@{domain}>"


@dataclass
class _Mailer:
    """The driver's part of ``batch email``: one person's week sent once (see the module)."""

    monday: dt.date
    pacer: Pacer
    #: The food table, read only if the driver must build a message itself (a week found
    #: already saved); workers build the others.
    _foods: pd.DataFrame | None = field(default=None, init=False)

    def spec(
        self, store: Store, name: str, profile: Mapping[str, Any], monday: dt.date
    ) -> MailSpec | None:
        """The e-mail the person's worker builds beside the plan: none without an address or
        when the week was already sent."""
        address = profile.get("email")
        record = store.mail_record(name, monday)
        if not address or (record is not None and record.state == "sent"):
            return None
        sender = self.pacer.settings.sender
        return MailSpec(str(address), sender, message_id(name, monday, sender), monday)

    def __call__(self, outcome: Outcome, built: EmailMessage | None = None) -> Outcome:
        with Store.open() as store:
            address = store.get_profile(outcome.name).get("email")
            if not address:
                return replace(outcome, mail="no address", mail_reason=(
                    "the profile has no email; add \"email\" to it and save it again"))  # fmt: skip
            record = store.mail_record(outcome.name, self.monday)
            if record is not None and record.state == "sent":
                return replace(outcome, mail="already sent",
                               mail_reason=f"sent to {record.address} before")  # fmt: skip
            plan_id = self._plan_id(store, outcome)
            msg_id = message_id(outcome.name, self.monday, self.pacer.settings.sender)
            message = built if built is not None and built["To"] == address else None
            if message is None:  # planned before (a resumed batch), or the worker could not
                try:
                    message = self._build(store.get_plan(plan_id).plan, str(address), outcome)
                except UserError as exc:
                    return replace(outcome, mail="not sent", mail_reason=one_line(exc))
                del message["Message-ID"]
                message["Message-ID"] = msg_id
            sending = MailRecord(outcome.name, self.monday, plan_id, str(address), msg_id,
                                 "sending", record.attempts if record else 0)  # fmt: skip
            store.record_mail(sending)
            resent = record is not None and record.state == "sending"
            return self._send(store, outcome, sending, message, resent)

    def _plan_id(self, store: Store, outcome: Outcome) -> int:
        """The id of the plan saved for the person's week."""
        if outcome.plan_id is not None:
            return outcome.plan_id
        return next(p.id for p in store.list_plans(outcome.name) if p.week_start == self.monday)

    def _food_table(self) -> pd.DataFrame:
        if self._foods is None:
            self._foods = services.person_foods().table
        return self._foods

    def _build(self, plan: Mapping[str, Any], address: str, outcome: Outcome) -> EmailMessage:
        """The week's e-mail, built here in the driver."""
        return services.week_message(
            plan, self._food_table(), to=address, week_of=self.monday, profile_label=outcome.name,
            sender=self.pacer.settings.sender,
        )  # fmt: skip

    def _send(self, store: Store, outcome: Outcome, record: MailRecord,
              message: EmailMessage, resent: bool) -> Outcome:  # fmt: skip
        """Send with pacing and retries; record ``sent`` or ``failed`` with the reason."""
        try:
            attempts = self.pacer.send(message)
        except MailError as exc:
            reason = one_line(exc)
            store.record_mail(replace(record, state="failed", reason=reason,
                                      attempts=record.attempts + self.pacer.tries))  # fmt: skip
            return replace(outcome, mail="not sent", mail_reason=reason)
        store.record_mail(replace(record, state="sent", attempts=record.attempts + attempts))
        note = (
            "resent: an earlier run stopped while sending it (same Message-ID, so a mail "
            "client shows one)"
            if resent
            else f"sent to {record.address}"
        )
        return replace(outcome, mail="sent", mail_reason=note, attempts=attempts)


def batch_email(
    week_of: dt.date,
    names: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    ray_address: str | None = None,
    pacer: Pacer | None = None,
    hooks: Hooks | None = None,
    failed: Sequence[Outcome] = (),
    day_time_limit_s: float | None = None,
    days: int | None = None,
) -> BatchSummary:
    """Plan (or find saved) the week of ``week_of`` for ``names`` (default: every saved
    profile) and send each person with an address their week, once.

    The server settings (``CRAMP_SMTP_*``) are checked before anything is planned;
    ``pacer`` sets the pace and retries (default: from the environment, 60 a minute).
    """
    pacer = pacer or Pacer(SmtpSettings.from_env())
    mailer = _Mailer(week_start(week_of), pacer)
    return batch_plan(
        week_of,
        names,
        workers=workers,
        ray_address=ray_address,
        hooks=replace(hooks or Hooks(), finish=mailer),
        failed=failed,
        mail_for=mailer.spec,
        day_time_limit_s=day_time_limit_s,
        days=days,
    )
