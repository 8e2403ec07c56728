"""Turn the solved days into one verified, explained :class:`planner.domain.plan.Plan`.

Totals come from the items' grams (recomputed by :mod:`.extract`); every hard maximum is
checked on them (a breach is a bug and is never shown as a plan); drinking water closes the
water target and is spread over the day; every shortfall — nutrient or food group — gets its
reason; the HEI-2020 is scored per day and for the week.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from planner.domain.explain import best_sources, label, reason_for, unit_of
from planner.domain.food_pattern import DAILY_MINIMUMS, GROUP_LABELS, PATTERN_GROUPS
from planner.domain.hei import hei2020
from planner.domain.plan import (
    SHORTFALL_TOLERANCE,
    DayPlan,
    Plan,
    PlanStatus,
    Shortfall,
    SolverInfo,
)
from planner.domain.thrifty import AS_OF
from planner.optimiser.model import AMDR
from planner.optimiser.solve import SolverOutcome

if TYPE_CHECKING:
    from planner.optimiser.week import Context, DayResult

#: When to drink, in the order occasions are added as the amount grows.
DRINK_OCCASIONS: tuple[str, ...] = (
    "with breakfast",
    "with lunch",
    "with dinner",
    "mid-morning",
    "mid-afternoon",
    "on waking",
    "in the evening",
)
#: Most water to drink at one time (ml): more at once risks low blood sodium.
MAX_DRINK_ML = 500.0
#: A day short of a food-group amount by more than this share gets an explained shortfall.
GROUP_TOLERANCE = 0.05


def water_schedule(total_ml: float) -> tuple[tuple[str, float], ...]:
    """Spread ``total_ml`` over the day: enough occasions that none exceeds about 350 ml (and
    never :data:`MAX_DRINK_ML`), rounded to 10 ml.

    >>> water_schedule(1200)[:2]
    (('with breakfast', 300.0), ('with lunch', 300.0))
    >>> len(water_schedule(1200))
    4
    >>> water_schedule(0)
    ()
    """
    if total_ml <= 0:
        return ()
    count = min(len(DRINK_OCCASIONS), max(1, math.ceil(total_ml / 350.0)))
    each = min(round(total_ml / count / 10.0) * 10.0, MAX_DRINK_ML)
    return tuple((when, each) for when in DRINK_OCCASIONS[:count])


def _drinks_ml(day: DayPlan, drink_ids: set[str]) -> float:
    return sum(i.grams for m in day.meals for i in m.items if i.food_id in drink_ids)


def with_water(ctx: Context, day: DayPlan) -> DayPlan:
    """The day with the water to drink: what the water target still needs after the meals
    (or, under a fluid limit, what the allowance leaves after the plan's drinks)."""
    water_min = ctx.targets["water_g"].min
    opts = ctx.options
    drink_ids = {opts.keys[o] for o in range(len(opts.keys)) if opts.fluid_ml[o] > 0}
    if ctx.fluid_max_ml is not None:
        need = max(ctx.fluid_max_ml - _drinks_ml(day, drink_ids), 0.0)
    elif water_min:
        need = max(water_min - day.totals.get("water_g", 0.0), 0.0)
    else:
        need = 0.0
    return replace(day, water_to_drink_ml=need, water_schedule=water_schedule(need))


def _value(key: str, totals: Mapping[str, float]) -> float:
    if key in AMDR:
        macro, kcal = AMDR[key]
        energy = totals.get("energy_kcal", 0.0)
        return 100.0 * kcal * totals.get(macro, 0.0) / energy if energy > 0 else 0.0
    return float(totals.get(key, 0.0))


def check_limits(ctx: Context, days: list[DayPlan]) -> list[str]:
    """Every hard maximum holds on the recomputed totals (empty list = all hold)."""
    problems = []
    budget = ctx.request.profile.budget_usd_per_day
    for day in days:
        for key, (_lo, hi) in ctx.bounds.items():
            if hi is None or key in ("water_g", "fluid_ml"):
                continue
            value = _value(key, day.totals)
            if value > hi * (1 + 1e-6) + 1e-6:
                problems.append(f"day {day.day}: {key} {value:.4g} above its maximum {hi:g}")
        if budget is not None and day.cost_usd > budget * (1 + 1e-6) + 1e-6:
            problems.append(f"day {day.day}: cost ${day.cost_usd:.2f} above ${budget:.2f}")
    return problems


def group_amount(day: DayPlan, group: str) -> float:
    """A pattern group's amount in a day (cup- or oz-equivalents)."""
    return sum(day.food_groups.get(c, 0.0) * w for c, w in PATTERN_GROUPS[group].items())


def _choices_text(ctx: Context) -> str:
    """What narrows the dishes: the person's choices, for explanations."""
    profile = ctx.request.profile
    parts = []
    if profile.diet != "omnivore":
        parts.append(profile.diet)
    if profile.allergies:
        parts.append("no " + ", ".join(profile.allergies))
    if profile.max_minutes_per_meal is not None:
        parts.append(f"at most {profile.max_minutes_per_meal} minutes a dish")
    if profile.exclude_cuisines or profile.exclude_dishes or profile.exclude_foods:
        parts.append("the dishes, foods and cuisines you left out")
    if profile.budget_usd_per_day is not None:
        parts.append(f"a budget of ${profile.budget_usd_per_day:.2f} a day")
    if profile.kidney_disease or profile.potassium_raising_medication:
        parts.append("the kidney-safe potassium limit")
    return ", ".join(parts)


def group_reason(ctx: Context, group: str) -> str:
    """Why a food-group amount is missed, and what would help.

    When not even the relaxation over every option reaches the amount (``ctx.unreachable``),
    the dishes that fit cannot carry it; otherwise the day traded it against the targets,
    the cost and the other amounts, and the text says so rather than claim it impossible."""
    what = GROUP_LABELS.get(group, group)
    choices = _choices_text(ctx)
    dishes = sum(1 for o in range(len(ctx.options.keys)) if ctx.options.kinds[o] == "main")
    which = f"the {dishes} dishes that fit your choices" + (f" ({choices})" if choices else "")
    if group in ctx.unreachable:
        text = (
            f"No mix of {which} carries this much {what} within your limits (energy, sodium, "
            "potassium and the others)"
        )
    else:
        limit = "your budget" if ctx.request.profile.budget_usd_per_day else "a thrifty week"
        text = (
            f"Among {which}, more {what} on this day would have cost more than {limit} "
            "allows or crowded out a nutrient target or another food group"
        )
    hints = []
    if ctx.share < 1:
        hints.append("planning more of your meals gives room for it")
    if ctx.request.profile.max_minutes_per_meal is not None:
        hints.append("allowing more cooking time adds dishes")
    if ctx.request.profile.budget_usd_per_day is not None:
        hints.append("a larger budget helps")
    hints.append(f"add {what} you like to your liked foods so the plan picks them first")
    return text + "; " + "; ".join(hints) + "."


def group_shortfalls(ctx: Context, days: list[DayPlan]) -> list[Shortfall]:
    """Daily pattern amounts a day misses (by over 5 %) and weekly subgroups the week misses
    (by over 10 %), each explained."""
    out = []
    for day in days:
        for group in (g for g in DAILY_MINIMUMS if g not in ctx.absent):
            target = ctx.pattern.daily[group] * ctx.share
            achieved = group_amount(day, group)
            if achieved < target * (1 - GROUP_TOLERANCE):
                unit = ctx.pattern.unit(group)
                out.append(
                    Shortfall(
                        group,
                        day.day,
                        achieved,
                        target,
                        unit,
                        group_reason(ctx, group),
                        kind="food_group",
                    )
                )
    for group, weekly in ctx.weekly.items():
        if group == "vitamin_d_ug":
            continue
        target = weekly / 7
        achieved = sum(group_amount(d, group) for d in days) / len(days)
        if achieved < target * 0.9:
            unit = ctx.pattern.unit(group)
            reason = group_reason(ctx, group)
            out.append(Shortfall(group, None, achieved, target, unit, reason, kind="food_group"))
    return out


def _explained(
    ctx: Context, key: str, day: int | None, achieved: float, target: float, days: list[DayPlan]
) -> Shortfall:
    source_key = AMDR[key][0] if key in AMDR else key
    foods = ctx.table.foods
    sources = best_sources(source_key, foods, ctx.request)
    if day is None:
        totals = {k: sum(d.totals[k] for d in days) / len(days) for k in days[0].totals}
        cost = sum(d.cost_usd for d in days) / len(days)
    else:
        totals, cost = dict(days[day - 1].totals), days[day - 1].cost_usd
    reason = reason_for(source_key, sources, ctx.request, totals, ctx.bounds, cost)
    return Shortfall(
        key,
        day,
        achieved,
        target,
        unit_of(key),
        reason,
        tuple(sources),
    )


def nutrient_shortfalls(ctx: Context, days: list[DayPlan]) -> list[Shortfall]:
    """Every nutrient minimum a day (or, for vitamin D by default, the week) misses."""
    out = []
    weekly_d = "vitamin_d_ug" in ctx.weekly
    for day in days:
        for key, (lo, _hi) in ctx.bounds.items():
            if not lo or key in ("water_g", "fluid_ml") or (weekly_d and key == "vitamin_d_ug"):
                continue
            achieved = _value(key, day.totals)
            if achieved < lo * (1 - SHORTFALL_TOLERANCE):
                out.append(_explained(ctx, key, day.day, achieved, lo, days))
        water_min = ctx.bounds["water_g"][0]
        drunk = day.totals.get("water_g", 0.0) + (day.water_to_drink_ml or 0.0)
        if water_min and drunk < water_min * (1 - SHORTFALL_TOLERANCE):
            out.append(
                Shortfall(
                    "water_g",
                    day.day,
                    drunk,
                    water_min,
                    "g",
                    "The meals and the water schedule fall short of the water target.",
                )
            )
    if weekly_d:
        target = ctx.bounds["vitamin_d_ug"][0] or 0.0
        achieved = sum(d.totals["vitamin_d_ug"] for d in days) / len(days)
        if achieved < target * (1 - SHORTFALL_TOLERANCE):
            out.append(_explained(ctx, "vitamin_d_ug", None, achieved, target, days))
    return out


def solver_info(results: list[DayResult], wall: float) -> SolverInfo:
    """Sum of the days' work, and the week's certified gap (Σ objective − Σ bound) / Σ objective."""
    objective = sum(r.result.objective or 0.0 for r in results)
    bounds = [r.result.dual_bound for r in results]
    ok = all(r.plan is not None for r in results) and None not in bounds
    gap = (
        max(objective - sum(b or 0.0 for b in bounds), 0.0) / max(abs(objective), 1e-9)
        if ok
        else None
    )
    outcomes = {r.result.outcome for r in results}
    outcome = "optimal" if outcomes == {SolverOutcome.OPTIMAL} else "feasible"
    if any(r.plan is None for r in results):
        outcome = next(r.result.outcome.value for r in results if r.plan is None)
    return SolverInfo(
        name=results[0].result.solver if results else "highs",
        build_seconds=sum(r.build_seconds for r in results),
        solve_seconds=sum(r.solve_seconds for r in results),
        gap=None if gap is None else float(gap),
        outcome=outcome,
        variables=sum(r.model.problem.numVariables() for r in results if r.model),
        constraints=sum(r.model.problem.numConstraints() for r in results if r.model),
        wall_seconds=wall,
    )


def _failure(ctx: Context, failed: DayResult, info: SolverInfo) -> Plan:
    budget = ctx.request.profile.budget_usd_per_day
    if failed.result.outcome is SolverOutcome.INFEASIBLE:
        hint = (
            f"no menu fits the budget of ${budget:.2f} a day with the hard limits; raise the budget"
            if budget is not None
            else "the locked dishes clash with a hard limit (sodium, calcium, vitamin D, "
            "zinc, caffeine, potassium or a clinician's limit); unlock some"
        )
        status, message = PlanStatus.INFEASIBLE, f"Day {failed.day}: no plan exists: {hint}."
    else:
        status = PlanStatus.ERROR
        message = f"Day {failed.day}: the solver gave no plan ({failed.result.message}); try again."
    return Plan(
        status, (), ctx.targets.to_dict(), (), tuple(ctx.targets.warnings), info, message=message
    )


def assemble(ctx: Context, results: list[DayResult], wall: float) -> Plan:
    """Combine the solved days into one verified :class:`Plan`."""
    info = solver_info(results, wall)
    failed = [r for r in results if r.plan is None]
    if failed or not results:
        return _failure(ctx, failed[0], info)
    days = [with_water(ctx, r.plan) for r in results if r.plan is not None]
    violations = check_limits(ctx, days)
    if violations:  # a hard limit broken after recomputation is a bug, never shown as a plan
        message = "internal check failed: " + "; ".join(violations)
        return Plan(
            PlanStatus.ERROR, tuple(days), ctx.targets.to_dict(), (), (), info, message=message
        )
    days = [replace(d, hei=hei2020(d.totals, d.food_groups).total) for d in days]
    week = hei2020(_sum(d.totals for d in days), _sum(d.food_groups for d in days))
    nutrients, groups = nutrient_shortfalls(ctx, days), group_shortfalls(ctx, days)
    shortfalls = nutrients + groups
    missing = missing_values(ctx, days)
    warnings = list(ctx.targets.warnings) + plan_warnings(ctx, days, missing)
    status, message = _status(nutrients, groups, info)
    return Plan(
        status=status,
        days=tuple(days),
        targets=ctx.targets.to_dict(),
        shortfalls=tuple(shortfalls),
        warnings=tuple(warnings),
        solver=info,
        hei2020=MappingProxyType(week.to_dict()),
        food_pattern=MappingProxyType(
            ctx.pattern.to_dict() | {"share_of_day": round(ctx.share, 2)}
        ),
        missing_data=MappingProxyType(missing),
        message=message,
    )


def _status(
    nutrients: list[Shortfall], groups: list[Shortfall], info: SolverInfo
) -> tuple[PlanStatus, str]:
    """The plan's status and headline: nutrient targets decide the status."""
    pattern = (
        f" {len(groups)} food-group amount(s) fall short of the Dietary Guidelines pattern; "
        "see why below."
        if groups
        else ""
    )
    if nutrients:
        text = f"{len(nutrients)} target(s) cannot be met with these choices; see why below."
        return PlanStatus.PARTIAL, text + pattern
    if info.outcome == "optimal":
        return PlanStatus.OPTIMAL, "Every target is met." + pattern
    return (
        PlanStatus.FEASIBLE,
        "Every target is met (a day stopped at its time limit before proving its best)." + pattern,
    )


def _sum(rows: Iterable[Mapping[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for row in rows:
        for k, v in row.items():
            out[k] = out.get(k, 0.0) + v
    return out


def missing_values(ctx: Context, days: list[DayPlan]) -> dict[str, tuple[str, ...]]:
    """For each minimum-bearing nutrient, the chosen foods whose USDA value is not analysed."""
    foods = ctx.table.foods
    chosen = sorted({f for d in days for f in d.food_ids()})
    out = {}
    for key in ("potassium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug"):
        if key not in foods.columns:
            continue
        missing = foods[key].isna()  # once per key: empty = not analysed
        gaps = tuple(f for f in chosen if bool(missing.get(f, False)))
        if gaps:
            out[key] = gaps
    return out


def plan_warnings(
    ctx: Context, days: list[DayPlan], missing: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """Notes the person should read with the plan (``missing``: :func:`missing_values`)."""
    out = list(ctx.options.notes)
    foods = ctx.table.foods
    for key, ids in missing.items():
        names = ", ".join(str(foods.at[i, "name"]) for i in ids[:5])
        out.append(
            f"USDA has no {label(key)} value for {len(ids)} food(s) in the plan ({names}); they "
            "count as 0, so the real intake is likely a little higher."
        )
    if ctx.share < 1:
        planned = ", ".join(ctx.request.profile.meals_to_plan)
        out.append(
            f"Only {planned} are planned: the targets are scaled to {ctx.share:.0%} of a day's "
            "needs; the rest must come from your other meals."
        )
    heavy = [
        d.day for d in days if (d.water_to_drink_ml or 0.0) > MAX_DRINK_ML * len(DRINK_OCCASIONS)
    ]
    if heavy:
        out.append("On some days the water to drink is more than 3.5 litres; spread it evenly.")
    out += [_absent_note(ctx, g) for g in ctx.absent]
    bare = [
        f"day {d.day} {m.slot}" for d in days for m in d.meals if not m.dishes and m.slot != "snack"
    ]
    if bare:
        out.append(_bare_note(ctx, bare))
    return out


def _absent_note(ctx: Context, group: str) -> str:
    """Why a food group is left out of the plan's aims."""
    what = GROUP_LABELS.get(group, group)
    return (
        f"None of the foods and dishes your choices allow count as {what}, so the plan does "
        f"not aim for the Dietary Guidelines' {what}"
        + (
            "; calcium and vitamin D still come from other foods"
            if group == "dairy"
            else "; the nutrients it brings still count through your targets"
        )
        + "."
    )


def _bare_note(ctx: Context, bare: list[str]) -> str:
    """Why some meals have no main dish, and what would help."""
    where = ", ".join(bare[:4]) + (f" and {len(bare) - 4} more" if len(bare) > 4 else "")
    budget = ctx.request.profile.budget_usd_per_day
    if budget is not None:
        return (
            f"No dish fits {where} within your budget of ${budget:.2f} a day, so those meals "
            f"are simple foods. The USDA Thrifty Food Plan for your age and sex costs "
            f"${ctx.reference_usd:.2f} a day ({AS_OF}); a budget nearer that buys a dish "
            "for every meal."
        )
    return (
        f"No dish fits {where} within your limits (potassium, phosphorus, protein, sodium or "
        "your exclusions) once the day's other meals are planned, so those meals are simple "
        "foods; fewer exclusions or more meals planned give more dishes to choose from."
    )
