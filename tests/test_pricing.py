"""Column pricing for large food tables: the priced LP is the whole table's LP, and the
bound it certifies holds for the whole table."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

import planner.optimize as optimize
import planner.pricing as pricing
from foods.catalog import load_catalog
from planner.model import build_model, candidate_foods, step_data
from planner.optimize import plan_week, request_targets, target_bounds
from planner.plan import PlanStatus, check_limits
from planner.profile import demo_profile
from planner.request import LockedItem, PlanRequest
from planner.solve import SolverOutcome, SolverSettings, solve_problem


def _lp(model) -> float | None:
    result = solve_problem(model.problem, SolverSettings(mip=False))
    ok = result.outcome in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE)
    return float(result.objective) if ok and result.objective is not None else None


@pytest.fixture(scope="module")
def setup():
    request = PlanRequest(profile=demo_profile(), days=1)
    targets = request_targets(request)
    foods = candidate_foods(load_catalog(), request)
    return request, targets, foods, target_bounds(targets)


def test_priced_lp_equals_the_whole_table_lp(setup, monkeypatch) -> None:
    request, targets, foods, bounds = setup
    monkeypatch.setattr(pricing, "POOL_PER_NUTRIENT", 2)  # a small pool forces several rounds
    monkeypatch.setattr(pricing, "ADD_PER_ROUND", 15)
    pool, model, reduced = pricing.price_pool(
        foods, bounds, request, targets.eer_kcal, 1, _lp, time.perf_counter() + 60
    )
    whole = build_model(
        foods, bounds, request, targets.eer_kcal, days=(1,), weekly_keys=frozenset()
    )
    assert pool.converged and pool.rounds > 1
    assert len(pool.food_ids) < len(foods)
    assert pool.lower_bound == pytest.approx(_lp(whole), rel=1e-7, abs=1e-7)
    # pool members carry inf, every other food a non-negative least reduced cost
    inside = foods.index.isin(list(pool.food_ids))
    assert np.isinf(reduced[inside]).all()
    assert (reduced[~inside] >= -pricing.TOL).all()


def test_reduced_costs_agree_with_the_lp(setup, monkeypatch) -> None:
    """Inside the pool, foods the LP leaves out cannot improve it (γ ≥ 0) and foods it eats
    have γ ≤ 0. Outside, a food with γ > 0 leaves the LP unchanged when added, and a food
    with γ < 0 lowers it by at most γ (the Lagrangian bound), checked by re-solving."""
    request, targets, foods, bounds = setup
    monkeypatch.setattr(pricing, "POOL_PER_NUTRIENT", 2)
    data = step_data(foods, request)
    pool = pricing.first_pool(foods, data, request, bounds)
    model = build_model(
        foods.loc[pool], bounds, request, targets.eer_kcal, days=(1,), weekly_keys=frozenset()
    )
    base = _lp(model)
    assert base is not None
    reduced = pricing.food_reduced_costs(model, data, foods, request, 1)
    position = {f: i for i, f in enumerate(foods.index)}
    eaten = {f for (_d, _s, f), v in model.steps.items() if (v.varValue or 0.0) > 1e-7}
    for f in pool:
        if f in eaten:
            assert reduced[position[f]] <= 1e-7, f
        else:
            assert reduced[position[f]] >= -1e-7, f
    assert eaten and set(pool) - eaten
    outside = sorted(
        (i for f, i in position.items() if f not in set(pool)), key=reduced.__getitem__
    )
    best, worst = outside[0], outside[-1]
    assert reduced[best] < -1e-6 < reduced[worst]
    for i in (best, worst):
        ids = [f for f in foods.index if f in set(pool) or f == foods.index[i]]
        with_food = build_model(
            foods.loc[ids], bounds, request, targets.eer_kcal, days=(1,), weekly_keys=frozenset()
        )
        value = _lp(with_food)
        assert value is not None
        if reduced[i] > 0:
            assert value == pytest.approx(base, abs=1e-7)
        else:
            assert base + reduced[i] - 1e-7 <= value <= base + 1e-7


def test_priced_plan_certifies_a_bound_valid_for_the_whole_table(monkeypatch) -> None:
    """With pricing forced on the catalogue, the plan is verified and its proven bound is
    below the cost of the plan found over the whole table."""
    request = PlanRequest(profile=demo_profile(), days=1)
    whole = plan_week(request)
    monkeypatch.setattr(optimize, "PRICING_THRESHOLD", 0)
    monkeypatch.setattr(optimize, "EXTEND_LIMIT", 10)
    priced = plan_week(request)
    assert priced.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)
    assert not check_limits(priced.days, target_bounds(request_targets(request)), None)
    gap = priced.solver.gap
    assert gap is not None
    cost = sum(d.cost_usd for d in priced.days)
    bound = cost * (1 - gap)  # the objective is the food cost here (no likes, no shortfalls)
    whole_cost = sum(d.cost_usd for d in whole.days)
    assert bound <= whole_cost + 1e-6
    assert priced.solver.variables < whole.solver.variables


def test_exact_days_are_not_priced(monkeypatch) -> None:
    monkeypatch.setattr(optimize, "PRICING_THRESHOLD", 0)
    base = plan_week(PlanRequest(profile=demo_profile(), days=2))
    day1 = base.days[0]
    locked = tuple(
        LockedItem(1, meal.slot, item.food_id, item.servings)
        for meal in day1.meals
        for item in meal.items
    )
    again = plan_week(
        dataclasses.replace(
            PlanRequest(profile=demo_profile(), days=2), locked=locked, exact_days=(1,)
        )
    )
    assert again.days[0].food_ids() == day1.food_ids()


def test_unfinished_pricing_never_claims_a_bound(monkeypatch) -> None:
    """When pricing stops before no food would lower the LP, the plan is still verified, but
    no gap is certified and it is not called optimal."""
    monkeypatch.setattr(optimize, "PRICING_THRESHOLD", 0)
    monkeypatch.setattr(pricing, "POOL_PER_NUTRIENT", 1)
    monkeypatch.setattr(pricing, "MAX_ROUNDS", 1)
    request = PlanRequest(profile=demo_profile(), days=1)
    plan = plan_week(request)
    assert plan.days and plan.status is not PlanStatus.OPTIMAL
    assert plan.solver.gap is None
    assert not check_limits(plan.days, target_bounds(request_targets(request)), None)
