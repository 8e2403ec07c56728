"""The solve layer: PuLP's HiGHS interface read into outcomes, duals, reduced costs and gaps."""

from __future__ import annotations

import signal
import subprocess
import sys

import pulp
import pytest

from planner.optimiser.solve import SolverOutcome, SolverSettings, solve_problem


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


def test_tiny_mip_reaches_the_hand_optimum() -> None:
    problem, _ = tiny_mip()
    result = solve_problem(problem, SolverSettings())
    assert result.outcome is SolverOutcome.OPTIMAL and result.gap == pytest.approx(0.0)
    assert result.objective == pytest.approx(9.0)
    assert values(problem) == pytest.approx({"x": 2.0, "y": 1.5, "z": 0.0})


def test_lp_duals_and_reduced_costs_are_read_back() -> None:
    # The ranking LP orders options by reduced cost. By hand: y sits at its bound 2, x = 1.5
    # covers the rest; one more unit of cover costs 3 (x), so y's reduced cost is 2 − 3 = −1
    # and z's is 4 − 3 = 1.
    problem, _ = tiny_mip()
    result = solve_problem(problem, SolverSettings(mip=False))
    assert result.objective == pytest.approx(8.5)
    duals = {c.name: c.pi for c in problem.constraints()}
    assert duals == pytest.approx({"cover": 3.0, "cap": 0.0, "balance": 0.0})
    assert {v.name: v.dj for v in problem.variables()} == pytest.approx(
        {"x": 0.0, "y": -1.0, "z": 1.0}
    )


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
    bonus = problem.add_variable("bonus", 0, 5)  # a new column after a solve
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


@pytest.mark.parametrize("start", [[1] + [0] * 14, [0] * 15, [1] * 15])
def test_a_warm_start_good_poor_or_infeasible_still_ends_at_the_optimum(start: list[int]) -> None:
    problem, take = knapsack()
    cold = solve_problem(problem, SolverSettings()).objective
    for x, value in zip(take, start, strict=True):
        x.varValue = float(value)  # all 15 items weigh far more than 265: infeasible
    warm = solve_problem(problem, SolverSettings(), warm_start=True)
    assert warm.outcome is SolverOutcome.OPTIMAL and cold is not None and cold < -400
    assert warm.objective == pytest.approx(cold)


#: Ctrl-C arrives while PuLP imports HiGHS: a finder on the import path sends it at the second
#: look-up of ``highspy`` (the first is PuLP's ``find_spec`` before it loads the library, the
#: second its ``import highspy`` inside a bare ``except:``).
CTRL_C_DURING_IMPORT = """
import os, signal, sys

class CtrlC:
    seen = 0

    def find_spec(self, name, path=None, target=None):
        if name == "highspy":
            CtrlC.seen += 1
            if CtrlC.seen == 2:
                os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
try:
    from planner.optimiser.solve import highs_available
except KeyboardInterrupt:
    print("interrupted")
else:
    print("HiGHS available" if highs_available() else "HiGHS lost, Ctrl-C swallowed")
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_ctrl_c_while_pulp_loads_highs_interrupts_and_never_loses_highs() -> None:
    """PuLP imports its solvers inside bare ``except:`` clauses: a Ctrl-C during the import
    of HiGHS was swallowed there, HiGHS counted as missing and the plan went on with CBC."""
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_DURING_IMPORT], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "interrupted", (done.stdout, done.stderr[-500:])
