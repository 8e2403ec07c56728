"""Batch planning: next week for every saved profile (or some), in a pool of processes.

A use case beside :mod:`planner.services`, for a practice or a programme with many people.
Each person is an independent task: a worker process plans the week exactly as
``cramp-planner plan --profile-name NAME --week-of DAY --save`` does (the same request, the
person's foods and prices, last week's dishes rotated away) and hands the plan back; the
driver alone writes the SQLite store, one short transaction per person, so a batch killed at
any moment keeps every plan it saved. Running the same batch again skips each person whose
week is already saved. A profile that fails (no longer valid, no plan possible) is recorded
with its reason and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foods.errors import UserError
from foods.text import one_line
from planner import services
from planner.domain.profile import load_profile, profile_from_dict
from planner.domain.request import PlanRequest
from planner.domain.weekly import rotation_penalties, week_start
from planner.store import Store

if TYPE_CHECKING:
    import pandas as pd

#: The request ``cramp-planner plan`` makes with its default options (a 7-day week, 20 s).
PLAN_OPTIONS: Mapping[str, Any] = {"days": 7, "time_limit_s": 20.0}


@dataclass(frozen=True)
class Outcome:
    """What happened to one person: ``planned`` (with the saved plan id and its status),
    ``skipped`` (the week was already saved) or ``failed`` (with the reason)."""

    name: str
    result: str
    plan_id: int | None = None
    status: str = ""
    reason: str = ""
    #: For ``batch email``: ``sent``, ``already sent``, ``no address`` or ``not sent``, the
    #: reason, and the attempts the send took.
    mail: str = ""
    mail_reason: str = ""
    attempts: int = 0


@dataclass
class BatchSummary:
    """The outcomes of a batch, the week's Monday and the wall time in seconds."""

    monday: dt.date
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, result: str) -> int:
        """How many people had ``result`` (planned, skipped, failed)."""
        return sum(1 for o in self.outcomes if o.result == result)

    def count_mail(self, mail: str) -> int:
        """How many people's e-mail ended as ``mail`` (sent, already sent, no address, ...)."""
        return sum(1 for o in self.outcomes if o.mail == mail)

    @property
    def emailed(self) -> bool:
        """True when this batch also sent the week's e-mails."""
        return any(o.mail for o in self.outcomes)

    def headline(self) -> str:
        """One line: the week, how many were planned, skipped, failed (and e-mailed), time."""
        text = (
            f"week of {self.monday.isoformat()}: {self.count('planned')} planned, "
            f"{self.count('skipped')} skipped, {self.count('failed')} failed"
        )
        if self.emailed:
            text += (
                f"; e-mail: {self.count_mail('sent')} sent, {self.count_mail('already sent')} "
                f"already sent, {self.count_mail('no address')} without an address, "
                f"{self.count_mail('not sent')} not sent"
            )
        return text + f" in {self.seconds:.1f} s"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: counts, seconds and one entry per person."""
        counts = {key: self.count(key) for key in ("planned", "skipped", "failed")}
        if self.emailed:
            counts |= {
                key.replace(" ", "_"): self.count_mail(key)
                for key in ("sent", "already sent", "no address", "not sent")
            }
        people = [
            {k: v for k, v in vars(o).items() if self.emailed or k not in _MAIL_FIELDS}
            for o in self.outcomes
        ]
        return {"week_start": self.monday.isoformat()} | counts | {
            "seconds": round(self.seconds, 2), "people": people,
        }  # fmt: skip


_MAIL_FIELDS = ("mail", "mail_reason", "attempts")


@dataclass(frozen=True)
class MailSpec:
    """The week's e-mail a worker builds beside the plan: to, from, its Message-ID and the
    Monday of the week (so the driver only sends)."""

    to: str
    sender: str
    message_id: str
    monday: dt.date


@dataclass(frozen=True)
class _Task:
    name: str
    profile: Mapping[str, Any]
    previous: Mapping[str, Any] | None
    mail: MailSpec | None = None
    options: Mapping[str, Any] = field(default_factory=lambda: dict(PLAN_OPTIONS))


#: A worker's answer for one person: (name, plan JSON, request summary, error or "", the
#: week's e-mail when the task asked for one and it could be built).
_Result = tuple[str, dict[str, Any] | None, dict[str, Any] | None, str, EmailMessage | None]
#: Decides, in the driver, whether a person's task also builds the week's e-mail.
MailFor = Callable[[Store, str, Mapping[str, Any], dt.date], MailSpec | None]
_FOODS: pd.DataFrame | None = None


def _start_worker(foods: pd.DataFrame, serial: bool = True) -> None:
    """Keep the person's food table in the worker (sent once per process, not per task) and,
    in a pool, plan a week's chains one after the other (one solver thread per process)."""
    from planner.optimiser import week

    global _FOODS
    _FOODS = foods
    if serial:
        week.PARALLEL_CHAINS = False


def _plan(task: _Task) -> _Result:
    """Plan one person's week in a worker: ``(name, plan JSON, request summary, error)``; an
    unexpected failure of one person is that person's reason, never the batch's end."""
    from planner.optimiser.week import plan_week  # imported where a week is planned

    try:
        profile = profile_from_dict(task.profile)
    except UserError as exc:
        return task.name, None, None, f"saved profile is no longer valid: {one_line(exc)}", None
    request = PlanRequest(profile=profile, **task.options)
    request = replace(request, avoid_dishes=rotation_penalties(task.previous))
    try:
        plan = plan_week(request, _FOODS)
    except Exception as exc:  # noqa: BLE001 - recorded for this person, the batch goes on
        error = f"planning failed: {type(exc).__name__}: {one_line(exc)}"
        return task.name, None, None, error, None
    if not plan.ok:
        error = f"no plan ({plan.status.value}): {one_line(plan.message)}"
        return task.name, None, None, error, None
    data = plan.to_dict()
    return task.name, data, request.summary(), "", _message(task, data)


def _message(task: _Task, plan: Mapping[str, Any]) -> EmailMessage | None:
    """The week's e-mail for the task's person (None when not asked for, or when it cannot
    be built: the driver then builds it and reports why)."""
    if task.mail is None or _FOODS is None:
        return None
    try:
        message = services.week_message(
            plan, _FOODS, to=task.mail.to, week_of=task.mail.monday, profile_label=task.name,
            sender=task.mail.sender,
        )  # fmt: skip
    except UserError:
        return None
    del message["Message-ID"]
    message["Message-ID"] = task.mail.message_id
    return message


def _tasks(
    store: Store,
    names: Sequence[str],
    monday: dt.date,
    mail_for: MailFor | None = None,
    options: Mapping[str, Any] = PLAN_OPTIONS,
) -> tuple[list[_Task], list[str]]:
    """The people to plan (with the e-mail to build, if ``mail_for`` asks for one) and those
    whose week is already saved."""
    todo, done = [], []
    for name in names:
        if any(p.week_start == monday for p in store.list_plans(name)):
            done.append(name)
            continue
        previous = store.latest_plan(name, before_week=monday)
        profile = store.get_profile(name)
        mail = mail_for(store, name, profile, monday) if mail_for is not None else None
        todo.append(_Task(name, profile, previous.plan if previous else None, mail, options))
    return todo, done


def profiles_from_dir(folder: Path) -> tuple[list[str], list[Outcome]]:
    """Save each profile file of ``folder`` (``*.json``, ``*.toml``) under its file name
    (``ana.toml`` → ``ana``), replacing a saved one of that name; returns the names saved and
    one failed outcome per file that is not a valid profile (the file and the field named)."""
    if not folder.is_dir():
        raise UserError(f"--from-dir {folder}: not a folder; give a folder of profile files")
    names: list[str] = []
    failed: list[Outcome] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".json", ".toml") or not path.is_file():
            continue
        try:
            services.save_profile(path.stem, load_profile(path))
        except UserError as exc:
            failed.append(Outcome(path.stem, "failed", reason=one_line(exc)))
            continue
        names.append(path.stem)
    if not names and not failed:
        raise UserError(f"--from-dir {folder}: no .json or .toml profile files in it")
    return names, failed


@dataclass(frozen=True)
class Hooks:
    """What the driver does around each person: ``start(total)`` once the people are known,
    ``finish(outcome)`` after a person's plan is saved or skipped (``batch email`` sends there;
    it gets the e-mail a worker built, or None, and returns the outcome to record),
    ``done(outcome)`` once it is recorded (progress)."""

    start: Callable[[int], None] | None = None
    finish: Callable[[Outcome, EmailMessage | None], Outcome] | None = None
    done: Callable[[Outcome], None] | None = None


def batch_plan(
    week_of: dt.date,
    names: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    ray_address: str | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    hooks: Hooks | None = None,
    failed: Sequence[Outcome] = (),
    mail_for: MailFor | None = None,
    day_time_limit_s: float | None = None,
    days: int | None = None,
) -> BatchSummary:
    """Plan and save the week of ``week_of`` for ``names`` (default: every saved profile).

    ``workers`` processes plan in parallel (default: the cores; 1 plans in this process), or
    the tasks run on the Ray cluster at ``ray_address`` (``auto``: the one this machine
    belongs to); ``on_outcome`` is called in the driver as each person is done (for
    progress); ``failed`` are people already known to fail (files that are not profiles),
    reported with the rest; ``mail_for`` says whose task also builds the week's e-mail;
    ``day_time_limit_s`` is the most seconds one day's search may take and ``days`` the days
    planned from the Monday (defaults: as ``plan``, :data:`PLAN_OPTIONS`).
    """
    start = time.perf_counter()
    if ray_address is not None:
        _check_reachable(ray_address)  # at once, before any work
    summary = BatchSummary(week_start(week_of))
    with Store.open() as store:
        names = list(names) if names is not None else [p["name"] for p in store.list_profiles()]
        if not names and not failed:
            raise UserError(
                "no saved profiles to plan; save some with 'cramp-planner profile save' or "
                "give --from-dir DIR, a folder of profile files"
            )
        for name in names:
            store.get_profile(name)  # a typo stops the batch before any work, naming saved ones
        options = dict(PLAN_OPTIONS)
        if day_time_limit_s is not None:
            options["day_time_limit_s"] = day_time_limit_s
        if days is not None:
            options["days"] = days
        todo, done = _tasks(store, names, summary.monday, mail_for, options)
    foods = services.person_foods().table
    hooks = hooks or Hooks()
    if hooks.start is not None:
        hooks.start(len(names) + len(failed))

    def record(outcome: Outcome, message: EmailMessage | None = None) -> None:
        if hooks.finish is not None and outcome.result != "failed":
            outcome = hooks.finish(outcome, message)
        summary.outcomes.append(outcome)
        for call in (hooks.done, on_outcome):
            if call is not None:
                call(outcome)

    for outcome in failed:
        record(outcome)
    for name in done:
        record(Outcome(name, "skipped", reason="this week is already saved"))
    results = (
        _run_ray(todo, foods, ray_address)
        if ray_address is not None
        else _run(todo, foods, workers or os.cpu_count() or 1)
    )
    for result in results:
        record(_save(result, summary.monday), result[4])
    summary.seconds = time.perf_counter() - start
    return summary


def _run(todo: list[_Task], foods: pd.DataFrame, workers: int) -> Iterator[_Result]:
    """Each task's result, as it finishes (in this process when ``workers`` is 1)."""
    if workers <= 1 or len(todo) <= 1:
        _start_worker(foods, serial=False)  # in this process: its chains keep their threads
        yield from map(_plan, todo)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(foods,)) as pool:
        yield from (f.result() for f in as_completed(pool.submit(_plan, t) for t in todo))


def _plan_on_ray(foods: pd.DataFrame, task: _Task) -> _Result:
    """A Ray task: one person's week in a Ray worker process, planned like a pool worker."""
    _start_worker(foods)
    return _plan(task)


def _run_ray(todo: list[_Task], foods: pd.DataFrame, address: str) -> Iterator[_Result]:
    """Each task's result from the Ray cluster at ``address``, as it finishes: one CPU per
    task, the food table put in the cluster's object store once."""
    if not todo:
        return
    ray = _connect_ray(address)
    try:
        plan = ray.remote(num_cpus=1, max_retries=2)(_plan_on_ray)
        foods_ref = ray.put(foods)
        pending = [plan.remote(foods_ref, task) for task in todo]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            yield ray.get(ready[0])
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Refuse at once a ``host:port`` where nothing listens (Ray itself would retry for
    minutes); ``auto`` and ``ray://`` addresses are left to Ray."""
    if address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(
            f"--ray {address!r}: not a cluster address; give host:port (e.g. 10.0.0.5:6379, "
            "as 'ray start --head' prints it) or 'auto'"
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise UserError(
            f"--ray {address}: no Ray cluster answers there ({exc.strerror or exc}); start one "
            "with 'ray start --head' and give the address it prints, or 'auto' on a node of "
            "the cluster"
        ) from None


def _connect_ray(address: str) -> Any:
    """The ``ray`` module, connected to the cluster at ``address``; a clear error when Ray is
    not installed or the cluster cannot be reached."""
    try:
        import ray
    except ImportError:
        raise UserError(
            "--ray needs Ray, an optional extra: pip install 'cramp-planner[ray]' "
            "(or run without --ray to plan in a local process pool)"
        ) from None
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise UserError(
            f"--ray {address}: cannot connect to a Ray cluster there ({one_line(exc)}); start "
            "one with 'ray start --head' and give its address (host:port), or 'auto' for the "
            "cluster this machine belongs to"
        ) from None
    return ray


def _save(result: _Result, monday: dt.date) -> Outcome:
    """Save one person's plan (in the driver, one transaction) and say what happened."""
    name, plan, request, error, _ = result
    if error or plan is None or request is None:
        return Outcome(name, "failed", reason=error or "no plan")
    with Store.open() as store, store.transaction():
        summary = dict(request) | {"week_start": monday.isoformat()}
        plan_id = store.save_plan(plan, summary, profile_name=name, week_start=monday)
    return Outcome(name, "planned", plan_id=plan_id, status=str(plan["status"]))
