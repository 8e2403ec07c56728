"""Streamlit AppTest tests of the dashboard: every page runs, and the main interactions work.

Each test runs the real app script (``app.py`` and ``pages/*.py``) headless with the real
planner; ``CRAMP_DATA_DIR`` points at a fresh directory (``tests/conftest.py``). Plans are
kept short (1–2 days) where the test is about an interaction, so the suite stays fast.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from planner.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 60
MUSHROOMS = ("mushrooms_maitake", "mushrooms_white_raw", "mushrooms_portabella_uv_grilled")


# --- helpers --------------------------------------------------------------------------------


def start() -> AppTest:
    """Run the app once (the Plan page with the demo plan)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def page(name: str) -> AppTest:
    """Run the app, then switch to ``pages/<name>.py``."""
    at = start()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def form(at: AppTest, kind: str, name: str) -> Any:
    """The sidebar form's widget ``name`` (keys carry a version suffix)."""
    for widget in getattr(at, kind):
        if widget.key and widget.key.startswith(f"form_{name}_"):
            return widget
    raise AssertionError(f"no {kind} form_{name}_*")


def submit(at: AppTest) -> AppTest:
    """Press "Plan my week"."""
    next(b for b in at.button if b.label == "Plan my week").click()
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str) -> Any:
    """The first button whose label starts with ``label``."""
    for b in at.button:
        if b.label.startswith(label):
            return b
    raise AssertionError(f"no button {label!r}; have {[b.label for b in at.button]}")


def texts(at: AppTest) -> str:
    """All markdown, captions and alerts of the page as one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def items_of(plan: dict[str, Any], day: int) -> set[tuple[str, str, float]]:
    return {
        (meal["slot"], item["food_id"], item["servings"])
        for d in plan["days"]
        if d["day"] == day
        for meal in d["meals"]
        for item in meal["items"]
    }


def current_plan(at: AppTest) -> dict[str, Any]:
    """The plan of the session's request (from the same cache the page used)."""
    from ui.state import cached_plan, foods_snapshot, request_json

    return cached_plan(request_json(at.session_state["planned"]), foods_snapshot())


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str | None, bytes]]]:
    """Record every file a download button hands to Streamlit: (file name, bytes)."""
    seen: list[tuple[str | None, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename=None):
        content = data.encode() if isinstance(data, str) else bytes(data)
        seen.append((filename, content))
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield seen


# --- Plan page ------------------------------------------------------------------------------


def test_start_page_shows_the_demo_plan() -> None:
    at = start()
    assert [t.value for t in at.title] == ["Your cramp-prevention week"]
    assert "example" in texts(at)  # says it is a demo
    assert [t.label for t in at.tabs] == [f"Day {d}" for d in range(1, 8)]
    assert at.metric[0].label == "Targets met"
    assert not at.error
    # one meal table per day, with household portions and grams
    meals = [df.value for df in at.dataframe if "Portion" in df.value.columns]
    assert len(meals) == 7
    assert {"Meal", "Food", "Portion", "Amount (g)", "Cost (US$)"} <= set(meals[0].columns)
    assert set(meals[0]["Meal"]) <= {"Breakfast", "Lunch", "Dinner", "Snack"}
    assert "What falls short" in "\n".join(h.value for h in at.subheader)
    assert {"Coverage of your targets", "Where it comes from", "Meals"} <= {
        h.value for h in at.subheader
    }


def test_vegan_without_fortified_foods_shows_meals_and_shortfall_panel() -> None:
    at = start()
    form(at, "selectbox", "diet").set_value("vegan")
    form(at, "checkbox", "fortified").uncheck()
    # mushrooms carry vitamin D naturally; this vegan refuses them (as in test_planner.py)
    form(at, "multiselect", "exclude").set_value(list(MUSHROOMS))
    form(at, "slider", "days").set_value(3)
    submit(at)
    assert not at.error, [e.value for e in at.error]
    assert [t.label for t in at.tabs] == ["Day 1", "Day 2", "Day 3"]
    assert len([df for df in at.dataframe if "Portion" in df.value.columns]) == 3
    plan = current_plan(at)
    assert plan["status"] == "partial"
    assert "example" not in texts(at)  # no longer the demo
    panel = texts(at)
    assert "Vitamin D" in panel and "weekly average" in panel and "reaches" in panel
    why = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert "not vegan" in why and "you excluded it" in why
    # the one-click fix switches fortified foods on and re-plans without the shortfall
    button(at, "Allow fortified foods").click()
    at.run()
    assert not at.exception
    assert at.session_state["request"]["allow_fortified"] is True
    assert form(at, "checkbox", "fortified").value is True  # the form shows the change
    assert "vitamin_d_ug" not in {s["nutrient"] for s in current_plan(at)["shortfalls"]}
    assert any("Fortified foods are now allowed" in s.value for s in at.success)


def test_include_fix_removes_an_exclusion() -> None:
    at = start()
    form(at, "selectbox", "diet").set_value("vegan")
    form(at, "checkbox", "fortified").uncheck()
    form(at, "multiselect", "exclude").set_value(list(MUSHROOMS))
    form(at, "slider", "days").set_value(3)
    submit(at)
    fix = button(at, "Include ")
    fix.click()
    at.run()
    assert not at.exception
    assert len(at.session_state["request"]["profile"]["exclude_foods"]) == len(MUSHROOMS) - 1


def test_invalid_profile_shows_an_error_not_a_traceback() -> None:
    at = start()
    form(at, "selectbox", "sex").set_value("male")
    form(at, "selectbox", "life_stage").set_value("pregnant")
    submit(at)
    assert at.error, "expected st.error"
    assert "life_stage" in at.error[0].value
    assert at.session_state["request"]["profile"]["sex"] == "female"  # unchanged


def test_unknown_food_in_the_request_is_an_error_with_the_fix() -> None:
    at = start()
    request = at.session_state["request"]
    request["profile"]["exclude_foods"] = ["no_such_food"]
    at.session_state["request"] = request
    at.run()
    assert not at.exception
    assert any("no_such_food" in e.value for e in at.error)


def short_plan(days: int = 2) -> AppTest:
    at = start()
    form(at, "slider", "days").set_value(days)
    return submit(at)


def test_swap_excludes_the_food_and_replans() -> None:
    at = short_plan(1)
    before = current_plan(at)
    food = before["days"][0]["meals"][1]["items"][0]["food_id"]
    at.selectbox(key="pick_1").set_value(
        next(
            i
            for i, (slot, item) in enumerate(
                (m["slot"], it) for m in before["days"][0]["meals"] for it in m["items"]
            )
            if item["food_id"] == food
        )
    ).run()
    button(at, "Swap").click()
    at.run()
    assert not at.exception
    assert food in at.session_state["request"]["profile"]["exclude_foods"]
    after = current_plan(at)
    assert food not in {f for _, f, _ in items_of(after, 1)}
    assert any("Swapped out" in s.value for s in at.success)


def test_lock_keeps_the_item_and_new_menu_changes_only_that_day() -> None:
    at = short_plan(2)
    before = current_plan(at)
    at.button(key="lock_1").click().run()
    locked = at.session_state["request"]["locked"]
    assert len(locked) == 1 and locked[0]["day"] == 1
    assert current_plan(at) == before  # locking does not reshuffle the plan on screen
    assert "locked" in set(next(df.value for df in at.dataframe if "Locked" in df.value)["Locked"])
    at.button(key="regen_2").click().run()
    assert not at.exception
    after = current_plan(at)
    kept = items_of(current_plan(at), 1)
    assert items_of(before, 1) <= kept  # day 1 keeps every item
    assert items_of(after, 2) != items_of(before, 2)  # day 2 has a new menu
    assert (locked[0]["slot"], locked[0]["food_id"], locked[0]["servings"]) in kept


def test_save_and_load_a_profile(tmp_path: Path) -> None:
    at = start()
    at.text_input(key="save_profile_name").input("Anna")
    at.button(key="save_profile").click().run()
    assert not at.error
    with Store.open() as store:
        assert [p["name"] for p in store.list_profiles()] == ["Anna"]
    at.button(key="save_plan").click().run()
    with Store.open() as store:
        assert len(store.list_plans("Anna")) == 1
    at.button(key="load_profile").click().run()
    assert not at.exception
    assert at.session_state["profile_name"] == "Anna"


def test_plan_markdown_download_has_data(downloads: list[tuple[str | None, bytes]]) -> None:
    start()
    files = dict(downloads)
    assert files["cramp-plan.md"].startswith(b"# Your cramp-prevention week")


# --- other pages ----------------------------------------------------------------------------


def test_targets_page_shows_sources_and_refuses_raising_an_upper_limit() -> None:
    at = page("targets")
    table = at.dataframe[0].value
    assert {"Nutrient", "Minimum", "Maximum", "Basis"} <= set(table.columns)
    assert "2,600 mg" in set(table["Minimum"])  # potassium AI, with its unit
    sources = "\n".join(m.value for m in at.markdown)
    assert "NASEM 2019" in sources and "IOM 2011" in sources
    at.selectbox(key="target_key").set_value("calcium_mg").run()
    at.number_input(key="target_max_calcium_mg").set_value(5000.0)
    next(b for b in at.button if b.label == "Apply").click()
    at.run()
    assert at.error and "only lower" in at.error[0].value
    assert at.session_state["request"]["target_overrides"] == {}
    # lowering is allowed, and reset undoes it
    at.number_input(key="target_max_calcium_mg").set_value(2000.0)
    next(b for b in at.button if b.label == "Apply").click()
    at.run()
    assert at.session_state["request"]["target_overrides"] == {"calcium_mg": [1000.0, 2000.0]}
    at.button(key="reset_all").click().run()
    assert at.session_state["request"]["target_overrides"] == {}


def test_targets_page_warns_about_potassium_with_kidney_disease() -> None:
    at = start()
    form(at, "checkbox", "kidney").check()
    form(at, "slider", "days").set_value(1)
    submit(at)
    at.switch_page("pages/targets.py").run()
    assert any("clinician" in e.value for e in at.error)


def test_foods_page_searches_and_rejects_a_bad_csv(
    downloads: list[tuple[str | None, bytes]],
) -> None:
    at = page("foods")
    assert len(at.dataframe[0].value) >= 300  # the catalogue
    at.text_input(key="food_query").input("sardines").run()
    assert "Sardine" in " ".join(at.dataframe[0].value["Food"])
    template = dict(downloads)["my-foods-template.csv"]
    assert template.startswith(b"food_id,ndb_no,name")
    bad = template.replace(b"my_lentil_soup", b"Bad Id!").replace(b",250,1 bowl", b",-5,1 bowl")
    at.file_uploader(key="foods_csv").upload("mine.csv", bad, "text/csv")
    at.run()
    assert not at.exception
    assert at.error and "mine.csv" in at.error[0].value and "line 2" in at.error[0].value


def test_foods_page_saves_a_good_csv_and_a_price() -> None:
    from ui.custom_foods import template_csv

    at = page("foods")
    at.file_uploader(key="foods_csv").upload("mine.csv", template_csv().encode(), "text/csv")
    at.run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="save_csv").click().run()
    at.selectbox(key="price_food").set_value("banana_raw").run()
    next(b for b in at.button if b.label == "Save price").click()
    at.run()
    with Store.open() as store:
        assert [f["food_id"] for f in store.list_custom_foods()] == ["my_lentil_soup"]
        assert "banana_raw" in store.price_overrides()


def test_shopping_list_downloads_carry_data(downloads: list[tuple[str | None, bytes]]) -> None:
    at = page("shopping")
    assert not at.error
    assert at.metric[1].label == "Estimated cost"
    files = dict(downloads)
    assert files["shopping-list.csv"].count(b"\n") > 5
    assert b"," in files["shopping-list.csv"].splitlines()[0]
    assert files["shopping-list.md"].strip()
    assert files["shopping-list.html"].lstrip().lower().startswith(b"<!doctype html")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_email_page_explains_missing_settings_and_bad_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = page("email")
    assert at.error and "CRAMP_SMTP_HOST" in at.error[0].value
    assert "cramp-planner email" in at.code[0].value
    monkeypatch.setenv("CRAMP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CRAMP_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("CRAMP_SMTP_SECURITY", "none")
    monkeypatch.setenv("CRAMP_SMTP_FROM", "planner@example.com")
    at.run()
    assert not at.error
    at.text_input(key="email_to").input("not an address")
    next(b for b in at.button if b.label == "Send now").click()
    at.run()
    assert at.error and "recipient address" in at.error[0].value


def test_email_page_sends_through_a_real_smtp_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Keep(Message):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("CRAMP_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CRAMP_SMTP_PORT", str(port))
        monkeypatch.setenv("CRAMP_SMTP_SECURITY", "none")
        monkeypatch.setenv("CRAMP_SMTP_FROM", "planner@example.com")
        at = page("email")
        at.text_input(key="email_to").input("anna@example.com")
        next(b for b in at.button if b.label == "Send now").click()
        at.run()
        assert not at.error, [e.value for e in at.error]
        assert any("Sent to anna@example.com" in s.value for s in at.success)
    finally:
        controller.stop()
    assert len(received) == 1 and received[0]["To"] == "anna@example.com"
    with Store.open() as store:
        assert len(store.list_plans()) == 1  # saved before sending


def test_about_page_has_red_flags_and_sources() -> None:
    at = page("about")
    text = texts(at)
    assert "See a doctor promptly" in text
    assert "numbness" in text and "(001)" in text
    assert "NASEM 2019" in text and "IOM 2011" in text
    assert "medical guidance" in text


def test_no_page_uses_unsafe_html() -> None:
    sources = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    sources += sorted((ROOT / "ui").glob("*.py"))
    for path in sources:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path


def test_foods_page_adds_a_usda_reference_food_with_a_serving() -> None:
    at = page("foods")
    at.text_input(key="food_query").input("broccoli raw").run()
    assert at.selectbox(key="add_ndb").options, "expected reference foods to add"
    next(b for b in at.button if b.label == "Add to my foods").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    with Store.open() as store:
        rows = store.list_custom_foods()
    assert len(rows) == 1 and rows[0]["ndb_no"] and float(rows[0]["serving_g"]) > 0
    # the new food is in the planner's table now
    at.switch_page("pages/plan.py").run()
    assert not at.exception
