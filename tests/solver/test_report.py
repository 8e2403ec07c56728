"""The plan as Markdown and as a terminal table: meals as dishes (ingredients, substitutes,
steps, side dishes, side foods), each day's cost, water to drink and HEI-2020, the week's
HEI-2020, food groups against the pattern, coverage and split shortfalls; text from outside
escaped; old plans (items only) and damaged parts still rendered."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from foods.errors import UserError
from planner.domain.plan import Plan, day_from_dict
from planner.domain.profile import demo_profile
from planner.domain.request import PlanRequest
from planner.optimiser.week import plan_week
from planner.outputs.report import (
    grams_text,
    meal_view,
    pattern_rows,
    plan_markdown,
    plan_table,
    portion_text,
    water_text,
)


def ingredient(
    food_id: str,
    name: str,
    grams: float,
    household: str,
    dish: str | None,
    replaces: str | None = None,
) -> dict[str, Any]:
    return {
        "food_id": food_id,
        "ndb_no": "",
        "name": name,
        "grams": grams,
        "household": household,
        "cost_usd": 0.5,
        "dish_id": dish,
        "replaces": replaces,
        "portion": 1.0,
    }


def dish(
    dish_id: str, name: str, role: str, portion: float, minutes: int, *steps: str
) -> dict[str, Any]:
    return {
        "dish_id": dish_id,
        "name": name,
        "role": role,
        "portion": portion,
        "minutes": minutes,
        "cuisine": "mediterranean",
        "steps": list(steps),
    }


def dish_plan() -> dict[str, Any]:
    """One day in the dish shape: lunch is a lentil soup (1½ portions; tofu stands in for
    chicken, soy milk for the milk the snack also has), a side dish of greens and a banana;
    the snack is two side foods."""
    lunch = {
        "slot": "lunch",
        "dishes": [
            dish(
                "lentil_soup",
                "Lentil Soup with Spinach",
                "main",
                1.5,
                35,
                "Soften the onion in the oil.",
                "Add the lentils and simmer 20 minutes.",
            ),
            dish("garlic_greens", "Garlicky Greens", "side", 1.0, 10, "Wilt the greens."),
        ],
        "items": [
            ingredient("lentils_cooked", "Lentils, cooked", 150, "3/4 cup", "lentil_soup"),
            ingredient("tofu_firm", "Tofu, firm", 124, "1/2 cup", "lentil_soup", "chicken_breast"),
            ingredient("soymilk", "Soy milk", 120, "1/2 cup", "lentil_soup", "milk_whole"),
            ingredient("spinach_raw", "Spinach, raw", 60, "2 cups", "garlic_greens"),
            ingredient("banana_raw", "Banana", 118, "1 medium", None),
        ],
    }
    snack = {
        "slot": "snack",
        "dishes": [],
        "items": [
            ingredient("popcorn", "Popcorn, air-popped", 24, "3 cups", None),
            ingredient("milk_whole", "Milk, whole", 244, "1 cup", None),
        ],
    }
    day = {
        "day": 1,
        "meals": [lunch, snack],
        "totals": {"potassium_mg": 3100.0, "vitamin_d_ug": 9.5, "calcium_mg": 800.0},
        "food_groups": {
            "veg_dark_green": 1.0,
            "legumes": 0.5,
            "veg_other": 0.5,
            "protein_eggs": 1.0,
            "dairy": 1.2,
            "fruit_whole": 1.0,
        },
        "cost_usd": 6.4,
        "water_to_drink_ml": 1210,
        "water_schedule": [
            {"when": "with breakfast", "ml": 310},
            {"when": "with lunch", "ml": 300},
            {"when": "with dinner", "ml": 300},
            {"when": "mid-morning", "ml": 300},
        ],
        "hei2020": 87.4,
    }
    return {
        "status": "partial",
        "message": "1 target is not met.",
        "days": [day],
        "targets": {
            "potassium_mg": {"min": 2600.0, "max": None, "unit": "mg"},
            "vitamin_d_ug": {"min": 15.0, "max": 100.0, "unit": "µg"},
            "calcium_mg": {"min": 1000.0, "max": 2500.0, "unit": "mg"},
        },
        "hei2020": {
            "total": 87.4,
            "components": {
                "total_fruits": {
                    "label": "Total fruits",
                    "points": 3.5,
                    "max": 5,
                    "amount": 0.6,
                    "unit": "cup-eq per 1,000 kcal",
                },
                "sodium": {
                    "label": "Sodium",
                    "points": 10,
                    "max": 10,
                    "amount": 0.71,
                    "unit": "g per 1,000 kcal",
                },
            },
        },
        "food_pattern": {
            "level_kcal": 2000,
            "daily": {
                "vegetables": 2.5,
                "fruits": 2.0,
                "grain_whole": 3.0,
                "dairy": 3.0,
                "protein_foods": 5.5,
            },
            "weekly": {},
            "share_of_day": 1.0,
        },
        "shortfalls": [
            {
                "nutrient": "vitamin_d_ug",
                "kind": "nutrient",
                "day": None,
                "achieved": 9.5,
                "target": 15.0,
                "unit": "µg",
                "reason": "Vegan and no fortified foods.",
                "best_sources": [{"name": "Salmon", "blocked_by": "diet: vegan"}],
            },
            {
                "nutrient": "dairy",
                "kind": "food_group",
                "day": 1,
                "achieved": 1.2,
                "target": 3.0,
                "unit": "cup-eq",
                "reason": "Few dishes carry dairy.",
                "best_sources": [],
            },
        ],
        "warnings": ["Potassium from food only."],
        "missing_data": {},
        "solver": {"name": "highs"},
    }


def old_plan() -> dict[str, Any]:
    """A plan saved before dishes: items with servings, no water, HEI, pattern or kind."""
    item = {
        "food_id": "banana_raw",
        "ndb_no": "09040",
        "name": "Banana",
        "servings": 1.0,
        "grams": 118.0,
        "household": "1 medium",
    }
    return {
        "status": "optimal",
        "message": "",
        "days": [
            {
                "day": 1,
                "meals": [{"slot": "lunch", "items": [item]}],
                "totals": {"potassium_mg": 422.0},
                "cost_usd": 0.3,
            }
        ],
        "targets": {"potassium_mg": {"min": 2600.0, "max": None, "unit": "mg"}},
        "shortfalls": [
            {
                "nutrient": "potassium_mg",
                "day": 1,
                "achieved": 422.0,
                "target": 2600.0,
                "unit": "mg",
                "reason": "One banana is not enough.",
                "best_sources": [],
            }
        ],
        "warnings": [],
    }


def _lines(text: str) -> list[str]:
    return text.splitlines()


# --- meals as dishes ------------------------------------------------------------------------


def test_markdown_shows_the_main_dish_its_ingredients_and_numbered_steps() -> None:
    md = plan_markdown(dish_plan())
    lines = _lines(md)
    heading = "**Lunch — Lentil Soup with Spinach** (1½ portions, 35 min)"
    assert heading in lines
    first = lines.index(heading)
    block = lines[first : first + 9]
    assert block == [
        heading,
        "",
        "- Lentils, cooked — 3/4 cup (150 g)",
        "- Tofu, firm — 1/2 cup (124 g), instead of chicken\\_breast",
        "- Soy milk — 1/2 cup (120 g), instead of Milk, whole",
        "",
        "1. Soften the onion in the oil.",
        "2. Add the lentils and simmer 20 minutes.",
        "",
    ]


def test_side_dishes_are_shorter_and_side_foods_follow_the_dishes() -> None:
    lines = _lines(plan_markdown(dish_plan()))
    side = lines.index("*Side:* **Garlicky Greens** (1 portion, 10 min)")
    assert lines[side + 2] == "With Spinach, raw — 2 cups (60 g)."
    assert lines[side + 4] == "How: Wilt the greens."
    banana = lines.index("+ Banana — 1 medium (118 g)")
    assert lines.index("2. Add the lentils and simmer 20 minutes.") < side < banana
    # the spinach belongs to the side dish, not to the soup
    assert "- Spinach, raw — 2 cups (60 g)" not in lines


def test_a_meal_without_a_dish_lists_its_foods() -> None:
    lines = _lines(plan_markdown(dish_plan()))
    snack = lines.index("**Snack**")
    assert lines[snack + 2 : snack + 4] == [
        "- Popcorn, air-popped — 3 cups (24 g)",
        "- Milk, whole — 1 cup (244 g)",
    ]


def test_each_day_shows_cost_water_schedule_and_hei() -> None:
    lines = _lines(plan_markdown(dish_plan()))
    assert "## Day 1  (about $6.40)" in lines
    assert (
        "**Water to drink:** about 1.2 l: 310 ml with breakfast, 300 ml with lunch, "
        "300 ml with dinner, 300 ml mid-morning." in lines
    )
    assert "**HEI-2020 of the day:** 87 of 100." in lines
    assert lines.index("**HEI-2020 of the day:** 87 of 100.") > lines.index("**Snack**")


# --- the week -------------------------------------------------------------------------------


def test_week_has_hei_components_and_food_groups_against_the_pattern() -> None:
    md = plan_markdown(dish_plan())
    lines = _lines(md)
    assert "**Healthy Eating Index-2020:** 87 of 100 for the week." in lines
    assert "| Total fruits | 3.5 | 5 | 0.6 cup-eq per 1,000 kcal |" in lines
    assert "| Sodium | 10 | 10 | 0.71 g per 1,000 kcal |" in lines
    assert "Compared with the 2,000 kcal pattern." in lines
    # vegetables: dark green 1.0 + legumes 0.5 + other 0.5 = 2.0 of 2.5 cup-eq
    assert "| Vegetables | 2.0 cup-eq | 2.5 cup-eq | 80 % |" in lines
    # protein foods: eggs 1.0 + legumes 0.5 cup × 4 oz per cup = 3.0 of 5.5 oz-eq
    assert "| Protein foods | 3.0 oz-eq | 5.5 oz-eq | 55 % |" in lines
    assert "| Whole grains | 0.0 oz-eq | 3.0 oz-eq | 0 % |" in lines
    assert "| potassium | ≥ 2,600 mg | 3,100 mg | 119 % |" in lines


def test_pattern_targets_scale_with_the_share_of_the_day_planned() -> None:
    plan = dish_plan()
    plan["food_pattern"]["share_of_day"] = 0.5
    rows = {r["group"]: r for r in pattern_rows(plan)}
    assert rows["vegetables"]["target"] == pytest.approx(1.25)
    assert rows["vegetables"]["percent"] == pytest.approx(160)
    assert "× 50% of the day (the meals planned)" in plan_markdown(plan)


def test_shortfalls_are_split_into_targets_and_food_groups() -> None:
    md = plan_markdown(dish_plan())
    targets = md.index("## Targets not met")
    groups = md.index("## Food groups below the pattern")
    vitamin_d = md.index(
        "- **vitamin D** (weekly average): 9.5 of 15.0 µg. Vegan and no fortified foods. "
        "Best sources: Salmon (not used: diet: vegan)."
    )
    dairy = md.index(
        "- **Dairy or fortified soy** (day 1): 1.2 of 3.0 cup-eq. Few dishes carry dairy."
    )
    assert targets < vitamin_d < groups < dairy < md.index("## Safety notes")
    assert "What cannot be met" not in md


# --- escaping -------------------------------------------------------------------------------


def hostile_plan() -> dict[str, Any]:
    plan = dish_plan()
    lunch = plan["days"][0]["meals"][0]
    lunch["slot"] = "lunch <i>"
    lunch["dishes"][0]["name"] = "![x](http://evil.example/p.png) <script>"
    lunch["dishes"][0]["steps"] = ["**bold** | cell\nnew line `code`", "[link](javascript:x)"]
    lunch["dishes"][1]["name"] = "_side_ ~~strike~~"
    lunch["items"][0]["name"] = "Lentils <img src=x>"
    lunch["items"][0]["household"] = "1 | 2 cup"
    plan["days"][0]["meals"][1]["items"][1]["name"] = "Milk $x$ [a]"  # named as replaced food
    plan["days"][0]["water_schedule"][0]["when"] = "with <b>breakfast</b>"
    plan["shortfalls"][1]["reason"] = "Few *dishes*\r\n| x |"
    plan["warnings"] = ["Ask <your> doctor"]
    return plan


def test_every_outside_string_is_escaped_in_markdown() -> None:
    md = plan_markdown(hostile_plan())
    for raw in (
        "![x]",
        "<script>",
        "**bold**",
        "[link]",
        "<img",
        "`code`",
        "_side_",
        "<b>",
        "$x$",
        "*dishes*",
        "<your>",
        "<i>",
        "1 | 2",
    ):
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw  # only escaped forms
    lines = _lines(md)
    heading = next(line for line in lines if line.startswith("**Lunch"))
    assert heading == (
        "**Lunch \\<i\\> — \\!\\[x\\](http://evil.example/p.png) \\<script\\>** "
        "(1½ portions, 35 min)"
    )
    assert "1. \\*\\*bold\\*\\* \\| cell new line \\`code\\`" in lines  # one line, inert
    assert "2. \\[link\\](javascript:x)" in lines
    assert "- Lentils \\<img src=x\\> — 1 \\| 2 cup (150 g)" in lines
    assert "- Soy milk — 1/2 cup (120 g), instead of Milk \\$x\\$ \\[a\\]" in lines
    assert "*Side:* **\\_side\\_ \\~\\~strike\\~\\~** (1 portion, 10 min)" in lines
    assert "about 1.2 l: 310 ml with \\<b\\>breakfast\\</b\\>" in md
    assert "Few \\*dishes\\* \\| x \\|" in md and "- Ask \\<your\\> doctor" in lines


def test_plain_markdown_keeps_outside_text_as_is_on_one_line() -> None:
    text = plan_markdown(hostile_plan(), plain=True)
    assert "1. **bold** | cell new line `code`" in _lines(text)
    assert "**Lunch <i> — ![x](http://evil.example/p.png) <script>** (1½ portions, 35 min)" in (
        _lines(text)
    )
    assert "Few *dishes* | x |" in text
    assert not any(line.startswith(("new line", "| x")) for line in _lines(text))


def test_the_terminal_table_shows_dishes_and_no_control_characters() -> None:
    plan = dish_plan()
    plan["days"][0]["meals"][0]["items"][0]["name"] = "Lentils\x1b[31m red"
    table = plan_table(plan)
    lines = _lines(table)
    assert "\x1b" not in table
    assert "  Lunch — Lentil Soup with Spinach (1½ portions, 35 min)" in lines
    assert "    - Lentils [31m red — 3/4 cup (150 g)" in lines
    assert "    1. Soften the onion in the oil." in lines
    assert "    Side: Garlicky Greens (1 portion, 10 min)" in lines
    assert "    + Banana — 1 medium (118 g)" in lines
    assert "Day 1  (about $6.40, HEI-2020 87 of 100)" in lines
    assert any(
        line.startswith("  Water to drink: about 1.2 l: 310 ml with breakfast") for line in lines
    )
    assert any(line.startswith("SHORT vitamin D (week): 9.5 of 15.0 µg.") for line in lines)
    assert any(line.startswith("BELOW PATTERN Dairy or fortified soy (day 1)") for line in lines)
    assert any(line.startswith("  Vegetables") and "2.0 of   2.5 cup-eq" in line for line in lines)


# --- old and damaged plans --------------------------------------------------------------------


def test_an_old_plan_without_dishes_still_renders() -> None:
    plan = old_plan()
    md = plan_markdown(plan)
    lines = _lines(md)
    assert "**Lunch**" in lines and "- Banana — 1 medium (118 g)" in lines
    assert "## Day 1  (about $0.30)" in lines
    assert "- **potassium** (day 1): 422 of 2,600 mg. One banana is not enough." in lines
    assert "## Targets not met" in lines
    for absent in ("Water to drink", "HEI-2020", "Food groups", "+ Banana"):
        assert absent not in md, absent
    table = plan_table(plan)
    assert "  Lunch" in _lines(table) and "    - Banana — 1 medium (118 g)" in _lines(table)
    assert "SHORT potassium (day 1): 422 of 2,600 mg." in table


def test_a_damaged_plan_is_refused_with_the_broken_places_named() -> None:
    plan = dish_plan()
    lunch = plan["days"][0]["meals"][0]
    lunch["items"].insert(0, 42)
    lunch["items"][2]["grams"] = float("nan")
    for render in (plan_markdown, plan_table):
        with pytest.raises(UserError) as caught:
            render(plan)
        message = str(caught.value)
        assert message.startswith("not a plan: days[0].meals[0].items[0] must be an object")
        assert "items[2].grams nan must be a number of grams" in message


def test_an_item_of_no_listed_dish_is_a_side_food() -> None:
    plan = dish_plan()
    plan["days"][0]["meals"][0]["items"][2]["dish_id"] = "no_such_dish"
    for text in (plan_markdown(plan), plan_markdown(plan, plain=True), plan_table(plan)):
        assert "+ Soy milk — 1/2 cup (120 g), instead of Milk, whole" in text


def test_meal_view_groups_items_under_their_dish() -> None:
    plan = Plan.from_dict(dish_plan())
    view = meal_view(plan.days[0].meals[0], {"chicken_breast": "Chicken breast"})
    assert view.main is not None
    assert view.title() == "Lentil Soup with Spinach"
    assert [d.name for d in view.side_dishes] == ["Garlicky Greens"]
    assert [i.name for i in view.main.ingredients] == ["Lentils, cooked", "Tofu, firm", "Soy milk"]
    assert view.main.ingredients[1].instead_of == "Chicken breast"
    assert view.main.ingredients[2].instead_of == "milk_whole"  # not in the names given
    assert [s.name for s in view.sides] == ["Banana"]
    snack = meal_view(plan.days[0].meals[1])
    assert snack.main is None and snack.title() == "Popcorn, air-popped, Milk, whole"


@pytest.mark.parametrize(
    ("portion", "text"),
    [
        (0.5, "½ portion"),
        (0.75, "¾ portion"),
        (1.0, "1 portion"),
        (1.25, "1¼ portions"),
        (1.5, "1½ portions"),
        (2.0, "2 portions"),
        (1.3, "1.3 portions"),
        (None, ""),
        (0, ""),
    ],
)
def test_portions_read_as_people_say_them(portion: float | None, text: str) -> None:
    assert portion_text(portion) == text


def test_small_grams_keep_their_decimal_and_water_rounds_sensibly() -> None:
    assert [grams_text(g) for g in (0.2, 0.25, 9.96, 10.4, 1234.0)] == [
        "0.2 g",
        "0.2 g",
        "10 g",
        "10 g",
        "1,234 g",
    ]
    day = day_from_dict
    assert water_text(day({"water_to_drink_ml": 528, "water_schedule": []})) == "about 530 ml"
    assert water_text(day({"water_to_drink_ml": 0})) == "none beyond the meals and their drinks"
    assert water_text(day({})) == ""  # a plan made before water was planned


# --- a real plan ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_plan() -> dict[str, Any]:
    """A real 1-day plan for the demo profile (~2 s)."""
    return plan_week(PlanRequest(profile=demo_profile(), days=1)).to_dict()


def test_a_real_plan_renders_every_dish_step_and_side(real_plan: dict[str, Any]) -> None:
    md = plan_markdown(real_plan, plain=True)
    lines = _lines(md)
    day = real_plan["days"][0]
    n_dishes = 0
    for meal in day["meals"]:
        for d in meal["dishes"]:
            n_dishes += 1
            assert any(d["name"] in line for line in lines), d["name"]
            if d["role"] == "main":
                for n, step in enumerate(d["steps"], start=1):
                    assert f"{n}. {step}" in lines
        for item in meal["items"]:
            assert any(
                line.endswith(f"{item['household']} ({grams_text(item['grams'])})")
                or f"{item['name']} — {item['household']}" in line
                for line in lines
            ), item["name"]
    assert n_dishes >= 3
    assert any(line.startswith("**Water to drink:** about") for line in lines)
    assert f"**HEI-2020 of the day:** {day['hei2020']:.0f} of 100." in lines
    total = real_plan["hei2020"]["total"]
    assert f"**Healthy Eating Index-2020:** {total:.0f} of 100 for the week." in lines
    assert "| Vegetables |" in md and "## Coverage (daily average)" in md
    escaped = plan_markdown(copy.deepcopy(real_plan))
    assert escaped.count("\n1. ") == md.count("\n1. ")  # same steps, escaped or not
