"""``plan_week``: check request → build model → solve → extract plan → verify.

Each stage is its own function (:func:`planner.request.check_request`,
:func:`planner.model.build_model`, :func:`planner.solve.solve_problem`,
:func:`planner.plan.extract_days`, :func:`planner.plan.check_limits`); this module chains them
and turns the result into a :class:`planner.plan.Plan` with explained shortfalls.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import pandas as pd
import pulp

from foods.catalog import load_catalog
from planner.explain import best_sources, label, reason_for, unit_of
from planner.model import (
    AMDR,
    PlanModel,
    build_model,
    candidate_foods,
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
from planner.request import PlanRequest, check_request
from planner.solve import SolveResult, SolverOutcome, SolverSettings, solve_problem
from planner.targets import Targets, compute_targets, with_overrides

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
) -> tuple[Shortfall, ...]:
    """Every elastic minimum that the plan misses, each with a reason and best sources."""
    by_day = {d.day: d for d in days}
    out = []
    sources_cache: dict[str, list] = {}
    for (key, day), var in sorted(
        model.shortfalls.items(), key=lambda kv: (kv[0][1] or 0, kv[0][0])
    ):
        if (var.varValue or 0.0) <= SHORTFALL_TOLERANCE:
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
        source_key = AMDR[key][0] if key in AMDR else key
        if source_key not in sources_cache:
            sources_cache[source_key] = best_sources(source_key, all_foods, request)
        sources = sources_cache[source_key]
        reason = reason_for(
            source_key, sources, request, totals, model.bounds, cost, missing.get(key, ())
        )
        out.append(
            Shortfall(
                nutrient=key,
                day=day,
                achieved=achieved,
                target=target,
                unit=unit_of(key),
                reason=reason,
                best_sources=tuple(MappingProxyType(s) for s in sources),
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


def _settings(request: PlanRequest, remaining_s: float, mip: bool = True) -> SolverSettings:
    return SolverSettings(
        name=request.solver,
        time_limit_s=max(remaining_s, 0.5),
        gap_rel=request.gap_rel,
        mip=mip,
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


def _keep_days_distinct(
    model: PlanModel, request: PlanRequest, result: SolveResult, deadline: float, warm: bool
) -> tuple[SolveResult, float]:
    """While two days eat the same food set, forbid it for the later day and re-solve."""
    seconds = 0.0
    for _ in range(MAX_DISTINCT_ROUNDS):
        if result.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
            break
        days = extract_days(model)
        pairs = identical_days(days)
        if not pairs:
            break
        by_day = {d.day: d for d in days}
        for _first, later in pairs:
            forbid_food_set(model, later, by_day[later].food_ids())
        remaining = deadline - time.perf_counter()
        if remaining <= 0.5:
            break
        result = solve_problem(model.problem, _settings(request, remaining), warm_start=warm)
        seconds += result.seconds
    return result, seconds


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


def search(model: PlanModel, request: PlanRequest) -> SearchResult:
    """Find a plan and prove how close to the best it is.

    1. LP relaxation of the whole model: a lower bound ``LB`` and reduced costs.
    2. MIP over the foods the LP uses (plus liked and locked foods): a quick incumbent ``UB``.
    3. Reduced-cost fixing: drop every (day, food) whose reduced cost exceeds ``UB − LB``.
    4. MIP on the reduced model, started from the incumbent, to the requested gap.
    The gap reported is relative to the best bound proven for the full model. Days that eat
    identical food sets are cut off and re-solved.
    """
    start = time.perf_counter()
    deadline = start + request.time_limit_s
    lp = solve_problem(model.problem, _settings(request, request.time_limit_s, mip=False))
    if lp.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
        return SearchResult(lp, None, None, time.perf_counter() - start, "lp")
    lower = float(lp.objective or 0.0)
    reduced = {v.name: float(v.dj or 0.0) for v in model.problem.variables()}
    amounts = _food_amounts(model)
    support = {f for f, a in amounts.items() if a > 1e-6}
    support |= set(request.profile.like_foods) | set(request.like_foods)
    support |= {i.food_id for i in request.locked}
    saved = _restrict(model, support)
    remaining = deadline - time.perf_counter()
    first = solve_problem(model.problem, _settings(request, remaining))
    for var, upper in saved.items():
        var.upBound = upper
    if first.objective is None:
        return SearchResult(first, lower, None, time.perf_counter() - start, "support")
    margin = (first.objective - lower) * (1 + 1e-6) + 1e-6
    fixed = reduced_cost_fixing(model, reduced, margin)
    remaining = deadline - time.perf_counter()
    result = solve_problem(model.problem, _settings(request, remaining), warm_start=True)
    result, _ = _keep_days_distinct(model, request, result, deadline, warm=True)
    strategy = f"lp+support+rcfix({len(fixed)} fixed)"
    if result.objective is None or result.objective > first.objective + 1e-9:
        result = first  # cannot happen with a valid warm start; keep the incumbent if it does
    bound = lower
    if result.dual_bound is not None:
        # the reduced model's bound holds for plans in it; plans outside cost more than UB
        bound = max(lower, min(result.dual_bound, first.objective))
    gap = certified_gap(result.objective, bound)
    seconds = time.perf_counter() - start
    if result.outcome in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
        proven = gap is not None and gap <= request.gap_rel + 1e-9
        outcome = SolverOutcome.OPTIMAL if proven else SolverOutcome.FEASIBLE
        result = replace(result, outcome=outcome, gap=gap)
    return SearchResult(result, bound, gap, seconds, strategy)


def plan_week(request: PlanRequest, foods: pd.DataFrame | None = None) -> Plan:
    """Plan ``request.days`` days of meals for ``request.profile``.

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

    start = time.perf_counter()
    model = build_model(candidates, bounds, request, eer_kcal=targets.eer_kcal)
    build_seconds = time.perf_counter() - start
    found = search(model, request)
    result, solve_seconds = found.result, found.seconds

    info = SolverInfo(
        name=result.solver,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        gap=result.gap,
        outcome=result.outcome.value,
        cuts=model.cuts,
        variables=model.problem.numVariables(),
        constraints=model.problem.numConstraints(),
    )
    warnings = list(targets.warnings)
    if result.outcome not in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
        status = (
            PlanStatus.INFEASIBLE
            if result.outcome is SolverOutcome.INFEASIBLE
            else PlanStatus.ERROR
        )
        message = _failure_message(result, request)
        return Plan(status, (), targets.to_dict(), (), tuple(warnings), info, message=message)

    days = extract_days(model)
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
    shortfalls = collect_shortfalls(model, days, foods, request, missing)
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
    elif result.outcome is SolverOutcome.OPTIMAL:
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
        shortfalls=shortfalls,
        warnings=tuple(warnings),
        solver=info,
        missing_data=MappingProxyType(missing),
        message=message,
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


def relaxed(request: PlanRequest, **changes: object) -> PlanRequest:
    """A copy of ``request`` with fields changed (used by one-click fixes and tests)."""
    return replace(request, **changes)  # type: ignore[arg-type]
