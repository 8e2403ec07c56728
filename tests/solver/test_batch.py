"""Batch planning in a real process pool: saved, skipped on a second run, a broken profile
recorded with its reason, and each person's plan the one ``plan --profile-name`` makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from planner import batch, services
from planner.domain.profile import demo_profile
from planner.domain.request import PlanRequest
from planner.store import Store, StoreError

MONDAY = dt.date(2026, 12, 7)
#: Each day may search until it proves its menu, so a plan does not depend on the machine's
#: load (the pool's processes share two cores with the test). Two days: these tests are about
#: the batch (saving, skipping, pools, the script), not the week (tests/solver/test_planner.py).
SEARCH = {"day_time_limit_s": 30.0, "days": 2}


@pytest.fixture
def people(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "PLAN_OPTIONS", dict(batch.PLAN_OPTIONS) | SEARCH)
    services.save_profile("ana", demo_profile())
    services.save_profile("bo", dataclasses.replace(demo_profile(), diet="vegetarian", age=30))
    with Store.open() as store:  # saved by an older version: no longer valid (age below 14)
        store.save_profile("cy", {"age": 9, "sex": "female", "weight_kg": 30, "height_cm": 130,
                                  "activity": "active"})  # fmt: skip


def without_solver(plan: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in plan.items() if k != "solver"}


def test_a_batch_saves_each_week_skips_it_next_time_and_records_a_broken_profile(
    people: None,
) -> None:
    seen: list[str] = []
    first = batch.batch_plan(MONDAY, workers=2, on_outcome=lambda o: seen.append(o.name))
    assert (first.count("planned"), first.count("skipped"), first.count("failed")) == (2, 0, 1)
    assert sorted(seen) == ["ana", "bo", "cy"]
    failed = next(o for o in first.outcomes if o.result == "failed")
    assert failed.name == "cy" and "age" in failed.reason and "14" in failed.reason
    saved = {p.profile_name: p for p in services.list_plans() if p.week_start == MONDAY}
    assert set(saved) == {"ana", "bo"}
    assert all(len(services.saved_plan(p.id).plan["days"]) == 2 for p in saved.values())

    again = batch.batch_plan(MONDAY, workers=2)  # a stopped or repeated batch resumes
    assert (again.count("planned"), again.count("skipped"), again.count("failed")) == (0, 2, 1)
    assert len([p for p in services.list_plans() if p.week_start == MONDAY]) == 2
    assert again.to_dict()["people"][0]["reason"] == "this week is already saved"


def test_a_pool_plans_the_week_the_plan_command_makes(people: None) -> None:
    done = batch.batch_plan(MONDAY, ["ana"], workers=2)
    plan_id = done.outcomes[0].plan_id
    assert plan_id is not None
    pooled = services.saved_plan(plan_id).plan
    request = PlanRequest(profile=demo_profile(), **(dict(batch.PLAN_OPTIONS)))
    direct = services.plan_week_of(request, MONDAY, profile_name="ana").plan.to_dict()
    assert without_solver(pooled) == without_solver(direct)


def test_an_unknown_name_stops_the_batch_before_any_work(people: None) -> None:
    with pytest.raises(StoreError, match="no saved profile"):
        batch.batch_plan(MONDAY, ["ana", "nobody"], workers=2)
    assert not services.list_plans()


def test_the_installed_script_plans_a_folder_of_profile_files(tmp_path: Path) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    (folder / "dee.json").write_text(json.dumps(demo_profile().to_dict()))
    (folder / "eli.toml").write_text(
        'age = 52\nsex = "male"\nweight_kg = 80\nheight_cm = 178\nactivity = "active"\n'
    )
    (folder / "fay.json").write_text('{"age": 40, "sex": "female", "weight_kg": -3}')
    (folder / "notes.txt").write_text("not a profile")
    script = Path(sys.executable).with_name("cramp-planner")
    done = subprocess.run(
        [str(script), "batch", "plan", "--week-of", "2026-12-09", "--days", "2", "--from-dir",
         str(folder), "--workers", "2", "--format", "json"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # one person failed
    summary = json.loads(done.stdout)
    assert (summary["planned"], summary["failed"], summary["week_start"]) == (2, 1, "2026-12-07")
    fay = next(p for p in summary["people"] if p["name"] == "fay")
    assert "weight_kg" in fay["reason"] and "Traceback" not in done.stderr
    assert {"dee", "eli"} <= {p["name"] for p in services.list_profiles()}
    assert [len(services.saved_plan(p.id).plan["days"]) for p in services.list_plans()] == [2, 2]
    assert "dee: planned" in done.stderr and "eli: planned" in done.stderr  # progress lines


def test_on_a_terminal_the_installed_script_draws_a_bar_with_rate_and_time_left(
    tmp_path: Path,
) -> None:
    """stderr on a pseudo-terminal: tqdm's bar (count, rate, ETA); stdout stays the summary."""
    import pty

    folder = tmp_path / "people"
    folder.mkdir()
    for n in range(2):
        profile = dataclasses.replace(demo_profile(), age=30 + n)
        (folder / f"p{n}.json").write_text(json.dumps(profile.to_dict()))
    controller, terminal = pty.openpty()
    script = Path(sys.executable).with_name("cramp-planner")
    chunks: list[bytes] = []

    def read_screen() -> None:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed with the process
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read_screen, daemon=True)
    reader.start()
    with subprocess.Popen(
        [str(script), "batch", "plan", "--week-of", "2026-12-07", "--days", "2", "--from-dir",
         str(folder), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=terminal, text=True, env=dict(os.environ, COLUMNS="120"),
    ) as run:  # fmt: skip
        os.close(terminal)
        out, _ = run.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(controller)
    screen = b"".join(chunks)
    text = screen.decode("utf-8", "replace")
    assert run.returncode == 0, text
    assert "2/2" in text and ("person/s" in text or "s/person" in text)  # the rate
    assert "<" in text and "00:" in text  # elapsed<remaining
    assert "planned=2" in text  # the counts beside the bar
    assert "p0: planned" not in text  # no plain lines on a terminal
    assert out.startswith("week of 2026-12-07: 2 planned")
