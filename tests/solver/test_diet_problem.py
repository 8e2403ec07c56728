"""The generic diet problem: hand-solved optima, Stigler's published optimum, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.optimiser.diet_problem import (
    DietProblemError,
    read_diet_foods,
    read_requirements,
    solve_diet,
)
from planner.optimiser.solve import SolverSettings

SHARED = Path(__file__).resolve().parents[3] / "shared"

STIGLER = SHARED / "data" / "diet-benchmarks"

FOODS = "food,cost,protein,calcium\nbread,2,4,1\nmilk,3,3,6\n"
REQS = "nutrient,min,max\nprotein,12,\ncalcium,12,\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_food_lp_optimum_matches_hand_solution(tmp_path: Path) -> None:
    # 4b + 3m >= 12 and b + 6m >= 12 intersect at b = m = 12/7: cost 2b + 3m = 60/7.
    foods = read_diet_foods(write(tmp_path, "f.csv", FOODS))
    reqs = read_requirements(write(tmp_path, "r.csv", REQS), foods)
    result = solve_diet(foods, reqs, continuous=True)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(60 / 7, rel=1e-9)
    assert result.amounts == pytest.approx({"bread": 12 / 7, "milk": 12 / 7}, rel=1e-7)


def test_two_food_integer_optimum_matches_hand_enumeration(tmp_path: Path) -> None:
    # whole units: (b, m) = (2, 2) costs 10; (1, 3) costs 11, (0, 4) 12, (6, 1) 15.
    foods = read_diet_foods(write(tmp_path, "f.csv", FOODS))
    reqs = read_requirements(write(tmp_path, "r.csv", REQS), foods)
    for solver in ("highs", "cbc"):
        result = solve_diet(foods, reqs, settings=SolverSettings(name=solver, gap_rel=1e-9))
        assert (result.status, result.objective, result.solver) == ("optimal", 10.0, solver)
        assert result.amounts == {"bread": 2.0, "milk": 2.0}


def test_contradicting_bounds_are_reported_infeasible(tmp_path: Path) -> None:
    foods = read_diet_foods(write(tmp_path, "f.csv", FOODS))
    reqs = read_requirements(
        write(tmp_path, "r.csv", "nutrient,min,max\ncalcium,12,\nprotein,,5\n"), foods
    )
    result = solve_diet(foods, reqs, continuous=True)
    assert result.status == "infeasible" and result.objective is None and result.amounts == {}


def stigler_files(tmp_path: Path) -> tuple[Path, Path]:
    items = pd.read_csv(STIGLER / "stigler1939_fooditems_dollars.csv")
    allowance = pd.read_csv(STIGLER / "stigler1939_min_daily_allowance.csv")
    nutrients = list(allowance.columns)
    foods = items.rename(columns={"Name": "food"}).assign(cost=1.0)[["food", "cost", *nutrients]]
    foods_path = tmp_path / "stigler_foods.csv"
    foods.to_csv(foods_path, index=False)
    reqs = pd.DataFrame({"nutrient": nutrients, "min": allowance.iloc[0].values, "max": ""})
    reqs_path = tmp_path / "stigler_req.csv"
    reqs.to_csv(reqs_path, index=False)
    return foods_path, reqs_path


@pytest.mark.skipif(not STIGLER.exists(), reason="../shared/data/diet-benchmarks not present")
def test_cli_reproduces_stigler_published_optimum(tmp_path: Path, capsys) -> None:
    foods_path, reqs_path = stigler_files(tmp_path)
    code = main(
        [
            "solve",
            "--foods",
            str(foods_path),
            "--requirements",
            str(reqs_path),
            "--continuous",
            "--format",
            "json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "optimal"
    assert out["objective"] == pytest.approx(0.10866228, abs=5e-9)
    assert set(out["amounts"]) == {
        "Wheat Flour (Enriched)",
        "Liver (Beef)",
        "Cabbage",
        "Spinach",
        "Navy Beans, Dried",
    }


@pytest.mark.parametrize(
    ("foods", "reqs", "expected"),
    [
        ("name,cost,protein\nx,1,2\n", REQS, "missing column(s) food"),
        ("food,cost\nx,1\n", REQS, "no nutrient columns"),
        ("food,cost,protein,calcium\nx,1,abc,2\n", REQS, "'abc' is not a number"),
        ("food,cost,protein,calcium\nx,-1,2,2\n", REQS, "is negative"),
        ("food,cost,protein,calcium\nx,1,2,2\nx,1,2,2\n", REQS, "listed twice: x"),
        ("", REQS, "the file is empty"),
        (FOODS, "nutrient,min,max\niron,1,\n", "'iron' is not a column"),
        (FOODS, "nutrient,min,max\nprotein,20,10\n", "min 20 > max 10"),
        (FOODS, "nutrient,min,max\nprotein,,\n", "neither min nor max"),
        (FOODS, "nutrient,minimum\nprotein,2\n", "missing column(s) min, max"),
    ],
)
def test_bad_files_exit_2_with_the_cell_named(
    tmp_path: Path, capsys, foods, reqs, expected
) -> None:
    code = main(
        [
            "solve",
            "--foods",
            str(write(tmp_path, "f.csv", foods)),
            "--requirements",
            str(write(tmp_path, "r.csv", reqs)),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and expected in err and "Traceback" not in err


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    code = main(["solve", "--foods", str(tmp_path / "nope.csv"), "--requirements", "x.csv"])
    assert code == 2 and "file not found" in capsys.readouterr().err


costs = st.floats(0.1, 10, allow_nan=False)
amounts = st.floats(0, 20, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    data=st.lists(st.tuples(costs, amounts, amounts), min_size=2, max_size=6),
    need=st.tuples(st.floats(1, 50), st.floats(1, 50)),
    loosen=st.floats(0.0, 1.0),
)
def test_loosening_a_bound_never_worsens_the_objective(data, need, loosen) -> None:
    """Property: lowering a minimum can only keep or lower the optimal cost (LP, exact)."""
    foods = pd.DataFrame(
        {"cost": [c for c, _, _ in data], "a": [a for _, a, _ in data], "b": [b for *_, b in data]},
        index=[f"f{i}" for i in range(len(data))],
    )
    tight = pd.DataFrame({"nutrient": ["a", "b"], "min": list(need), "max": [float("nan")] * 2})
    loose = tight.assign(min=[need[0] * loosen, need[1]])
    first = solve_diet(foods, tight, continuous=True)
    second = solve_diet(foods, loose, continuous=True)
    if first.status == "optimal":
        assert second.status == "optimal"
        assert second.objective <= first.objective + 1e-7 * max(1.0, first.objective)
    else:  # infeasible: some nutrient no food supplies
        assert first.status == "infeasible"


def test_diet_errors_are_user_errors() -> None:
    assert issubclass(DietProblemError, ValueError)
