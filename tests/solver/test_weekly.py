"""Saved profiles planned week after week: rotation, saving, and the plan CLI around it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planner import services
from planner.cli import main
from planner.domain.profile import demo_profile
from planner.domain.request import PlanRequest
from planner.domain.weekly import dishes_of, foods_of, week_start

MONDAY = dt.date(2026, 11, 23)


def test_consecutive_weeks_rotate_dishes_and_still_meet_targets() -> None:
    services.save_profile("ana", demo_profile())
    # Three days a "week": the rotation penalises whatever the last saved plan served.
    request = PlanRequest(profile=demo_profile(), days=3, day_time_limit_s=30.0)
    first = services.plan_week_of(request, MONDAY, profile_name="ana", save=True)
    second = services.plan_week_of(
        request, MONDAY + dt.timedelta(days=7), profile_name="ana", save=True
    )
    assert first.saved_id is not None and second.saved_id is not None
    assert first.saved_id != second.saved_id
    a, b = dishes_of(first.plan.to_dict()), dishes_of(second.plan.to_dict())
    assert set(second.request.avoid_dishes) == a  # the previous week's dishes were penalised
    shared = len(a & b) / len(a | b)
    assert shared <= 0.70, shared
    assert second.plan.status.value in ("optimal", "feasible")
    assert not [s for s in second.plan.shortfalls if s.kind == "nutrient"]
    saved = services.saved_plan(second.saved_id)
    assert saved.week_start == dt.date(2026, 11, 30) and saved.plan == second.plan.to_dict()


def test_rotation_off_gives_the_same_week_again() -> None:
    services.save_profile("bo", demo_profile())
    # Each day may search until it proves its menu: with the default 0.5 s a day stopped
    # early on a busy machine (tests run in parallel) may keep another menu.
    request = PlanRequest(profile=demo_profile(), days=2, day_time_limit_s=30.0)
    first = services.plan_week_of(request, MONDAY, profile_name="bo", save=True)
    again = services.plan_week_of(
        request, MONDAY + dt.timedelta(days=7), profile_name="bo", rotation=0, save=True
    )
    assert not again.request.avoid_dishes
    assert dishes_of(first.plan.to_dict()) == dishes_of(again.plan.to_dict())
    assert foods_of(first.plan.to_dict()) == foods_of(again.plan.to_dict())


def test_week_start_is_monday() -> None:
    assert week_start(dt.date(2026, 11, 26)) == MONDAY


def test_cli_plans_and_saves_a_saved_profile(tmp_path: Path, capsys) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(demo_profile().to_dict()))
    assert main(["profile", "save", "--name", "cleo", "--profile", str(profile)]) == 0
    capsys.readouterr()
    code = main(
        [
            "plan",
            "--profile-name",
            "cleo",
            "--days",
            "1",
            "--week-of",
            "2026-11-25",
            "--save",
            "--format",
            "json",
        ]
    )
    captured = capsys.readouterr()
    plan = json.loads(captured.out)
    assert code == 0 and plan["status"] in ("optimal", "feasible")
    assert "saved as plan #" in captured.err
    assert main(["plans", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["profile_name"] == "cleo" and listed[0]["week_start"] == "2026-11-23"


def test_cli_plan_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert main(["plan", "--profile-name", "nobody", "--days", "1"]) == 2
    err = capsys.readouterr().err
    assert "no saved profile named 'nobody'" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"age": 200}')
    assert main(["plan", "--profile", str(bad), "--days", "1"]) == 2
    assert "age" in capsys.readouterr().err


def test_cli_plan_formats(tmp_path: Path, capsys) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(
        'age = 45\nsex = "female"\nweight_kg = 68\nheight_cm = 165\nactivity = "low_active"\n'
    )
    assert main(["plan", "--profile", str(profile), "--days", "1", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Your cramp-prevention week") and "| Potassium |" in md.replace(
        "potassium", "Potassium"
    )
    assert main(["plan", "--profile", str(profile), "--days", "1", "--format", "table"]) == 0
    assert "Day 1" in capsys.readouterr().out


def test_cli_max_dish_per_week_is_kept_and_checked(tmp_path: Path, capsys) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(
        'age = 45\nsex = "female"\nweight_kg = 68\nheight_cm = 165\nactivity = "low_active"\n'
    )
    args = ["plan", "--profile", str(profile), "--days", "7", "--format", "json"]
    assert main([*args, "--max-dish-per-week", "1"]) == 0
    plan = json.loads(capsys.readouterr().out)
    uses: dict[str, int] = {}
    for day in plan["days"]:
        for meal in day["meals"]:
            for dish in meal["dishes"]:
                uses[dish["dish_id"]] = uses.get(dish["dish_id"], 0) + 1
    assert len(uses) >= 14 and max(uses.values()) == 1
    with pytest.raises(SystemExit) as refused:  # argparse refuses it before any work starts
        main([*args, "--max-dish-per-week", "9"])
    assert refused.value.code == 2
    assert "--max-dish-per-week: 9 is outside 1–7" in capsys.readouterr().err
