"""The shopping list: packs and counts rounded up, "already have", aisles, CSV/Markdown/HTML,
and the ``shopping-list`` command on real files."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from foods.catalog import build_food_table, load_catalog, read_food_csv
from foods.schema import column_names
from foods.vocabulary import labels, vocabulary
from planner.cli import shopping as shopping_command
from planner.domain.profile import demo_profile
from planner.domain.request import PlanRequest
from planner.optimiser.week import plan_week
from planner.outputs.shopping import (
    CSV_COLUMNS,
    ShoppingError,
    build_shopping_list,
    buy_text,
    plural,
    read_have,
    to_csv,
    to_html,
    to_markdown,
    used_in_text,
)

XSS = "<script>alert(1)</script>"


def item(
    food_id: str, grams: float, name: str | None = None, dish_id: str | None = None
) -> dict[str, Any]:
    """A plan item in the dish shape (``dish_id`` None: a side food)."""
    return {
        "food_id": food_id,
        "ndb_no": "",
        "name": name or food_id,
        "grams": grams,
        "household": "1 serving",
        "cost_usd": 0.0,
        "dish_id": dish_id,
        "replaces": None,
        "portion": 1.0,
    }


def dish(dish_id: str, name: str) -> dict[str, Any]:
    return {
        "dish_id": dish_id,
        "name": name,
        "role": "main",
        "portion": 1.0,
        "minutes": 30,
        "cuisine": "indian",
        "steps": ["Cook."],
    }


def hand_plan(*days: list[dict[str, Any]]) -> dict[str, Any]:
    """A plan JSON with one lunch per day holding the given items (no dishes)."""
    return {
        "status": "optimal",
        "days": [
            {
                "day": i,
                "meals": [{"slot": "lunch", "dishes": [], "items": items}],
                "totals": {},
                "cost_usd": 0,
            }
            for i, items in enumerate(days, start=1)
        ],
        "targets": {},
        "shortfalls": [],
        "warnings": [],
    }


@pytest.fixture(scope="module")
def foods() -> pd.DataFrame:
    return load_catalog()


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    """A real 2-day plan for the demo profile (~1 s)."""
    return plan_week(PlanRequest(profile=demo_profile(), days=2)).to_dict()


# --- what to buy --------------------------------------------------------------------------


def test_packs_are_rounded_up_with_leftover_and_cost(foods: pd.DataFrame) -> None:
    # 2 days × 300 g of canned black beans; a can holds 425 g → 2 cans, 250 g left over
    plan = hand_plan([item("black_beans_canned", 300)], [item("black_beans_canned", 300)])
    (row,) = build_shopping_list(plan, foods).rows
    assert foods.at["black_beans_canned", "purchase_g"] == 425
    assert row.buy_quantity == 2 and row.buy_unit == "15 oz can" and not row.by_count
    assert row.needed_g == 600 and row.buy_g == 850 and row.leftover_g == pytest.approx(250)
    price = foods.at["black_beans_canned", "price_usd_per_kg"]
    assert row.est_cost_usd == pytest.approx(0.850 * price)
    assert row.price_source == foods.at["black_beans_canned", "price_source"]
    assert buy_text(row) == "2 × 15 oz can"


def test_exact_packs_are_not_rounded_up_by_float_noise(foods: pd.DataFrame) -> None:
    plan = hand_plan([item("black_beans_canned", 425.0000001)])
    (row,) = build_shopping_list(plan, foods).rows
    assert row.buy_quantity == 1 and row.leftover_g == pytest.approx(0, abs=1e-3)


def test_foods_with_a_count_unit_are_bought_by_count(foods: pd.DataFrame) -> None:
    # 800 g of banana at 118 g each → 6.8 → 7 medium bananas
    plan = hand_plan([item("banana_raw", 400)], [item("banana_raw", 400)])
    (row,) = build_shopping_list(plan, foods).rows
    assert row.by_count and row.buy_unit == "medium banana"
    assert row.buy_quantity == 7 == math.ceil(800 / 118)
    assert row.buy_g == 7 * 118 and row.leftover_g == pytest.approx(26)
    assert row.est_cost_usd == pytest.approx(
        7 * 118 / 1000 * foods.at["banana_raw", "price_usd_per_kg"]
    )
    assert buy_text(row) == "7 medium bananas"


def test_one_count_is_singular_and_plurals_read_naturally() -> None:
    assert plural("medium banana") == "medium bananas"
    assert plural("medium potato") == "medium potatoes"
    assert plural("ear of corn") == "ears of corn"
    assert plural("kiwifruit") == "kiwifruit"
    assert plural("large egg") == "large eggs"


def test_have_list_is_subtracted_and_a_covered_food_is_not_bought(foods: pd.DataFrame) -> None:
    plan = hand_plan([item("banana_raw", 826), item("black_beans_canned", 600)])
    shopping = build_shopping_list(
        plan, foods, {"banana_raw": 300, "black_beans_canned": 700, "okra_raw": 50}
    )
    (row,) = shopping.rows
    assert row.food_id == "banana_raw" and row.have_g == 300
    assert row.buy_quantity == math.ceil((826 - 300) / 118) == 5
    notes = " ".join(shopping.notes)
    assert "Already at home" in notes and "Black beans" in notes
    assert "okra_raw" in notes  # a have entry not in the plan is reported, not silently used


def test_tap_water_is_not_a_purchase_and_says_so(foods: pd.DataFrame) -> None:
    plan = hand_plan([item("water_tap", 1422), item("banana_raw", 118)])
    shopping = build_shopping_list(plan, foods)
    assert [r.food_id for r in shopping.rows] == ["banana_raw"]
    assert any("Water, tap" in n and "nothing to buy" in n for n in shopping.notes)
    assert "Water, tap" in to_markdown(shopping) and "Water, tap" in to_html(shopping)


def test_rows_follow_the_store_walking_order(foods: pd.DataFrame) -> None:
    ids = ["orange_juice", "black_beans_canned", "blueberries_frozen", "milk_whole", "banana_raw"]
    shopping = build_shopping_list(hand_plan([item(f, 100) for f in ids]), foods)
    aisles = [r.aisle for r in shopping.rows]
    walk = list(vocabulary("aisle"))
    assert aisles == sorted(aisles, key=walk.index)
    assert aisles[0] == "produce" and aisles[-1] == "beverages"
    assert [label for label, _ in shopping.aisles()] == [labels("aisle")[a] for a in aisles]


def test_unknown_food_is_refused_by_name(foods: pd.DataFrame) -> None:
    plan = hand_plan([item("banana_raw", 100), item("unicorn_steak", 100)])
    with pytest.raises(ShoppingError, match="unicorn_steak"):
        build_shopping_list(plan, foods)


@pytest.mark.parametrize("grams", [-5, float("nan"), "200", None])
def test_bad_grams_in_a_plan_are_refused(foods: pd.DataFrame, grams: object) -> None:
    plan = hand_plan([item("banana_raw", 0) | {"grams": grams}])
    with pytest.raises(ShoppingError, match="grams"):
        build_shopping_list(plan, foods)


def test_a_real_plan_is_covered_food_by_food(plan: dict[str, Any], foods: pd.DataFrame) -> None:
    shopping = build_shopping_list(plan, foods)
    needed: dict[str, float] = {}
    for day in plan["days"]:
        for meal in day["meals"]:
            for it in meal["items"]:
                needed[it["food_id"]] = needed.get(it["food_id"], 0) + it["grams"]
    listed = {r.food_id for r in shopping.rows}
    for food_id in needed:
        if food_id in listed:
            continue
        assert foods.at[food_id, "purchase_unit"].endswith("from the tap"), food_id
    for row in shopping.rows:
        assert row.needed_g == pytest.approx(needed[row.food_id])
        assert row.buy_g >= row.needed_g - 0.5
        unit_g = foods.at[row.food_id, "count_g" if row.by_count else "purchase_g"]
        assert row.buy_g - unit_g < row.needed_g  # never a whole unit too many
    assert shopping.total_usd == pytest.approx(sum(r.est_cost_usd or 0 for r in shopping.rows))
    assert shopping.days == 2 and shopping.title == "Shopping list for 2 days"


# --- dishes ---------------------------------------------------------------------------------


def dish_week() -> dict[str, Any]:
    """Day 1: chana masala (chickpeas, onion, a pinch of pepper) and a banana on the side;
    day 2: lentil soup (onion, banana) and a banana on the side."""
    chana, soup = dish("chana", "Chana Masala"), dish("soup", "Lentil Soup")
    plan = hand_plan(
        [
            item("chickpeas_cooked", 170, "Chickpeas, cooked", "chana"),
            item("onion_raw", 70, "Onion, raw", "chana"),
            item("spice_black_pepper", 0.2, "Black pepper, ground", "chana"),
            item("banana_raw", 118, "Banana"),
        ],
        [
            item("onion_raw", 50, "Onion, raw", "soup"),
            item("banana_raw", 118, "Banana", "soup"),
            item("banana_raw", 118, "Banana"),
        ],
    )
    plan["days"][0]["meals"][0]["dishes"] = [chana]
    plan["days"][1]["meals"][0]["dishes"] = [soup]
    return plan


def test_dish_ingredients_and_side_foods_are_both_bought(foods: pd.DataFrame) -> None:
    rows = {r.food_id: r for r in build_shopping_list(dish_week(), foods).rows}
    assert set(rows) == {"chickpeas_cooked", "onion_raw", "spice_black_pepper", "banana_raw"}
    assert rows["banana_raw"].needed_g == 3 * 118 and rows["banana_raw"].buy_quantity == 3
    assert rows["onion_raw"].needed_g == 120
    assert rows["onion_raw"].dishes == ("Chana Masala", "Lentil Soup")
    assert rows["banana_raw"].dishes == ("Lentil Soup",)  # the side bananas name no dish
    assert rows["chickpeas_cooked"].dishes == ("Chana Masala",)


def test_a_pinch_of_spice_is_one_jar_with_a_note_not_already_at_home(
    foods: pd.DataFrame,
) -> None:
    shopping = build_shopping_list(dish_week(), foods)
    (pepper,) = [r for r in shopping.rows if r.food_id == "spice_black_pepper"]
    assert pepper.buy_quantity == 1 and pepper.buy_unit == foods.at[pepper.food_id, "purchase_unit"]
    assert pepper.needed_g == pytest.approx(0.2) and not pepper.by_count
    notes = " ".join(shopping.notes)
    assert "Already at home" not in notes
    assert f"check the pantry first): Black pepper, ground (0.2 g of {pepper.buy_unit})" in notes
    assert "Onion" not in notes.partition("pantry")[2]  # a real amount is not a pinch
    assert "| 0.2 g |" in to_markdown(shopping)
    # what is at home covers the pinch only when it is all there
    half = build_shopping_list(dish_week(), foods, {"spice_black_pepper": 0.1})
    assert "spice_black_pepper" in {r.food_id for r in half.rows}
    whole = build_shopping_list(dish_week(), foods, {"spice_black_pepper": 0.2})
    assert "spice_black_pepper" not in {r.food_id for r in whole.rows}
    assert any("Already at home" in n and "Black pepper" in n for n in whole.notes)


def test_a_plan_saved_before_dishes_still_makes_a_list(foods: pd.DataFrame) -> None:
    old = {
        "food_id": "banana_raw",
        "ndb_no": "09040",
        "name": "Banana",
        "servings": 2.0,
        "grams": 236.0,
        "household": "2 medium",
    }
    plan = {"days": [{"day": 1, "meals": [{"slot": "snack", "items": [old]}]}]}
    (row,) = build_shopping_list(plan, foods).rows
    assert buy_text(row) == "2 medium bananas" and row.dishes == () and used_in_text(row) == ""


def test_every_format_says_which_dishes_a_food_is_for(foods: pd.DataFrame) -> None:
    plan = dish_week()
    plan["days"][1]["meals"][0]["dishes"][0]["name"] = "=cmd() <b>&</b> Soup"
    shopping = build_shopping_list(plan, foods)
    csv_rows = {r["food_id"]: r for r in csv.DictReader(io.StringIO(to_csv(shopping)))}
    assert csv_rows["onion_raw"]["for_dishes"] == "Chana Masala|=cmd() <b>&</b> Soup"
    assert csv_rows["banana_raw"]["for_dishes"] == "'=cmd() <b>&</b> Soup"  # made inert
    assert csv_rows["spice_black_pepper"]["for_dishes"] == "Chana Masala"
    md = to_markdown(shopping)
    assert "| Onion, raw | Chana Masala, =cmd() \\<b\\>&\\</b\\> Soup |" in md
    page = to_html(shopping)
    assert "<b>&" not in page and "Chana Masala, =cmd() &lt;b&gt;&amp;&lt;/b&gt; Soup" in page
    many = replace(shopping.rows[0], dishes=("A", "B", "C", "D"))
    assert used_in_text(many) == "A, B and 2 more"


def test_a_real_plan_lists_every_dish_ingredient_under_its_dish(
    plan: dict[str, Any], foods: pd.DataFrame
) -> None:
    rows = {r.food_id: r for r in build_shopping_list(plan, foods).rows}
    checked = 0
    for day in plan["days"]:
        for meal in day["meals"]:
            names = {d["dish_id"]: d["name"] for d in meal["dishes"]}
            for it in meal["items"]:
                if it["dish_id"] is None or it["food_id"] not in rows:
                    continue
                assert names[it["dish_id"]] in rows[it["food_id"]].dishes, it["food_id"]
                checked += 1
    assert checked >= 10  # a real week of dishes has many ingredients


# --- formats --------------------------------------------------------------------------------


def test_csv_has_the_columns_and_rows_grouped_by_aisle(plan: dict[str, Any]) -> None:
    shopping = build_shopping_list(plan)
    rows = list(csv.DictReader(io.StringIO(to_csv(shopping))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert {
        "aisle",
        "food_id",
        "name",
        "needed_g",
        "buy_quantity",
        "buy_unit",
        "buy_g",
        "est_cost_usd",
        "price_source",
    } <= set(CSV_COLUMNS)
    aisles = [r["aisle"] for r in rows]
    # grouped: each aisle appears as one contiguous block, blocks in walking order
    blocks = [a for i, a in enumerate(aisles) if i == 0 or aisles[i - 1] != a]
    assert len(blocks) == len(set(aisles))
    assert blocks == sorted(blocks, key=list(vocabulary("aisle")).index)
    assert sum(float(r["est_cost_usd"]) for r in rows) == pytest.approx(
        shopping.total_usd, abs=0.05
    )
    assert all(int(r["buy_quantity"]) >= 1 for r in rows)


def test_markdown_has_aisles_counts_total_and_sources(foods: pd.DataFrame) -> None:
    plan = hand_plan([item("banana_raw", 800), item("black_beans_canned", 600)])
    md = to_markdown(build_shopping_list(plan, foods))
    assert md.startswith("# Shopping list for 1 day\n")
    assert "## Fruit and vegetables" in md and "## Canned goods" in md
    assert md.index("## Fruit and vegetables") < md.index("## Canned goods")
    assert "| 7 medium bananas | Banana" in md
    assert "**Estimated total:** $" in md
    assert "## Price sources" in md and "ERS 2022 Bananas" in md


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _custom_foods() -> pd.DataFrame:
    values = {
        "food_id": "zz_evil_banana",
        "ndb_no": "09040",
        "name": XSS,
        "category": "fruit",
        "slots": "snack",
        "serving_g": "118",
        "household": "1 medium",
        "allow_half": "true",
        "max_servings_per_day": "2",
        "diet_tags": "vegan|vegetarian|pescatarian",
        "allergens": "",
        "fortified": "false",
        "aisle": "produce",
        "purchase_unit": "1 lb <b>bag</b>",
        "purchase_g": "454",
        "count_unit": "",
        "count_g": "",
        "price_usd_per_kg": "2",
        "price_source": "user & friends",
        "fdc_id": "",
    }
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(column_names())
    writer.writerow([values.get(c, "") for c in column_names()])
    custom = build_food_table(read_food_csv(buf.getvalue(), "mine.csv"), "mine.csv", "custom")
    return load_catalog([custom])


def test_html_is_a_standalone_printable_page_with_every_string_escaped() -> None:
    foods = _custom_foods()
    plan = hand_plan([item("zz_evil_banana", 500, XSS), item("banana_raw", 200)])
    page = to_html(build_shopping_list(plan, foods, title="Week <1>"))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "@media print" in page and '<meta charset="utf-8">' in page
    assert XSS not in page and "<b>bag" not in page and "Week <1>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "user &amp; friends" in page
    parsed = _Collect()
    parsed.feed(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert XSS in "".join(parsed.text)  # shown as text, exactly as the person typed it
    assert parsed.tags.count("section") == 1  # one aisle: produce
    md = to_markdown(build_shopping_list(plan, foods))
    assert "\\<script\\>" in md  # Markdown escapes it too


# --- reading the "already have" file ------------------------------------------------------------


def test_read_have_sums_repeats_and_ignores_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "have.csv"
    path.write_text(
        "\ufefffood_id,grams,note\nbanana_raw,200,counter\n\nbanana_raw,100,\nmilk_whole,0,\n",
        encoding="utf-8",
    )
    assert read_have(path) == {"banana_raw": 300.0, "milk_whole": 0.0}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "empty"),
        ("food,amount\nbanana_raw,100\n", "no column food_id, grams"),
        ("food_id,grams\nbanana_raw,lots\n", "line 2 (banana_raw): grams 'lots' is not a number"),
        ("food_id,grams\nbanana_raw,-3\n", "line 2 (banana_raw): grams -3 must be within 0–100000"),
        ("food_id,grams\n,100\n", "line 2: food_id is empty"),
        (b"food_id,grams\nbanana\xff,1\n", "not UTF-8"),
    ],
)
def test_broken_have_files_get_clear_errors(
    tmp_path: Path, content: str | bytes, words: str
) -> None:
    path = tmp_path / "have.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ShoppingError) as err:
        read_have(path)
    assert words in str(err.value) and str(path) in str(err.value)


def test_missing_have_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ShoppingError, match="file not found"):
        read_have(tmp_path / "nope.csv")


# --- the command ----------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    shopping_command.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_prints_csv_with_have_file(
    tmp_path: Path, plan: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    first = build_shopping_list(plan).rows[0]
    have = tmp_path / "have.csv"
    have.write_text(f"food_id,grams\n{first.food_id},{first.needed_g}\n", encoding="utf-8")
    assert _run(["shopping-list", "--plan", str(plan_file), "--format", "csv"]) == 0
    before = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert before[0]["food_id"] == first.food_id
    assert (
        _run(["shopping-list", "--plan", str(plan_file), "--format", "csv", "--have", str(have)])
        == 0
    )
    after = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert first.food_id not in {r["food_id"] for r in after}
    assert len(after) == len(before) - 1


def test_cli_writes_html_and_markdown(
    tmp_path: Path, plan: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    out = tmp_path / "list.html"
    assert (
        _run(["shopping-list", "--plan", str(plan_file), "--format", "html", "-o", str(out)]) == 0
    )
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert _run(["shopping-list", "--plan", str(plan_file)]) == 0
    assert capsys.readouterr().out.count("# Shopping list for 2 days") == 1


def test_cli_errors_are_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner import cli

    monkeypatch.setenv("CRAMP_DATA_DIR", str(tmp_path / "store"))  # no store: never created
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(hand_plan([item("unicorn_steak", 100)])), encoding="utf-8")
    assert cli.main(["shopping-list", "--plan", str(plan_file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unicorn_steak" in err
    assert not (tmp_path / "store").exists()
    plan_file.write_text("{not json", encoding="utf-8")
    assert cli.main(["shopping-list", "--plan", str(plan_file)]) == 2
    assert "not JSON" in capsys.readouterr().err
    bad_have = tmp_path / "have.csv"
    bad_have.write_text("food_id,grams\nbanana_raw,abc\n", encoding="utf-8")
    plan_file.write_text(json.dumps(hand_plan([item("banana_raw", 100)])), encoding="utf-8")
    assert cli.main(["shopping-list", "--plan", str(plan_file), "--have", str(bad_have)]) == 2
    assert "grams 'abc' is not a number" in capsys.readouterr().err
