"""The model of one day's meals (PuLP), built as a table of contents of ``define_*`` functions.

Formulation (``s`` a meal slot, ``o`` an option — a main dish, a side dish or a side food —
``k`` a portion of it)::

    y[s,o,k] ∈ {0,1}                    option o at portion k in meal s
    Σ_{o main, k} y[s,o,k] + empty[s] = 1          one main dish per main meal (elastic)
    Σ_{o side, k} y[s,o,k] ≤ 2                     at most two sides
    snack: Σ main ≤ 1; Σ side ≤ 2 (1 − Σ main); Σ main + Σ side ≥ 1
    Σ_{s,k} y[s,o,k] ≤ 1                           an option at most once a day
    Σ_{o starchy, k} y[s,o,k] ≤ 1                  one starchy thing per meal
    nutrient totals N_n = Σ a[o,n] · k · y         (per portion a, portion k in servings)
    N_n + min_n · short_n ≥ min_n                  every minimum elastic
    N_n ≤ max_n                                    every maximum that protects health: hard
    food groups, Dietary Guidelines amounts (elastic) and HEI-2020 components (scored)

Every term of the objective is in US dollars a day: food cost × the cost weight, each
option's preference cost, portions away from normal, shortfalls (far above any cost),
Healthy Eating Index points lost, food-group amounts missed, energy away from the EER.
The HEI's density standards are per 1,000 kcal; the model reads them against the day's
energy target (the EER), which the energy rows keep within a few per cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner.domain.food_pattern import PATTERN_GROUPS
from planner.domain.hei import ADEQUACY, LEGUME_OZ_PER_CUP, MODERATION
from planner.domain.request import SLOTS, Weights
from planner.optimiser.options import GROUPS, NUTRIENTS, Options
from planner.optimiser.solve import PlanProblem

Bounds = Mapping[str, tuple[float | None, float | None]]

#: Share of the day's energy each meal should carry: (min, max).
MEAL_SHARE: dict[str, tuple[float, float]] = {
    "breakfast": (0.15, 0.35),
    "lunch": (0.20, 0.40),
    "dinner": (0.25, 0.45),
    "snack": (0.0, 0.20),
}
#: AMDR keys → (macro column, kcal per gram).
AMDR: dict[str, tuple[str, float]] = {
    "protein_pct_energy": ("protein_g", 4.0),
    "fat_pct_energy": ("fat_g", 9.0),
    "carbohydrate_pct_energy": ("carbohydrate_g", 4.0),
}
#: kcal per teaspoon-equivalent of added sugars for the Dietary Guidelines' 10 % cap.
ADDED_SUGAR_KCAL = 16.8
MAX_SIDES = 2
#: Share of a food-group amount's weight kept when no mix of the person's options reaches it
#: (fruit and dairy under a potassium cap): the plan still leans towards it without letting
#: an unreachable amount drown meals, variety and cost.
UNREACHABLE_GROUP_SHARE = 0.2


@dataclass(frozen=True)
class DayTargets:
    """What one day must reach: nutrient bounds, energy, food groups, preferences.

    ``bounds`` key → (min, max) (nutrients in their units, AMDR in % of energy);
    ``eer_kcal`` the energy aimed at; ``groups_min`` / ``groups_max`` food-group amounts
    (cup-/oz-equivalents; keys of :mod:`planner.domain.food_pattern`); ``group_weights`` multiplies
    a group's shortfall cost (default 1); ``cost_weight`` USD of
    objective per USD of food; ``budget`` USD a day or None; ``share`` the part of a whole
    day's needs the planned meals cover (1 when all four are planned).
    """

    bounds: Bounds
    eer_kcal: float
    groups_min: Mapping[str, float] = field(default_factory=dict)
    groups_max: Mapping[str, float] = field(default_factory=dict)
    group_weights: Mapping[str, float] = field(default_factory=dict)
    cost_weight: float = 1.0
    budget: float | None = None
    soft_budget: float | None = None
    unreachable: frozenset[str] = frozenset()
    share: float = 1.0
    fluid_max_ml: float | None = None


@dataclass
class DayModel:
    """A built day: the problem and the handles extraction and explanation need."""

    problem: PlanProblem
    options: Options
    slots: tuple[str, ...]
    choice: dict[tuple[str, int, int], pulp.LpVariable]  # (slot, option, portion index)
    shortfalls: dict[str, pulp.LpVariable] = field(default_factory=dict)
    pattern_short: dict[str, pulp.LpVariable] = field(default_factory=dict)
    empty: dict[str, pulp.LpVariable] = field(default_factory=dict)
    hei_loss: dict[str, pulp.LpVariable] = field(default_factory=dict)


class _Rows:
    """The day's totals as coefficient vectors over the choice variables (built once).

    Row ``v`` of ``nutrients`` / ``groups`` is what choice variable ``v`` adds to each
    nutrient / food group (per-portion amounts × the portion), so any total is one product.
    """

    def __init__(self, model: DayModel) -> None:
        opts = model.options
        keys = list(model.choice)
        self.vars = [model.choice[k] for k in keys]
        self.columns = np.empty(len(self.vars), dtype=object)
        self.columns[:] = self.vars
        rows = np.array([o for _s, o, _k in keys], dtype=int)
        portion = np.array([opts.portions[o][k] for _s, o, k in keys], dtype=float)
        self.options = rows
        self.portion = portion
        self.slot = np.array([s for s, _o, _k in keys], dtype=object)
        self.nutrients = opts.nutrients[rows] * portion[:, None]
        self.groups = opts.groups[rows] * portion[:, None]

    def combo(
        self,
        nutrients: Mapping[str, float] | None = None,
        groups: Mapping[str, float] | None = None,
        slot: str | None = None,
    ) -> list:
        """``(variable, coefficient)`` pairs of Σ weight × nutrient + Σ weight × food group."""
        coef = np.zeros(len(self.vars))
        for key, weight in (nutrients or {}).items():
            coef += weight * self.nutrients[:, NUTRIENTS.index(key)]
        for key, weight in (groups or {}).items():
            coef += weight * self.groups[:, GROUPS.index(key)]
        if slot is not None:
            coef = np.where(self.slot == slot, coef, 0.0)
        nonzero = np.flatnonzero(coef)
        return list(zip(self.columns[nonzero].tolist(), coef[nonzero].tolist(), strict=True))


def _expr(pairs: list) -> pulp.LpAffineExpression:
    """An expression from ``(variable, coefficient)`` pairs, each variable listed once (every
    total is built as one weighted combination, so no variable repeats)."""
    return pulp.LpAffineExpression(pairs)


def _add(problem: PlanProblem, pairs: list, sense: int, rhs: float, name: str) -> None:
    problem.add_row(pulp.LpConstraint(_expr(pairs), sense, name, rhs))


def _name(text: str) -> str:
    """A row-name-safe form of ``text``."""
    return "".join(c if c.isalnum() else "_" for c in text)


def _var(problem: PlanProblem, name: str, upper: float | None = None) -> pulp.LpVariable:
    return problem.add_variable(name, lowBound=0, upBound=upper)


# --- the table of contents --------------------------------------------------------------------


def build_day_model(
    options: Options,
    targets: DayTargets,
    available: Mapping[str, list[int]],
    locked: Mapping[tuple[str, int], float] | None = None,
    extra_cost: np.ndarray | None = None,
    weights: Weights | None = None,
    name: str = "day",
) -> DayModel:
    """Build one day's model.

    Parameters
    ----------
    options : Options
        Every option of the person (:func:`planner.optimiser.options.meal_options`).
    targets : DayTargets
        The day's bounds, energy, food-group amounts, cost weight and budget.
    available : mapping slot → option rows
        Which options this day's meals may use (the week's rotation and swaps applied).
    locked : mapping (slot, option row) → portion, optional
        Options the day must keep (at that portion).
    extra_cost : array, optional
        USD added when an option is chosen (e.g. it is already in the other half of the week).
    weights : Weights, optional
        Objective weights (default :class:`Weights`).
    """
    weights = weights or Weights()
    locked = locked or {}
    extra = np.zeros(len(options.keys)) if extra_cost is None else extra_cost
    problem = PlanProblem(name, pulp.LpMinimize)
    slots = tuple(s for s in SLOTS if s in available)
    model = DayModel(problem, options, slots, {})
    objective: list[tuple[pulp.LpVariable, float]] = []
    define_choices(model, available, locked, extra, targets, weights, objective)
    rows = _Rows(model)
    define_meal_structure(model, weights, objective)
    define_nutrients(model, rows, targets, weights, objective)
    define_energy(model, rows, targets, weights, objective)
    define_meal_shares(model, rows, targets, weights, objective)
    define_food_groups(model, rows, targets, weights, objective)
    define_hei(model, rows, targets, weights, objective)
    define_budget(model, rows, targets, weights, objective)
    problem.setObjective(_expr(objective))
    problem.freeze_variables()
    return model


#: Portions of a main dish the model offers in a meal: the half nearest the portion that gives
#: the meal its share of the day's energy (a main dish brings about three quarters of a meal's
#: energy), so ½–2 portions follow the person's size. Offering the two nearest halves instead
#: left quality the same (HEI, cost) and made the days' search about 1.5× slower (measured).
MAIN_ENERGY_SHARE = 0.75


def portion_choices(opts: Options, o: int, slot: str, eer_kcal: float) -> list[int]:
    """Indices of the portions of option ``o`` the model offers in ``slot``."""
    portions = opts.portions[o]
    if opts.kinds[o] != "main":
        return list(range(len(portions)))
    key = (slot, eer_kcal)
    if key not in opts.memo:  # every main dish's portion for this meal, computed once
        opts.memo[key] = [_main_portion(opts, m, slot, eer_kcal) for m in range(len(opts.keys))]
    return [opts.memo[key][o]]


def _main_portion(opts: Options, o: int, slot: str, eer_kcal: float) -> int:
    """The index of the portion nearest the one giving main dish ``o`` its share of a meal."""
    portions = opts.portions[o]
    low, high = MEAL_SHARE[slot]
    want = MAIN_ENERGY_SHARE * (low + high) / 2 * eer_kcal
    kcal = max(float(opts.nutrients[o, NUTRIENTS.index("energy_kcal")]), 1.0)
    ideal = want / kcal
    return min(range(len(portions)), key=lambda k: (abs(portions[k] - ideal), portions[k]))


def define_choices(
    model: DayModel,
    available: Mapping[str, list[int]],
    locked: Mapping[tuple[str, int], float],
    extra: np.ndarray,
    targets: DayTargets,
    weights: Weights,
    objective: list,
) -> None:
    """One binary per (meal, option, portion); locked options fixed at their portion."""
    opts = model.options
    for s in model.slots:
        for o in available[s]:
            lock = locked.get((s, o))
            offered = portion_choices(opts, o, s, targets.eer_kcal / targets.share)
            for k, portion in enumerate(opts.portions[o]):
                if lock is not None and abs(lock - portion) > 1e-9:
                    continue
                if lock is None and k not in offered:
                    continue
                var = model.problem.add_variable(f"{s}_{opts.keys[o]}_{k}", cat="Binary")
                if lock is not None:
                    var.lowBound = 1  # after creation: PuLP resets a binary's bounds to 0–1
                model.choice[(s, o, k)] = var
                away = abs(portion - 1.0) * 2 if opts.kinds[o] == "main" else portion - 1.0
                coef = targets.cost_weight * opts.cost[o] * portion + opts.preference[o]
                coef += weights.portion_usd * away + extra[o]
                objective.append((var, coef))


def _by_slot(model: DayModel) -> dict[str, list[tuple[int, pulp.LpVariable]]]:
    """Each meal's (option, variable) pairs, in the order of the choices."""
    out: dict[str, list[tuple[int, pulp.LpVariable]]] = {s: [] for s in model.slots}
    for (s, o, _k), v in model.choice.items():
        out[s].append((o, v))
    return out


def define_meal_structure(model: DayModel, weights: Weights, objective: list) -> None:
    """A main dish per meal (elastic), at most two sides, a snack of a dish or 1–2 sides, an
    option at most once a day, one starchy thing per meal."""
    p, kinds = model.problem, model.options.kinds
    for s, choices in _by_slot(model).items():
        mains = [(v, 1.0) for o, v in choices if kinds[o] == "main"]
        sides = [(v, 1.0) for o, v in choices if kinds[o] == "side"]
        empty = _var(p, f"empty_{s}", 1)
        model.empty[s] = empty
        objective.append((empty, weights.empty_meal_usd))
        if s == "snack":
            _add(p, mains, pulp.LpConstraintLE, 1, "snack_one_dish")
            _add(
                p,
                sides + [(v, MAX_SIDES) for v, _ in mains],
                pulp.LpConstraintLE,
                MAX_SIDES,
                "snack_sides",
            )
            _add(p, mains + sides + [(empty, 1.0)], pulp.LpConstraintGE, 1, "snack_not_empty")
        else:
            _add(p, mains + [(empty, 1.0)], pulp.LpConstraintEQ, 1, f"one_main_{s}")
            _add(p, sides, pulp.LpConstraintLE, MAX_SIDES, f"sides_{s}")
        for flag, name in ((model.options.starchy, "starchy"), (model.options.drink, "drink")):
            flagged = [(v, 1.0) for o, v in choices if flag[o]]
            if len(flagged) > 1:
                _add(p, flagged, pulp.LpConstraintLE, 1, f"one_{name}_{s}")
        define_no_doubles(model, s, choices)
    per_family: dict[str, list] = {}
    for (_s, o, _k), v in model.choice.items():
        per_family.setdefault(model.options.family[o], []).append((v, 1.0))
    for family, pairs in per_family.items():
        if len(pairs) > 1:
            _add(p, pairs, pulp.LpConstraintLE, 1, f"once_{_name(family)}")


def define_no_doubles(
    model: DayModel, slot: str, choices: list[tuple[int, pulp.LpVariable]]
) -> None:
    """A side food is not also in the meal's dish (no banana beside a banana smoothie);
    ``choices`` are the meal's (option, variable) pairs."""
    opts = model.options
    by_option: dict[int, list[pulp.LpVariable]] = {}
    for o, v in choices:
        by_option.setdefault(o, []).append(v)
    for side in by_option:
        if opts.dishes[side] is not None:
            continue
        food, family = opts.keys[side], opts.family[side]
        holding = set(opts.holding(food)) | set(opts.holding(family))
        if not holding:
            continue
        clash = [o for o in by_option if o in holding]
        if clash:
            pairs = [(v, 1.0) for o in clash + [side] for v in by_option[o]]
            _add(model.problem, pairs, pulp.LpConstraintLE, 1, f"no_double_{food}_{slot}")


def _shortfall_usd(key: str, targets: DayTargets, weights: Weights) -> float:
    """Cost of a 100 % shortfall of ``key``: high, unless no mix of options reaches it."""
    return weights.unreachable_usd if key in targets.unreachable else weights.shortfall_usd


def define_nutrients(
    model: DayModel, rows: _Rows, targets: DayTargets, weights: Weights, objective: list
) -> None:
    """Every nutrient minimum elastic (a relative shortfall, costly), every maximum hard; AMDR
    as linear ratios of the day's energy; fluids from drinks under a clinician's limit."""
    p, opts = model.problem, model.options
    for key, (lo, hi) in targets.bounds.items():
        if key in AMDR or key not in NUTRIENTS or key == "water_g":
            continue
        pairs = rows.combo({key: 1.0})
        if lo:
            short = _var(p, f"short_{key}", 1)
            model.shortfalls[key] = short
            _add(p, pairs + [(short, lo)], pulp.LpConstraintGE, lo, f"min_{key}")
            objective.append((short, _shortfall_usd(key, targets, weights)))
        if hi is not None:
            _add(p, pairs, pulp.LpConstraintLE, hi, f"max_{key}")
    for key, (macro, kcal_per_g) in AMDR.items():
        lo, hi = targets.bounds.get(key, (None, None))
        for bound, sense in ((lo, pulp.LpConstraintGE), (hi, pulp.LpConstraintLE)):
            if not bound:
                continue
            share = bound / 100.0
            pairs = rows.combo({macro: kcal_per_g, "energy_kcal": -share})
            if sense == pulp.LpConstraintGE:
                short = _var(p, f"short_{key}", 1)
                model.shortfalls[key] = short
                pairs.append((short, share * targets.eer_kcal))
                objective.append((short, _shortfall_usd(key, targets, weights)))
            _add(p, pairs, sense, 0.0, f"{'min' if sense > 0 else 'max'}_{key}")
    if targets.fluid_max_ml is not None:
        fluid = opts.fluid_ml[rows.options] * rows.portion
        drinks = [(rows.vars[i], float(fluid[i])) for i in np.flatnonzero(fluid)]
        if drinks:
            _add(p, drinks, pulp.LpConstraintLE, targets.fluid_max_ml, "max_fluid_ml")


#: Energy within this share of the EER costs nothing; beyond it each 10 % costs
#: ``Weights.energy_usd``. A dead zone keeps whole and half portions from chasing the EER to
#: the last kcal (an exact-fit problem that branch and bound proves only slowly).
ENERGY_FREE_BAND = 0.04


def define_energy(
    model: DayModel, rows: _Rows, targets: DayTargets, weights: Weights, objective: list
) -> None:
    """Energy aims at the EER: free within ±4 %, each further 10 % costs ``energy_usd``."""
    p = model.problem
    eer = targets.eer_kcal
    over, under = _var(p, "energy_over"), _var(p, "energy_under")
    pairs = rows.combo({"energy_kcal": 1.0})
    band = ENERGY_FREE_BAND * eer
    _add(p, pairs + [(over, -1.0)], pulp.LpConstraintLE, eer + band, "energy_aim_high")
    _add(p, pairs + [(under, 1.0)], pulp.LpConstraintGE, eer - band, "energy_aim_low")
    per_kcal = weights.energy_usd / (0.1 * eer)
    objective += [(over, per_kcal), (under, per_kcal)]


def define_meal_shares(
    model: DayModel, rows: _Rows, targets: DayTargets, weights: Weights, objective: list
) -> None:
    """Each planned meal carries its share of the planned energy (elastic both ways)."""
    planned = [s for s in model.slots]
    if len(planned) < 2:
        return
    middle = {s: sum(MEAL_SHARE[s]) / 2 for s in planned}
    scale = 1.0 / sum(middle.values())
    p, eer = model.problem, targets.eer_kcal
    for s in planned:
        lo, hi = (share * scale for share in MEAL_SHARE[s])
        pairs = rows.combo({"energy_kcal": 1.0}, slot=s)
        over, under = _var(p, f"meal_over_{s}"), _var(p, f"meal_under_{s}")
        if lo > 0:
            _add(p, pairs + [(under, eer)], pulp.LpConstraintGE, lo * eer, f"meal_min_{s}")
        _add(p, pairs + [(over, -eer)], pulp.LpConstraintLE, min(hi, 1.0) * eer, f"meal_max_{s}")
        objective += [(over, weights.meal_share_usd * 10), (under, weights.meal_share_usd * 10)]


def _combo(rows: _Rows, group: str) -> list:
    return rows.combo(groups=PATTERN_GROUPS[group])


def define_food_groups(
    model: DayModel, rows: _Rows, targets: DayTargets, weights: Weights, objective: list
) -> None:
    """Dietary Guidelines amounts (elastic, a relative shortfall costs ``pattern_usd``), at
    least half of fruit whole and half of grains whole, caps on refined grains, added sugars
    and saturated fat (< 10 % of energy each)."""
    p = model.problem
    for group, amount in targets.groups_min.items():
        if amount <= 0:
            continue
        short = _var(p, f"group_short_{group}", 1)
        model.pattern_short[group] = short
        pairs = _combo(rows, group) + [(short, amount)]
        _add(p, pairs, pulp.LpConstraintGE, amount, f"group_{group}")
        weight = weights.pattern_usd * targets.group_weights.get(group, 1.0)
        if group in targets.unreachable:
            weight *= UNREACHABLE_GROUP_SHARE
        objective.append((short, weight))
    for whole, part, name in (
        ("fruit_whole", "fruit_juice", "whole_fruit"),
        ("grain_whole", "grain_refined", "whole_grain"),
    ):
        short = _var(p, f"half_short_{name}")
        pairs = rows.combo(groups={whole: 0.5, part: -0.5}) + [(short, 1.0)]
        _add(p, pairs, pulp.LpConstraintGE, 0.0, f"half_{name}")
        objective.append((short, weights.pattern_usd))
    for group, amount in targets.groups_max.items():
        excess = _var(p, f"group_excess_{group}")
        pairs = _combo(rows, group) + [(excess, -1.0)]
        _add(p, pairs, pulp.LpConstraintLE, amount, f"cap_{group}")
        objective.append((excess, weights.pattern_usd / max(amount, 1.0)))
    for label, pairs in (
        ("added_sugars", rows.combo({"energy_kcal": -0.1}, {"added_sugars": ADDED_SUGAR_KCAL})),
        ("saturated_fat", rows.combo({"fat_saturated_g": 9.0, "energy_kcal": -0.1})),
    ):
        excess = _var(p, f"excess_{label}")
        _add(p, pairs + [(excess, -1.0)], pulp.LpConstraintLE, 0.0, f"under_10pct_{label}")
        objective.append((excess, weights.pattern_usd * 100 / targets.eer_kcal))


def define_hei(
    model: DayModel, rows: _Rows, targets: DayTargets, weights: Weights, objective: list
) -> None:
    """HEI-2020 points lost, scored against the EER: each adequacy component's shortfall and
    each moderation component's excess costs ``hei_point_usd`` per point."""
    p = model.problem
    kcal = targets.eer_kcal / 1000.0
    amounts = _hei_expressions(rows)
    for rule in ADEQUACY:
        need = rule.standard * kcal
        short = _var(p, f"hei_short_{rule.key}", need)
        model.hei_loss[rule.key] = short
        _add(p, amounts[rule.key] + [(short, 1.0)], pulp.LpConstraintGE, need, f"hei_{rule.key}")
        objective.append((short, weights.hei_point_usd * rule.max_points / need))
    for mod in MODERATION:
        scale = {
            "sodium": 1000.0 * kcal,
            "added_sugars": targets.eer_kcal / 100.0 / 16.0,
            "saturated_fats": targets.eer_kcal / 100.0 / 9.0,
        }.get(mod.key, kcal)
        excess = _var(p, f"hei_excess_{mod.key}", (mod.worst - mod.best) * scale)
        model.hei_loss[mod.key] = excess
        pairs = amounts[mod.key] + [(excess, -1.0)]
        _add(p, pairs, pulp.LpConstraintLE, mod.best * scale, f"hei_{mod.key}")
        objective.append(
            (excess, weights.hei_point_usd * mod.max_points / ((mod.worst - mod.best) * scale))
        )
    saturated_ref = 0.08 * targets.eer_kcal / 9.0  # g of saturated fat at 8 % of energy
    short = _var(p, "hei_short_fatty_acids", 1.3 * saturated_ref)
    model.hei_loss["fatty_acids"] = short
    fatty = {"fat_monounsaturated_g": 1.0, "fat_polyunsaturated_g": 1.0, "fat_saturated_g": -2.5}
    pairs = rows.combo(fatty) + [(short, 1.0)]
    _add(p, pairs, pulp.LpConstraintGE, 0.0, "hei_fatty_acids")
    objective.append((short, weights.hei_point_usd * 10 / (1.3 * saturated_ref)))


def _hei_expressions(rows: _Rows) -> dict[str, list]:
    """The amount of every HEI component as an expression (units of :mod:`planner.domain.hei`)."""
    veg = {"veg_dark_green": 1, "veg_red_orange": 1, "veg_starchy": 1, "veg_other": 1, "legumes": 1}
    plant = {
        "protein_seafood": 1,
        "protein_nuts_seeds": 1,
        "protein_soy": 1,
        "legumes": LEGUME_OZ_PER_CUP,
    }
    protein = plant | {"protein_meat_poultry": 1, "protein_eggs": 1}
    return {
        "total_fruits": rows.combo(groups={"fruit_whole": 1, "fruit_juice": 1}),
        "whole_fruits": rows.combo(groups={"fruit_whole": 1}),
        "total_vegetables": rows.combo(groups=veg),
        "greens_and_beans": rows.combo(groups={"veg_dark_green": 1, "legumes": 1}),
        "whole_grains": rows.combo(groups={"grain_whole": 1}),
        "dairy": rows.combo(groups={"dairy": 1}),
        "total_protein": rows.combo(groups=protein),
        "seafood_plant": rows.combo(groups=plant),
        "refined_grains": rows.combo(groups={"grain_refined": 1}),
        "sodium": rows.combo({"sodium_mg": 1.0}),
        "added_sugars": rows.combo(groups={"added_sugars": 1}),
        "saturated_fats": rows.combo({"fat_saturated_g": 1.0}),
    }


def define_budget(
    model: DayModel, rows: _Rows, targets: DayTargets, weights: Weights, objective: list
) -> None:
    """The person's budget a day (hard), or the soft thrifty reference when none is given."""
    cost = model.options.cost[rows.options] * rows.portion
    pairs = [(rows.vars[i], float(cost[i])) for i in np.flatnonzero(cost)]
    if targets.budget is not None:
        _add(model.problem, pairs, pulp.LpConstraintLE, targets.budget, "budget_usd")
    elif targets.soft_budget is not None:
        over = _var(model.problem, "over_thrifty_usd")
        pairs.append((over, -1.0))
        _add(model.problem, pairs, pulp.LpConstraintLE, targets.soft_budget, "thrifty_usd")
        objective.append((over, weights.over_thrifty_usd))
