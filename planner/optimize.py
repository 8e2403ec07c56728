"""``plan_week``: check request → build model → solve → extract plan → verify.

Each stage is its own function (:func:`planner.request.check_request`,
:func:`planner.model.build_model`, :func:`planner.solve.solve_problem`,
:func:`planner.plan.extract_days`, :func:`planner.plan.check_limits`); this module chains them
and turns the result into a :class:`planner.plan.Plan` with explained shortfalls.
"""

from __future__ import annotations

import math
import os
import time
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
import pandas as pd
import pulp

from foods.catalog import load_catalog
from planner.explain import best_sources, label, reason_for, unit_of
from planner.model import (
    AMDR,
    PlanModel,
    build_model,
    candidate_foods,
    food_families,
    forbid_food_set,
)
from planner.plan import (
    SHORTFALL_TOLERANCE,
    DayPlan,
    Plan,
    PlanStatus,
    Shortfall,
    SolverInfo,
    check_limits,
    extract_days,
    missing_values,
)
from planner.pricing import EXTEND_LIMIT, PRICING_THRESHOLD, price_pool
from planner.request import STAPLE_CATEGORIES, PlanRequest, check_request
from planner.solve import SolveResult, SolverOutcome, SolverSettings, solve_problem
from planner.targets import Targets, compute_targets, with_overrides

#: Share of a day's foods added to the LP's support for the first MIP: those whose LP
#: reduced cost is the smallest share of their price (see :func:`_efficient_foods`).
SUPPORT_SHARE = 0.06
#: Foods added when the first MIP's plan misses targets that the LP met.
SUPPORT_WIDEN = 40
#: Branch-and-bound nodes for the first MIP: it only has to find a good plan, not prove it.
SUPPORT_NODES = 10
#: Most re-solves used to keep days distinct (each adds one cut).
MAX_DISTINCT_ROUNDS = 6


def request_targets(request: PlanRequest) -> Targets:
    """The person's targets with the request's overrides applied."""
    targets = compute_targets(request.profile)
    if request.target_overrides:
        targets = with_overrides(targets, request.target_overrides)
    return targets


def target_bounds(targets: Targets) -> dict[str, tuple[float | None, float | None]]:
    """``{key: (min, max)}`` of every target."""
    return {key: (targets[key].min, targets[key].max) for key in targets}


def identical_days(days: tuple[DayPlan, ...]) -> list[tuple[int, int]]:
    """Pairs of days (earlier, later) that eat exactly the same set of foods."""
    seen: dict[frozenset[str], int] = {}
    pairs = []
    for day in days:
        key = day.food_ids()
        if key in seen:
            pairs.append((seen[key], day.day))
        else:
            seen[key] = day.day
    return pairs


def _achieved(key: str, day: DayPlan) -> float:
    if key in AMDR:
        macro, kcal = AMDR[key]
        energy = day.totals["energy_kcal"]
        return 100.0 * kcal * day.totals[macro] / energy if energy > 0 else 0.0
    return day.totals[key]


def collect_shortfalls(
    model: PlanModel,
    days: tuple[DayPlan, ...],
    all_foods: pd.DataFrame,
    request: PlanRequest,
    missing: Mapping[str, tuple[str, ...]],
    skip: frozenset[str] = frozenset(),
) -> tuple[Shortfall, ...]:
    """Every elastic minimum that the plan misses, each with a reason and best sources."""
    by_day = {d.day: d for d in days}
    out = []
    sources_cache: dict[str, list] = {}
    for (key, day), var in sorted(
        model.shortfalls.items(), key=lambda kv: (kv[0][1] or 0, kv[0][0])
    ):
        if key in skip or (var.varValue or 0.0) <= SHORTFALL_TOLERANCE:
            continue
        target = model.bounds[key][0] or 0.0
        if day is None:
            achieved = sum(_achieved(key, d) for d in days) / len(days)
            totals = {k: sum(d.totals[k] for d in days) / len(days) for k in days[0].totals}
            cost = sum(d.cost_usd for d in days) / len(days)
        else:
            achieved = _achieved(key, by_day[day])
            totals, cost = dict(by_day[day].totals), by_day[day].cost_usd
        if achieved >= target * (1 - SHORTFALL_TOLERANCE):
            continue  # the recomputation meets it: the slack was rounding only
        out.append(
            explain_shortfall(
                key,
                day,
                achieved,
                target,
                totals,
                cost,
                model.bounds,
                all_foods,
                request,
                missing,
                sources_cache,
            )
        )
    for day, var in sorted(model.variety_short.items()):
        if (var.varValue or 0.0) > 0.5:
            count = request.min_distinct_foods - round(var.varValue or 0.0)
            out.append(
                Shortfall(
                    nutrient="variety",
                    day=day,
                    achieved=float(count),
                    target=float(request.min_distinct_foods),
                    unit="foods",
                    reason=(
                        f"only {count} distinct foods fit the diet, allergies, exclusions, "
                        "budget and limits on this day; allow more foods or raise the budget"
                    ),
                )
            )
    return tuple(out)


#: HiGHS primal heuristics that cost more than they find here: :func:`search` hands HiGHS a
#: good incumbent itself (measured in docs/benchmarks.md: 7-day plan 5.0 s → 2.4 s).
PLANNER_HIGHS_OPTIONS: tuple[tuple[str, object], ...] = (
    ("mip_heuristic_run_feasibility_jump", False),
    ("mip_heuristic_run_root_reduced_cost", False),
    ("mip_heuristic_run_rins", False),
)


def _settings(
    request: PlanRequest, remaining_s: float, mip: bool = True, abs_gap: float = 0.0
) -> SolverSettings:
    return SolverSettings(
        name=request.solver,
        time_limit_s=max(remaining_s, 0.5),
        gap_rel=request.gap_rel,
        gap_abs=abs_gap,
        mip=mip,
        highs_options=PLANNER_HIGHS_OPTIONS if mip else (),
    )


@dataclass(frozen=True)
class SearchResult:
    """The final solve, the LP lower bound (USD) and the certified relative gap."""

    result: SolveResult
    lower_bound: float | None
    gap: float | None
    seconds: float
    strategy: str


def certified_gap(objective: float | None, lower_bound: float | None) -> float | None:
    """Relative gap between a plan's objective and a proven lower bound: (UB − LB) / |UB|."""
    if objective is None or lower_bound is None:
        return None
    return max(objective - lower_bound, 0.0) / max(abs(objective), 1e-9)


def _food_amounts(model: PlanModel) -> dict[str, float]:
    amounts: dict[str, float] = {}
    for (_d, _s, f), var in model.steps.items():
        amounts[f] = amounts.get(f, 0.0) + float(var.varValue or 0.0)
    return amounts


def _restrict(model: PlanModel, support: set[str]) -> dict[pulp.LpVariable, float]:
    saved = {}
    for (_d, _s, f), var in model.steps.items():
        if f not in support:
            saved[var] = var.upBound
            var.upBound = 0
    return saved


def _food_groups(model: PlanModel) -> dict[tuple[int, str], list[pulp.LpVariable]]:
    groups: dict[tuple[int, str], list[pulp.LpVariable]] = {}
    for (d, _s, f), var in model.steps.items():
        groups.setdefault((d, f), []).append(var)
    return groups


def reduced_cost_fixing(
    model: PlanModel, reduced: dict[str, float], margin: float
) -> dict[pulp.LpVariable, float | None]:
    """Fix to 0 every (day, food) that cannot appear in a plan better than the incumbent.

    With LP optimum ``LB`` and reduced costs ``dj`` (≥ 0 at a lower bound), every solution
    satisfies ``objective ≥ LB + Σ dj·x``. A food eaten on a day adds at least one step, so
    if its cheapest step's reduced cost exceeds ``margin = UB − LB``, no solution that uses it
    beats the incumbent ``UB``: fixing it to 0 loses no better plan (exact, not a heuristic).
    Returns the original upper bounds of the fixed variables.
    """
    saved: dict[pulp.LpVariable, float | None] = {}
    for (d, f), variables in _food_groups(model).items():
        cheapest = min(reduced.get(v.name, 0.0) for v in variables)
        total = model.daily.get((d, f))
        if total is not None:
            cheapest += max(reduced.get(total.name, 0.0), 0.0)
        if cheapest > margin:
            for var in variables + ([total] if total is not None else []):
                if var.lowBound == 0:
                    saved[var] = var.upBound
                    var.upBound = 0
    return saved


def _efficient_foods(
    model: PlanModel, reduced: dict[str, float], support: set[str], count: int
) -> set[str]:
    """The ``count`` foods outside ``support`` that the LP prices closest to paying for
    themselves: the smallest reduced cost as a share of the price (both USD per step).

    A food whose reduced cost is a small part of its price loses little when it has to be
    eaten in whole servings. Ranked by reduced cost alone, the foods with small servings
    come first, and a fortified cereal that brings calcium and vitamin D in one serving
    ranked 307th for the demo day; by this share it ranks 5th.
    """
    price = dict(model.problem.objective.items())
    share: dict[str, float] = {}
    for (d, _s, f), var in model.steps.items():
        if f in support:
            continue
        cost, dj = price.get(var, 0.0), reduced.get(var.name, 0.0)
        total = model.daily.get((d, f))
        if total is not None:  # a food eaten in several meals is priced on its daily total
            cost += price.get(total, 0.0)
            dj += reduced.get(total.name, 0.0)
        value = dj / cost if cost > 1e-9 else -math.inf  # free or liked: always worth a try
        share[f] = min(share.get(f, math.inf), value)
    return set(sorted(share, key=lambda f: (share[f], f))[:count])


def _restricted_mip(
    model: PlanModel,
    request: PlanRequest,
    support: set[str],
    deadline: float,
    max_nodes: int | None = None,
) -> SolveResult:
    """Solve the MIP with every food outside ``support`` set to 0, then release them.

    ``max_nodes`` stops the branch and bound early (the result is then a plan, not a
    proven optimum of the restricted model).
    """
    settings = _settings(request, deadline - time.perf_counter())
    if max_nodes is not None:
        settings = replace(
            settings, highs_options=settings.highs_options + (("mip_max_nodes", max_nodes),)
        )
    saved = _restrict(model, support)
    try:
        return solve_problem(model.problem, settings)
    finally:
        for var, upper in saved.items():
            var.upBound = upper


def support_incumbent(
    model: PlanModel,
    request: PlanRequest,
    lower: float,
    reduced: dict[str, float],
    deadline: float,
) -> SolveResult:
    """A quick plan: the MIP restricted to the foods the solved LP uses, liked and locked
    foods, and the foods the LP prices closest to paying for themselves; widened when
    that plan misses targets the LP met.

    ``lower`` is the LP optimum (USD) and ``reduced`` the LP reduced costs by variable name;
    the model's variable values must still be the LP solution.
    """
    amounts = _food_amounts(model)
    support = {f for f, a in amounts.items() if a > 1e-6}
    support |= set(request.profile.like_foods) | set(request.like_foods)
    support |= {i.food_id for i in request.locked}
    foods = len({f for (_d, _s, f) in model.steps})
    support |= _efficient_foods(model, reduced, support, round(SUPPORT_SHARE * foods))
    first = _restricted_mip(model, request, support, deadline, SUPPORT_NODES)
    if first.objective is None:  # no plan within the node limit: finish the restricted MIP
        first = _restricted_mip(model, request, support, deadline)
    if first.objective is not None and first.objective > 1.5 * lower + 1.0:
        # whole servings of these foods miss targets the LP met (shortfall penalties):
        # widen with more of the foods closest to paying for themselves and try again
        support |= _efficient_foods(model, reduced, support, SUPPORT_WIDEN)
        retry = _restricted_mip(model, request, support, deadline)
        if retry.objective is not None and (
            first.objective is None or retry.objective < first.objective
        ):
            first = retry
    return first


def search(
    model: PlanModel,
    request: PlanRequest,
    budget_s: float | None = None,
    abs_gap: float = 0.0,
) -> SearchResult:
    """Find a plan and prove how close to the best it is.

    1. LP relaxation of the whole model: a lower bound ``LB`` and reduced costs.
    2. MIP over the foods the LP uses (plus liked and locked foods): a quick incumbent ``UB``.
    3. Reduced-cost fixing: drop every (day, food) whose reduced cost exceeds ``UB − LB``.
    4. MIP on the reduced model, started from the incumbent, to the requested gap.
    The gap reported is relative to the best bound proven for the full model. Days that eat
    identical food sets are cut off and re-solved.
    """
    start = time.perf_counter()
    budget_s = request.time_limit_s if budget_s is None else budget_s
    deadline = start + budget_s
    lp = solve_problem(model.problem, _settings(request, budget_s, mip=False))
    if lp.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
        return SearchResult(lp, None, None, time.perf_counter() - start, "lp")
    lower = float(lp.objective or 0.0)
    reduced = {v.name: float(v.dj or 0.0) for v in model.problem.variables()}
    first = support_incumbent(model, request, lower, reduced, deadline)
    if first.objective is None:
        return SearchResult(first, lower, None, time.perf_counter() - start, "support")
    if _within(first.objective, lower, request.gap_rel, abs_gap):  # already close enough
        return _certified(first, lower, request, abs_gap, start, "lp+support")
    margin = (first.objective - lower) * (1 + 1e-6) + 1e-6
    fixed = reduced_cost_fixing(model, reduced, margin)
    remaining = deadline - time.perf_counter()
    result = solve_problem(
        model.problem, _settings(request, remaining, abs_gap=abs_gap), warm_start=True
    )
    for var, upper in fixed.items():  # later searches (with cuts) start from the full model
        var.upBound = upper
    strategy = f"lp+support+rcfix({len(fixed)} fixed)"
    if result.objective is None or result.objective > first.objective + 1e-9:
        result = first  # cannot happen with a valid warm start; keep the incumbent if it does
    bound = lower
    if result.dual_bound is not None:
        # the reduced model's bound holds for plans in it; plans outside cost more than UB
        bound = max(lower, min(result.dual_bound, first.objective))
    return _certified(result, bound, request, abs_gap, start, strategy)


def _certified(
    result: SolveResult,
    bound: float,
    request: PlanRequest,
    abs_gap: float,
    start: float,
    strategy: str,
) -> SearchResult:
    """A :class:`SearchResult` for a solved day, labelled by :func:`_labelled`."""
    result = _labelled(result, bound, request.gap_rel, abs_gap)
    gap = certified_gap(result.objective, bound)
    return SearchResult(result, bound, gap, time.perf_counter() - start, strategy)


def _labelled(
    result: SolveResult, bound: float | None, gap_rel: float, abs_gap: float
) -> SolveResult:
    """A solution is optimal when its gap to ``bound`` is within ``gap_rel`` or ``abs_gap``
    (USD), else feasible; the certified gap replaces the solver's own."""
    if result.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
        return result
    proven = _within(result.objective, bound, gap_rel, abs_gap)
    outcome = SolverOutcome.OPTIMAL if proven else SolverOutcome.FEASIBLE
    return replace(result, outcome=outcome, gap=certified_gap(result.objective, bound))


def _within(objective: float | None, bound: float | None, gap_rel: float, abs_gap: float) -> bool:
    """Whether ``objective − bound`` is within ``gap_rel × objective`` or ``abs_gap`` (USD)."""
    if objective is None or bound is None:
        return False
    return objective - bound <= max(gap_rel * abs(objective), abs_gap) + 1e-9


def offered_days(
    foods: pd.DataFrame, days: tuple[int, ...], max_days: int
) -> dict[str, frozenset[int]]:
    """On which days each food is offered: the rotation that keeps a food to ``max_days``.

    Drinks, oils and salt are offered every day, and every food is when the plan has no
    more than ``max_days`` days. Otherwise a food is offered on ``max_days`` of the planned
    days, spread evenly, starting on a day derived from a stable hash of its id (the same
    food always gets the same days). Forms of one food (:func:`planner.model.food_families`)
    share their family's days, and a day eats at most one of them, so the family as a whole
    stays within ``max_days``: not whole milk on three days and skim milk on three others.

    Examples
    --------
    >>> import pandas as pd
    >>> foods = pd.DataFrame({"category": ["fruit", "beverage"]}, index=["kiwi", "water"])
    >>> offered = offered_days(foods, (1, 2, 3, 4, 5, 6, 7), 3)
    >>> len(offered["kiwi"]), sorted(offered["water"])
    (3, [1, 2, 3, 4, 5, 6, 7])
    """
    n = len(days)
    families = food_families()
    out: dict[str, frozenset[int]] = {}
    for food_id, category in foods["category"].items():
        if category in STAPLE_CATEGORIES or max_days >= n:
            out[str(food_id)] = frozenset(days)
            continue
        first = zlib.crc32(families.get(str(food_id), str(food_id)).encode()) % n
        picks = {(first + (i * n) // max_days) % n for i in range(max_days)}
        out[str(food_id)] = frozenset(days[i] for i in picks)
    return out


def _day_foods(
    candidates: pd.DataFrame,
    offered: Mapping[str, frozenset[int]],
    day: int,
    request: PlanRequest,
) -> pd.DataFrame:
    locked = {i.food_id for i in request.locked if i.day == day}
    if day in request.exact_days:
        return candidates.loc[[f for f in candidates.index if f in locked]]
    keep = [f for f in candidates.index if day in offered[f] or f in locked]
    return candidates.loc[keep]


def _lp_solver(request: PlanRequest, deadline: float):
    """``solve(model) -> LP optimum or None`` for :func:`planner.pricing.price_pool`."""

    def solve(model: PlanModel) -> float | None:
        remaining = deadline - time.perf_counter()
        result = solve_problem(model.problem, _settings(request, remaining, mip=False))
        if result.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
            return None
        return float(result.objective or 0.0)

    return solve


def _table_wide(
    found: SearchResult, lower: float | None, outside: float, gap_rel: float, abs_gap: float
) -> SearchResult:
    """Re-certify a search on a priced model for the whole table: plans with a food left
    out cost more than ``outside`` (USD), plans inside at least ``found.lower_bound``."""
    result = found.result
    if lower is None or found.lower_bound is None or result.objective is None:
        bound = None
    else:
        bound = max(lower, min(found.lower_bound, outside))
    result = _labelled(result, bound, gap_rel, abs_gap)
    gap = certified_gap(result.objective, bound)
    return replace(found, result=result, lower_bound=bound, gap=gap)


@dataclass
class _DayModel:
    """A day's model ready for :func:`search`, and how to certify its bound table-wide."""

    model: PlanModel
    build_seconds: float
    #: LP optimum over the whole table when the model was priced (None: not priced/proven)
    lower: float | None = None
    #: plans using a food outside the model cost more than this (USD); inf: nothing left out
    outside: float = math.inf
    priced: bool = False


def _day_model(
    day: int,
    foods: pd.DataFrame,
    bounds: dict[str, tuple[float | None, float | None]],
    request: PlanRequest,
    eer_kcal: float,
    deadline: float,
) -> _DayModel:
    """The day's model: the whole table, or for a large table a priced subset of it."""
    start = time.perf_counter()
    if len(foods) <= PRICING_THRESHOLD or day in request.exact_days:
        model = build_model(foods, bounds, request, eer_kcal, days=(day,), weekly_keys=frozenset())
        return _DayModel(model, time.perf_counter() - start)
    pool, priced, reduced = price_pool(
        foods, bounds, request, eer_kcal, day, _lp_solver(request, deadline), deadline
    )
    build = pool.build_seconds
    if priced is None or pool.lower_bound is None:  # the LP failed: plan the pool, no bound
        built = time.perf_counter()
        model = build_model(
            foods.loc[list(pool.food_ids)],
            bounds,
            request,
            eer_kcal,
            days=(day,),
            weekly_keys=frozenset(),
        )
        return _DayModel(model, build + time.perf_counter() - built, None, -math.inf, True)
    lower = pool.lower_bound if pool.converged else None
    if lower is None:  # pricing ran out of time: plan the pool, claim no table-wide bound
        return _DayModel(priced, build, None, -math.inf, True)
    # add the foods closest to entering; any plan with a food still left out costs at least
    # LB + its least reduced cost (exact), which bounds the search's result table-wide
    order = np.argsort(reduced, kind="stable")
    order = order[np.isfinite(reduced[order])]
    extra = {str(foods.index[i]) for i in order[:EXTEND_LIMIT]}
    left_out = order[EXTEND_LIMIT:]
    outside = lower + float(reduced[left_out[0]]) if len(left_out) else math.inf
    keep = set(pool.food_ids) | extra
    built = time.perf_counter()
    model = build_model(
        foods.loc[[f for f in foods.index if f in keep]],
        bounds,
        request,
        eer_kcal,
        days=(day,),
        weekly_keys=frozenset(),
    )
    build += time.perf_counter() - built
    return _DayModel(model, build, lower, outside, True)


@dataclass
class _DayResult:
    model: PlanModel
    found: SearchResult
    build_seconds: float
    #: the extracted day (None when the search found no plan)
    plan: DayPlan | None = None
    #: the rest of the day's wall time: pricing LPs, every search and re-solve, extraction
    solve_seconds: float = 0.0


def _solve_day(
    day: int,
    foods: pd.DataFrame,
    bounds: dict[str, tuple[float | None, float | None]],
    request: PlanRequest,
    eer_kcal: float,
    earlier: list[frozenset[str]],
    budget_s: float,
    abs_gap: float = 0.0,
) -> _DayResult:
    """Build and solve one day; re-solve with a cut while it repeats an earlier day's foods.

    ``abs_gap`` (USD) is gap the earlier days left unused: the day may stop within it even
    above the relative gap, and the week still stays within its relative gap.

    Large tables (more than :data:`planner.pricing.PRICING_THRESHOLD` foods) are priced:
    the model holds only the foods that can matter, and the bound still covers them all.
    """
    start = time.perf_counter()
    deadline = start + budget_s
    built = _day_model(day, foods, bounds, request, eer_kcal, deadline)
    model = built.model

    def run() -> SearchResult:
        found = search(model, request, max(deadline - time.perf_counter(), 0.5), abs_gap)
        if not built.priced:
            return found
        return _table_wide(found, built.lower, built.outside, request.gap_rel, abs_gap)

    found = run()
    plan = extract_days(model)[0] if found.result.objective is not None else None
    for _ in range(MAX_DISTINCT_ROUNDS):
        if plan is None or plan.food_ids() not in earlier:
            break
        forbid_food_set(model, day, plan.food_ids())
        if deadline - time.perf_counter() <= 0.2:
            break
        found = run()
        plan = extract_days(model)[0] if found.result.objective is not None else None
    solve_seconds = time.perf_counter() - start - built.build_seconds
    return _DayResult(model, found, built.build_seconds, plan, solve_seconds)


#: Days are planned in this many parallel chains (HiGHS releases the GIL while it solves).
WORKERS = min(2, os.cpu_count() or 1)


def week_chains(days: tuple[int, ...], workers: int) -> list[tuple[int, ...]]:
    """Split the days into ``workers`` interleaved chains solved in parallel.

    Examples
    --------
    >>> week_chains((1, 2, 3, 4, 5, 6, 7), 2)
    [(1, 3, 5, 7), (2, 4, 6)]
    >>> week_chains((1, 2), 2)
    [(1, 2)]
    """
    if workers < 2 or len(days) < 3:
        return [days]
    return [days[k::workers] for k in range(workers)]


def _solve_chain(
    days: tuple[int, ...],
    candidates: pd.DataFrame,
    offered: Mapping[str, frozenset[int]],
    bounds: dict[str, tuple[float | None, float | None]],
    request: PlanRequest,
    eer_kcal: float,
    vitamin_d: tuple[float, float | None] | None,
    deadline: float,
) -> list[_DayResult]:
    """Solve ``days`` in order. With a weekly vitamin D target ``(min, max)`` each day must
    bring the chain's running total to ``min × days so far`` (a surplus lowers later days'
    targets, a deficit raises them up to the UL); the chains together then meet the week.
    Stops at the first day that has no plan."""
    results: list[_DayResult] = []
    eaten: list[frozenset[str]] = []
    so_far = 0.0
    slack = 0.0  # gap (USD) the chain's days so far left unused: Σ (gap_rel·UB − (UB − LB))
    for i, day in enumerate(days, start=1):
        day_bounds = dict(bounds)
        if vitamin_d is not None:
            vd_min, vd_max = vitamin_d
            carry = vd_min * i - so_far
            cap = vd_max if vd_max is not None else carry
            day_bounds["vitamin_d_ug"] = (min(max(carry, 0.0), cap), vd_max)
        budget = max((deadline - time.perf_counter()) / (len(days) - i + 1), 0.5)
        day_result = _solve_day(
            day,
            _day_foods(candidates, offered, day, request),
            day_bounds,
            request,
            eer_kcal,
            eaten,
            budget,
            max(slack, 0.0),
        )
        results.append(day_result)
        found = day_result.found
        if found.result.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
            break
        if found.result.objective is not None and found.lower_bound is not None:
            upper = found.result.objective
            slack += request.gap_rel * abs(upper) - (upper - found.lower_bound)
        plan_day = day_result.plan
        if plan_day is None:
            break
        eaten.append(plan_day.food_ids())
        so_far += plan_day.totals["vitamin_d_ug"]
    return results


def _separate_repeats(
    results: list[_DayResult],
    candidates: pd.DataFrame,
    offered: Mapping[str, frozenset[int]],
    bounds: dict[str, tuple[float | None, float | None]],
    request: PlanRequest,
    eer_kcal: float,
    weekly_d: bool,
    deadline: float,
) -> list[_DayResult]:
    """Re-solve a day (of one chain) that eats exactly the foods of a day of another chain,
    keeping at least its vitamin D so the week's average still holds."""
    if any(r.found.result.objective is None for r in results):
        return results
    days = [r.plan for r in results if r.plan is not None]
    if len(days) != len(results):
        return results
    for _earlier, later in identical_days(tuple(days)):
        i = next(k for k, r in enumerate(results) if r.model.days[0] == later)
        day_bounds = dict(bounds)
        if weekly_d and "vitamin_d_ug" in bounds:
            day_bounds["vitamin_d_ug"] = (days[i].totals["vitamin_d_ug"], bounds["vitamin_d_ug"][1])
        others = [d.food_ids() for k, d in enumerate(days) if k != i]
        redo = _solve_day(
            later,
            _day_foods(candidates, offered, later, request),
            day_bounds,
            request,
            eer_kcal,
            others,
            max(deadline - time.perf_counter(), 0.5),
        )
        kept = results[i]
        if redo.found.result.outcome in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
            results[i] = redo
            days[i] = redo.plan or days[i]
        results[i].build_seconds = kept.build_seconds + redo.build_seconds  # work adds up
        results[i].solve_seconds = kept.solve_seconds + redo.solve_seconds
    return results


def plan_week(request: PlanRequest, foods: pd.DataFrame | None = None) -> Plan:
    """Plan ``request.days`` days of meals for ``request.profile``.

    The week is optimised one day at a time: foods rotate over the week (each non-staple
    food is offered on at most ``max_days_per_food`` days, see :func:`offered_days`), so the
    days are independent problems except for vitamin D, whose weekly average is met by
    carrying each day's surplus or deficit into the next day's target. Each day is solved
    to the requested gap (see :func:`search`); the week's gap is (Σ cost − Σ bounds) / Σ cost.

    Parameters
    ----------
    request : PlanRequest
        The person, options and weights.
    foods : DataFrame, optional
        The food table (default: the bundled catalogue); custom foods included by the caller.

    Returns
    -------
    Plan
        Always a plan object; ``status`` says whether every target is met (optimal/feasible),
        some fall short (partial, each explained), or no plan exists (infeasible/error).

    Raises
    ------
    PlanRequestError, TargetError
        When the request itself is invalid (unknown foods, impossible locks, bad overrides).
    """
    foods = load_catalog() if foods is None else foods
    check_request(request, foods)
    targets = request_targets(request)
    bounds = target_bounds(targets)
    candidates = candidate_foods(foods, request)
    days_wanted = tuple(range(1, request.days + 1))
    offered = offered_days(candidates, days_wanted, request.max_days_per_food)
    weekly_d = not request.daily_vitamin_d and request.days > 1
    vd_min, vd_max = bounds.get("vitamin_d_ug", (None, None))

    deadline = time.perf_counter() + request.time_limit_s
    vitamin_d = (vd_min, vd_max) if weekly_d and vd_min else None

    def chain(days: tuple[int, ...]) -> list[_DayResult]:
        return _solve_chain(
            days, candidates, offered, bounds, request, targets.eer_kcal, vitamin_d, deadline
        )

    chains = week_chains(days_wanted, WORKERS)
    if len(chains) > 1:
        with ThreadPoolExecutor(max_workers=len(chains)) as pool:
            parts = list(pool.map(chain, chains))
    else:
        parts = [chain(days_wanted)]
    results = sorted((r for part in parts for r in part), key=lambda r: r.model.days[0])
    if len(parts) > 1:
        results = _separate_repeats(
            results, candidates, offered, bounds, request, targets.eer_kcal, weekly_d, deadline
        )
    wall = time.perf_counter() - (deadline - request.time_limit_s)
    return _assemble(request, foods, targets, bounds, results, weekly_d, wall)


def _assemble(
    request: PlanRequest,
    foods: pd.DataFrame,
    targets: Targets,
    bounds: dict[str, tuple[float | None, float | None]],
    results: list[_DayResult],
    weekly_d: bool,
    wall_seconds: float | None = None,
) -> Plan:
    """Combine the solved days into one verified :class:`Plan`."""
    objective = sum(r.found.result.objective or 0.0 for r in results)
    bound = sum(r.found.lower_bound or 0.0 for r in results)
    outcomes = [r.found.result.outcome for r in results]
    failed = [
        r
        for r in results
        if r.found.result.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE)
    ]
    unbounded = any(r.found.lower_bound is None for r in results)
    gap = certified_gap(objective, bound) if not failed and not unbounded else None
    info = SolverInfo(
        name=results[0].found.result.solver,
        build_seconds=sum(r.build_seconds for r in results),
        solve_seconds=sum(r.solve_seconds for r in results),
        gap=gap,
        outcome=(
            "optimal"
            if all(o is SolverOutcome.OPTIMAL for o in outcomes)
            and gap is not None
            and gap <= request.gap_rel + 1e-9
            else outcomes[-1].value
            if failed
            else "feasible"
        ),
        cuts=sum(r.model.cuts for r in results),
        variables=sum(r.model.problem.numVariables() for r in results),
        constraints=sum(r.model.problem.numConstraints() for r in results),
        wall_seconds=wall_seconds,
    )
    warnings = list(targets.warnings) + left_out_likes(request, foods)
    if failed:
        result = failed[0].found.result
        status = (
            PlanStatus.INFEASIBLE
            if result.outcome is SolverOutcome.INFEASIBLE
            else PlanStatus.ERROR
        )
        day = failed[0].model.days[0]
        message = f"Day {day}: " + _failure_message(result, request)
        return Plan(status, (), targets.to_dict(), (), tuple(warnings), info, message=message)

    days = tuple(r.plan for r in results if r.plan is not None)
    violations = check_limits(days, bounds, request.profile.budget_usd_per_day)
    if violations:  # a hard limit broken after recomputation is a bug, never shown as a plan
        return Plan(
            PlanStatus.ERROR,
            days,
            targets.to_dict(),
            (),
            tuple(warnings),
            info,
            message="internal check failed: " + "; ".join(violations),
        )
    watched = tuple(k for k in bounds if not k.endswith("_pct_energy"))
    missing = missing_values(days, foods, watched)
    shortfalls: list[Shortfall] = []
    for r, day_plan in zip(results, days, strict=True):
        shortfalls += collect_shortfalls(
            r.model,
            (day_plan,),
            foods,
            request,
            missing,
            skip=frozenset({"vitamin_d_ug"}) if weekly_d else frozenset(),
        )
    if weekly_d:
        shortfalls += weekly_shortfall("vitamin_d_ug", days, bounds, foods, request, missing)
    if identical_days(days):
        warnings.append("Some days repeat the same foods: too few foods fit your choices.")
    for key, ids in missing.items():
        if key in ("vitamin_d_ug", "potassium_mg", "magnesium_mg", "calcium_mg"):
            names = ", ".join(str(foods.at[i, "name"]) for i in ids[:5])
            warnings.append(
                f"USDA has no {label(key)} value for {len(ids)} chosen food(s) ({names}); "
                "they count as 0, so the real intake is likely a little higher."
            )
    if shortfalls:
        status = PlanStatus.PARTIAL
    elif info.outcome == "optimal":
        status = PlanStatus.OPTIMAL
    else:
        status = PlanStatus.FEASIBLE
    message = {
        PlanStatus.OPTIMAL: "Every target is met.",
        PlanStatus.FEASIBLE: "Every target is met (the solver stopped at its time limit, so a "
        "slightly cheaper plan may exist).",
        PlanStatus.PARTIAL: f"{len(shortfalls)} target(s) cannot be met with these choices; "
        "see the shortfalls for why and what would help.",
    }[status]
    return Plan(
        status=status,
        days=days,
        targets=targets.to_dict(),
        shortfalls=tuple(shortfalls),
        warnings=tuple(warnings),
        solver=info,
        missing_data=MappingProxyType(missing),
        message=message,
    )


def left_out_likes(request: PlanRequest, foods: pd.DataFrame) -> list[str]:
    """A warning for each liked food the diet, allergies or exclusions leave out."""
    liked = dict.fromkeys(request.profile.like_foods + request.like_foods)
    allowed = set(candidate_foods(foods, request).index)
    out = []
    for food_id in liked:
        if food_id in foods.index and food_id not in allowed:
            name = foods.at[food_id, "name"]
            out.append(
                f"You like {name}, but your diet, allergies or exclusions leave it out of the plan."
            )
    return out


def weekly_shortfall(
    key: str,
    days: tuple[DayPlan, ...],
    bounds: Mapping[str, tuple[float | None, float | None]],
    foods: pd.DataFrame,
    request: PlanRequest,
    missing: Mapping[str, tuple[str, ...]],
) -> list[Shortfall]:
    """The weekly-average shortfall of ``key`` (e.g. vitamin D), if the week misses it."""
    target = bounds.get(key, (None, None))[0]
    if not target:
        return []
    achieved = sum(d.totals[key] for d in days) / len(days)
    if achieved >= target * (1 - SHORTFALL_TOLERANCE):
        return []
    totals = {k: sum(d.totals[k] for d in days) / len(days) for k in days[0].totals}
    cost = sum(d.cost_usd for d in days) / len(days)
    return [
        explain_shortfall(
            key, None, achieved, target, totals, cost, bounds, foods, request, missing, {}
        )
    ]


def explain_shortfall(
    key: str,
    day: int | None,
    achieved: float,
    target: float,
    totals: Mapping[str, float],
    cost: float,
    bounds: Mapping[str, tuple[float | None, float | None]],
    foods: pd.DataFrame,
    request: PlanRequest,
    missing: Mapping[str, tuple[str, ...]],
    sources_cache: dict[str, list],
) -> Shortfall:
    """A :class:`Shortfall` with its reason and best sources (AMDR keys use their macro)."""
    source_key = AMDR[key][0] if key in AMDR else key
    if source_key not in sources_cache:
        sources_cache[source_key] = best_sources(source_key, foods, request)
    sources = sources_cache[source_key]
    reason = reason_for(source_key, sources, request, totals, bounds, cost, missing.get(key, ()))
    return Shortfall(
        nutrient=key,
        day=day,
        achieved=achieved,
        target=target,
        unit=unit_of(key),
        reason=reason,
        best_sources=tuple(MappingProxyType(s) for s in sources),
    )


def _failure_message(result: SolveResult, request: PlanRequest) -> str:
    if result.outcome is SolverOutcome.INFEASIBLE:
        hint = (
            "the locked items clash with a hard limit (budget, sodium, calcium, vitamin D, "
            "zinc, caffeine or potassium ceiling); unlock some items or raise the budget"
            if request.locked
            else "a hard limit (budget or an upper limit) cannot be kept; raise the budget"
        )
        return f"No plan exists: {hint}."
    return f"The solver did not produce a plan: {result.message}. Try again or use --solver cbc."
