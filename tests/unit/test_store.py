"""The SQLite store and the ``profile`` / ``plans`` commands, on a real file under tmp_path."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from foods.errors import UserError
from planner import store as store_module
from planner.store import (
    APPLICATION_ID,
    DB_FILENAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    MailRecord,
    PlanSummary,
    SavedPlan,
    Store,
    StoreError,
    apply_migrations,
    default_data_dir,
)

REPO = Path(__file__).resolve().parents[2]

PROFILE: dict[str, Any] = {
    "age": 52,
    "sex": "female",
    "life_stage": None,
    "weight_kg": 70.5,
    "height_cm": 165,
    "activity": "low_active",
    "diet": "vegetarian",
    "allergies": ["peanuts"],
    "exclude_foods": ["okra_raw"],
    "like_foods": ["banana_raw", "yogurt_plain_lowfat"],
    "budget_usd_per_day": 12.5,
    "kidney_disease": False,
    "potassium_raising_medication": False,
}

REQUEST: dict[str, Any] = {"profile": PROFILE, "days": 2, "vitamin_d": "weekly"}


def _item(food_id: str, ndb_no: str, name: str, servings: float, grams: float, household: str):
    return {
        "food_id": food_id,
        "ndb_no": ndb_no,
        "name": name,
        "servings": servings,
        "grams": grams,
        "household": household,
    }


def _day(day: int, cost: float) -> dict[str, Any]:
    return {
        "day": day,
        "meals": [
            {
                "slot": "breakfast",
                "items": [
                    _item("oats_rolled", "08120", "Oats, rolled", 1, 40.0, "1/2 cup"),
                    _item("milk_lowfat", "01082", "Milk, 1% fat", 1, 244.0, "1 cup"),
                    _item("banana_raw", "09040", "Banana", 1, 118.0, "1 medium"),
                ],
            },
            {
                "slot": "lunch",
                "items": [
                    _item("lentils_boiled", "16070", "Lentils, boiled", 1.5, 297.0, "1 1/2 cup"),
                    _item("spinach_raw", "11457", "Spinach, raw", 1, 30.0, "1 cup"),
                ],
            },
            {
                "slot": "dinner",
                "items": [
                    _item(
                        "potato_baked", "11674", "Potato, baked, with skin", 1, 173.0, "1 medium"
                    ),
                    _item(
                        "yogurt_plain_lowfat", "01117", "Yogurt, plain, low fat", 1, 245.0, "1 cup"
                    ),
                ],
            },
            {
                "slot": "snack",
                "items": [_item("almonds", "12061", "Almonds", 0.5, 14.0, "12 nuts")],
            },
        ],
        "totals": {
            "energy_kcal": 1685.4,
            "potassium_mg": 4721.3,
            "magnesium_mg": 402.7,
            "calcium_mg": 1234.0,
            "vitamin_d_ug": 2.9,
            "sodium_mg": 612.8,
            "water_g": 2210.5,
        },
        "cost_usd": cost,
    }


PLAN: dict[str, Any] = {
    "status": "partial",
    "days": [_day(1, 5.12), _day(2, 4.87)],
    "targets": {
        "potassium_mg": {"min": 2600, "max": None, "basis": "AI", "source": "NASEM 2019"},
        "vitamin_d_ug": {"min": 15, "max": 100, "basis": "RDA", "source": "IOM 2011"},
        "sodium_mg": {"min": 500, "max": 2300, "basis": "CDRR", "source": "NASEM 2019"},
    },
    "shortfalls": [
        {
            "nutrient": "vitamin_d_ug",
            "day": None,
            "achieved": 2.9,
            "target": 15,
            "reason": "vegetarian diet excludes fish; no fortified foods liked",
            "best_sources": ["milk_fortified", "mushrooms_uv"],
        }
    ],
    "warnings": ["vitamin D values missing for 2 foods were counted as 0"],
    "solver": {"name": "HiGHS", "build_seconds": 0.08, "solve_seconds": 0.31, "gap": 0.0},
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv("CRAMP_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def store(data_dir: Path):
    with Store.open(data_dir) as opened:
        yield opened


def _raw(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / DB_FILENAME)


def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """Make the store's clock tick one second per call; return the list of times handed out."""
    handed: list[datetime] = []
    start = datetime(2024, 6, 3, 7, 0, 0, tzinfo=UTC)

    def tick() -> datetime:
        handed.append(start + timedelta(seconds=len(handed)))
        return handed[-1]

    monkeypatch.setattr(store_module, "_utcnow", tick)
    return handed


# --- data directory ---------------------------------------------------------------------------


def test_env_var_sets_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRAMP_DATA_DIR", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"
    assert not (tmp_path / "mine").exists()  # created on first use, not on lookup


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_DATA_HOME": "/xdg"}, Path("/xdg/cramp-planner")),
        ("linux", {}, Path("~/.local/share/cramp-planner")),
        ("linux", {"XDG_DATA_HOME": "relative"}, Path("~/.local/share/cramp-planner")),
        ("darwin", {}, Path("~/Library/Application Support/cramp-planner")),
        ("win32", {"APPDATA": "/appdata"}, Path("/appdata/cramp-planner")),
    ],
)
def test_per_user_default_data_dir(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    platform: str,
    env: dict[str, str],
    expected: Path,
) -> None:
    monkeypatch.delenv("CRAMP_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("APPDATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert default_data_dir() == Path(str(expected).replace("~", str(tmp_path)))


def test_open_creates_directory_and_uses_env(data_dir: Path) -> None:
    with Store.open() as opened:
        assert opened.path == data_dir / DB_FILENAME
    assert (data_dir / DB_FILENAME).is_file()


# --- opening: pragmas, schema, refusals -------------------------------------------------------


def test_fresh_store_pragmas_and_schema(store: Store, data_dir: Path) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"profiles", "plans", "custom_foods", "price_overrides", "week_mail"}
    # WAL mode is persistent: another connection sees it too.
    with _raw(data_dir) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopen_keeps_data_and_version(data_dir: Path) -> None:
    with Store.open(data_dir) as first:
        first.save_profile("anna", PROFILE)
    with Store.open(data_dir) as second:
        assert second.get_profile("anna") == PROFILE
        assert second.schema_version == SCHEMA_VERSION


def test_empty_file_is_migrated(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_FILENAME).write_bytes(b"")
    with Store.open(data_dir) as opened:
        assert opened.schema_version == SCHEMA_VERSION
        opened.save_profile("anna", PROFILE)


def test_hand_made_version_0_database_is_migrated(data_dir: Path) -> None:
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")  # materialise the (empty) file
    conn.close()
    assert (data_dir / DB_FILENAME).stat().st_size > 0
    with Store.open(data_dir) as opened:
        assert opened.schema_version == SCHEMA_VERSION
        opened.save_profile("anna", PROFILE)
        assert opened.list_profiles()[0]["name"] == "anna"


def _insert_anna(conn: sqlite3.Connection) -> None:
    """A profile written the way an older version wrote it (plain SQL)."""
    conn.execute(
        "INSERT INTO profiles VALUES ('anna', ?, '2024-01-01T00:00:00+00:00', "
        "'2024-01-01T00:00:00+00:00')",
        (json.dumps(PROFILE, sort_keys=True),),
    )


def test_version_1_database_is_migrated_with_its_data(data_dir: Path) -> None:
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    assert apply_migrations(conn, MIGRATIONS[:1]) == (0, 1)
    _insert_anna(conn)
    conn.close()
    with Store.open(data_dir) as opened:
        assert opened.schema_version == SCHEMA_VERSION
        assert opened.get_profile("anna") == PROFILE
        indexes = {r[0] for r in opened._conn.execute("SELECT name FROM sqlite_master")}
        assert "plans_by_profile_week" in indexes


def test_failed_migration_rolls_back_that_step_only(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom in step 3")

    steps = [*MIGRATIONS, broken]
    with pytest.raises(RuntimeError, match="boom"):
        apply_migrations(conn, steps)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchall()
    assert not conn.in_transaction
    conn.close()


def test_newer_database_is_refused(data_dir: Path) -> None:
    Store.open(data_dir).close()
    with _raw(data_dir) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError) as info:
        Store.open(data_dir)
    message = str(info.value)
    assert str(data_dir / DB_FILENAME) in message
    assert "newer cramp-planner" in message
    assert f"schema version {SCHEMA_VERSION + 5}" in message
    assert "upgrade cramp-planner" in message
    assert isinstance(info.value, UserError)


def test_non_sqlite_file_is_refused_with_the_fix(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_FILENAME).write_text("name,age\nanna,52\n" * 200)
    with pytest.raises(StoreError) as info:
        Store.open(data_dir)
    message = str(info.value)
    assert str(data_dir / DB_FILENAME) in message
    assert "not a readable cramp-planner database" in message
    assert "move the file aside" in message and "CRAMP_DATA_DIR" in message
    # Refusing must not damage the person's file.
    assert (data_dir / DB_FILENAME).read_text().startswith("name,age")


def test_corrupted_database_is_refused(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        opened.save_profile("anna", PROFILE)
    path = data_dir / DB_FILENAME
    raw = bytearray(path.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # keep the header, wreck the schema page
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="move the file aside") as info:
        Store.open(data_dir)
    assert str(path) in str(info.value)


def test_someone_elses_sqlite_file_is_refused(data_dir: Path) -> None:
    data_dir.mkdir()
    with _raw(data_dir) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    with pytest.raises(StoreError, match="did not create"):
        Store.open(data_dir)
    with _raw(data_dir) as raw:  # untouched
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0


def test_unusable_data_directory_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError) as info:
        Store.open(blocker / "data")
    assert str(blocker / "data") in str(info.value)
    assert "CRAMP_DATA_DIR" in str(info.value)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_read_only_directory_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="writable"):
            Store.open(locked)
    finally:
        locked.chmod(0o700)


# --- profiles ---------------------------------------------------------------------------------


def test_profile_round_trip_and_sorted_json(store: Store, data_dir: Path) -> None:
    store.save_profile("Anna K-2_b", PROFILE)
    assert store.get_profile("Anna K-2_b") == PROFILE
    with _raw(data_dir) as raw:
        (text,) = raw.execute("SELECT profile_json FROM profiles").fetchone()
    assert text == json.dumps(PROFILE, sort_keys=True, ensure_ascii=False)


def test_profile_upsert_updates_updated_at_only(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = _frozen_clock(monkeypatch)
    store.save_profile("anna", PROFILE)
    first = store.profile_info("anna")
    store.save_profile("anna", {**PROFILE, "weight_kg": 68})
    second = store.profile_info("anna")
    assert store.get_profile("anna")["weight_kg"] == 68
    assert second["created_at"] == first["created_at"] == times[0].isoformat("T", "microseconds")
    assert second["updated_at"] == times[1].isoformat("T", "microseconds")
    assert second["updated_at"] > first["updated_at"]
    assert second["updated_at"].endswith("+00:00")
    assert len(store.list_profiles()) == 1


def test_list_profiles_sorted_with_updated_at(store: Store) -> None:
    assert store.list_profiles() == []
    store.save_profile("ben", PROFILE)
    store.save_profile("anna", PROFILE)
    listed = store.list_profiles()
    assert [p["name"] for p in listed] == ["anna", "ben"]
    assert all(datetime.fromisoformat(p["updated_at"]).tzinfo is not None for p in listed)


def test_missing_profile_names_the_saved_ones(store: Store) -> None:
    with pytest.raises(StoreError, match="no saved profile named 'zoe'; saved: none yet"):
        store.get_profile("zoe")
    store.save_profile("ben", PROFILE)
    store.save_profile("anna", PROFILE)
    with pytest.raises(StoreError) as info:
        store.get_profile("zoe")
    assert str(info.value) == "no saved profile named 'zoe'; saved: anna, ben"
    with pytest.raises(StoreError, match="saved: anna, ben"):
        store.delete_profile("zoe")


@pytest.mark.parametrize("bad", ["", " anna", "anna ", "a" * 61, "anna/../x", "a;b", "x\n"])
def test_bad_profile_names_are_refused(store: Store, bad: str) -> None:
    with pytest.raises(StoreError, match="^name: "):
        store.save_profile(bad, PROFILE)
    assert store.list_profiles() == []


def test_name_limits_accepted(store: Store) -> None:
    store.save_profile("a" * 60, PROFILE)
    store.save_profile("Zoë 2", PROFILE)
    assert {p["name"] for p in store.list_profiles()} == {"a" * 60, "Zoë 2"}


@pytest.mark.parametrize(
    "bad",
    [{"when": date(2024, 6, 3)}, {"weight_kg": float("nan")}, {"x": {1, 2}}, {"x": float("inf")}],
)
def test_non_json_values_are_refused(store: Store, bad: dict[str, Any]) -> None:
    with pytest.raises(StoreError, match="cannot be saved as JSON"):
        store.save_profile("anna", {**PROFILE, **bad})
    with pytest.raises(StoreError, match="^plan: cannot be saved as JSON"):
        store.save_plan({**PLAN, **bad}, REQUEST)
    with pytest.raises(StoreError, match="^request: cannot be saved as JSON"):
        store.save_plan(PLAN, {**REQUEST, **bad})
    assert store.list_profiles() == [] and store.list_plans() == []


def test_objects_with_to_dict_are_accepted(store: Store) -> None:
    class Frozen:
        def to_dict(self) -> dict[str, Any]:
            return dict(PROFILE)

    store.save_profile("anna", Frozen())  # type: ignore[arg-type]
    assert store.get_profile("anna") == PROFILE
    with pytest.raises(StoreError, match="expected a mapping"):
        store.save_profile("anna", ["not", "a", "profile"])  # type: ignore[arg-type]


# --- plans ------------------------------------------------------------------------------------


def test_week_mail_record_round_trip_replace_and_cascade(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    week = date(2024, 6, 3)
    plan_id = store.save_plan(PLAN, REQUEST, profile_name="anna", week_start=week)
    assert store.mail_record("anna", week) is None
    sending = MailRecord("anna", week, plan_id, "anna@example.com", "<w@x>", "sending")
    store.record_mail(sending)
    assert store.mail_record("anna", week) == sending
    store.record_mail(MailRecord("anna", week, plan_id, "anna@example.com", "<w@x>", "sent", 2))
    saved = store.mail_record("anna", week)
    assert saved is not None and (saved.state, saved.attempts) == ("sent", 2)
    assert store._conn.execute("SELECT count(*) FROM week_mail").fetchone()[0] == 1
    with pytest.raises(StoreError, match="mail state"):
        store.record_mail(MailRecord("anna", week, plan_id, "a@b.c", "<w@x>", "lost"))
    store.delete_profile("anna")  # the person's mail records go with the profile
    assert store._conn.execute("SELECT count(*) FROM week_mail").fetchone()[0] == 0


def test_version_3_database_gains_the_mail_table_and_keeps_its_plans(data_dir: Path) -> None:
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    assert apply_migrations(conn, MIGRATIONS[:3]) == (0, 3)
    _insert_anna(conn)
    conn.close()
    with Store.open(data_dir) as opened:
        assert opened.schema_version == 4 and opened.get_profile("anna") == PROFILE
        assert opened.mail_record("anna", date(2024, 6, 3)) is None


def test_plan_round_trip(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    plan_id = store.save_plan(PLAN, REQUEST, profile_name="anna", week_start=date(2024, 6, 3))
    saved = store.get_plan(plan_id)
    assert isinstance(saved, SavedPlan)
    assert saved.plan == PLAN and saved.request == REQUEST
    assert saved.id == plan_id and saved.profile_name == "anna"
    assert saved.week_start == date(2024, 6, 3)
    assert saved.status == "partial"
    assert datetime.fromisoformat(saved.created_at).utcoffset() == timedelta(0)
    # floats survive exactly
    assert saved.plan["days"][1]["cost_usd"] == 4.87
    with pytest.raises(AttributeError):
        saved.id = 9  # type: ignore[misc]


def test_plan_without_profile_or_week(store: Store) -> None:
    plan_id = store.save_plan(PLAN, REQUEST)
    saved = store.get_plan(plan_id)
    assert saved.profile_name is None and saved.week_start is None


def test_plan_status_column_and_list(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _frozen_clock(monkeypatch)
    store.save_profile("anna", PROFILE)
    store.save_profile("ben", PROFILE)
    a1 = store.save_plan(PLAN, REQUEST, profile_name="anna", week_start=date(2024, 6, 3))
    b1 = store.save_plan({**PLAN, "status": "optimal"}, REQUEST, profile_name="ben")
    a2 = store.save_plan(PLAN, REQUEST, profile_name="anna", week_start=date(2024, 6, 10))
    listed = store.list_plans()
    assert [p.id for p in listed] == [a2, b1, a1]  # newest first
    assert listed[1] == PlanSummary(b1, "ben", None, "optimal", listed[1].created_at)
    assert [p.id for p in store.list_plans("anna")] == [a2, a1]
    assert store.list_plans("nobody") == []


def test_save_plan_for_unknown_profile_is_refused(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    with pytest.raises(
        StoreError, match="^profile_name: no saved profile named 'zoe'; saved: anna"
    ):
        store.save_plan(PLAN, REQUEST, profile_name="zoe")
    assert store.list_plans() == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"week_start": "June 3"}, "^week_start: "),
        ({"week_start": 20240603}, "^week_start: "),
        ({"profile_name": "bad/name"}, "^name: "),
    ],
)
def test_save_plan_bad_arguments(store: Store, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(StoreError, match=match):
        store.save_plan(PLAN, REQUEST, **kwargs)


def test_bad_status_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="^plan.status"):
        store.save_plan({**PLAN, "status": 3}, REQUEST)


def test_get_missing_plan(store: Store) -> None:
    with pytest.raises(StoreError, match="no saved plan with id 42; see the ids with"):
        store.get_plan(42)


def test_latest_plan_orders_by_week_start(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    store.save_profile("ben", PROFILE)
    assert store.latest_plan("anna") is None
    # Saved out of calendar order on purpose.
    june10 = store.save_plan(PLAN, {"n": 1}, profile_name="anna", week_start=date(2024, 6, 10))
    june3 = store.save_plan(PLAN, {"n": 2}, profile_name="anna", week_start=date(2024, 6, 3))
    store.save_plan(PLAN, {"n": 3}, profile_name="anna")  # undated
    store.save_plan(PLAN, {"n": 4}, profile_name="ben", week_start=date(2024, 6, 17))

    def latest(before: date | None) -> int | None:
        found = store.latest_plan("anna", before_week=before)
        return found.id if found else None

    assert latest(None) == june10
    assert latest(date(2024, 6, 17)) == june10
    assert latest(date(2024, 6, 10)) == june3  # strictly before
    assert latest(date(2024, 6, 3)) is None
    # Re-planning a week: the last saved plan for that week wins.
    replan = store.save_plan(PLAN, {"n": 5}, profile_name="anna", week_start=date(2024, 6, 10))
    assert latest(date(2024, 6, 17)) == replan
    assert store.latest_plan("anna", date(2024, 6, 17)).request == {"n": 5}  # type: ignore[union-attr]


def test_latest_plan_undated_only(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    first = store.save_plan(PLAN, REQUEST, profile_name="anna")
    second = store.save_plan(PLAN, REQUEST, profile_name="anna")
    assert store.latest_plan("anna").id == second != first  # type: ignore[union-attr]
    assert store.latest_plan("anna", date(2030, 1, 1)) is None


def test_deleting_a_profile_keeps_its_plans(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    store.save_profile("ben", PROFILE)
    a = store.save_plan(PLAN, REQUEST, profile_name="anna", week_start=date(2024, 6, 3))
    b = store.save_plan(PLAN, REQUEST, profile_name="ben")
    assert store.delete_profile("anna") == 1
    assert [p["name"] for p in store.list_profiles()] == ["ben"]
    kept = store.get_plan(a)
    assert kept.profile_name is None and kept.plan == PLAN
    assert kept.week_start == date(2024, 6, 3)
    assert store.get_plan(b).profile_name == "ben"
    assert store.latest_plan("anna") is None
    # A new profile with the old name does not adopt the orphaned plan.
    store.save_profile("anna", PROFILE)
    assert store.list_plans("anna") == []


def test_transaction_groups_writes_atomically(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.save_plan(PLAN, REQUEST, profile_name="anna")
            store.save_custom_food({"food_id": "kefir_plain"})
            raise RuntimeError("solver crashed halfway")
    assert store.list_plans() == [] and store.list_custom_foods() == []
    with store.transaction():
        store.save_plan(PLAN, REQUEST, profile_name="anna")
        store.set_price_override("banana_raw", 1.9)
    assert len(store.list_plans()) == 1 and store.price_overrides() == {"banana_raw": 1.9}


def test_store_error_inside_transaction_rolls_back(store: Store) -> None:
    store.save_profile("anna", PROFILE)
    with pytest.raises(StoreError):
        with store.transaction():
            store.save_plan(PLAN, REQUEST, profile_name="anna")
            store.save_plan(PLAN, REQUEST, profile_name="missing")
    assert store.list_plans() == []


def test_readers_see_only_committed_data(data_dir: Path) -> None:
    with Store.open(data_dir) as writer, Store.open(data_dir) as reader:
        writer.save_profile("anna", PROFILE)
        with writer.transaction():
            writer.save_plan(PLAN, REQUEST, profile_name="anna")
            assert reader.list_plans() == []  # WAL: not blocked, sees the last commit
            assert reader.get_profile("anna") == PROFILE
        assert len(reader.list_plans()) == 1


def test_busy_writer_gives_a_clear_error(data_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    with Store.open(data_dir) as first, Store.open(data_dir) as second:
        with first.transaction():
            first.save_profile("anna", PROFILE)
            with pytest.raises(StoreError, match="another cramp-planner is writing"):
                second.save_profile("ben", PROFILE)
        second.save_profile("ben", PROFILE)
        assert [p["name"] for p in first.list_profiles()] == ["anna", "ben"]


# --- custom foods and prices -------------------------------------------------------------------

KEFIR: dict[str, Any] = {
    "food_id": "kefir_plain",
    "ndb_no": "",
    "name": "Kefir, plain, low fat",
    "category": "dairy",
    "slots": ["breakfast", "snack"],
    "serving_g": 243.0,
    "household": "1 cup",
    "potassium_mg": 164.0,
    "calcium_mg": 130.0,
    "vitamin_d_ug": 1.0,
    "price_usd_per_kg": 4.1,
}


def test_custom_food_round_trip_upsert_delete(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = _frozen_clock(monkeypatch)
    store.save_custom_food(KEFIR)
    store.save_custom_food({"food_id": "amaranth_cooked", "name": "Amaranth"}, source="fdc")
    assert store.list_custom_foods() == [{"food_id": "amaranth_cooked", "name": "Amaranth"}, KEFIR]
    store.save_custom_food({**KEFIR, "price_usd_per_kg": 3.6})
    assert store.list_custom_foods()[1]["price_usd_per_kg"] == 3.6
    with _raw(data_dir) as raw:
        row = raw.execute(
            "SELECT source, created_at, updated_at FROM custom_foods WHERE food_id='kefir_plain'"
        ).fetchone()
    assert row == (
        "user",
        times[0].isoformat("T", "microseconds"),
        times[2].isoformat("T", "microseconds"),
    )
    store.delete_custom_food("kefir_plain")
    assert [f["food_id"] for f in store.list_custom_foods()] == ["amaranth_cooked"]
    with pytest.raises(StoreError, match="no custom food with food_id 'kefir_plain'; saved: amar"):
        store.delete_custom_food("kefir_plain")


@pytest.mark.parametrize("row", [{}, {"food_id": "Kefir Plain"}, {"food_id": 7}, {"name": "x"}])
def test_custom_food_needs_valid_food_id(store: Store, row: dict[str, Any]) -> None:
    with pytest.raises(StoreError, match="^food_id: "):
        store.save_custom_food(row)


def test_custom_food_bad_source(store: Store) -> None:
    with pytest.raises(StoreError, match="^source: "):
        store.save_custom_food(KEFIR, source="My Phone!")


def test_price_overrides_round_trip(store: Store) -> None:
    assert store.price_overrides() == {}
    store.set_price_override("banana_raw", 1.85, note="farmers market")
    store.set_price_override("lentils_dry", 3)
    store.set_price_override("banana_raw", 2.1, note="supermarket")
    assert store.price_overrides() == {"banana_raw": 2.1, "lentils_dry": 3.0}
    assert store.price_override_notes() == {"banana_raw": "supermarket", "lentils_dry": ""}
    assert store.clear_price_override("banana_raw") is True
    assert store.clear_price_override("banana_raw") is False
    assert store.price_overrides() == {"lentils_dry": 3.0}


@pytest.mark.parametrize("price", [0, -1.5, float("nan"), float("inf"), "2.5", True, None])
def test_bad_prices_are_refused(store: Store, price: Any) -> None:
    with pytest.raises(StoreError, match="^price_usd_per_kg: "):
        store.set_price_override("banana_raw", price)
    assert store.price_overrides() == {}


def test_price_check_constraint_in_the_schema(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store._conn.execute(
            "INSERT INTO price_overrides VALUES ('x', 0, '', '2024-01-01T00:00:00+00:00')"
        )


# --- crash safety -------------------------------------------------------------------------------


# --- CLI --------------------------------------------------------------------------------------


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``cramp-planner`` in-process (only the named command is imported); (code, out, err)."""
    import planner.cli

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = planner.cli.main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "anna.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    return path


def test_cli_registers_with_argparse_directly(data_dir: Path, profile_file: Path) -> None:
    import argparse

    from planner.cli import plans, profile

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    profile.register(sub)
    plans.register(sub)
    args = parser.parse_args(["profile", "save", "--name", "anna", "--profile", str(profile_file)])
    assert args.func(args) == 0
    args = parser.parse_args(["plans", "list", "--format", "json"])
    assert args.func(args) == 0


def test_cli_profile_save_list_show_delete(cli, profile_file: Path, tmp_path: Path) -> None:
    code, out, err = cli("profile", "save", "--name", "anna", "--profile", str(profile_file))
    assert (code, err) == (0, "")
    assert out.startswith("saved profile 'anna' in ")
    toml = tmp_path / "ben.toml"
    toml.write_text(
        'age = 67\nsex = "male"\nweight_kg = 82\nheight_cm = 178\nactivity = "inactive"\n'
        "kidney_disease = true\n",
        encoding="utf-8",
    )
    assert cli("profile", "save", "--name", "ben", "--profile", str(toml))[0] == 0
    code, out, _ = cli("profile", "save", "--name", "anna", "--profile", str(profile_file))
    assert out.startswith("updated profile 'anna'")

    code, out, _ = cli("profile", "list", "--format", "json")
    listed = json.loads(out)
    assert [p["name"] for p in listed] == ["anna", "ben"]
    assert set(listed[0]) == {"name", "updated_at"}
    code, out, _ = cli("profile", "list")
    assert out.splitlines()[0].split() == ["name", "updated_at"]
    assert out.splitlines()[2].startswith("anna ")

    code, out, _ = cli("profile", "show", "anna", "--format", "json")
    shown = json.loads(out)
    assert code == 0 and {k: shown[k] for k in PROFILE} == PROFILE  # new fields at defaults
    assert list(json.loads(out))[:3] == ["age", "sex", "life_stage"]  # contract order
    code, out, _ = cli("profile", "show", "ben", "--format", "table")
    rows = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in out.splitlines()[2:]}
    assert rows["age"] == "67" and rows["kidney_disease"] == "yes"
    assert rows["allergies"] == "-" and rows["life_stage"] == "-"

    code, out, _ = cli("profile", "delete", "ben")
    assert (code, out.strip()) == (0, "deleted profile 'ben'")
    code, out, _ = cli("profile", "list", "--format", "json")
    assert [p["name"] for p in json.loads(out)] == ["anna"]


def test_cli_profile_errors(cli, tmp_path: Path, profile_file: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROFILE, "age": 7}), encoding="utf-8")
    code, out, err = cli("profile", "save", "--name", "kid", "--profile", str(bad))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "age" in err
    code, out, err = cli("profile", "save", "--name", "x", "--profile", str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json" in err
    code, out, err = cli("profile", "save", "--name", "a/b", "--profile", str(profile_file))
    assert code == 2 and err.startswith("error: name: ")
    code, out, err = cli("profile", "show", "zoe")
    assert code == 2
    assert err == "error: no saved profile named 'zoe'; saved: none yet\n"
    code, out, err = cli("profile", "delete", "zoe")
    assert code == 2 and "no saved profile named 'zoe'" in err
    code, _, err = cli("profile", "list", "--format", "yaml")
    assert code == 2 and "invalid choice" in err
    assert cli("profile", "list", "--format", "json")[1].strip() == "[]"
    assert "no saved profiles" in cli("profile", "list")[1]


def test_cli_plans_list_and_show(cli, data_dir: Path, profile_file: Path) -> None:
    cli("profile", "save", "--name", "anna", "--profile", str(profile_file))
    with Store.open(data_dir) as opened:
        first = opened.save_plan(PLAN, REQUEST, profile_name="anna", week_start=date(2024, 6, 3))
        loose = opened.save_plan({**PLAN, "status": "optimal", "shortfalls": []}, REQUEST)

    code, out, err = cli("plans", "list", "--format", "json")
    assert (code, err) == (0, "")
    listed = json.loads(out)
    assert [p["id"] for p in listed] == [loose, first]
    assert listed[1] == {
        "id": first,
        "profile_name": "anna",
        "week_start": "2024-06-03",
        "status": "partial",
        "created_at": listed[1]["created_at"],
    }
    code, out, _ = cli("plans", "list", "--profile-name", "anna", "--format", "table")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "profile", "week_start", "status", "created_at"]
    assert len(lines) == 3 and lines[2].split()[:4] == [str(first), "anna", "2024-06-03", "partial"]
    code, out, _ = cli("plans", "list", "--format", "table")
    assert lines[0] == out.splitlines()[0] and " - " in out.splitlines()[2]  # no profile

    code, out, err = cli("plans", "show", str(first), "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == PLAN

    code, out, _ = cli("plans", "show", str(first), "--format", "table")
    assert code == 0
    assert f"plan {first} (profile 'anna', week of 2024-06-03)" in out
    assert "status: partial" in out
    assert "2 days x 8 meals x 16 items; cost $9.99" in out
    assert "breakfast  Oats, rolled (1/2 cup, 40 g); Milk, 1% fat (1 cup, 244 g)" in out
    assert "shortfalls: 1" in out and "vitamin_d_ug (weekly): 2.9 of 15" in out
    assert "warnings: 1" in out
    code, out, _ = cli("plans", "show", str(loose))
    assert "(no saved profile)" in out and "shortfalls: 0" in out


def test_cli_plans_errors(cli, data_dir: Path) -> None:
    assert cli("plans", "list")[1].strip() == "no saved plans"
    code, out, err = cli("plans", "show", "7")
    assert code == 2 and out == ""
    assert err.startswith("error: no saved plan with id 7")
    code, _, err = cli("plans", "show", "seven")
    assert code == 2 and "'seven' is not a plan id" in err
    code, _, err = cli("plans", "show", "0")
    assert code == 2 and "ids start at 1" in err
    code, _, err = cli("plans", "list", "--profile-name", "zoe")
    assert code == 2 and err.startswith("error: no saved profile named 'zoe'")


def test_cli_reports_a_broken_store_in_one_line(cli, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_FILENAME).write_bytes(b"this is not sqlite" * 100)
    code, out, err = cli("profile", "list")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(data_dir / DB_FILENAME) in err
    assert "move the file aside" in err
