"""Streamlit AppTest tests of the dashboard: every page runs, and the main interactions work.

Each test runs the real app script (``app.py`` and ``ui/pages/*.py``) headless with the real
planner; ``CRAMP_DATA_DIR`` points at a fresh directory (``tests/conftest.py``). Plans are
kept short (1–2 days) where the test is about an interaction, so the suite stays fast.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from planner.domain.plan import Plan
from planner.domain.profile import SLOTS
from planner.outputs.textfmt import md_escape
from planner.store import Store

# Streamlit is imported by the first test that runs the app: a test worker that runs none of
# these tests does not load it only to collect them (≈ 0.5 CPU-s).
if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60

pytestmark = pytest.mark.usefixtures("scan_components_once")


# --- helpers --------------------------------------------------------------------------------


def new_app() -> AppTest:
    """The app (``app.py``), not yet run."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def start() -> AppTest:
    """Run the app once (the Plan page with the demo plan)."""
    at = new_app()
    at.run()
    assert not at.exception, at.exception
    return at


def page(name: str) -> AppTest:
    """Open the app at ``ui/pages/<name>.py`` (as following a link to that page does)."""
    at = new_app()
    at.switch_page(f"ui/pages/{name}.py").run()
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


def meals_of(plan: dict[str, Any], day: int) -> list[tuple[str, tuple[str, ...], tuple[Any, ...]]]:
    """A day's meals as (slot, dish ids, sorted (food id, grams) of every item)."""
    return [
        (
            meal["slot"],
            tuple(d["dish_id"] for d in meal["dishes"]),
            tuple(sorted((i["food_id"], i["grams"]) for i in meal["items"])),
        )
        for d in plan["days"]
        if d["day"] == day
        for meal in d["meals"]
    ]


def main_dish(plan: dict[str, Any], day: int, slot: str) -> str | None:
    """The main dish id of a meal (None for a meal of sides)."""
    meal = next(m for d in plan["days"] if d["day"] == day for m in d["meals"] if m["slot"] == slot)
    return next((d["dish_id"] for d in meal["dishes"] if d["role"] == "main"), None)


def day_tabs(at: AppTest) -> list[str]:
    """Labels of the day tabs."""
    return [t.label for t in at.tabs if t.label.startswith("Day ")]


def open_day(at: AppTest, day: int) -> AppTest:
    """Open the tab of ``day`` (only the open day's meals are drawn)."""
    at.session_state["plan_day"] = f"Day {day}"
    at.run()
    assert not at.exception, at.exception
    return at


def current_plan(at: AppTest) -> dict[str, Any]:
    """The plan of the session's request (from the same cache the page used)."""
    from planner.services import foods_snapshot
    from ui.state import cached_plan, request_json

    return cached_plan(request_json(at.session_state["planned"]), foods_snapshot())


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str | None, bytes]]]:
    """Record every file a download button hands to Streamlit: (file name, bytes)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: list[tuple[str | None, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename=None):
        content = data.encode() if isinstance(data, str) else bytes(data)
        seen.append((filename, content))
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield seen


# --- Plan page ------------------------------------------------------------------------------


def test_start_page_shows_the_demo_plan_as_dishes() -> None:
    at = start()
    assert [t.value for t in at.title] == ["Your cramp-prevention week"]
    assert "example" in texts(at)  # says it is a demo
    assert day_tabs(at) == [f"Day {d}" for d in range(1, 8)]
    assert [m.label for m in at.metric] == [
        "Targets met",
        "Food cost",
        "HEI-2020 score",
        "Different dishes",
    ]
    assert not at.error
    plan = current_plan(at)
    assert at.metric[2].value == f"{plan['hei2020']['total']:.0f} / 100"
    assert int(at.metric[3].value) == len(
        {d["dish_id"] for day in plan["days"] for m in day["meals"] for d in m["dishes"]}
    )
    # a card per meal: the main dish by name, its portion, minutes and cuisine, its recipe
    lunch = next(m for m in plan["days"][0]["meals"] if m["slot"] == "lunch")
    dish = next(d for d in lunch["dishes"] if d["role"] == "main")
    page_text = texts(at)
    assert f"**Lunch** · {md_escape(dish['name'])}" in page_text
    assert any(c.value.startswith("1 portion") or "portions" in c.value for c in at.caption), (
        "portion caption"
    )
    assert f"{dish['minutes']} min" in page_text
    assert any("Ingredients and steps" == e.label for e in at.expander)
    assert f"1. {md_escape(dish['steps'][0])}" in page_text
    first = next(i for i in lunch["items"] if i["dish_id"] == dish["dish_id"])
    assert f"- {md_escape(first['name'])} — {md_escape(first['household'])}" in page_text
    # the day's water, from its schedule
    day1 = plan["days"][0]
    if day1["water_to_drink_ml"] > 0:
        when = day1["water_schedule"][0]
        assert f"{when['ml']} ml {when['when']}" in page_text and "Drink about" in page_text
    # only the open day is drawn (stateful tabs): its meals, each with Swap and Lock
    slots = [m["slot"] for m in plan["days"][0]["meals"]]
    assert {b.key for b in at.button if b.key and b.key.startswith("swap_")} == {
        f"swap_1_{slot}" for slot in slots
    }
    assert [b.key for b in at.button if b.label == "New menu for this day"] == ["regen_1"]
    assert {"What falls short, and what would help", "Meals", "The week in numbers"} <= {
        h.value for h in at.subheader
    }
    assert [t.label for t in at.tabs][7:] == [
        "Food groups and diet quality",
        "Coverage of your targets",
        "Where it comes from",
    ]
    hei_table = next(df.value for df in at.dataframe if "Component" in df.value.columns)
    assert len(hei_table) == 13 and {"Points", "Max", "Amount"} <= set(hei_table.columns)


def test_food_group_chart_follows_the_chosen_day() -> None:
    at = start()
    from ui.draw import food_group_frame

    plan = current_plan(at)
    week = food_group_frame(Plan.from_dict(plan))
    assert list(week["group"]) == [
        "Vegetables (cup-eq)",
        "Fruits (cup-eq)",
        "Whole grains (oz-eq)",
        "Dairy or fortified soy (cup-eq)",
        "Protein foods (oz-eq)",
    ]
    pattern = plan["food_pattern"]
    assert week["pattern"][0] == pytest.approx(
        pattern["daily"]["vegetables"] * pattern["share_of_day"]
    )
    at.radio(key="food_group_period").set_value(2).run()
    assert not at.exception
    day2 = food_group_frame(Plan.from_dict(plan), 2).set_index("group")
    assert day2.loc["Dairy or fortified soy (cup-eq)", "planned"] == pytest.approx(
        plan["days"][1]["food_groups"]["dairy"]
    )


def test_coverage_and_sources_tabs() -> None:
    at = start()
    at.session_state["plan_numbers"] = "Coverage of your targets"
    at.run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Nutrient" in df.value.columns)
    assert {"Daily target", "Planned (daily average)", "% of minimum"} <= set(table.columns)
    assert "Potassium" in set(table["Nutrient"])
    at.session_state["plan_numbers"] = "Where it comes from"
    at.run()
    assert not at.exception and not at.error
    assert not [df for df in at.dataframe if "Nutrient" in df.value.columns]  # only one tab drawn


def vegan_without_mushrooms(at: AppTest) -> AppTest:
    """A vegan who refuses mushrooms (the natural vitamin D source) and fortified foods."""
    form(at, "selectbox", "diet").set_value("vegan")
    form(at, "checkbox", "fortified").uncheck()
    form(at, "multiselect", "exclude").set_value(["mushroom"])  # a plain word
    form(at, "slider", "days").set_value(3)
    return submit(at)


def test_vegan_without_fortified_foods_shows_why_and_fixes_it() -> None:
    at = vegan_without_mushrooms(start())
    assert not at.error, [e.value for e in at.error]
    assert day_tabs(at) == ["Day 1", "Day 2", "Day 3"]
    plan = current_plan(at)
    assert plan["status"] == "partial"
    assert at.session_state["request"]["profile"]["exclude_foods"] == ["mushroom"]
    panel = texts(at)
    assert "example" not in panel  # no longer the demo
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


def test_why_not_lists_nutrients_first_then_food_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    at = short_plan(1)  # (the app puts the project on sys.path for ``ui``)
    import ui.state

    plan = current_plan(at)
    group = {
        "nutrient": "vegetables",
        "kind": "food_group",
        "day": 1,
        "achieved": 1.2,
        "target": 3.0,
        "unit": "cup-eq",
        "reason": "Too few vegetable dishes fit.",
        "best_sources": [],
    }
    nutrient = {
        "nutrient": "magnesium_mg",
        "kind": "nutrient",
        "day": 1,
        "achieved": 250.0,
        "target": 320.0,
        "unit": "mg",
        "reason": "The richest sources are left out.",
        "best_sources": [
            {
                "food_id": "pumpkin_seeds",
                "name": "Pumpkin seeds",
                "per_serving": 150.0,
                "unit": "mg",
                "household": "1 oz",
                "allowed": False,
                "blocked_by": "you excluded it",
                "fix": "include seeds",
            }
        ],
    }
    shown = plan | {"status": "partial", "shortfalls": [group, nutrient]}
    monkeypatch.setattr(ui.state, "cached_plan", lambda *_: shown)
    at.run()
    assert not at.exception
    panel = texts(at)
    assert panel.index("**Magnesium**") < panel.index("Food groups below the pattern")
    assert panel.index("Food groups below the pattern") < panel.index("**Vegetables**")
    assert "reaches 1.2 cup-eq of 3.0 cup-eq a day" in panel
    met, total = at.metric[0].value.split(" of ")
    assert int(met) == int(total) - 1  # magnesium; a food group is not a nutrient target
    assert button(at, "Include ").label == "Include seeds"  # the excluded word, not the id


def test_include_fix_removes_the_excluded_word() -> None:
    at = vegan_without_mushrooms(start())
    fix = button(at, "Include ")
    assert fix.label == "Include mushroom"  # the word to take out, not a food id
    fix.click()
    at.run()
    assert not at.exception
    assert at.session_state["request"]["profile"]["exclude_foods"] == []
    assert form(at, "multiselect", "exclude").value == []


def test_invalid_profile_shows_an_error_next_to_the_form() -> None:
    at = start()
    form(at, "selectbox", "sex").set_value("male")
    form(at, "selectbox", "life_stage").set_value("pregnant")
    submit(at)
    assert at.error, "expected st.error"
    assert "life_stage" in at.error[0].value and "Please check your details" in at.error[0].value
    assert at.session_state["request"]["profile"]["sex"] == "female"  # unchanged


def test_empty_meals_to_plan_is_refused_with_the_field_named() -> None:
    at = start()
    form(at, "multiselect", "meals").set_value([])
    submit(at)
    assert at.error and "meals_to_plan" in at.error[0].value
    assert at.session_state["request"]["profile"]["meals_to_plan"] == list(SLOTS)


def test_trimester_only_when_pregnant() -> None:
    at = start()
    assert not [s for s in at.selectbox if s.key and s.key.startswith("form_trimester_")]
    form(at, "selectbox", "life_stage").set_value("pregnant").run()
    form(at, "selectbox", "trimester").set_value(2)
    form(at, "slider", "days").set_value(1)
    submit(at)
    assert not at.error, [e.value for e in at.error]
    profile = at.session_state["request"]["profile"]
    assert profile["life_stage"] == "pregnant" and profile["trimester"] == 2


def test_kidney_fields_appear_only_when_ticked() -> None:
    at = start()
    assert not [c for c in at.checkbox if c.key and c.key.startswith("form_dialysis_")]
    assert not [n for n in at.number_input if n.key and "limit_" in n.key]
    form(at, "checkbox", "kidney").check().run()
    limits = {
        n.key.split("_", 2)[2].rsplit("_", 1)[0]: n for n in at.number_input if "limit_" in n.key
    }
    assert set(limits) == {"potassium_max_mg", "phosphorus_max_mg", "protein_max_g_per_kg"}
    assert limits["potassium_max_mg"].value == 2000 and limits["protein_max_g_per_kg"].value == 0.8
    assert texts(at).count("conservative default — ask your renal team") == 3
    form(at, "checkbox", "dialysis").check().run()
    names = {n.key for n in at.number_input if "limit_" in n.key}
    assert any("protein_min_g_per_kg" in k for k in names) and any(
        "fluid_max_ml" in k for k in names
    )
    form(at, "number_input", "limit_potassium_max_mg").set_value(2500.0)
    form(at, "slider", "days").set_value(1)
    submit(at)
    assert not at.error, [e.value for e in at.error]
    profile = at.session_state["request"]["profile"]
    assert profile["kidney_disease"] and profile["dialysis"]
    assert profile["clinician_limits"] == {"potassium_max_mg": 2500.0}  # defaults not stored
    assert "your clinician's limit" in texts(at)
    assert current_plan(at)["targets"]["potassium_mg"]["max"] == 2500.0


def test_dishes_cuisines_and_cooking_time_reach_the_profile() -> None:
    from foods.dishes import bundled_dishes

    at = start()
    dish = sorted(bundled_dishes())[0]
    form(at, "multiselect", "exclude_cuisines").set_value(["american"])
    form(at, "multiselect", "exclude_dishes").set_value([dish, "curry"])
    form(at, "number_input", "minutes").set_value(45)
    form(at, "multiselect", "meals").set_value(["lunch", "dinner"])
    form(at, "slider", "days").set_value(1)
    submit(at)
    assert not at.error, [e.value for e in at.error]
    profile = at.session_state["request"]["profile"]
    assert profile["exclude_cuisines"] == ["american"]
    assert profile["exclude_dishes"] == [dish, "curry"]
    assert profile["max_minutes_per_meal"] == 45 and profile["meals_to_plan"] == ["lunch", "dinner"]
    plan = current_plan(at)
    dishes = [d for day in plan["days"] for m in day["meals"] for d in m["dishes"]]
    assert [m["slot"] for m in plan["days"][0]["meals"]] == ["lunch", "dinner"]
    assert all(d["cuisine"] != "american" and d["minutes"] <= 45 for d in dishes)


def test_a_word_that_matches_no_food_still_plans() -> None:
    at = start()
    request = at.session_state["request"]
    request["profile"]["exclude_foods"] = ["no_such_food"]
    request["days"] = 1
    at.session_state["request"] = request
    at.session_state["planned"] = request
    at.run()
    assert not at.exception and not at.error
    assert current_plan(at)["days"]


def short_plan(days: int = 2) -> AppTest:
    at = start()
    form(at, "slider", "days").set_value(days)
    return submit(at)


def test_swap_changes_that_meal_and_keeps_the_other_days() -> None:
    at = short_plan(2)
    before = current_plan(at)
    old = main_dish(before, 1, "lunch")
    at.button(key="swap_1_lunch").click().run()
    assert not at.exception and not at.error
    request = at.session_state["request"]
    assert [1, "lunch", old] in request["forbidden"]
    after = current_plan(at)
    assert main_dish(after, 1, "lunch") not in (None, old)
    assert meals_of(after, 2) == meals_of(before, 2)  # the other day, exactly
    assert any("Swapped" in s.value for s in at.success)
    # a second swap of the same meal moves on to the next one again
    at.button(key="swap_1_lunch").click().run()
    third = main_dish(current_plan(at), 1, "lunch")
    assert third not in (None, old, main_dish(after, 1, "lunch"))
    # any other change drops the swap's one-off state
    submit(at)
    request = at.session_state["request"]
    assert request["forbidden"] == [] and request["pinned"] == []


def test_swap_keeps_the_other_meals_of_that_day() -> None:
    at = short_plan(2)
    before = current_plan(at)
    at.button(key="swap_1_lunch").click().run()
    after = current_plan(at)
    for slot in ("breakfast", "dinner", "snack"):
        kept = [m for m in meals_of(before, 1) if m[0] == slot]
        assert kept == [m for m in meals_of(after, 1) if m[0] == slot], slot


def test_lock_and_unlock_a_meal() -> None:
    at = short_plan(2)
    before = current_plan(at)
    dish = main_dish(before, 1, "dinner")
    portion = next(
        d["portion"]
        for m in before["days"][0]["meals"]
        if m["slot"] == "dinner"
        for d in m["dishes"]
    )
    at.button(key="lock_1_dinner").click().run()
    assert not at.exception
    assert at.session_state["request"]["locked"] == [
        {"day": 1, "slot": "dinner", "dish_id": dish, "portion": portion}
    ]
    assert current_plan(at) == before  # locking does not reshuffle the plan on screen
    assert at.button(key="lock_1_dinner").label == "Unlock"
    assert at.button(key="swap_1_dinner").disabled  # a locked meal is not swapped
    assert "Locked (kept from the next re-plan on)" in texts(at)
    at.button(key="lock_1_dinner").click().run()
    assert at.session_state["request"]["locked"] == []
    assert at.button(key="lock_1_dinner").label == "Lock"


def test_a_locked_dish_is_planned_where_it_was_locked() -> None:
    at = short_plan(2)
    other = main_dish(current_plan(at), 2, "dinner")  # not what day 1 would have
    request = at.session_state["request"]
    request["locked"] = [{"day": 1, "slot": "dinner", "dish_id": other, "portion": 1.0}]
    at.session_state["request"] = request
    submit(at)  # the next re-plan keeps the lock
    assert at.session_state["request"]["locked"] == request["locked"]
    assert main_dish(current_plan(at), 1, "dinner") == other


def test_new_menu_for_a_day_keeps_the_other_days() -> None:
    at = short_plan(2)
    before = current_plan(at)
    open_day(at, 2).button(key="regen_2").click().run()
    assert not at.exception and not at.error
    request = at.session_state["request"]
    assert {p["day"] for p in request["pinned"]} == {1}
    assert set(request["avoid_dishes"]) == {
        d["dish_id"] for m in before["days"][1]["meals"] for d in m["dishes"]
    }
    after = current_plan(at)
    assert meals_of(after, 1) == meals_of(before, 1)  # day 1 keeps every dish and item
    dishes = {d for m in meals_of(after, 2) for d in m[1]}
    assert dishes != {d for m in meals_of(before, 2) for d in m[1]}  # day 2 has a new menu
    assert any("New menu for day 2" in s.value for s in at.success)


def test_the_open_day_survives_a_shorter_plan() -> None:
    at = open_day(start(), 5)
    assert {b.key for b in at.button if b.key and b.key.startswith("regen_")} == {"regen_5"}
    form(at, "slider", "days").set_value(2)
    submit(at)
    assert day_tabs(at) == ["Day 1", "Day 2"]
    assert [b.key for b in at.button if b.key and b.key.startswith("regen_")] == ["regen_1"]


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


def test_an_older_or_damaged_saved_plan_opens_without_a_traceback() -> None:
    from planner.domain.profile import demo_profile

    old_request = {
        "profile": demo_profile().to_dict(),
        "days": "two",  # not a number: the default week
        "locked": [
            {"day": 1, "slot": "snack", "food_id": "banana_raw", "servings": 1.3},  # old shape
            {"day": 1, "slot": "lunch", "food_id": "no_such_food", "servings": 1},
            "junk",
            {"day": 1},
        ],
        "pinned": [{"day": 2, "slot": "lunch", "food_id": "lentils_cooked", "servings": 1}],
        "avoid_foods": {"lentils_cooked": 5},
        "forbidden": "not a list",
        "target_overrides": {"calcium_mg": "high"},
    }
    with Store.open() as store:
        store.save_plan({"status": "optimal", "days": []}, old_request)
    at = start()
    at.button(key="open_plan").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    request = at.session_state["request"]
    assert request["days"] == 7 and request["pinned"] == [] and request["forbidden"] == []
    assert "avoid_foods" not in request and request["target_overrides"] == {}
    assert [lock["dish_id"] for lock in request["locked"]] == ["banana_raw", "no_such_food"]
    assert day_tabs(at) == [f"Day {d}" for d in range(1, 8)]
    assert any("Opened the saved plan" in s.value for s in at.success)


def test_a_damaged_profile_in_a_saved_plan_names_the_field_and_can_be_fixed() -> None:
    from planner.domain.profile import demo_profile

    damaged = demo_profile().to_dict() | {"age": "forty", "diet": "carnivore"}
    with Store.open() as store:
        store.save_plan({"status": "optimal", "days": []}, {"profile": damaged, "locked": []})
    at = start()
    at.button(key="open_plan").click().run()
    assert not at.exception, at.exception
    message = " ".join(e.value for e in at.error)
    assert "age" in message and "diet" in message  # named, with the fix
    assert form(at, "number_input", "age").value == 45  # the form opens with usable values
    form(at, "slider", "days").set_value(1)
    submit(at)  # pressing "Plan my week" replaces the damaged profile
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["request"]["profile"]["age"] == 45
    assert current_plan(at)["days"]


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


@pytest.mark.parametrize("kidney", [False, True])
def test_targets_page_warns_about_potassium_with_kidney_disease(kidney: bool) -> None:
    """The profile as the Plan page's form leaves it (ticking the box there is
    ``test_kidney_fields_appear_only_when_ticked``); the Targets page plans nothing."""
    from ui.state import default_request

    request = default_request()
    request["profile"]["kidney_disease"] = kidney
    at = new_app()
    at.session_state["request"] = at.session_state["planned"] = request
    at.switch_page("ui/pages/targets.py").run()
    assert not at.exception, at.exception
    assert any("clinician" in e.value for e in at.error) is kidney


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
    at = page("foods")  # (the app puts the project on sys.path for ``ui``)
    from ui.custom_foods import template_csv

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
    pages = sorted((ROOT / "ui" / "pages").glob("*.py"))
    assert len(pages) >= 6  # every page registered in app.py is checked
    sources = [ROOT / "app.py", *pages, *sorted((ROOT / "ui").glob("*.py"))]
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
    # the new food is in the planner's table now: the plan page plans with it (one day)
    at.session_state["request"] = dict(at.session_state["request"]) | {"days": 1}
    at.session_state["planned"] = at.session_state["request"]
    at.switch_page("ui/pages/plan.py").run()
    assert not at.exception
    assert len(current_plan(at)["days"]) == 1


def _fields(node: Any) -> set[str]:
    """Every ``field`` an encoding of a chart spec (or one layer of it) names."""
    if isinstance(node, dict):
        found = {node["field"]} if isinstance(node.get("field"), str) else set()
        return found.union(*(_fields(v) for k, v in node.items() if k != "data"))
    if isinstance(node, list):
        return set().union(*(_fields(v) for v in node))
    return set()


def test_every_chart_is_plain_json_whose_fields_are_in_its_data() -> None:
    """The Vega-Lite specs of the plan page: valid JSON (a missing number is null, never NaN)
    and every encoded field present in the data of its layer (or made by a transform)."""
    import json

    from foods.catalog import load_catalog
    from ui.draw import (
        SOURCE_KEYS,
        coverage_chart,
        food_group_chart,
        food_group_frame,
        hei_chart,
        hei_frame,
        sources_chart,
        sources_frame,
    )

    at = start()
    plan = Plan.from_dict(current_plan(at))
    sources = sources_frame(plan, load_catalog())
    charts = [
        food_group_chart(food_group_frame(plan), "daily average"),
        food_group_chart(food_group_frame(plan, 2), "day 2"),
        hei_chart(hei_frame(plan)),
        coverage_chart(plan),
        *(sources_chart(sources, key) for key in SOURCE_KEYS),
    ]
    assert all(c is not None for c in charts)
    for chart in charts:
        json.dumps(chart, allow_nan=False)
        for layer in chart.get("layer", [chart]):
            rows = (layer.get("data") or chart["data"])["values"]
            made = {t["as"] for t in layer.get("transform", [])}
            assert rows and _fields(layer) <= set(rows[0]) | made, (chart["title"], layer)
