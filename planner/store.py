"""Embedded SQLite store for what a person made: profiles, plans, custom foods and prices.

One file, ``cramp-planner.sqlite3``, in the data directory (``CRAMP_DATA_DIR`` or the per-user
default, see :func:`default_data_dir`). The store runs in WAL mode with foreign keys on; every
write happens inside a transaction, so a crash or a killed process never leaves half a write
behind and never loses what was already saved.

The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from
an empty file to the current version and :func:`apply_migrations` runs the missing ones, each
in its own transaction. A file written by a newer version of the program is refused rather
than guessed at.

The store speaks plain dictionaries (profiles, plans and requests as JSON-ready mappings) so
it does not depend on the modules that validate them; the CLI and the dashboard validate first
(e.g. with :mod:`planner.domain.profile`) and store ``to_dict()``.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp, Store.open(pathlib.Path(tmp)) as store:
...     store.save_profile("anna", {"age": 52, "sex": "female"})
...     store.get_profile("anna")["age"]
52
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from foods.errors import UserError
from foods.vocabulary import FOOD_ID_RULE, is_food_id

__all__ = [
    "DB_FILENAME",
    "DATA_DIR_ENV",
    "MAIL_STATES",
    "MIGRATIONS",
    "MailRecord",
    "SCHEMA_VERSION",
    "PlanSummary",
    "SavedPlan",
    "Store",
    "StoreError",
    "apply_migrations",
    "default_data_dir",
]

#: Environment variable that overrides the data directory.
DATA_DIR_ENV = "CRAMP_DATA_DIR"
#: File name of the database inside the data directory.
DB_FILENAME = "cramp-planner.sqlite3"
#: Directory name used under the per-user data location.
APP_DIR_NAME = "cramp-planner"
#: ``PRAGMA application_id`` stamped into our files ("CRMP"), so another program's SQLite
#: file is recognised and refused instead of being migrated.
APPLICATION_ID = 0x43524D50
#: How long a writer waits for another process's lock before giving up (milliseconds).
BUSY_TIMEOUT_MS = 5000

_PROFILE_NAME_RE = re.compile(r"[\w\- ]{1,60}")
_SOURCE_RE = re.compile(r"[a-z0-9_\-]{1,40}")


class StoreError(UserError):
    """The store cannot do what was asked; the message names the field or file and the fix."""


# --------------------------------------------------------------------------------------------
# Data directory
# --------------------------------------------------------------------------------------------


def default_data_dir() -> Path:
    """Return the directory that holds the store (not created here; :meth:`Store.open` does).

    ``CRAMP_DATA_DIR`` wins when set and not empty. Otherwise the per-user data directory:
    ``$XDG_DATA_HOME/cramp-planner`` (default ``~/.local/share/cramp-planner``) on Linux and
    other Unix systems, ``~/Library/Application Support/cramp-planner`` on macOS and
    ``%APPDATA%\\cramp-planner`` on Windows.

    Returns
    -------
    Path
        Absolute-or-home-expanded path of the data directory.
    """
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA", "").strip()
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        # The XDG spec says relative paths are invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIR_NAME


# --------------------------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------------------------

#: A migration is a sequence of SQL statements or a function of an open connection; it runs
#: inside the transaction that also bumps ``user_version``.
Migration = Sequence[str] | Callable[[sqlite3.Connection], None]

_V1_TABLES: tuple[str, ...] = (
    """
    CREATE TABLE profiles (
        name         TEXT PRIMARY KEY NOT NULL,
        profile_json TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE plans (
        id           INTEGER PRIMARY KEY,
        profile_name TEXT NULL REFERENCES profiles(name) ON DELETE SET NULL ON UPDATE CASCADE,
        week_start   TEXT NULL CHECK (week_start IS NULL OR week_start GLOB
                         '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        request_json TEXT NOT NULL,
        plan_json    TEXT NOT NULL,
        status       TEXT NOT NULL,
        created_at   TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE custom_foods (
        food_id    TEXT PRIMARY KEY NOT NULL,
        row_json   TEXT NOT NULL,
        source     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE price_overrides (
        food_id          TEXT PRIMARY KEY NOT NULL,
        price_usd_per_kg REAL NOT NULL CHECK (price_usd_per_kg > 0),
        note             TEXT NOT NULL DEFAULT '',
        updated_at       TEXT NOT NULL
    )
    """,
    f"PRAGMA application_id = {APPLICATION_ID:d}",
)

_V2_PLAN_INDEX: tuple[str, ...] = (
    "CREATE INDEX plans_by_profile_week ON plans (profile_name, week_start, id)",
)

#: One plan per saved profile and week: older duplicates (saved before this rule) are dropped,
#: keeping the newest, and saving the same week again replaces the plan in place.
_V3_ONE_PLAN_PER_WEEK: tuple[str, ...] = (
    """
    DELETE FROM plans WHERE profile_name IS NOT NULL AND week_start IS NOT NULL
        AND id NOT IN (SELECT max(id) FROM plans WHERE profile_name IS NOT NULL
                       AND week_start IS NOT NULL GROUP BY profile_name, week_start)
    """,
    """
    CREATE UNIQUE INDEX plans_one_per_week ON plans (profile_name, week_start)
        WHERE profile_name IS NOT NULL AND week_start IS NOT NULL
    """,
)

#: The week's e-mail to each saved profile: ``sending`` is written (and committed) before the
#: SMTP conversation, ``sent`` as soon as the server accepted the message, ``failed`` with the
#: reason; one row per profile and week, so a re-run sends only what was not accepted.
_V4_SENT_MAIL: tuple[str, ...] = (
    """
    CREATE TABLE week_mail (
        profile_name TEXT NOT NULL REFERENCES profiles(name)
                         ON DELETE CASCADE ON UPDATE CASCADE,
        week_start   TEXT NOT NULL,
        plan_id      INTEGER NULL REFERENCES plans(id) ON DELETE SET NULL,
        address      TEXT NOT NULL,
        message_id   TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        reason       TEXT NOT NULL DEFAULT '',
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (profile_name, week_start)
    )
    """,
)

#: Ordered migrations; ``MIGRATIONS[i]`` takes a file from ``user_version`` i to i + 1.
#: Append only: never edit a released step, add a new one.
MIGRATIONS: tuple[Migration, ...] = (
    _V1_TABLES,  # 1: profiles, plans, custom_foods, price_overrides; application_id
    _V2_PLAN_INDEX,  # 2: index for latest_plan / list_plans by profile
    _V3_ONE_PLAN_PER_WEEK,  # 3: one plan per (profile, week); saving again replaces it
    _V4_SENT_MAIL,  # 4: week_mail, what was e-mailed to whom (batch email sends once)
)

#: Schema version this code writes and understands.
SCHEMA_VERSION = len(MIGRATIONS)


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> tuple[int, int]:
    """Bring the database on ``conn`` up to ``len(migrations)``, one transaction per step.

    Each step and its ``PRAGMA user_version`` bump commit together, so an interrupted upgrade
    leaves the file at the last complete version and the next open resumes from there.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection opened with ``isolation_level=None`` (explicit transactions).
    migrations : sequence of Migration
        Steps to apply; defaults to :data:`MIGRATIONS`.

    Returns
    -------
    tuple of int
        ``(version_before, version_after)``.

    Raises
    ------
    StoreError
        When the file's version is newer than ``len(migrations)``.
    sqlite3.Error
        When a step fails (that step is rolled back; earlier steps stay).
    """
    target = len(migrations)
    before = _user_version(conn)
    if before > target:
        raise StoreError(_newer_message(before, target))
    version = before
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = _user_version(conn)
            if version >= target:
                conn.execute("COMMIT")
                break
            step = migrations[version]
            if callable(step):
                step(conn)
            else:
                for statement in step:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version += 1
    return before, _user_version(conn)


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _newer_message(found: int, supported: int, path: Path | None = None) -> str:
    where = f"{path} " if path else "the database "
    return (
        f"{where}was written by a newer cramp-planner (schema version {found}; this version "
        f"understands up to {supported}); upgrade cramp-planner, or set {DATA_DIR_ENV} to "
        "another directory to start a separate store"
    )


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    """One line of :meth:`Store.list_plans`: a saved plan without its JSON bodies.

    Attributes
    ----------
    id : int
        Row id, used by ``cramp-planner plans show ID``.
    profile_name : str or None
        Saved profile the plan was made for (None if unnamed or the profile was deleted).
    week_start : datetime.date or None
        First day of the planned week, if the plan was made for a calendar week.
    status : str
        Plan status as stored (``optimal``, ``feasible``, ``partial``, ``infeasible``, ...).
    created_at : str
        When the plan was saved, UTC ISO-8601.
    """

    id: int
    profile_name: str | None
    week_start: date | None
    status: str
    created_at: str


@dataclass(frozen=True)
class SavedPlan:
    """A plan read back from the store, with the request that produced it.

    Attributes
    ----------
    id : int
        Row id.
    profile_name : str or None
        Saved profile the plan was made for (None if unnamed or the profile was deleted).
    week_start : datetime.date or None
        First day of the planned week.
    created_at : str
        When the plan was saved, UTC ISO-8601.
    request : dict
        The planning request as saved (JSON-ready).
    plan : dict
        The plan in the plan JSON shape of docs/contract.md, exactly as saved.
    """

    id: int
    profile_name: str | None
    week_start: date | None
    created_at: str
    request: dict[str, Any]
    plan: dict[str, Any]

    @property
    def status(self) -> str:
        """Plan status (``plan["status"]``, or ``"unknown"`` if the plan has none)."""
        status = self.plan.get("status")
        return status if isinstance(status, str) else "unknown"


# --------------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------------


#: The states of a week's e-mail (see migration 4).
MAIL_STATES = ("sending", "sent", "failed")


@dataclass(frozen=True)
class MailRecord:
    """The week's e-mail to one saved profile: the plan, the address, the Message-ID, its
    state (``sending``, ``sent``, ``failed``), the attempts made and the last reason."""

    profile_name: str
    week_start: date
    plan_id: int | None
    address: str
    message_id: str
    state: str
    attempts: int = 0
    reason: str = ""


class Store:
    """An open store; use :meth:`Store.open` and close it (or use it as a context manager).

    A ``Store`` wraps one SQLite connection and belongs to the thread that opened it; opening
    is cheap, so open one per request, page run or command. Several processes may open the same
    file at once: readers never block, writers wait up to ``BUSY_TIMEOUT_MS``.

    Every error a person can cause or fix (bad name, missing profile, unreadable file, a file
    from a newer version) is a :class:`StoreError` whose message names the field or the path.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        """Wrap an already prepared connection; prefer :meth:`Store.open`."""
        self._conn = conn
        self._path = path
        self._depth = 0  # nesting level of transaction()

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | str | None = None) -> Store:
        """Open (creating and migrating if needed) the store in ``data_dir``.

        Parameters
        ----------
        data_dir : Path, str or None
            Directory that holds ``cramp-planner.sqlite3``; None means
            :func:`default_data_dir`. Created with its parents if missing.

        Returns
        -------
        Store
            An open store at :data:`SCHEMA_VERSION`.

        Raises
        ------
        StoreError
            When the directory cannot be created or written, the file is not a SQLite
            database or is damaged, or it comes from a newer version of the program.
        """
        directory = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        path = directory / DB_FILENAME
        if path.is_file() and not os.access(directory, os.W_OK):
            return cls._open_read_only(path)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the data directory {directory}: {exc.strerror or exc}; "
                f"create it yourself or set {DATA_DIR_ENV} to a writable directory"
            ) from exc
        if not directory.is_dir():
            raise StoreError(
                f"data directory {directory} is not a directory; "
                f"set {DATA_DIR_ENV} to a writable directory"
            )
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(_open_failure(path, exc)) from exc
        try:
            _prepare(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def _open_read_only(cls, path: Path) -> Store:
        """Open a store whose folder cannot be written (a read-only disk or share): everything
        can be read; a write fails with a message saying the folder is read-only."""
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            version = _user_version(conn)
        except sqlite3.Error as exc:
            raise StoreError(_open_failure(path, exc)) from exc
        if version != SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{path} is read-only and needs an upgrade to this cramp-planner's format "
                f"(version {version} → {SCHEMA_VERSION}); make {path.parent} writable once, "
                f"or set {DATA_DIR_ENV} to a writable directory"
            )
        return cls(conn, path)

    @property
    def path(self) -> Path:
        """Path of the database file."""
        return self._path

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version`` of the open file."""
        return _user_version(self._conn)

    def close(self) -> None:
        """Close the connection (idempotent). Uncommitted work is rolled back."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions and error mapping ----------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one atomic transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).

        Nested uses join the outermost transaction, so several API calls can be made atomic
        together::

            with store.transaction():
                for plan in plans:
                    store.save_plan(plan, request)

        On any exception the whole transaction is rolled back and the exception re-raised
        (SQLite errors as :class:`StoreError`).
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._errors("write to"):
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            with self._errors("write to"):
                self._conn.execute("COMMIT")
        finally:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn SQLite errors into a :class:`StoreError` naming the file and the fix."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(_sqlite_failure(self._path, action, exc)) from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._errors("read"):
            cursor = self._conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self.transaction(), self._errors("write to"):
            return self._conn.execute(sql, params)

    # -- profiles --------------------------------------------------------------------------

    def save_profile(self, name: str, profile: Mapping[str, Any]) -> None:
        """Insert or replace the profile saved under ``name``.

        Parameters
        ----------
        name : str
            1-60 characters: letters, digits, spaces, ``-`` and ``_``; no leading or trailing
            space. Case-sensitive.
        profile : Mapping
            The profile as a JSON-ready dict (``Profile.to_dict()``); stored as sorted JSON.

        Raises
        ------
        StoreError
            When the name is invalid or the profile is not JSON-serialisable.
        """
        _check_profile_name(name)
        text = _to_json(_as_mapping(profile, "profile"), "profile")
        now = _now_iso()
        self._write(
            """
            INSERT INTO profiles (name, profile_json, created_at, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET
                profile_json = excluded.profile_json, updated_at = excluded.updated_at
            """,
            (name, text, now, now),
        )

    def get_profile(self, name: str) -> dict[str, Any]:
        """Return the profile dict saved under ``name``.

        Raises
        ------
        StoreError
            ``no saved profile named 'x'; saved: a, b`` when there is none.
        """
        _check_profile_name(name)
        rows = self._read("SELECT profile_json FROM profiles WHERE name = ?", (name,))
        if not rows:
            raise StoreError(self._missing_profile_message(name))
        return _from_json(rows[0]["profile_json"], f"profile {name!r}", self._path)

    def list_profiles(self) -> list[dict[str, str]]:
        """Return ``[{"name", "updated_at"}, ...]`` for every saved profile, sorted by name."""
        rows = self._read("SELECT name, updated_at FROM profiles ORDER BY name")
        return [{"name": row["name"], "updated_at": row["updated_at"]} for row in rows]

    def profile_info(self, name: str) -> dict[str, str]:
        """Return ``{"name", "created_at", "updated_at"}`` of a saved profile."""
        _check_profile_name(name)
        rows = self._read(
            "SELECT name, created_at, updated_at FROM profiles WHERE name = ?", (name,)
        )
        if not rows:
            raise StoreError(self._missing_profile_message(name))
        return dict(rows[0])

    def delete_profile(self, name: str) -> int:
        """Delete a saved profile; its plans stay, with ``profile_name`` set to NULL.

        Returns
        -------
        int
            Number of saved plans that belonged to the profile (now unnamed).

        Raises
        ------
        StoreError
            When no profile has that name.
        """
        _check_profile_name(name)
        with self.transaction():
            (count,) = self._read("SELECT count(*) FROM plans WHERE profile_name = ?", (name,))[0]
            deleted = self._write("DELETE FROM profiles WHERE name = ?", (name,)).rowcount
            if deleted == 0:
                raise StoreError(self._missing_profile_message(name))
        return int(count)

    def _missing_profile_message(self, name: str) -> str:
        names = [row["name"] for row in self._read("SELECT name FROM profiles ORDER BY name")]
        saved = ", ".join(names) if names else "none yet"
        return f"no saved profile named {name!r}; saved: {saved}"

    # -- plans -----------------------------------------------------------------------------

    def save_plan(
        self,
        plan: Mapping[str, Any],
        request: Mapping[str, Any],
        *,
        profile_name: str | None = None,
        week_start: date | None = None,
    ) -> int:
        """Save a plan and the request that produced it; return its id.

        A plan for a saved profile and a week replaces that profile's plan for the week (same
        id, new contents and time): a week is never saved twice.

        Parameters
        ----------
        plan : Mapping
            Plan JSON (contract of docs/contract.md; ``plan["status"]`` is copied to the ``status``
            column). Objects with a ``to_dict()`` method are accepted too.
        request : Mapping
            The planning request, JSON-ready (or with ``to_dict()``).
        profile_name : str or None
            Saved profile the plan belongs to; it must exist.
        week_start : datetime.date or None
            First day of the planned week (used by :meth:`latest_plan` for rotation).

        Returns
        -------
        int
            Id of the saved plan.

        Raises
        ------
        StoreError
            When a value is not JSON-serialisable, ``status`` is not a string, the week is not
            a date, or ``profile_name`` names no saved profile.
        """
        plan_dict = _as_mapping(plan, "plan")
        plan_text = _to_json(plan_dict, "plan")
        request_text = _to_json(_as_mapping(request, "request"), "request")
        status = plan_dict.get("status", "unknown")
        if not isinstance(status, str) or not status:
            raise StoreError(f"plan.status: expected a non-empty string, got {status!r}")
        week = _week_text(week_start)
        if profile_name is not None:
            _check_profile_name(profile_name)
        with self.transaction():
            if profile_name is not None and not self._read(
                "SELECT 1 FROM profiles WHERE name = ?", (profile_name,)
            ):
                raise StoreError("profile_name: " + self._missing_profile_message(profile_name))
            row = self._write(
                """
                INSERT INTO plans
                    (profile_name, week_start, request_json, plan_json, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (profile_name, week_start)
                    WHERE profile_name IS NOT NULL AND week_start IS NOT NULL
                DO UPDATE SET request_json = excluded.request_json,
                    plan_json = excluded.plan_json, status = excluded.status,
                    created_at = excluded.created_at
                RETURNING id
                """,
                (profile_name, week, request_text, plan_text, status, _now_iso()),
            ).fetchone()
        return int(row[0])

    def get_plan(self, plan_id: int) -> SavedPlan:
        """Return the saved plan with id ``plan_id``.

        Raises
        ------
        StoreError
            When there is no such plan.
        """
        if isinstance(plan_id, bool) or not isinstance(plan_id, int):
            raise StoreError(f"plan id: expected a whole number, got {plan_id!r}")
        rows = self._read(f"SELECT {_PLAN_COLUMNS} FROM plans WHERE id = ?", (plan_id,))
        if not rows:
            raise StoreError(
                f"no saved plan with id {plan_id}; see the ids with 'cramp-planner plans list'"
            )
        return self._saved_plan(rows[0])

    def list_plans(self, profile_name: str | None = None) -> list[PlanSummary]:
        """Return summaries of saved plans, newest first, optionally for one profile."""
        sql = "SELECT id, profile_name, week_start, status, created_at FROM plans"
        params: tuple[Any, ...] = ()
        if profile_name is not None:
            _check_profile_name(profile_name)
            sql += " WHERE profile_name = ?"
            params = (profile_name,)
        rows = self._read(sql + " ORDER BY created_at DESC, id DESC", params)
        return [
            PlanSummary(
                id=row["id"],
                profile_name=row["profile_name"],
                week_start=_parse_week(row["week_start"]),
                status=row["status"],
                created_at=row["created_at"],
            )
            for row in rows
        ]

    def latest_plan(self, profile_name: str, before_week: date | None = None) -> SavedPlan | None:
        """Return the profile's most recent plan, for week-to-week rotation.

        Parameters
        ----------
        profile_name : str
            Saved profile name.
        before_week : datetime.date or None
            When given, only plans whose ``week_start`` is strictly earlier count (plans
            without a week are ignored). When None, plans with a week come first, latest week
            first; plans without a week follow, newest first.

        Returns
        -------
        SavedPlan or None
            The latest matching plan (the last saved one if several share a week), or None.
        """
        _check_profile_name(profile_name)
        sql = f"SELECT {_PLAN_COLUMNS} FROM plans WHERE profile_name = ?"
        params: list[Any] = [profile_name]
        if before_week is not None:
            sql += " AND week_start < ?"
            params.append(_week_text(before_week))
        sql += " ORDER BY week_start IS NULL, week_start DESC, id DESC LIMIT 1"
        rows = self._read(sql, params)
        return self._saved_plan(rows[0]) if rows else None

    def _saved_plan(self, row: sqlite3.Row) -> SavedPlan:
        where = f"plan {row['id']}"
        return SavedPlan(
            id=row["id"],
            profile_name=row["profile_name"],
            week_start=_parse_week(row["week_start"]),
            created_at=row["created_at"],
            request=_from_json(row["request_json"], f"{where} request", self._path),
            plan=_from_json(row["plan_json"], where, self._path),
        )

    # -- the week's e-mail ------------------------------------------------------------------

    def mail_record(self, profile_name: str, week: date) -> MailRecord | None:
        """What was done about ``profile_name``'s e-mail for the week starting ``week``."""
        _check_profile_name(profile_name)
        rows = self._read(
            "SELECT * FROM week_mail WHERE profile_name = ? AND week_start = ?",
            (profile_name, _week_text(week)),
        )
        if not rows:
            return None
        row = rows[0]
        return MailRecord(
            row["profile_name"], _parse_week(row["week_start"]) or week, row["plan_id"],
            row["address"], row["message_id"], row["state"], row["attempts"], row["reason"],
        )  # fmt: skip

    def record_mail(self, record: MailRecord) -> None:
        """Save (or replace) the state of a profile's e-mail for a week, in one transaction."""
        _check_profile_name(record.profile_name)
        if record.state not in MAIL_STATES:
            raise StoreError(f"mail state: {record.state!r} is not one of {MAIL_STATES}")
        with self.transaction():
            self._write(
                """
                INSERT INTO week_mail (profile_name, week_start, plan_id, address, message_id,
                                       state, attempts, reason, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (profile_name, week_start) DO UPDATE SET
                    plan_id = excluded.plan_id, address = excluded.address,
                    message_id = excluded.message_id, state = excluded.state,
                    attempts = excluded.attempts, reason = excluded.reason,
                    updated_at = excluded.updated_at
                """,
                (record.profile_name, _week_text(record.week_start), record.plan_id,
                 record.address, record.message_id, record.state, record.attempts,
                 record.reason, _now_iso()),
            )  # fmt: skip

    # -- custom foods ----------------------------------------------------------------------

    def save_custom_food(self, row: Mapping[str, Any], *, source: str = "user") -> None:
        """Insert or replace a person's own food row (keyed by ``row["food_id"]``).

        The row is stored as given (sorted JSON); checking it against ``foods/schema.csv`` is
        the food layer's job.

        Parameters
        ----------
        row : Mapping
            Food row with at least ``food_id`` (lower-case letters, digits, ``_``).
        source : str
            Where it came from, e.g. ``"user"`` (typed in or CSV) or ``"fdc"`` (imported).

        Raises
        ------
        StoreError
            When ``food_id`` or ``source`` is invalid or the row is not JSON-serialisable.
        """
        mapping = _as_mapping(row, "custom food")
        food_id = mapping.get("food_id")
        _check_food_id(food_id)
        if not isinstance(source, str) or not _SOURCE_RE.fullmatch(source):
            raise StoreError(
                f"source: {source!r} is not valid; use a short lower-case word like 'user'"
            )
        text = _to_json(mapping, f"custom food {food_id!r}")
        now = _now_iso()
        self._write(
            """
            INSERT INTO custom_foods (food_id, row_json, source, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (food_id) DO UPDATE SET
                row_json = excluded.row_json, source = excluded.source,
                updated_at = excluded.updated_at
            """,
            (food_id, text, source, now, now),
        )

    def list_custom_foods(self) -> list[dict[str, Any]]:
        """Return every saved custom food row (as saved), sorted by ``food_id``."""
        rows = self._read("SELECT food_id, row_json FROM custom_foods ORDER BY food_id")
        return [
            _from_json(r["row_json"], f"custom food {r['food_id']!r}", self._path) for r in rows
        ]

    def delete_custom_food(self, food_id: str) -> None:
        """Delete a custom food.

        Raises
        ------
        StoreError
            When no custom food has that id.
        """
        _check_stored_id(food_id)  # any saved id, even one the rules no longer accept
        with self.transaction():
            if self._write("DELETE FROM custom_foods WHERE food_id = ?", (food_id,)).rowcount:
                return
            ids = [r["food_id"] for r in self._read("SELECT food_id FROM custom_foods")]
            saved = ", ".join(sorted(ids)) if ids else "none"
            raise StoreError(f"no custom food with food_id {food_id!r}; saved: {saved}")

    # -- price overrides -------------------------------------------------------------------

    def set_price_override(self, food_id: str, usd_per_kg: float, note: str = "") -> None:
        """Set (or replace) the price a person pays for a food.

        Parameters
        ----------
        food_id : str
            Catalogue or custom food id.
        usd_per_kg : float
            Price in USD per kg of edible food; finite and > 0.
        note : str
            Free text, e.g. the shop or the date.

        Raises
        ------
        StoreError
            When a value is invalid.
        """
        _check_food_id(food_id)
        if isinstance(usd_per_kg, bool) or not isinstance(usd_per_kg, int | float):
            raise StoreError(f"price_usd_per_kg: expected a number, got {usd_per_kg!r}")
        price = float(usd_per_kg)
        if not math.isfinite(price) or price <= 0:
            raise StoreError(
                f"price_usd_per_kg: {usd_per_kg!r} for {food_id!r} must be a positive number "
                "of US dollars per kg"
            )
        if not isinstance(note, str):
            raise StoreError(f"note: expected text, got {type(note).__name__}")
        self._write(
            """
            INSERT INTO price_overrides (food_id, price_usd_per_kg, note, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (food_id) DO UPDATE SET
                price_usd_per_kg = excluded.price_usd_per_kg, note = excluded.note,
                updated_at = excluded.updated_at
            """,
            (food_id, price, note, _now_iso()),
        )

    def price_overrides(self) -> dict[str, float]:
        """Return ``{food_id: price_usd_per_kg}`` for every override."""
        rows = self._read("SELECT food_id, price_usd_per_kg FROM price_overrides ORDER BY 1")
        return {row["food_id"]: float(row["price_usd_per_kg"]) for row in rows}

    def price_override_notes(self) -> dict[str, str]:
        """Return ``{food_id: note}`` for every override."""
        rows = self._read("SELECT food_id, note FROM price_overrides ORDER BY food_id")
        return {row["food_id"]: row["note"] for row in rows}

    def clear_price_override(self, food_id: str) -> bool:
        """Remove a price override; return whether there was one (clearing is idempotent)."""
        _check_stored_id(food_id)
        cursor = self._write("DELETE FROM price_overrides WHERE food_id = ?", (food_id,))
        return cursor.rowcount > 0


_PLAN_COLUMNS = "id, profile_name, week_start, created_at, request_json, plan_json"


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Set pragmas, check the file is ours and migrate it; raise StoreError on failure."""
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Reading the schema is the first real look at the file: a non-database fails here.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(
                f"{path}: could not switch the database to WAL mode (got {mode!r}); keep "
                f"the data directory on a local disk or set {DATA_DIR_ENV} to one"
            )
        conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: no corruption on crash
        version = _user_version(conn)
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if app_id not in (0, APPLICATION_ID) or (version == 0 and has_tables):
            raise StoreError(
                f"{path} is a SQLite database that cramp-planner did not create; move it "
                f"aside or set {DATA_DIR_ENV} to another directory"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(_newer_message(version, SCHEMA_VERSION, path))
        apply_migrations(conn)
    except sqlite3.Error as exc:
        raise StoreError(_open_failure(path, exc)) from exc


def _open_failure(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "encrypted" in text
    ):
        return (
            f"{path} is not a readable cramp-planner database ({text}); move the file aside "
            f"(e.g. rename it to {path.name}.bad) to start an empty store, or set "
            f"{DATA_DIR_ENV} to another directory"
        )
    return _sqlite_failure(path, "open", exc)


def _sqlite_failure(path: Path, action: str, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        fix = "another cramp-planner is writing to it; wait a moment and try again"
    elif "readonly" in text or "unable to open" in text or "permission" in text.lower():
        fix = f"check that the file and its directory are writable, or set {DATA_DIR_ENV}"
    elif "malformed" in text or "not a database" in text:
        fix = f"move the file aside to start an empty store, or set {DATA_DIR_ENV}"
    elif "disk" in text or "full" in text:
        fix = "free some disk space and try again"
    else:
        fix = f"set {DATA_DIR_ENV} to another directory if the problem persists"
    return f"could not {action} the store {path} ({text}); {fix}"


def _now_iso() -> str:
    """Current time, UTC ISO-8601 with microseconds (e.g. 2024-06-03T07:15:00.123456+00:00)."""
    return _utcnow().isoformat(timespec="microseconds")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _check_profile_name(name: object) -> None:
    if not isinstance(name, str):
        raise StoreError(f"name: expected text, got {type(name).__name__}")
    if not _PROFILE_NAME_RE.fullmatch(name) or name != name.strip():
        raise StoreError(
            f"name: {name!r} is not a valid profile name; use 1-60 letters, digits, spaces, "
            "'-' or '_', not starting or ending with a space"
        )


def _check_food_id(food_id: object) -> None:
    if not is_food_id(food_id):
        raise StoreError(f"food_id: {food_id!r} is not valid; use {FOOD_ID_RULE}")


def _check_stored_id(food_id: object) -> None:
    """An id to remove: any text a record could have been saved under (so a record saved
    before the id rule tightened can still be removed)."""
    if not isinstance(food_id, str) or not 0 < len(food_id) <= 200:
        raise StoreError(f"food_id: {food_id!r} is not an id; copy it from `foods list`")


def _as_mapping(value: object, what: str) -> Mapping[str, Any]:
    """Accept a Mapping or an object with ``to_dict()``; anything else is a StoreError."""
    if not isinstance(value, Mapping):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            value = to_dict()
    if not isinstance(value, Mapping):
        raise StoreError(f"{what}: expected a mapping (dict), got {type(value).__name__}")
    return value


def _to_json(value: Mapping[str, Any], what: str) -> str:
    """Sorted, strict JSON (no NaN/Infinity, string keys only)."""
    try:
        return json.dumps(value, sort_keys=True, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{what}: cannot be saved as JSON ({exc}); use only text, numbers (not NaN or "
            "infinity), true/false, null, lists and dicts with text keys"
        ) from exc


def _from_json(text: str, what: str, path: Path) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{what} in {path} is not valid JSON ({exc}); the file was changed outside "
            "cramp-planner; delete the entry and save it again"
        ) from exc
    if not isinstance(value, dict):
        raise StoreError(f"{what} in {path} is not a JSON object; delete it and save it again")
    return value


def _week_text(week: object) -> str | None:
    if week is None:
        return None
    if isinstance(week, datetime):
        week = week.date()
    if isinstance(week, date):
        return week.isoformat()
    if isinstance(week, str):
        try:
            return date.fromisoformat(week).isoformat()
        except ValueError:
            pass
    raise StoreError(f"week_start: {week!r} is not a date; use YYYY-MM-DD")


def _parse_week(text: str | None) -> date | None:
    """The stored week, or None when there is none or it is not a real date (a file edited
    outside cramp-planner must not lock anyone out of their plans)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
