"""The solve layer: the one-call HiGHS bridge gives PuLP's own answers, also across re-solves."""

from __future__ import annotations

import pulp
import pytest

from planner.optimiser.solve import FastHiGHS, SolverOutcome, SolverSettings, solve_problem


def tiny_mip() -> tuple[pulp.LpProblem, dict[str, pulp.LpVariable]]:
    """min 3x + 2y + 4z  s.t.  x + y + z ≥ 3.5,  x + z ≤ 4,  y − z ≥ −1;  x, z ∈ ℤ≥0, 0 ≤ y ≤ 2.

    By hand: y is cheapest per unit (2) but capped at 2. The LP takes y = 2, x = 1.5 (8.5).
    With x integer, x = 2 leaves 1.5 for y: 6 + 3 = 9; x = 1 needs z = 1 as well (10);
    x = 3, y = 0.5 costs 10. The MIP optimum is x = 2, y = 1.5, z = 0 (9).
    """
    problem = pulp.LpProblem("tiny", pulp.LpMinimize)
    x = problem.add_variable("x", 0, 10, cat=pulp.LpInteger)
    y = problem.add_variable("y", 0, 2)
    z = problem.add_variable("z", 0, 10, cat=pulp.LpInteger)
    problem += 3 * x + 2 * y + 4 * z
    problem += x + y + z >= 3.5, "cover"
    problem += x + z <= 4, "cap"
    problem += y - z >= -1, "balance"
    return problem, {"x": x, "y": y, "z": z}


def values(problem: pulp.LpProblem) -> dict[str, float]:
    return {v.name: float(v.varValue) for v in problem.variables()}


def test_one_call_bridge_matches_hand_optimum_and_pulps_own_interface() -> None:
    problem, _ = tiny_mip()
    problem.solve(FastHiGHS(msg=False))
    assert pulp.value(problem.objective) == pytest.approx(9.0)
    assert values(problem) == pytest.approx({"x": 2.0, "y": 1.5, "z": 0.0})
    reference, _ = tiny_mip()
    reference.solve(pulp.HiGHS(msg=False))
    assert values(problem) == pytest.approx(values(reference))


def test_lp_duals_and_reduced_costs_match_pulps_own_interface() -> None:
    ours, _ = tiny_mip()
    ours.solve(FastHiGHS(msg=False, mip=False))
    theirs, _ = tiny_mip()
    theirs.solve(pulp.HiGHS(msg=False, mip=False))
    assert pulp.value(ours.objective) == pytest.approx(8.5)
    ours_rows = {c.name: (c.pi, c.slack) for c in ours.constraints()}
    for row in theirs.constraints():
        assert ours_rows[row.name] == pytest.approx((row.pi, row.slack))
    assert {v.name: v.dj for v in ours.variables()} == pytest.approx(
        {v.name: v.dj for v in theirs.variables()}
    )
    assert ours_rows["cover"][0] == pytest.approx(3.0)  # one more unit of cover costs 3 (x)


def test_rows_bounds_and_columns_changed_between_solves_are_seen() -> None:
    problem, var = tiny_mip()
    settings = SolverSettings()
    assert solve_problem(problem, settings).objective == pytest.approx(9.0)
    problem += var["x"] <= 1, "cut"  # a row added after a solve (like a distinct-day cut)
    assert solve_problem(problem, settings).objective == pytest.approx(10.0)  # x=1, y=1.5, z=1
    var["z"].upBound = 0  # a bound changed after a solve (like reduced-cost fixing)
    # x ≤ 1, y ≤ 2 and z = 0 cannot cover 3.5
    assert solve_problem(problem, settings).outcome.value == "infeasible"
    var["z"].upBound = 10
    bonus = problem.add_variable("bonus", 0, 5)  # a new column: the cached rows are read afresh
    problem.setObjective(problem.objective - bonus)
    problem += bonus <= 4, "bonus_cap"
    assert solve_problem(problem, settings).objective == pytest.approx(6.0)  # 10 − 4


def knapsack() -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """A 0/1 knapsack (capacity 265) written as a minimisation of minus the value."""
    problem = pulp.LpProblem("knapsack", pulp.LpMinimize)
    weight = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82, 41, 47, 57, 61, 67]
    value = [92, 57, 49, 68, 60, 43, 67, 84, 87, 72, 50, 55, 66, 71, 79]
    take = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpInteger) for i in range(len(weight))]
    problem += pulp.lpSum(-v * x for v, x in zip(value, take, strict=True))
    problem += pulp.lpSum(w * x for w, x in zip(weight, take, strict=True)) <= 265, "capacity"
    return problem, take


def test_a_run_stopped_by_the_node_limit_is_a_plan_without_a_proof() -> None:
    problem, take = knapsack()
    for x in take:
        x.varValue = 0.0
    take[0].varValue = 1.0  # the start: only the first item, value 92
    settings = SolverSettings(highs_options=(("mip_max_nodes", 0),))
    stopped = solve_problem(problem, settings, warm_start=True)
    assert stopped.outcome is SolverOutcome.FEASIBLE  # not optimal: nothing was proven
    assert stopped.objective == pytest.approx(-92.0)
    assert stopped.dual_bound is None and stopped.gap is None
    assert [x.varValue for x in take] == pytest.approx([1.0] + [0.0] * 14)
    full = solve_problem(problem, SolverSettings())
    assert full.outcome is SolverOutcome.OPTIMAL
    assert full.objective is not None and full.objective < -400  # the optimum takes far more


def test_a_run_stopped_by_the_node_limit_before_any_plan_reports_no_solution() -> None:
    problem, _ = knapsack()
    stopped = solve_problem(problem, SolverSettings(highs_options=(("mip_max_nodes", 0),)))
    assert stopped.outcome is SolverOutcome.NO_SOLUTION
    assert stopped.objective is None
