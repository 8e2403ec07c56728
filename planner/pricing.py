"""Column pricing: plan one day over a very large food table without building it whole.

Over the full USDA reference (8,858 foods, four meals each) the one-day model has ~52,000
columns; PuLP takes seconds to build it and HiGHS a minute to solve it. Almost all of those
foods can be ruled out from the LP duals, exactly:

1. **Pool.** Start from a few hundred promising foods (the best sources per dollar of every
   minimum, plus liked and locked foods).
2. **Price.** Solve the pool's LP and compute, for every food outside it, the least reduced
   cost of eating it (:func:`food_reduced_costs`). Foods that would lower the LP join the
   pool; repeat until none would. The pool's LP optimum is then the LP optimum of the whole
   table, a valid lower bound ``LB``.
3. **Extend.** A quick MIP on the pool gives a plan costing ``UB``. A food whose least reduced
   cost exceeds ``UB − LB`` cannot be in any plan cheaper than ``UB`` (the same argument as
   reduced-cost fixing), so the final search runs on the pool plus every food at or below
   that margin; its bound ``min(dual bound, UB)`` holds for the whole table.

The reduced cost of food *f* uses only the rows that foods share (nutrient minima and maxima,
AMDR, meal energy, food-group caps, budget, the distinct-food count, food-family rows and
distinct-day cuts).
Its own rows (``use ≤ Σ n ≤ cap·use``) are handled exactly: with ``r`` the cheapest per-step
reduced cost over its meals and ``−π`` the value of one more distinct food, eating it at all
costs at least ``r − π`` when ``r ≥ 0`` and ``cap·r − π`` when ``r < 0``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pulp

from planner.model import (
    AMDR,
    FOOD_NUTRIENTS,
    PlanModel,
    StepData,
    build_model,
    family_row,
    food_families,
    meal_pattern,
    step_data,
)
from planner.request import SLOTS, PlanRequest

#: Tables larger than this (foods) are planned by pricing instead of one whole model.
PRICING_THRESHOLD = 1_000
#: Foods in the first pool: the best sources per dollar of each minimum.
POOL_PER_NUTRIENT = 12
#: Most foods added per pricing round (the most negative reduced costs first).
ADD_PER_ROUND = 120
#: Foods closest to entering that join the pool before the final search.
EXTEND_LIMIT = 150
#: Pricing rounds before giving up on convergence (the bound then is not claimed).
MAX_ROUNDS = 30
#: A reduced cost below −TOL improves the LP.
TOL = 1e-7


@dataclass(frozen=True)
class Pool:
    """The result of pricing: the foods to model, the LP bound and whether it is proven."""

    food_ids: tuple[str, ...]
    lower_bound: float | None
    converged: bool
    rounds: int
    seconds: float
    #: of ``seconds``, the time spent building models (PuLP)
    build_seconds: float


def _duals(problem: pulp.LpProblem) -> dict[str, float]:
    """Row duals by constraint name (0 where the solver gave none)."""
    return {str(row.name): float(row.pi or 0.0) for row in problem.constraints()}


def food_reduced_costs(
    model: PlanModel, data: StepData, foods: pd.DataFrame, request: PlanRequest, day: int
) -> np.ndarray:
    """Least reduced cost (USD) of eating each food of ``foods`` on ``day`` at the LP duals.

    ``model`` must have just been solved as an LP (its rows carry duals). ``data`` is
    :func:`planner.model.step_data` of ``foods``. Returns one value per row of ``foods``:
    ``< 0`` means the food would lower the LP optimum; any plan eating the food costs at
    least ``LB + value``.
    """
    duals = _duals(model.problem)
    d = day
    per_step = data.per_step
    col = {k: i for i, k in enumerate(FOOD_NUTRIENTS)}
    # dual-weighted value of one step in every meal (shared rows only)
    value = np.zeros(len(foods))
    for k in FOOD_NUTRIENTS:
        pi = duals.get(f"min_{k}_d{d}", 0.0) + duals.get(f"max_{k}_d{d}", 0.0)
        if pi:
            value += per_step[:, col[k]] * pi
    energy = per_step[:, col["energy_kcal"]]
    for key, (macro, kcal_per_g) in AMDR.items():
        lo, hi = model.bounds.get(key, (None, None))
        for bound, name in ((lo, f"min_{key}_d{d}"), (hi, f"max_{key}_d{d}")):
            pi = duals.get(name, 0.0)
            if bound and pi:
                value += (kcal_per_g * per_step[:, col[macro]] - bound / 100.0 * energy) * pi
    pi_budget = duals.get(f"budget_usd_d{d}", 0.0)
    if pi_budget:
        value += data.cost * pi_budget
    category = foods["category"].to_numpy()
    pattern = meal_pattern()
    group_day = np.array(
        [duals.get(f"pattern_{g}_d{d}", 0.0) if g in pattern else 0.0 for g in category]
    )
    reduced = np.full((len(foods), len(SLOTS)), np.inf)
    for j, s in enumerate(SLOTS):
        pi_meal = duals.get(f"meal_min_energy_{s}_d{d}", 0.0) + duals.get(
            f"meal_max_energy_{s}_d{d}", 0.0
        )
        group_meal = np.array(
            [duals.get(f"pattern_{g}_{s}_d{d}", 0.0) if g in pattern else 0.0 for g in category]
        )
        slot_value = value + energy * pi_meal + data.step_servings * (group_meal + group_day)
        reduced[:, j] = np.where(data.slots[:, j], data.objective - slot_value, np.inf)
    best = reduced.min(axis=1)
    eat = np.where(best >= 0, best, data.max_steps * best)
    # one more distinct food is worth the count row's dual; every distinct-day cut row has
    # coefficient −1 for a food outside its set (all foods outside the model are)
    cuts = sum(
        pi
        for name, pi in duals.items()
        if name.startswith("distinct_day_cut") and name.endswith(f"_d{d}")
    )
    use_value = duals.get(f"min_distinct_foods_d{d}", 0.0) - cuts
    # at most one food of a family a day: eating it also uses up its family's row (a row
    # the pool does not have yet has dual 0)
    families = food_families()
    family_dual = np.array(
        [duals.get(family_row(families[f], d), 0.0) if f in families else 0.0 for f in foods.index]
    )
    return np.where(data.staple, eat, eat - (use_value + family_dual))


def first_pool(foods: pd.DataFrame, data: StepData, request: PlanRequest, bounds) -> list[str]:
    """A starting pool: the best sources per dollar of every bounded minimum, plus the
    person's liked and locked foods and the cheapest food of every group in every meal."""
    picks: set[str] = set(request.profile.like_foods) | set(request.like_foods)
    picks |= {i.food_id for i in request.locked}
    ids = np.asarray(foods.index)
    price = np.maximum(data.cost, 1e-3)
    for k in FOOD_NUTRIENTS:
        lo = bounds.get(k, (None, None))[0]
        if not lo:
            continue
        density = data.per_step[:, FOOD_NUTRIENTS.index(k)] / price
        top = np.argsort(-density, kind="stable")[:POOL_PER_NUTRIENT]
        picks.update(str(ids[i]) for i in top if density[i] > 0)
    category = foods["category"].to_numpy()
    for g in pd.unique(category):
        members = np.flatnonzero(category == g)
        for j in range(len(SLOTS)):
            in_slot = members[data.slots[members, j]]
            if len(in_slot):
                picks.add(str(ids[in_slot[np.argmin(data.cost[in_slot])]]))
    return [f for f in foods.index if f in picks]


def price_pool(
    foods: pd.DataFrame,
    bounds,
    request: PlanRequest,
    eer_kcal: float,
    day: int,
    solve_lp,
    deadline: float,
) -> tuple[Pool, PlanModel | None, np.ndarray]:
    """Grow a pool until no food outside it lowers the LP (see the module docstring).

    ``solve_lp(model)`` solves the model's LP in place and returns its objective or ``None``.
    Returns the pool, the solved pool model (or ``None`` when the LP failed) and the final
    reduced costs of all foods (``inf`` for pool members).
    """
    start = time.perf_counter()
    data = step_data(foods, request)
    position = {f: i for i, f in enumerate(foods.index)}
    pool = first_pool(foods, data, request, bounds)
    lower: float | None = None
    reduced = np.full(len(foods), np.inf)
    model: PlanModel | None = None
    build = 0.0
    rounds = 0
    converged = False
    while rounds < MAX_ROUNDS:
        rounds += 1
        built = time.perf_counter()
        model = build_model(
            foods.loc[pool], bounds, request, eer_kcal, days=(day,), weekly_keys=frozenset()
        )
        build += time.perf_counter() - built
        lower = solve_lp(model)
        if lower is None:
            model = None
            break
        reduced = food_reduced_costs(model, data, foods, request, day)
        members = set(pool)
        reduced[[position[f] for f in pool]] = np.inf
        entering = np.flatnonzero(reduced < -TOL)
        converged = not len(entering)
        if converged or time.perf_counter() > deadline:
            break
        entering = entering[np.argsort(reduced[entering], kind="stable")][:ADD_PER_ROUND]
        members |= {str(foods.index[i]) for i in entering}
        pool = [f for f in foods.index if f in members]
    seconds = time.perf_counter() - start
    return Pool(tuple(pool), lower, converged, rounds, seconds, build), model, reduced
