"""``plan_week``: a week of dishes, one day's model at a time, in two parallel chains.

1. **Options** — every dish and side the person may have (:mod:`.options`).
2. **Ranking** — the LP relaxation of an average day over every option prices each option;
   the reduced costs rank them per meal (the options an optimal menu would use come first).
3. **Two chains** — days 1, 3, 5, 7 and days 2, 4, 6 are planned in two threads. Main dishes
   are dealt to the chains alternately down the ranking, so the chains use different dishes,
   and a chain uses a dish once: a dish appears at most twice a week by construction (once
   with ``max_dish_per_week`` 1), the week has at least as many different dishes as meals in
   the longer chain, and no two days are alike.
4. **Each day** offers the :data:`K_MAIN` best-ranked main dishes left in its chain per meal
   and the :data:`K_SIDE` best-ranked sides, plus anything locked; its MIP (:mod:`.model`)
   is solved to the requested relative gap. Weekly targets (vitamin D, the vegetable
   subgroups, seafood) are carried along each chain: the *i*-th day brings its chain to *i*
   days' worth; a surplus lowers later days' targets, a deficit raises them.
5. **Assembly** — totals recomputed from grams, hard maxima verified, drinking water set to
   close the water target (spread over the day, no more than 500 ml at once), shortfalls
   explained, HEI-2020 scored.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from foods.catalog import load_catalog
from foods.dishes import bundled_dishes
from planner.domain.food_pattern import (
    DAILY_MINIMUMS,
    PATTERN_GROUPS,
    WEEKLY_MINIMUMS,
    FoodPattern,
    food_pattern,
)
from planner.domain.plan import DayPlan, Plan
from planner.domain.profile import Profile
from planner.domain.request import PlanRequest, check_request
from planner.domain.targets import Targets, compute_targets, with_overrides
from planner.optimiser.assemble import assemble
from planner.optimiser.extract import extract_day
from planner.optimiser.model import DayModel, DayTargets, build_day_model, portion_choices
from planner.optimiser.options import GROUPS, NUTRIENTS, Options, meal_options
from planner.optimiser.solve import SolveResult, SolverOutcome, SolverSettings, solve_problem
from planner.optimiser.table import FoodTable

#: Main dishes and sides offered per meal per day (best ranked of the chain's pool), and
#: each kind in a wide offer (a day the narrow offer left short of a target or a meal).
K_MAIN = 3
K_SIDE = 4
K_WIDE = 7
#: A day's narrow and wide solves together take at most ``PlanRequest.day_time_limit_s``
#: (0.5 s by default): a day whose search is not done by then keeps its best menu and
#: reports its proven gap, so a week stays under about 2.5 s even for people whose limits
#: make the search hard. A wide solve starts only with at least ``MIN_WIDE_S`` left; no
#: solve gets less than ``MIN_SOLVE_S``.
MIN_WIDE_S = 0.15
MIN_SOLVE_S = 0.05
#: Days are planned in this many chains, in parallel threads (HiGHS releases the GIL while it
#: solves) unless ``PARALLEL_CHAINS`` is off: a batch worker process plans its chains one after
#: the other (the same split, so the same plan), one solver thread per process.
WORKERS = min(2, os.cpu_count() or 1)
PARALLEL_CHAINS = True
#: Share of a whole day's needs each meal covers, for plans of some meals only.
MEAL_NEEDS: Mapping[str, float] = {"breakfast": 0.25, "lunch": 0.30, "dinner": 0.35, "snack": 0.10}
#: Weekly seafood in pregnancy and breastfeeding (oz-eq): FDA/EPA 2021, 8–12 oz of best choices,
#: and how much more than another food-group amount missing it costs (it is safety advice).
PREGNANCY_SEAFOOD_OZ = (8.0, 12.0)
PREGNANCY_SEAFOOD_WEIGHT = 5.0
#: Most beans, peas and lentils a day (cup-eq) before each further cup costs a day's pattern
#: weight: the pattern has 1½–3 cups a *week* (more where they replace meat), and a week of
#: cheap bean dishes every day is what issue 13 found. Diet → cup-eq a day.
LEGUMES_DAY_CUP: Mapping[str, float] = {
    "omnivore": 1.0,
    "pescatarian": 1.0,
    "vegetarian": 1.5,
    "vegan": 2.0,
}
#: Vegetables and fruit weigh twice another food-group amount: they carry the potassium and
#: magnesium the cramp targets ask for, and the pattern's amounts of them are what people most
#: often miss.
DAILY_GROUP_WEIGHTS: Mapping[str, float] = {"vegetables": 3.0, "fruits": 3.0}
#: Daily amounts a day's narrow offer makes sure some option brings (see :func:`_bringing`);
#: doing so for every daily group made the days' search about 40 % slower for little gain.
OFFER_DAILY: tuple[str, ...] = ("vegetables", "fruits")
#: With kidney disease or a potassium-raising medicine the limits (potassium, and with kidney
#: disease phosphorus, protein and fluid) come first: these minimums are met as far as the
#: limits allow (their shortfall costs ``Weights.unreachable_usd``) and explained, never
#: traded against a safe limit or a meal.
RENAL_SECOND = frozenset({"magnesium_mg", "calcium_mg", "zinc_mg", "fiber_g", "vitamin_d_ug"})
#: HiGHS settings for the small day models: a light heuristic effort (RINS/RENS only) and no
#: restart; the other heuristics cost more than they find here (measured on the demo week:
#: serial day time 1.8 s against 3.8 s with HiGHS's defaults).
DAY_HIGHS_OPTIONS: tuple[tuple[str, object], ...] = (
    ("mip_heuristic_effort", 0.05),
    ("mip_allow_restart", False),
    ("mip_heuristic_run_root_reduced_cost", False),
    ("mip_heuristic_run_feasibility_jump", False),
)

#: The ranking LP without presolve: its rows are already tight, and presolve took half of its
#: solve time (0.075 s against 0.032 s on the demo; measured).
RANK_HIGHS_OPTIONS: tuple[tuple[str, object], ...] = (("presolve", "off"),)


@dataclass(frozen=True)
class Context:
    """What every day of the week shares (built once per plan)."""

    request: PlanRequest
    table: FoodTable
    options: Options
    targets: Targets
    bounds: Mapping[str, tuple[float | None, float | None]]
    pattern: FoodPattern
    share: float
    eer_kcal: float
    weekly: Mapping[str, float]
    weekly_max: Mapping[str, float]
    group_weights: Mapping[str, float]
    cost_weight: float
    reference_usd: float
    fluid_max_ml: float | None
    deadline: float
    absent: tuple[str, ...] = ()
    unreachable: frozenset[str] = frozenset()
    fits: Mapping[str, np.ndarray] = field(default_factory=dict)  # see :func:`fitting`


def request_targets(request: PlanRequest) -> Targets:
    """The person's targets with the request's overrides applied."""
    targets = compute_targets(request.profile)
    if request.target_overrides:
        targets = with_overrides(targets, request.target_overrides)
    return targets


def cost_weight(budget: float | None, reference_usd: float) -> float:
    """Objective weight on food cost: 1 with no budget (the plan stays thrifty); with a budget,
    the thrifty reference over the budget, between 0.2 and 1, so a generous budget buys
    preference (liked dishes, broadly loved dishes) over cents.

    >>> cost_weight(None, 8.0), cost_weight(8.0, 8.0), cost_weight(60.0, 8.0)
    (1.0, 1.0, 0.2)
    """
    if budget is None:
        return 1.0
    return min(1.0, max(0.2, reference_usd / budget))


def _scaled_bounds(targets: Targets, share: float) -> dict[str, tuple[float | None, float | None]]:
    """Daily bounds scaled to the planned meals' share of the day (AMDR shares unchanged)."""
    out = {}
    for key in targets:
        lo, hi = targets[key].min, targets[key].max
        if not key.endswith("_pct_energy") and share < 1:
            lo = None if lo is None else lo * share
            hi = None if hi is None else hi * share
        out[key] = (lo, hi)
    return out


def build_context(request: PlanRequest, foods: pd.DataFrame, deadline: float) -> Context:
    """Targets, pattern, options and weekly amounts of the request."""
    targets = request_targets(request)
    profile = request.profile
    share = sum(MEAL_NEEDS[s] for s in profile.meals_to_plan)
    eer = targets.eer_kcal * share
    pattern = food_pattern(targets.eer_kcal)
    table = FoodTable.of(foods)
    options = meal_options(request, table)
    weekly = {g: pattern.weekly[g] * share for g in WEEKLY_MINIMUMS}
    weekly_max: dict[str, float] = {}
    group_weights: dict[str, float] = dict(DAILY_GROUP_WEIGHTS)
    if profile.life_stage in ("pregnant", "lactating"):
        low, top = PREGNANCY_SEAFOOD_OZ
        weekly["protein_seafood"], weekly_max["protein_seafood"] = low * share, top * share
        group_weights["protein_seafood"] = PREGNANCY_SEAFOOD_WEIGHT
    absent = absent_groups(options, (*DAILY_MINIMUMS, *weekly))
    weekly = {g: v for g, v in weekly.items() if g not in absent}
    weekly_max = {g: v for g, v in weekly_max.items() if g not in absent}
    bounds = _scaled_bounds(targets, share)
    reference = thrifty_reference(profile)
    if not request.daily_vitamin_d and request.days > 1 and bounds["vitamin_d_ug"][0]:
        weekly["vitamin_d_ug"] = bounds["vitamin_d_ug"][0] * 7
    return Context(
        request=request,
        table=table,
        options=options,
        targets=targets,
        bounds=bounds,
        pattern=pattern,
        share=share,
        eer_kcal=eer,
        weekly=weekly,
        weekly_max=weekly_max,
        group_weights=group_weights,
        cost_weight=cost_weight(profile.budget_usd_per_day, reference),
        reference_usd=reference,
        fluid_max_ml=targets["fluid_ml"].max,
        deadline=deadline,
        absent=absent,
        unreachable=RENAL_SECOND if impaired_potassium(profile) else frozenset(),
    )


def impaired_potassium(profile: Profile) -> bool:
    """Whether potassium is capped for safety (kidney disease or a potassium-raising medicine)."""
    return bool(profile.kidney_disease or profile.potassium_raising_medication)


def group_vector(group: str) -> np.ndarray:
    """Weights over :data:`GROUPS` that sum a pattern group (:data:`PATTERN_GROUPS`)."""
    weights = np.zeros(len(GROUPS))
    for component, w in PATTERN_GROUPS[group].items():
        weights[GROUPS.index(component)] = w
    return weights


def absent_groups(options: Options, groups: Sequence[str]) -> tuple[str, ...]:
    """Pattern groups no option of the person carries (dairy for a vegan allergic to soy):
    the plan cannot reach them, so they are set aside and said so rather than chased."""
    return tuple(
        g
        for g in groups
        if not len(options.keys) or float((options.groups @ group_vector(g)).max()) <= 0
    )


def thrifty_reference(profile: object) -> float:
    """USD a day a thrifty plan costs at 2022 prices (the scale of :func:`cost_weight`)."""
    from planner.domain.thrifty import thrifty_usd_per_day

    return thrifty_usd_per_day(profile)  # type: ignore[arg-type]


# --- ranking and pools ---------------------------------------------------------------------------


def _day_targets(
    ctx: Context, carry: Mapping[str, float] | None = None, days: int = 1
) -> DayTargets:
    """The targets of a day: ``carry`` holds this day's weekly amounts (vitamin D in µg and
    weekly food groups); without it, an average day (a seventh of each weekly amount)."""
    carry = carry if carry is not None else {k: v / 7 for k, v in ctx.weekly.items()}
    bounds = dict(ctx.bounds)
    if "vitamin_d_ug" in carry:
        lo, hi = bounds["vitamin_d_ug"]
        bounds["vitamin_d_ug"] = (
            min(carry["vitamin_d_ug"], hi) if hi else carry["vitamin_d_ug"],
            hi,
        )
    groups_min = {
        g: ctx.pattern.daily[g] * ctx.share for g in DAILY_MINIMUMS if g not in ctx.absent
    }
    groups_min |= {g: v for g, v in carry.items() if g != "vitamin_d_ug"}
    groups_max = {
        "grain_refined": ctx.pattern.daily["grain_refined"] * ctx.share,
        "legumes": LEGUMES_DAY_CUP[ctx.request.profile.diet] * ctx.share,
    }
    budget = ctx.request.profile.budget_usd_per_day
    groups_max |= {g: v / 7 * days for g, v in ctx.weekly_max.items()}
    group_weights = dict(ctx.group_weights)
    return DayTargets(
        bounds=bounds,
        eer_kcal=ctx.eer_kcal,
        groups_min=groups_min,
        groups_max=groups_max,
        group_weights=group_weights,
        cost_weight=ctx.cost_weight,
        budget=budget,
        soft_budget=None if budget is not None else ctx.reference_usd * ctx.share,
        share=ctx.share,
        fluid_max_ml=ctx.fluid_max_ml,
        unreachable=ctx.unreachable,
    )


def _slot_options(ctx: Context) -> dict[str, list[int]]:
    """Every option each planned meal may hold."""
    opts = ctx.options
    return {
        s: [o for o in range(len(opts.keys)) if s in opts.slots[o]]
        for s in ctx.request.profile.meals_to_plan
    }


#: A main dish is offered in the narrow set of a meal only if, at the portion it would be
#: served, it takes no more than this share of any hard daily limit (potassium, phosphorus,
#: protein, sodium, the budget): a dinner that alone uses most of a kidney patient's
#: potassium leaves nothing for the day's other meals. The wide set offers it anyway.
FIT_SHARE = 0.5


def fitting(ctx: Context, slot: str) -> np.ndarray:
    """Whether each option at its portion for ``slot`` stays within :data:`FIT_SHARE` of
    every hard daily maximum (and of the budget), as a boolean per option."""
    opts = ctx.options
    eer = ctx.eer_kcal / ctx.share
    portion = np.array(
        [p[portion_choices(opts, o, slot, eer)[0]] for o, p in enumerate(opts.portions)]
    )
    fits = np.ones(len(opts.keys), dtype=bool)
    for key, (_lo, hi) in ctx.bounds.items():
        if hi is None or key not in NUTRIENTS or key.endswith("_pct_energy"):
            continue
        if key != "energy_kcal":
            fits &= opts.nutrients[:, NUTRIENTS.index(key)] * portion <= FIT_SHARE * hi
    budget = ctx.request.profile.budget_usd_per_day
    if budget is not None:
        fits &= opts.cost * portion <= FIT_SHARE * budget * ctx.share
    return fits


def rank_options(ctx: Context) -> tuple[dict[str, list[int]], frozenset[str]]:
    """Options per meal, best first, and the minimums (nutrients, food groups) no mix of
    options reaches.

    Options are ranked by the reduced cost of their best portion in the LP relaxation of an
    average day over every option (options the LP uses first; the order of the option list
    settles ties). A minimum this relaxation falls short of cannot be met by any day."""
    available = _slot_options(ctx)
    model = build_day_model(ctx.options, _day_targets(ctx), available, name="rank")
    remaining = max(ctx.deadline - time.perf_counter(), 0.5)
    settings = SolverSettings(mip=False, time_limit_s=remaining, highs_options=RANK_HIGHS_OPTIONS)
    solve_problem(model.problem, settings)
    score: dict[tuple[str, int], float] = {}
    for (s, o, _k), var in model.choice.items():
        value = -math.inf if (var.varValue or 0.0) > 1e-6 else float(var.dj or 0.0)
        score[(s, o)] = min(score.get((s, o), math.inf), value)
    ranked = {
        s: sorted(options, key=lambda o: (score.get((s, o), math.inf), o))
        for s, options in available.items()
    }
    short = frozenset(
        k
        for k, v in (*model.shortfalls.items(), *model.pattern_short.items())
        if (v.varValue or 0.0) > 1e-4
    )
    return ranked, short


def deal_mains(ctx: Context, ranked: Mapping[str, list[int]], chains: int) -> list[set[int]]:
    """Main dishes dealt to the chains alternately down each meal's ranking (a dish that
    suits two meals goes to the chain that meets it first)."""
    pools: list[set[int]] = [set() for _ in range(chains)]
    owner: dict[int, int] = {}
    turn = 0
    for rank in range(max((len(r) for r in ranked.values()), default=0)):
        for s in ranked:
            if rank >= len(ranked[s]):
                continue
            o = ranked[s][rank]
            if ctx.options.kinds[o] != "main" or o in owner:
                continue
            owner[o] = turn % chains
            pools[owner[o]].add(o)
            turn += 1
    return pools


def week_chains(days: Sequence[int], workers: int) -> list[tuple[int, ...]]:
    """Split the days into ``workers`` interleaved chains solved in parallel.

    >>> week_chains((1, 2, 3, 4, 5, 6, 7), 2)
    [(1, 3, 5, 7), (2, 4, 6)]
    >>> week_chains((1, 2), 2)
    [(1, 2)]
    """
    days = tuple(days)
    if workers < 2 or len(days) < 3:
        return [days]
    return [days[k::workers] for k in range(workers)]


# --- the chains --------------------------------------------------------------------------------


@dataclass
class DayResult:
    """One solved (or failed) day."""

    day: int
    result: SolveResult
    model: DayModel | None
    plan: DayPlan | None
    build_seconds: float
    solve_seconds: float


@dataclass
class _Chain:
    """Running state of one chain: uses of each option, weekly amounts achieved so far."""

    pool: set[int]
    used: dict[int, int] = field(default_factory=dict)
    achieved: dict[str, float] = field(default_factory=dict)
    spent_s: float = 0.0


def _carry(
    ctx: Context, chain: _Chain, i: int, length: int
) -> tuple[dict[str, float], dict[str, float]]:
    """This day's weekly amounts: the minimum brings the chain to ``i`` days' worth of each
    weekly amount; the maximum is what is left of the chain's share (``length`` days) of
    each weekly cap, so a fish dinner early in the week is not penalised."""
    low = {k: max(v / 7 * i - chain.achieved.get(k, 0.0), 0.0) for k, v in ctx.weekly.items()}
    high = {
        k: max(v / 7 * length - chain.achieved.get(k, 0.0), 0.0) for k, v in ctx.weekly_max.items()
    }
    return low, high


def _locks(ctx: Context, day: int) -> dict[tuple[str, int], float]:
    index = ctx.options.index()
    return {
        (lock.slot, index[lock.dish_id]): lock.portion
        for lock in ctx.request.locked
        if lock.day == day and lock.dish_id in index
    }


def _bringing(
    ctx: Context, offered: list[int], candidates: list[int], needs: Mapping[str, float]
) -> list[int]:
    """For each amount the day needs (a daily or weekly food group, or vitamin D in µg) that
    no ``offered`` option brings a quarter of, the best-ranked of ``candidates`` that does (so
    a day behind on seafood or vitamin D is offered a dish that has it, and a meal without a
    fruit among its best-ranked sides is offered one)."""
    opts = ctx.options
    extra: list[int] = []
    for key, need in needs.items():
        if need <= 0:
            continue
        if key in PATTERN_GROUPS:
            amounts = opts.groups @ group_vector(key)
        elif key in NUTRIENTS:
            amounts = opts.nutrients[:, NUTRIENTS.index(key)]
        else:
            continue
        if any(float(amounts[o]) >= 0.25 * need for o in offered + extra):
            continue
        for o in candidates:
            if float(amounts[o]) >= 0.25 * need:
                extra.append(o)
                break
    return extra


def _offer(
    ctx: Context,
    day: int,
    chain: _Chain,
    ranked: Mapping[str, list[int]],
    needs: Mapping[str, float],
    wide: bool = False,
) -> tuple[dict[str, list[int]], dict[tuple[str, int], float], np.ndarray]:
    """The options this day may use per meal, its locks, and the extra cost of each option.

    ``needs`` holds the weekly amounts this day should bring (see :func:`_bringing`). A
    ``wide`` offer (a day the narrow one left short) takes :data:`K_WIDE` of each kind and
    also the other chains' main dishes, at the price of a repeat; a dish still appears at
    most once per chain, so at most twice a week."""
    opts, request = ctx.options, ctx.request
    locked = _locks(ctx, day)
    extra = np.zeros(len(opts.keys))
    index = opts.index()
    for key, weight in request.avoid_dishes.items():
        if key in index:
            extra[index[key]] += request.weights.repeat_usd * weight
    if day in request.exact_days:
        return {s: [o for (ss, o) in locked if ss == s] for s in ranked}, locked, extra
    forbidden = {(s, k) for d, s, k in request.forbidden if d == day}
    per_chain = max(1, request.max_dish_per_week // 2)
    borrow = wide and request.max_dish_per_week >= 2
    k_main, k_side = (K_WIDE, K_WIDE) if wide else (K_MAIN, K_SIDE)
    offered: dict[str, list[int]] = {}
    for s, order in ranked.items():
        allowed = [o for o in order if (s, opts.keys[o]) not in forbidden]
        fresh = [o for o in allowed if chain.used.get(o, 0) < per_chain]
        fits = ctx.fits[s] if s in ctx.fits else fitting(ctx, s)
        mains = [o for o in fresh if o in chain.pool and (wide or fits[o])]
        others = [o for o in fresh if opts.kinds[o] == "main" and o not in chain.pool]
        sides = [
            o for o in allowed if opts.kinds[o] == "side" and (opts.dishes[o] is None or o in fresh)
        ]
        offered[s] = mains[:k_main]
        offered[s] += _bringing(ctx, offered[s], mains[k_main:], needs)
        if borrow:
            offered[s] += others[:k_main]
            extra[others[:k_main]] += request.weights.repeat_usd
        offered[s] += sides[:k_side]
        offered[s] += _bringing(ctx, offered[s], sides[k_side:], needs)
        offered[s] += [o for (ss, o) in locked if ss == s and o not in offered[s]]
    for o, n in chain.used.items():
        if n and opts.kinds[o] == "main":
            extra[o] += request.weights.repeat_usd * n
    return offered, locked, extra


#: A day is solved again with a wide offer when a meal is left empty or a nutrient target
#: falls short by more than this share.
WIDEN_SHORTFALL = 0.05


def _short(result: DayResult, unreachable: frozenset[str]) -> bool:
    """Whether a solved day left a meal without a main dish or a nutrient well short (one
    that some mix of options could reach)."""
    model = result.model
    if result.plan is None or model is None:
        return True
    empty = any((v.varValue or 0.0) > 0.5 for v in model.empty.values())
    return empty or any(
        (v.varValue or 0.0) > WIDEN_SHORTFALL
        for k, v in model.shortfalls.items()
        if k not in unreachable
    )


def _solve_day(
    ctx: Context, day: int, i: int, chain: _Chain, ranked: Mapping[str, list[int]], left: int
) -> DayResult:
    """Build, solve and extract the chain's ``i``-th day (``left`` days still to go); a day
    the narrow offer leaves short is solved again with a wide one in what is left of the
    day's time (``PlanRequest.day_time_limit_s``)."""
    start = time.perf_counter()
    limit = ctx.request.day_time_limit_s
    allowance = min(limit * i - chain.spent_s, 2 * limit)  # earlier days' unused time
    stop = start + min(max((ctx.deadline - start) / left, 0.1), max(allowance, MIN_SOLVE_S))
    low, high = _carry(ctx, chain, i, i + left - 1)
    targets = _day_targets(ctx, low)
    targets = replace(targets, groups_max=dict(targets.groups_max) | high)
    needs = dict(low) | {g: targets.groups_min[g] for g in OFFER_DAILY if g in targets.groups_min}
    result = _solve_offer(ctx, day, targets, _offer(ctx, day, chain, ranked, needs), stop)
    if (
        _short(result, ctx.unreachable)
        and day not in ctx.request.exact_days
        and stop - time.perf_counter() > MIN_WIDE_S
    ):
        offer = _offer(ctx, day, chain, ranked, needs, wide=True)
        wide = _solve_offer(ctx, day, targets, offer, stop)
        better = wide.plan is not None and (
            result.plan is None or (wide.result.objective or 0.0) < (result.result.objective or 0.0)
        )
        chosen, other = (wide, result) if better else (result, wide)
        chosen.build_seconds += other.build_seconds
        chosen.solve_seconds += other.solve_seconds
        return chosen
    return result


def _solve_offer(
    ctx: Context,
    day: int,
    targets: DayTargets,
    offer: tuple[dict[str, list[int]], dict[tuple[str, int], float], np.ndarray],
    stop: float,
    menu: set[tuple[str, int, int]] | None = None,
) -> DayResult:
    """Build, solve (until ``stop``, a ``perf_counter`` time) and extract one day's model
    over the offered options; ``menu`` holds the choices of a menu to start the search from."""
    start = time.perf_counter()
    offered, locked, extra = offer
    model = build_day_model(
        ctx.options, targets, offered, locked, extra, ctx.request.weights, name=f"day{day}"
    )
    built = time.perf_counter()
    settings = SolverSettings(
        name=ctx.request.solver,
        time_limit_s=max(stop - built, MIN_SOLVE_S),
        gap_rel=ctx.request.gap_rel,
        highs_options=DAY_HIGHS_OPTIONS,
    )
    if menu is not None:
        for key, var in model.choice.items():
            var.setInitialValue(1.0 if key in menu else 0.0)
    result = solve_problem(model.problem, settings, warm_start=menu is not None)
    plan = None
    if result.outcome in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE):
        plan = extract_day(day, model, ctx.table)
    return DayResult(day, result, model, plan, built - start, time.perf_counter() - built)


def _count(ctx: Context, used: dict[int, int], plan: DayPlan) -> None:
    """Add one use of each option in ``plan`` to ``used``."""
    index = ctx.options.index()
    for meal in plan.meals:
        keys = [d.dish_id for d in meal.dishes] + [
            i.food_id for i in meal.items if i.dish_id is None
        ]
        for key in keys:
            o = index[key]
            used[o] = used.get(o, 0) + 1


def _record(ctx: Context, chain: _Chain, plan: DayPlan) -> None:
    """Count the day's options and add its weekly amounts to the chain's."""
    _count(ctx, chain.used, plan)
    for k in list(ctx.weekly) + list(ctx.weekly_max):
        amount = plan.totals.get(k) if k in plan.totals else _group_amount(plan, k)
        chain.achieved[k] = chain.achieved.get(k, 0.0) + float(amount or 0.0)


def _group_amount(plan: DayPlan, group: str) -> float:
    return sum(plan.food_groups.get(c, 0.0) * w for c, w in PATTERN_GROUPS[group].items())


def solve_chain(
    ctx: Context, days: tuple[int, ...], pool: set[int], ranked: Mapping[str, list[int]]
) -> list[DayResult]:
    """Solve ``days`` in order; stops at the first day with no plan."""
    chain = _Chain(pool=pool)
    results: list[DayResult] = []
    for i, day in enumerate(days, start=1):
        start = time.perf_counter()
        result = _solve_day(ctx, day, i, chain, ranked, len(days) - i + 1)
        chain.spent_s += time.perf_counter() - start
        results.append(result)
        if result.plan is None:
            break
        _record(ctx, chain, result.plan)
    return results


# --- the week ----------------------------------------------------------------------------------


def plan_identity() -> str:
    """What besides the request, the food table and the code decides a plan: the versions of
    PuLP and HiGHS and the number of chains (one on a single core splits the week otherwise).
    Part of the key of a kept plan (:func:`planner.services.example_plan`)."""
    from importlib.metadata import version

    return f"pulp {version('pulp')} highspy {version('highspy')} chains {WORKERS}"


def plan_week(request: PlanRequest, foods: pd.DataFrame | None = None) -> Plan:
    """Plan ``request.days`` days of dishes for ``request.profile``.

    Parameters
    ----------
    request : PlanRequest
        The person, options and weights.
    foods : DataFrame, optional
        The food table (default: the bundled catalogue); custom foods included by the caller.

    Returns
    -------
    Plan
        Always a plan object; ``status`` says whether every target is met (optimal or
        feasible), some fall short (partial, each explained), or no plan exists.

    Raises
    ------
    PlanRequestError, TargetError
        When the request itself is invalid (unknown dishes, impossible locks, bad overrides).
    """
    start = time.perf_counter()
    foods = load_catalog() if foods is None else foods
    check_request(request, bundled_dishes(), set(map(str, foods.index)))
    ctx = build_context(request, foods, start + request.time_limit_s)
    ranked, unreachable = rank_options(ctx)
    fits = {s: fitting(ctx, s) for s in ranked}
    ctx = replace(ctx, unreachable=unreachable | ctx.unreachable, fits=fits)
    days = tuple(range(1, request.days + 1))
    chains = week_chains(days, WORKERS)
    pools = deal_mains(ctx, ranked, len(chains))
    if len(chains) > 1 and PARALLEL_CHAINS:
        with ThreadPoolExecutor(max_workers=len(chains)) as workers:
            parts = list(
                workers.map(
                    lambda c: solve_chain(ctx, c[0], c[1], ranked), zip(chains, pools, strict=True)
                )
            )
    else:
        parts = [solve_chain(ctx, c, p, ranked) for c, p in zip(chains, pools, strict=True)]
    results = sorted((r for part in parts for r in part), key=lambda r: r.day)
    results = thrifty_week(ctx, results, ranked)
    results = distinct_days(ctx, results, ranked)
    return assemble(ctx, results, time.perf_counter() - start)


def _week_rest(
    ctx: Context, results: list[DayResult], skip: int
) -> tuple[dict[int, int], dict[str, float], float]:
    """Uses of each option, weekly amounts and cost (USD) of every planned day but ``skip``."""
    rest = _Chain(pool=set())
    cost = 0.0
    for r in results:
        if r.day != skip and r.plan is not None:
            _record(ctx, rest, r.plan)
            cost += r.plan.cost_usd
    return rest.used, rest.achieved, cost


#: The share under the week's thrifty reference a repaired day aims for (prices and portions
#: are rounded in the plan; a week planned exactly at the reference could show a cent over).
THRIFTY_MARGIN = 0.01


def thrifty_week(
    ctx: Context, results: list[DayResult], ranked: Mapping[str, list[int]]
) -> list[DayResult]:
    """With no budget, when the week costs more than the thrifty reference, plan its dearest
    day again with a wide offer, the week's weekly amounts still to bring and what the week
    can still spend as the day's soft limit. The day's current menu is offered too and handed
    to the solver as its start, so the new menu is never worse by the day's objective."""
    days = [r for r in results if r.plan is not None]
    reference = ctx.reference_usd * ctx.share
    if ctx.request.profile.budget_usd_per_day is not None or not days:
        return results
    if sum(r.plan.cost_usd for r in days if r.plan) <= reference * len(days) + 1e-6:
        return results
    dear = max(days, key=lambda r: r.plan.cost_usd if r.plan else 0.0)
    if dear.day in ctx.request.exact_days or dear.model is None:
        return results
    used, achieved, spent = _week_rest(ctx, results, dear.day)
    n = len(results)
    low = {k: max(v / 7 * n - achieved.get(k, 0.0), 0.0) for k, v in ctx.weekly.items()}
    high = {k: max(v / 7 * n - achieved.get(k, 0.0), 0.0) for k, v in ctx.weekly_max.items()}
    targets = _day_targets(ctx, low)
    targets = replace(
        targets,
        groups_max=dict(targets.groups_max) | high,
        soft_budget=max((1 - THRIFTY_MARGIN) * reference * n - spent, 0.0),
    )
    full = {o: 99 for o, k in used.items() if k >= ctx.request.max_dish_per_week}
    mains = {o for o, kind in enumerate(ctx.options.kinds) if kind == "main"}
    offered, locked, extra = _offer(ctx, dear.day, _Chain(pool=mains, used=full), ranked, low, True)
    current = {k for k, v in dear.model.choice.items() if (v.varValue or 0.0) > 0.5}
    for s, o, _k in current:
        if o not in offered[s]:
            offered[s].append(o)
    again = _solve_offer(
        ctx,
        dear.day,
        targets,
        (offered, locked, extra),
        time.perf_counter() + ctx.request.day_time_limit_s,
        menu=current,
    )
    if again.plan is None or again.plan.cost_usd >= dear.plan.cost_usd:  # type: ignore[union-attr]
        return results
    return [again if r.day == dear.day else r for r in results]


def _signature(plan: DayPlan) -> tuple[str, ...]:
    """What a day serves, whatever the meal: two days alike have the same signature."""
    return tuple(
        sorted(
            key
            for m in plan.meals
            for key in [d.dish_id for d in m.dishes] + [i.food_id for i in m.items if not i.dish_id]
        )
    )


def distinct_days(
    ctx: Context, results: list[DayResult], ranked: Mapping[str, list[int]]
) -> list[DayResult]:
    """Plan again any day that repeats an earlier one (two chains can meet the same menu when
    few dishes fit), with that day's main dishes barred and the week's dish counts kept."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for r in results:
        if r.plan is None or _signature(r.plan) not in seen:
            if r.plan is not None:
                seen.add(_signature(r.plan))
            out.append(r)
            continue
        bar = tuple((r.day, m.slot, d.dish_id) for m in r.plan.meals for d in m.dishes)
        if not bar:
            bar = tuple(
                (r.day, m.slot, i.food_id) for m in r.plan.meals for i in m.items if not i.dish_id
            )[:1]
        request = replace(ctx.request, forbidden=(*ctx.request.forbidden, *bar))
        used: dict[int, int] = {}
        for other in [*out, *results[len(out) + 1 :]]:  # the week as it stands now
            if other.plan is not None:
                _count(ctx, used, other.plan)
        full = {o: 99 for o, n in used.items() if n >= ctx.request.max_dish_per_week}
        mains = {o for o, kind in enumerate(ctx.options.kinds) if kind == "main"}
        chain = _Chain(pool=mains, used=full)
        again = _solve_offer(
            replace(ctx, request=request),
            r.day,
            _day_targets(ctx),
            _offer(replace(ctx, request=request), r.day, chain, ranked, {}, wide=True),
            time.perf_counter() + ctx.request.day_time_limit_s,
        )
        chosen = again if again.plan is not None else r
        if chosen.plan is not None:
            seen.add(_signature(chosen.plan))
        out.append(chosen)
    return out
