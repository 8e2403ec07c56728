"""The hostile-input corpus: every input that once gave a bare "internal error", a hang or a
lock-out, run through the *installed* ``cramp-planner`` as a subprocess.

Each case says what a person gets: exit 2 with one ``error:`` line naming the field or file
and the fix (never a traceback, never "internal error"), or a normal answer where the input
is fine after all (a UTF-8 byte-order mark) or a damaged record must not lock anyone out.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROFILE = {"age": 45, "sex": "female", "weight_kg": 68, "height_cm": 165, "activity": "low_active"}
ITEM = {"food_id": "kale_raw", "name": "Kale", "grams": 67.0, "household": "1 cup"}


def _plan(days: object) -> str:
    return json.dumps({"status": "optimal", "days": days})


def _meal(items: object) -> list[dict[str, object]]:
    return [{"day": 1, "meals": [{"slot": "lunch", "items": items}]}]


@dataclass(frozen=True)
class Case:
    """One hostile input: the command, the files it reads, what must come back."""

    name: str
    args: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    status: int = 2
    says: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


NOWHERE = {"FDC_API_URL": f"http://127.0.0.1:{_closed_port()}"}

CASES: tuple[Case, ...] = (
    Case(
        "age 10^400",
        ("targets", "--profile", "p.json"),
        {"p.json": json.dumps(PROFILE | {"age": 10**400})},
        says=("age: a number with 401 digits is outside 14–100",),
    ),
    Case(
        "an integer of 5,000 digits",
        ("targets", "--profile", "p.json"),
        {"p.json": '{"age": 1' + "0" * 5000 + "}"},
        says=("number far too long",),
    ),
    Case(
        "JSON nested 100,000 deep",
        ("targets", "--profile", "p.json"),
        {"p.json": "[" * 100_000 + "]" * 100_000},
        says=("nested too deeply",),
    ),
    Case(
        "TOML nested 100,000 deep",
        ("targets", "--profile", "p.toml"),
        {"p.toml": "a = " + "[" * 100_000 + "]" * 100_000},
        says=("nested too deeply",),
    ),
    Case(
        "a JSON profile with a byte-order mark is fine",
        ("targets", "--profile", "p.json", "--format", "json"),
        {"p.json": b"\xef\xbb\xbf" + json.dumps(PROFILE).encode()},
        status=0,
    ),
    Case("a folder as --profile", ("targets", "--profile", "."), says=("is a folder",)),
    Case(
        "plan id beyond SQLite",
        ("plans", "show", "99999999999999999999"),
        says=("larger than any plan id",),
    ),
    Case(
        "a week in year 9999",
        ("email", "--to", "a@example.org", "--profile", "p.json", "--week-of", "9999-12-31"),
        {"p.json": json.dumps(PROFILE)},
        says=("outside the plannable range",),
    ),
    Case(
        "a FOODS.csv row with an extra field",
        ("solve", "--foods", "F.csv", "--requirements", "R.csv"),
        {"F.csv": "food,cost,protein\nbeans,1,20,7\n", "R.csv": "nutrient,min,max\nprotein,5,\n"},
        says=("line 2: 4 fields but the header has 3",),
    ),
    Case(
        "a requirement no amount can reach",
        ("solve", "--foods", "F.csv", "--requirements", "R.csv"),
        {"F.csv": "food,cost,protein\nbeans,1,20\n", "R.csv": "nutrient,min,max\nprotein,1e300,\n"},
        status=1,
        says=('"status": "infeasible"',),
    ),
    Case(
        "plan JSON whose days are numbers",
        ("shopping-list", "--plan", "plan.json"),
        {"plan.json": _plan([1, 2])},
        says=("days[0] must be an object",),
    ),
    Case(
        "plan JSON whose meals are an object",
        ("shopping-list", "--plan", "plan.json"),
        {"plan.json": _plan([{"day": 1, "meals": {"lunch": []}}])},
        says=("days[0].meals must be a list",),
    ),
    Case(
        "two items of 1e308 g",
        ("shopping-list", "--plan", "plan.json"),
        {"plan.json": _plan(_meal([ITEM | {"grams": 1e308}, ITEM | {"grams": 1e308}]))},
        says=("grams 1e+308 must be a number of grams within 0–100000",),
    ),
    Case(
        "what is at home: 1e300 g",
        ("shopping-list", "--plan", "plan.json", "--have", "have.csv"),
        {"plan.json": _plan(_meal([ITEM])), "have.csv": "food_id,grams\nkale_raw,1e300\n"},
        says=("grams 1e300 must be within 0–100000",),
    ),
    Case("a negative search limit", ("foods", "search", "apple", "--limit", "-1"), says=("-1",)),
    Case(
        "a NaN serving never reaches the network",
        ("foods", "fdc-import", "1", "--serving-g", "nan"),
        says=("--serving-g: nan is outside 0.1–1000",),
        env=NOWHERE,
    ),
    Case(
        "an API key with a line break is refused, not echoed",
        ("foods", "fdc-search", "banana"),
        says=("FDC_API_KEY contains spaces, line breaks",),
        env=NOWHERE | {"FDC_API_KEY": "sekrit-42\r\nX-Evil: 1"},
    ),
    Case(
        "rotation nan",
        ("plan", "--profile", "p.json", "--rotation", "nan"),
        {"p.json": json.dumps(PROFILE)},
        says=("--rotation: nan is outside 0–10",),
    ),
    Case(
        "an infinite time limit",
        ("plan", "--profile", "p.json", "--time-limit", "inf"),
        {"p.json": json.dumps(PROFILE)},
        says=("--time-limit: inf is outside 0.5–600",),
    ),
    Case(
        "zero days",
        ("plan", "--profile", "p.json", "--days", "0"),
        {"p.json": json.dumps(PROFILE)},
        says=("--days: 0 is outside 1–7",),
    ),
    Case(
        "a batch with a blank Ray address",
        ("batch", "plan", "--week-of", "2026-12-07", "--ray", " "),
        says=("--ray: is empty",),
    ),
    Case(
        "a batch of eight days",
        ("batch", "plan", "--week-of", "2026-12-07", "--days", "8"),
        says=("--days: 8 is outside 1–7",),
    ),
    Case(
        "a batch on a store with nobody saved",
        ("batch", "plan", "--week-of", "2026-12-07"),
        says=("no saved profiles to plan",),
    ),
    Case(
        "a batch e-mail at nan a minute",
        ("batch", "email", "--week-of", "2026-12-07", "--max-per-minute", "nan"),
        says=("--max-per-minute: nan is outside",),
    ),
    Case(
        "a batch e-mail without a mail server",
        ("batch", "email", "--week-of", "2026-12-07"),
        says=("CRAMP_SMTP_HOST is not set",),
    ),
    Case(
        "a batch of a folder that is not there",
        ("batch", "plan", "--week-of", "2026-12-07", "--from-dir", "nowhere"),
        says=("--from-dir nowhere: not a folder",),
    ),
)


def script() -> str:
    return str(Path(sys.executable).with_name("cramp-planner"))


def run_case(case: Case, folder: Path) -> subprocess.CompletedProcess[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    env = os.environ | {"CRAMP_DATA_DIR": str(folder / "data")} | case.env
    return subprocess.run(
        [script(), *case.args], capture_output=True, text=True, env=env, cwd=folder, timeout=120
    )


def test_every_hostile_input_gets_a_clear_answer(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: run_case(c[1], tmp_path / f"c{c[0]}"), enumerate(CASES)))
    failures = []
    for case, done in zip(CASES, results, strict=True):
        text = done.stdout + done.stderr
        problems = []
        if done.returncode != case.status:
            problems.append(f"exit {done.returncode}, wanted {case.status}")
        if "Traceback" in text or "internal error" in text:
            problems.append("a traceback or a bare internal error")
        problems += [f"no {s!r}" for s in case.says if s not in text]
        if case.status == 2 and not done.stderr.lstrip().startswith(("error:", "usage:")):
            problems.append("stderr does not start with an error line")
        if "sekrit" in text:
            problems.append("the API key was echoed")
        if problems:
            failures.append(f"{case.name}: {'; '.join(problems)}\n{text[-600:]}")
    assert not failures, "\n\n".join(failures)


# --- damaged records in the store must not lock anyone out -----------------------------------


def _store(folder: Path) -> Callable[[str, tuple[object, ...]], None]:
    """Save a profile through the CLI, then return a function that edits the file directly."""
    (folder / "p.json").write_text(json.dumps(PROFILE))
    done = run_case(
        Case("save", ("profile", "save", "--name", "ana", "--profile", "p.json")), folder
    )
    assert done.returncode == 0, done.stderr

    def execute(sql: str, params: tuple[object, ...] = ()) -> None:
        with sqlite3.connect(folder / "data" / "cramp-planner.sqlite3") as conn:
            conn.execute(sql, params)

    return execute


def test_a_damaged_week_and_an_old_plan_shape_do_not_break_listing_or_planning(
    tmp_path: Path,
) -> None:
    execute = _store(tmp_path)
    stamp = "2026-11-01T00:00:00+00:00"
    execute(
        "INSERT INTO plans (profile_name, week_start, request_json, plan_json, status, created_at)"
        " VALUES ('ana', '2026-99-99', '{}', '{\"status\": \"optimal\", \"days\": 3}', 'ok', ?)",
        (stamp,),
    )
    listed = run_case(Case("list", ("plans", "list", "--format", "json")), tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["week_start"] is None
    execute("UPDATE plans SET week_start = '2026-11-16'")
    planned = run_case(
        Case("plan", ("plan", "--profile-name", "ana", "--days", "1", "--week-of", "2026-11-23")),
        tmp_path,
    )
    assert planned.returncode == 0, planned.stderr


def test_orphaned_prices_and_invalid_foods_are_left_out_and_can_be_removed(
    tmp_path: Path,
) -> None:
    execute = _store(tmp_path)
    stamp = "2026-11-01T00:00:00+00:00"
    long_id = "x" * 70
    execute(
        "INSERT INTO price_overrides (food_id, price_usd_per_kg, note, updated_at) "
        "VALUES ('deleted_food', 3.5, '', ?)",
        (stamp,),
    )
    execute(
        "INSERT INTO custom_foods (food_id, row_json, source, created_at, updated_at) "
        "VALUES (?, ?, 'user', ?, ?)",
        (long_id, json.dumps({"food_id": long_id, "name": "Too long"}), stamp, stamp),
    )
    listed = run_case(Case("list", ("foods", "list", "--format", "json")), tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "your price for 'deleted_food' is left out" in listed.stderr
    assert "cramp-planner foods clear-price deleted_food" in listed.stderr
    assert f"cramp-planner foods remove {long_id}" in listed.stderr
    planned = run_case(Case("plan", ("plan", "--profile", "p.json", "--days", "1")), tmp_path)
    assert planned.returncode == 0, planned.stderr
    for args in (("foods", "clear-price", "deleted_food"), ("foods", "remove", long_id)):
        done = run_case(Case("fix", args), tmp_path)
        assert done.returncode == 0, done.stderr
    clean = run_case(Case("list", ("foods", "list", "--format", "json")), tmp_path)
    assert clean.returncode == 0 and "left out" not in clean.stderr


def test_a_liked_food_the_diet_leaves_out_is_named(tmp_path: Path) -> None:
    profile = PROFILE | {"diet": "vegan", "like_foods": ["beef_sirloin_steak"]}
    done = run_case(
        Case(
            "vegan likes steak",
            ("plan", "--profile", "p.json", "--days", "1", "--format", "json"),
            {"p.json": json.dumps(profile)},
        ),
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    warnings = json.loads(done.stdout)["warnings"]
    assert any("leave it out of the plan" in w and "sirloin" in w.lower() for w in warnings)


def test_a_store_in_a_folder_that_cannot_be_written_can_still_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only disk or share: reading works, a write says what is wrong (root ignores
    file modes, so the folder is made unwritable where the store asks)."""
    from planner import store as store_module
    from planner.store import Store, StoreError

    _store(tmp_path)
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: False)
    with Store.open(tmp_path / "data") as store:
        assert [p["name"] for p in store.list_profiles()] == ["ana"]
        with pytest.raises(StoreError, match="writable"):
            store.save_profile("bo", PROFILE)
