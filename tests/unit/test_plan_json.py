"""The plan JSON contract (docs/contract.md) read back into the typed plan: ``Plan.from_dict``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from foods.errors import UserError
from planner.domain.plan import Plan, PlanStatus

#: A hand-written one-day plan in the contract's shape (values already at the JSON's rounding).
PLAN: dict[str, Any] = {
    "status": "partial",
    "days": [
        {
            "day": 1,
            "meals": [
                {
                    "slot": "breakfast",
                    "dishes": [
                        {
                            "dish_id": "banana_oat_porridge",
                            "name": "Banana Oat Porridge",
                            "role": "main",
                            "portion": 1.5,
                            "minutes": 10,
                            "cuisine": "american",
                            "steps": ["Simmer the oats.", "Slice the banana on top."],
                        }
                    ],
                    "items": [
                        {
                            "food_id": "oats_rolled",
                            "ndb_no": "08120",
                            "name": "Oats, rolled",
                            "grams": 60.0,
                            "household": "3/4 cup",
                            "cost_usd": 0.21,
                            "dish_id": "banana_oat_porridge",
                            "replaces": None,
                            "replaces_name": None,
                            "portion": 1.5,
                        },
                        {
                            "food_id": "milk_soy_fortified",
                            "ndb_no": "16139",
                            "name": "Soy milk, fortified",
                            "grams": 243.0,
                            "household": "1 cup",
                            "cost_usd": 0.47,
                            "dish_id": None,
                            "replaces": "milk_lowfat",
                            "replaces_name": "Milk, low fat",
                            "portion": 1.0,
                        },
                    ],
                }
            ],
            "totals": {"energy_kcal": 412.5, "potassium_mg": 830.25},
            "food_groups": {"grain_whole": 2.1, "dairy": 1.0},
            "cost_usd": 0.68,
            "water_to_drink_ml": 1200,
            "water_schedule": [{"when": "on waking", "ml": 250}, {"when": "breakfast", "ml": 300}],
            "hei2020": 71.4,
        }
    ],
    "targets": {"potassium_mg": {"min": 2600, "max": None, "unit": "mg"}},
    "hei2020": {"total": 71.4, "components": {"whole_grains": 10.0}},
    "food_pattern": {"energy_kcal": 2000},
    "shortfalls": [
        {
            "nutrient": "potassium_mg",
            "kind": "nutrient",
            "day": 1,
            "achieved": 830.25,
            "target": 2600.0,
            "unit": "mg",
            "reason": "only breakfast was planned",
            "best_sources": [
                {
                    "food_id": "banana_raw",
                    "name": "Banana",
                    "per_serving": 422.0,
                    "unit": "mg",
                    "household": "1 medium",
                    "allowed": True,
                    "blocked_by": None,
                    "fix": None,
                }
            ],
        }
    ],
    "warnings": ["one meal planned"],
    "missing_data": {"vitamin_d_ug": ["oats_rolled"]},
    "solver": {
        "name": "highs",
        "build_seconds": 0.01,
        "solve_seconds": 0.2,
        "gap": 0.004,
        "outcome": "optimal",
        "variables": 111,
        "constraints": 95,
        "wall_seconds": 0.3,
    },
    "message": "",
}


def test_a_plan_json_reads_back_into_the_typed_plan_and_out_unchanged() -> None:
    plan = Plan.from_dict(copy.deepcopy(PLAN))
    assert plan.status is PlanStatus.PARTIAL and plan.days[0].hei == 71.4
    item = plan.days[0].meals[0].items[1]
    assert item.dish_id is None and item.replaces == "milk_lowfat" and item.grams == 243.0
    assert plan.days[0].water_schedule == (("on waking", 250.0), ("breakfast", 300.0))
    assert plan.shortfalls[0].day == 1 and plan.solver.variables == 111
    assert plan.to_dict() == PLAN


def test_an_older_plan_without_dishes_or_water_gets_defaults() -> None:
    item = {"food_id": "kale_raw", "grams": 67}
    old = {"days": [{"meals": [{"slot": "lunch", "items": [item]}]}]}
    plan = Plan.from_dict(old)
    day = plan.days[0]
    assert plan.status is PlanStatus.OPTIMAL and day.day == 1 and day.meals[0].dishes == ()
    assert (
        day.meals[0].items[0].name == "kale_raw" and day.water_to_drink_ml is None
    )  # not planned then, not zero


def test_older_best_sources_given_as_names_are_kept_as_names() -> None:
    old = copy.deepcopy(PLAN)
    old["shortfalls"][0]["best_sources"] = ["milk_fortified", "mushrooms_uv"]
    plan = Plan.from_dict(old)
    names = [source.name for source in plan.shortfalls[0].best_sources]
    assert names == ["milk_fortified", "mushrooms_uv"]


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ({"days": [1, 2]}, "days[0]"),
        ({"status": "great", "days": []}, "status 'great'"),
        ([], "JSON object"),
        ({"days": [{"meals": [{"slot": "lunch", "items": []}], "water_schedule": [3]}]}, "type"),
    ],
)
def test_a_json_that_is_not_a_plan_is_refused_naming_the_place(broken: Any, named: str) -> None:
    with pytest.raises(UserError, match="not a plan") as refused:
        Plan.from_dict(broken)
    assert named in str(refused.value)
