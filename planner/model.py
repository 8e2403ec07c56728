"""Build the weekly meal-planning MILP with PuLP (the *build* stage).

Formulation (``d`` day, ``s`` meal slot, ``f`` food, ``k`` nutrient)::

    n[d,s,f] ∈ ℤ, 0 ≤ n ≤ units_f          servings in steps of 1 (or ½ where natural)
    N[d,f] = Σ_s n[d,s,f] ∈ ℤ               a food eaten in several meals: whole steps per
                                            day, the split over meals continuous
    use[d,f] ∈ {0,1}  (non-staple foods)    food f eaten on day d
    N[d,f] ≤ units_f · use[d,f]              the food's daily cap doubles as the link (no big-M)
    use[d,f] ≤ N[d,f]                        use = 1 only if eaten
    Σ_f use[d,f] + short_var[d] ≥ 8          distinct foods per day (elastic)
    Σ_d use[d,f] ≤ max_days;  Σ_d N[d,f] ≤ weekly cap
    Σ a[f,k]·N[d,f] + min_k·short[k,d] ≥ min_k        every minimum is elastic, 0 ≤ short ≤ 1
    Σ a[f,k]·N[d,f] ≤ max_k                           every maximum is hard
    vitamin D: Σ_d Σ a·n + days·min·short ≥ days·min  (weekly average by default)
    AMDR:  Σ (c_m·macro_f − lo·kcal_f)·n ≥ −lo·EER·short,  Σ (c_m·macro_f − hi·kcal_f)·n ≤ 0
    meal energy share within [lo_s, hi_s] of the day (elastic), budget per day (hard)

The objective is in US dollars: ``Weights.shortfall_usd`` × relative shortfall (far above any
food cost) + variety and meal-share penalties + cost − liked-food bonus + rotation penalty.

Every day-level row (nutrients, AMDR, cost, budget, food-group caps per day, the use link,
weekly caps) is written over the integer daily totals ``N`` (``n`` itself for a food eaten
in one meal); only the meal rows (energy share, food-group caps per meal) see the meal
split. The LP is the same either way, but HiGHS derives much stronger cuts from rows over
integer columns: the 1-day solve went from 1.9 s to 0.6 s with this alone.

Coefficients come from a NumPy matrix and expressions are created directly from
``(variable, coefficient)`` lists, which keeps the build a small share of the total time.
Names read as food and nutrients: ``servings_d2_lunch_lentils``, ``min_potassium_mg_d2``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pulp

from planner.request import SLOTS, STAPLE_CATEGORIES, PlanRequest

#: Nutrient keys that targets may bound and foods carry (per 100 g).
FOOD_NUTRIENTS: tuple[str, ...] = (
    "energy_kcal",
    "protein_g",
    "fat_g",
    "carbohydrate_g",
    "fiber_g",
    "water_g",
    "caffeine_mg",
    "potassium_mg",
    "magnesium_mg",
    "calcium_mg",
    "vitamin_d_ug",
    "sodium_mg",
    "zinc_mg",
)
#: AMDR keys → (macro column, kcal per gram).
AMDR: dict[str, tuple[str, float]] = {
    "protein_pct_energy": ("protein_g", 4.0),
    "fat_pct_energy": ("fat_g", 9.0),
    "carbohydrate_pct_energy": ("carbohydrate_g", 4.0),
}
#: Share of the day's energy each meal should carry: (min, max).
MEAL_SHARE: dict[str, tuple[float, float]] = {
    "breakfast": (0.15, 0.35),
    "lunch": (0.20, 0.40),
    "dinner": (0.25, 0.45),
    "snack": (0.00, 0.20),
}
#: Per-meal and per-day serving caps by food group (``planner/data/meal_pattern.csv``).
MEAL_PATTERN_FILE = Path(__file__).parent / "data" / "meal_pattern.csv"


@lru_cache(maxsize=1)
def meal_pattern() -> dict[str, tuple[float, float]]:
    """``{category: (max servings per meal, max servings per day)}``."""
    table = pd.read_csv(MEAL_PATTERN_FILE)
    return {
        str(r.category): (float(r.max_servings_per_meal), float(r.max_servings_per_day))
        for r in table.itertuples()
    }


#: Forms of the same food (fresh/frozen/canned, fat levels, preparations of eggs, cuts of beef):
#: at most one of a family on a day, so "8 different foods" means different foods
#: (``planner/data/food_families.csv``; staples are not listed).
FOOD_FAMILIES_FILE = Path(__file__).parent / "data" / "food_families.csv"


@lru_cache(maxsize=1)
def food_families() -> dict[str, str]:
    """``{food_id: family}`` for catalogue foods that are forms of the same food."""
    table = pd.read_csv(FOOD_FAMILIES_FILE, dtype=str)
    return dict(zip(table["food_id"], table["family"], strict=True))


#: Nutrients met as a weekly average unless the request asks for daily.
WEEKLY_KEYS: frozenset[str] = frozenset({"vitamin_d_ug"})

Bounds = Mapping[str, tuple[float | None, float | None]]


class PlanProblem(pulp.LpProblem):  # type: ignore[misc]
    """A PuLP problem whose variable list is collected once, after the build.

    PuLP rescans every constraint on each ``variables()`` call (four times per solve); plan
    models only gain rows over existing variables after the build (distinct-day cuts), so
    the list collected by :meth:`freeze_variables` stays complete.
    """

    _frozen: list[pulp.LpVariable] | None = None

    def freeze_variables(self) -> None:
        """Collect the variable list now and return it from every later ``variables()``."""
        self._frozen = None
        self._frozen = super().variables()

    def variables(self) -> list[pulp.LpVariable]:
        return self._frozen if self._frozen is not None else super().variables()


@dataclass
class PlanModel:
    """A built model and the handles the later stages need."""

    problem: pulp.LpProblem
    foods: pd.DataFrame
    days: tuple[int, ...]
    bounds: dict[str, tuple[float | None, float | None]]
    #: servings variables in integer steps, keyed (day, slot, food_id)
    steps: dict[tuple[int, str, str], pulp.LpVariable]
    #: servings per step of each food (1 or 0.5)
    step_servings: dict[str, float]
    #: relative shortfall variables: (key, day or None for weekly) → variable
    shortfalls: dict[tuple[str, int | None], pulp.LpVariable]
    #: model expressions of daily nutrient totals, for checking against recomputation
    totals: dict[tuple[str, int], pulp.LpAffineExpression]
    use: dict[tuple[int, str], pulp.LpVariable] = field(default_factory=dict)
    #: integer daily servings steps of foods eaten in several slots, keyed (day, food_id)
    daily: dict[tuple[int, str], pulp.LpVariable] = field(default_factory=dict)
    variety_short: dict[int, pulp.LpVariable] = field(default_factory=dict)
    weekly_keys: frozenset[str] = WEEKLY_KEYS
    eer_kcal: float = 2000.0
    cuts: int = 0


def candidate_foods(foods: pd.DataFrame, request: PlanRequest) -> pd.DataFrame:
    """Foods the person may eat: diet, allergies, exclusions and the fortified switch applied."""
    profile = request.profile
    keep = pd.Series(True, index=foods.index)
    if profile.diet != "omnivore":
        keep &= foods["diet_tags"].map(lambda tags: profile.diet in tags)
    allergies = set(profile.allergies)
    if allergies:
        keep &= foods["allergens"].map(lambda a: not allergies.intersection(a))
    excluded = set(profile.exclude_foods) | set(request.exclude_foods)
    keep &= ~foods.index.isin(list(excluded))
    if not request.allow_fortified:
        keep &= ~foods["fortified"].astype(bool)
    if profile.kidney_disease or profile.potassium_raising_medication:
        # potassium-based salt substitutes are never planned for impaired potassium excretion
        keep &= ~foods["name"].str.contains("salt substitute", case=False)
    locked = {item.food_id for item in request.locked}
    keep |= foods.index.isin(list(locked))
    return foods[keep]


def per_step_matrix(foods: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """Nutrient amount per step of each food: rows foods, columns ``keys``; missing → 0.

    Units are those of the keys (mg, g, µg, kcal) per step (one serving, or half a serving).
    """
    per100 = foods[list(keys)].to_numpy(dtype=float)
    per100 = np.nan_to_num(per100, nan=0.0)
    step = np.where(foods["allow_half"].astype(bool), 0.5, 1.0)
    grams = foods["serving_g"].to_numpy(dtype=float) * step
    return per100 * (grams / 100.0)[:, None]


@dataclass(frozen=True)
class StepData:
    """Per-food arrays (rows in table order) shared by the model and column pricing.

    ``step_servings`` servings per step (1 or 0.5); ``max_steps`` daily cap in steps;
    ``cost`` USD per step; ``objective`` objective coefficient per step (USD: weighted cost
    − liked-food bonus + rotation penalty); ``per_step`` nutrients per step (columns
    :data:`FOOD_NUTRIENTS`); ``slots`` boolean (foods × :data:`SLOTS`) where a food is eaten;
    ``staple`` drinks, oils and condiments (no eaten-indicator, not counted as variety).
    """

    step_servings: np.ndarray
    max_steps: np.ndarray
    cost: np.ndarray
    objective: np.ndarray
    per_step: np.ndarray
    slots: np.ndarray
    staple: np.ndarray


def step_data(foods: pd.DataFrame, request: PlanRequest) -> StepData:
    """The coefficient arrays of every food in ``foods`` for ``request`` (vectorised)."""
    w = request.weights
    step = np.where(foods["allow_half"].astype(bool).to_numpy(), 0.5, 1.0)
    max_steps = np.floor(foods["max_servings_per_day"].to_numpy(float) / step + 1e-9).astype(int)
    cost = (
        foods["price_usd_per_kg"].fillna(0).to_numpy(float)
        * foods["serving_g"].to_numpy(float)
        / 1000.0
        * step
    )
    ids = foods.index
    liked = set(request.profile.like_foods) | set(request.like_foods)
    like = ids.isin(list(liked)).astype(float)
    avoid = np.array([float(request.avoid_foods.get(f, 0.0)) for f in ids], dtype=float)
    objective = w.cost * cost - w.like_usd * step * like + w.rotation_usd * avoid * step
    slots = np.array(
        [[s in food_slots for s in SLOTS] for food_slots in foods["slots"]], dtype=bool
    ).reshape(len(ids), len(SLOTS))
    return StepData(
        step_servings=step,
        max_steps=max_steps,
        cost=cost,
        objective=objective,
        per_step=per_step_matrix(foods, FOOD_NUTRIENTS),
        slots=slots,
        staple=foods["category"].isin(list(STAPLE_CATEGORIES)).to_numpy(),
    )


def _name(text: str) -> str:
    return text.replace("-", "_").replace(" ", "_")


def family_row(family: str, day: int) -> str:
    """Name of the row "at most one food of ``family`` on ``day``"."""
    return f"family_{_name(family)}_d{day}"


def _expr(pairs: list[tuple[pulp.LpVariable, float]]) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression(pairs)


def _add(
    problem: pulp.LpProblem, expr: pulp.LpAffineExpression, sense: int, rhs: float, name: str
) -> None:
    problem.addConstraint(pulp.LpConstraint(e=expr, sense=sense, rhs=rhs, name=name))


def build_model(
    foods: pd.DataFrame,
    bounds: Bounds,
    request: PlanRequest,
    eer_kcal: float,
    days: tuple[int, ...] | None = None,
    weekly_keys: frozenset[str] | None = None,
) -> PlanModel:
    """Build the plan MILP for ``request`` over the candidate ``foods``.

    Parameters
    ----------
    foods : DataFrame
        Candidate foods (after :func:`candidate_foods`), indexed by ``food_id``.
    bounds : mapping key → (min, max)
        Daily targets: nutrient keys (units of the key) and AMDR keys (% of energy).
    request : PlanRequest
        Options: days, locks, preferences, caps, weights.
    eer_kcal : float
        Estimated energy requirement (kcal/day), the scale of the AMDR and meal-share slacks.
    days : tuple of int, optional
        Day numbers to model (default ``1..request.days``); the week planner models one day
        at a time.
    weekly_keys : frozenset of str, optional
        Nutrients met as an average over ``days`` (default: vitamin D unless the request asks
        for daily); pass an empty set when the caller handles the weekly target.

    Returns
    -------
    PlanModel
        The problem plus variable handles; call :func:`planner.solve.solve_model` next.
    """
    w = request.weights
    days = days or tuple(range(1, request.days + 1))
    if weekly_keys is None:
        weekly_keys = frozenset() if request.daily_vitamin_d else WEEKLY_KEYS
    problem = PlanProblem("cramp_week_plan", pulp.LpMinimize)
    ids = list(foods.index)
    keys = FOOD_NUTRIENTS
    col = {k: i for i, k in enumerate(keys)}
    data = step_data(foods, request)
    per_step = data.per_step
    step_serv = dict(zip(ids, data.step_servings, strict=True))
    max_steps = dict(zip(ids, data.max_steps.tolist(), strict=True))
    staple = set(foods.index[data.staple])
    cost_step = data.cost
    row_of = {f: i for i, f in enumerate(ids)}
    category = dict(zip(ids, foods["category"].astype(str), strict=True))
    max_servings = dict(zip(ids, foods["max_servings_per_day"].astype(float), strict=True))
    locks = {(i.day, i.slot, i.food_id): i.servings for i in request.locked}
    families = food_families()

    steps: dict[tuple[int, str, str], pulp.LpVariable] = {}
    daily: dict[tuple[int, str], pulp.LpVariable] = {}
    slots_of = {
        f: [s for s, ok in zip(SLOTS, data.slots[i], strict=True) if ok] for i, f in enumerate(ids)
    }
    for d in days:
        for f in ids:
            several = len(slots_of[f]) > 1
            for s in slots_of[f]:
                fixed = locks.get((d, s, f))
                lo = hi = None
                if fixed is not None:
                    lo = hi = round(fixed / step_serv[f])
                elif d in request.exact_days:
                    lo = hi = 0  # an exact day holds its locked items and nothing else
                steps[(d, s, f)] = problem.add_variable(
                    f"servings_d{d}_{s}_{_name(f)}",
                    lowBound=lo if lo is not None else 0,
                    upBound=hi if hi is not None else max_steps[f],
                    cat=pulp.LpContinuous if several else pulp.LpInteger,
                )
            if several:
                # whole steps per day; the split over meals is continuous and rounded later
                total = problem.add_variable(
                    f"servings_d{d}_{_name(f)}",
                    lowBound=0,
                    upBound=max_steps[f],
                    cat=pulp.LpInteger,
                )
                daily[(d, f)] = total

    for (d, f), total in daily.items():
        pairs = [(steps[(d, s, f)], 1.0) for s in slots_of[f]] + [(total, -1.0)]
        _add(problem, _expr(pairs), pulp.LpConstraintEQ, 0.0, f"split_{_name(f)}_d{d}")

    objective: list[tuple[pulp.LpVariable, float]] = []
    shortfalls: dict[tuple[str, int | None], pulp.LpVariable] = {}
    totals: dict[tuple[str, int], pulp.LpAffineExpression] = {}
    use: dict[tuple[int, str], pulp.LpVariable] = {}
    variety_short: dict[int, pulp.LpVariable] = {}

    def short_var(key: str, day: int | None, upper: float = 1.0) -> pulp.LpVariable:
        tag = f"d{day}" if day is not None else "week"
        var = problem.add_variable(f"short_{key}_{tag}", lowBound=0, upBound=upper)
        shortfalls[(key, day)] = var
        return var

    day_vars = {d: [(var, f, s) for (dd, s, f), var in steps.items() if dd == d] for d in days}
    # day-level rows use a food's integer daily total where it has one (stronger LP cuts)
    day_level = {
        d: [(var, f, s) for var, f, s in day_vars[d] if (d, f) not in daily]
        + [(daily[(dd, f)], f, "") for (dd, f) in daily if dd == d]
        for d in days
    }
    for d in days:  # cost, preferences and rotation per serving step
        for var, f, _s in day_level[d]:
            coef = data.objective[row_of[f]]
            if coef:
                objective.append((var, coef))
    weekly_terms: dict[str, list[tuple[pulp.LpVariable, float]]] = {}
    budget = request.profile.budget_usd_per_day

    for d in days:
        entries = day_level[d]
        slot_entries = day_vars[d]
        # nutrient totals of the day
        for k in keys:
            c = col[k]
            pairs = [(v, per_step[row_of[f], c]) for v, f, _ in entries if per_step[row_of[f], c]]
            expr = _expr(pairs)
            totals[(k, d)] = expr
            lo, hi = bounds.get(k, (None, None))
            weekly = k in weekly_keys
            if lo and lo > 0:
                if weekly:
                    weekly_terms.setdefault(k, []).extend(pairs)
                else:
                    sv = short_var(k, d)
                    _add(
                        problem, _expr(pairs + [(sv, lo)]), pulp.LpConstraintGE, lo, f"min_{k}_d{d}"
                    )
                    objective.append((sv, w.shortfall_usd))
            if hi is not None:
                _add(problem, _expr(pairs), pulp.LpConstraintLE, hi, f"max_{k}_d{d}")
        # AMDR as linear ratios of energy
        energy_c = col["energy_kcal"]
        for key, (macro, kcal_per_g) in AMDR.items():
            lo, hi = bounds.get(key, (None, None))
            m = col[macro]
            if lo:
                share = lo / 100.0
                pairs = [
                    (v, kcal_per_g * per_step[row_of[f], m] - share * per_step[row_of[f], energy_c])
                    for v, f, _ in entries
                ]
                sv = short_var(key, d)
                _add(
                    problem,
                    _expr(pairs + [(sv, share * eer_kcal)]),
                    pulp.LpConstraintGE,
                    0.0,
                    f"min_{key}_d{d}",
                )
                objective.append((sv, w.shortfall_usd))
            if hi:
                share = hi / 100.0
                pairs = [
                    (v, kcal_per_g * per_step[row_of[f], m] - share * per_step[row_of[f], energy_c])
                    for v, f, _ in entries
                ]
                _add(problem, _expr(pairs), pulp.LpConstraintLE, 0.0, f"max_{key}_d{d}")
        # meal energy within a share of the EER (elastic both ways): a fixed band per meal
        # keeps these rows simple bounds instead of ratios of the day's variable energy
        for s, (lo_s, hi_s) in MEAL_SHARE.items():
            in_slot = [(v, per_step[row_of[f], energy_c]) for v, f, ss in slot_entries if ss == s]
            if lo_s > 0:
                under = problem.add_variable(f"meal_under_{s}_d{d}", lowBound=0)
                _add(
                    problem,
                    _expr(in_slot + [(under, eer_kcal)]),
                    pulp.LpConstraintGE,
                    lo_s * eer_kcal,
                    f"meal_min_energy_{s}_d{d}",
                )
                objective.append((under, w.meal_share_usd))
            over = problem.add_variable(f"meal_over_{s}_d{d}", lowBound=0)
            _add(
                problem,
                _expr(in_slot + [(over, -eer_kcal)]),
                pulp.LpConstraintLE,
                hi_s * eer_kcal,
                f"meal_max_energy_{s}_d{d}",
            )
            objective.append((over, w.meal_share_usd))
        # meal pattern: servings per food group per meal and per day (hard, linear)
        by_group: dict[str, list[tuple[pulp.LpVariable, str, str]]] = {}
        for v, f, ss in slot_entries:
            by_group.setdefault(category[f], []).append((v, f, ss))
        day_group: dict[str, list[tuple[pulp.LpVariable, str, str]]] = {}
        for v, f, ss in entries:
            day_group.setdefault(category[f], []).append((v, f, ss))
        for group, (per_meal, per_day) in meal_pattern().items():
            members = by_group.get(group, [])
            if not members:
                continue
            for s in SLOTS if request.meal_pattern_per_meal else ():
                in_meal = [(v, step_serv[f]) for v, f, ss in members if ss == s]
                if (
                    in_meal
                    and sum(step_serv[f] * max_steps[f] for _v, f, ss in members if ss == s)
                    > per_meal
                ):
                    _add(
                        problem,
                        _expr(in_meal),
                        pulp.LpConstraintLE,
                        per_meal,
                        f"pattern_{group}_{s}_d{d}",
                    )
            _add(
                problem,
                _expr([(v, step_serv[f]) for v, f, _ in day_group[group]]),
                pulp.LpConstraintLE,
                per_day,
                f"pattern_{group}_d{d}",
            )
        # budget per day (hard)
        if budget is not None:
            pairs = [(v, cost_step[row_of[f]]) for v, f, _ in entries]
            _add(problem, _expr(pairs), pulp.LpConstraintLE, budget, f"budget_usd_d{d}")
        # daily cap per food, use indicators and distinct-food count
        by_food: dict[str, list[pulp.LpVariable]] = {}
        for v, f, _ in entries:
            by_food.setdefault(f, []).append(v)
        distinct: list[tuple[pulp.LpVariable, float]] = []
        locked_today = {f for (dd, _s, f) in locks if dd == d}
        for f, vs in by_food.items():
            if f in staple:
                if len(vs) > 1:
                    _add(
                        problem,
                        _expr([(v, 1.0) for v in vs]),
                        pulp.LpConstraintLE,
                        max_steps[f],
                        f"daily_cap_{_name(f)}_d{d}",
                    )
                continue
            u = problem.add_variable(f"eats_{_name(f)}_d{d}", cat=pulp.LpBinary)
            use[(d, f)] = u
            _add(
                problem,
                _expr([(v, 1.0) for v in vs] + [(u, -max_steps[f])]),
                pulp.LpConstraintLE,
                0.0,
                f"daily_cap_{_name(f)}_d{d}",
            )
            _add(
                problem,
                _expr([(v, 1.0) for v in vs] + [(u, -1.0)]),
                pulp.LpConstraintGE,
                0.0,
                f"eats_link_{_name(f)}_d{d}",
            )
            distinct.append((u, 1.0))
        # one form of a food a day; forms the person locked on the day stay (all of them)
        in_family: dict[str, list[tuple[pulp.LpVariable, float]]] = {}
        locked_forms: dict[str, int] = {}
        for f in by_food:
            family = families.get(f)
            if family is None or (d, f) not in use:
                continue
            if f in locked_today:
                locked_forms[family] = locked_forms.get(family, 0) + 1
            else:
                in_family.setdefault(family, []).append((use[(d, f)], 1.0))
        for family, forms in in_family.items():
            room = max(1 - locked_forms.get(family, 0), 0)
            if len(forms) > room:
                _add(problem, _expr(forms), pulp.LpConstraintLE, room, family_row(family, d))
        if request.min_distinct_foods:
            vs_short = problem.add_variable(
                f"short_variety_d{d}", lowBound=0, upBound=request.min_distinct_foods
            )
            variety_short[d] = vs_short
            _add(
                problem,
                _expr(distinct + [(vs_short, 1.0)]),
                pulp.LpConstraintGE,
                request.min_distinct_foods,
                f"min_distinct_foods_d{d}",
            )
            objective.append((vs_short, w.variety_usd))

    # weekly targets (vitamin D by default): the average over the planned days
    for k, pairs in weekly_terms.items():
        lo = bounds[k][0] or 0.0
        total = lo * len(days)
        sv = short_var(k, None)
        _add(problem, _expr(pairs + [(sv, total)]), pulp.LpConstraintGE, total, f"min_{k}_week")
        objective.append((sv, w.shortfall_usd * len(days)))

    # weekly caps per food: days eaten and servings
    week_steps: dict[str, list[tuple[pulp.LpVariable, float]]] = {f: [] for f in ids}
    for d in days:
        for var, f, _s in day_level[d]:
            week_steps[f].append((var, 1.0))
    for f in ids:
        if f not in staple and len(days) > 1:
            days_used = [(use[(d, f)], 1.0) for d in days if (d, f) in use]
            if len(days_used) > request.max_days_per_food:
                _add(
                    problem,
                    _expr(days_used),
                    pulp.LpConstraintLE,
                    request.max_days_per_food,
                    f"max_days_{_name(f)}",
                )
        cap = request.weekly_servings_factor * max_servings[f]
        cap_steps = math.floor(cap / step_serv[f] + 1e-9)
        week = week_steps[f]
        if f not in staple and len(days) > 1 and cap_steps < max_steps[f] * len(days):
            _add(problem, _expr(week), pulp.LpConstraintLE, cap_steps, f"weekly_cap_{_name(f)}")

    problem.setObjective(_expr(objective))
    problem.freeze_variables()
    return PlanModel(
        problem=problem,
        foods=foods,
        days=days,
        bounds=dict(bounds),
        steps=steps,
        step_servings=step_serv,
        shortfalls=shortfalls,
        totals=totals,
        use=use,
        daily=daily,
        variety_short=variety_short,
        eer_kcal=eer_kcal,
        weekly_keys=weekly_keys,
    )


def forbid_food_set(model: PlanModel, day: int, food_set: frozenset[str]) -> None:
    """Add a cut so that ``day`` cannot eat exactly ``food_set`` (used to keep days distinct)."""
    inside = [(model.use[(day, f)], 1.0) for f in food_set if (day, f) in model.use]
    outside = [(u, -1.0) for (d, f), u in model.use.items() if d == day and f not in food_set]
    model.cuts += 1
    _add(
        model.problem,
        _expr(inside + outside),
        pulp.LpConstraintLE,
        len(inside) - 1,
        f"distinct_day_cut{model.cuts}_d{day}",
    )
