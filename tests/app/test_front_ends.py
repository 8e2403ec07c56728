"""Both front ends plan through :mod:`planner.services`: the same person with the same foods and
prices gets the same plan from the installed ``cramp-planner`` script and from the dashboard."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner import services
from planner.domain.profile import demo_profile

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("scan_components_once")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script (never the source tree), with this test's data folder."""
    found = Path(sys.executable).with_name("cramp-planner")
    path = str(found) if found.exists() else shutil.which("cramp-planner")
    assert path, "cramp-planner is not installed in this environment (pip install -e .)"
    return subprocess.run(
        [path, *args], capture_output=True, text=True, env=dict(os.environ), timeout=120
    )


def test_cli_and_dashboard_plan_the_same_day_with_the_persons_prices(tmp_path: Path) -> None:
    # The person pays a lot for bananas and peanuts: both front ends must use their prices.
    services.set_price("banana_raw", 40.0, "corner shop")
    services.set_price("peanuts_salted", 60.0, "corner shop")
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps(demo_profile().to_dict()))

    done = cli("plan", "--profile", str(profile), "--days", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    from_cli = json.loads(done.stdout)

    from streamlit.testing.v1 import AppTest  # here: a worker running no dashboard test skips it

    from ui.state import cached_plan, default_request, request_json

    request = default_request() | {"days": 1}  # the dashboard's first request, for one day
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["request"] = request
    at.session_state["planned"] = request
    at.run()
    assert not at.exception, at.exception

    from_dashboard = cached_plan(request_json(request), services.foods_snapshot())

    def menu(plan: dict) -> list[tuple[str, list[tuple[str, float]], float]]:
        return [
            (m["slot"], [(i["food_id"], i["grams"]) for i in m["items"]], d["cost_usd"])
            for d in plan["days"]
            for m in d["meals"]
        ]

    assert menu(from_cli) == menu(from_dashboard)
    eaten = {food for _, items, _ in menu(from_cli) for food, _ in items}
    assert not eaten & {"banana_raw", "peanuts_salted"}  # too dear at the person's prices


def test_email_of_a_profile_file_uses_the_persons_foods_like_plan(tmp_path: Path) -> None:
    # ``email --profile`` used to plan on the bundled catalogue, ``plan --profile`` on the
    # person's foods and prices; both now ask the services for the same week.
    services.set_price("banana_raw", 40.0, "corner shop")
    services.set_price("peanuts_salted", 60.0, "corner shop")
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps(demo_profile().to_dict()))
    eml = tmp_path / "week.eml"
    done = cli(
        "email", "--to", "me@example.org", "--profile", str(profile), "--days", "1",
        "--week-of", "2026-11-30", "--dry-run", str(eml),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    planned = cli("plan", "--profile", str(profile), "--days", "1", "--format", "json")
    plan = json.loads(planned.stdout)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    part = next(p for p in message.iter_attachments() if p.get_filename() == "plan.csv")
    rows = list(csv.DictReader(io.StringIO(part.get_content())))
    mailed = sorted((r["food_id"], round(float(r["grams"]))) for r in rows)
    expected = sorted(
        (i["food_id"], round(i["grams"]))
        for d in plan["days"]
        for m in d["meals"]
        for i in m["items"]
    )
    assert mailed == expected
