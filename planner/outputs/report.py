"""Readable views of a plan for a person: a text table and Markdown (CLI, e-mail, downloads).

A meal is shown as the dish people cook: the main dish with its portion and time, its
ingredients (household measure and grams) and numbered steps; side dishes shorter; side foods
as "+ Banana — 1 medium (118 g)". Each day adds its cost, the water to drink and when, and its
HEI-2020 score; the week adds the HEI-2020 components, the food groups against the Dietary
Guidelines pattern, the nutrient coverage, and what cannot be met (targets, then food groups).

:func:`meal_view` is the view model every output shares (this module, the e-mail's HTML and
calendar): it groups a meal's items under their dishes. Plans saved before dishes existed
(items only, no water or HEI fields) still render: their items are listed as before.

Every string from the plan (names, household measures, steps, reasons, warnings) is escaped
with :func:`planner.outputs.textfmt.md_escape` in Markdown, or kept on one line
(:func:`foods.text.one_line`) in plain text.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from foods.text import one_line
from planner.domain.explain import label
from planner.domain.food_pattern import GROUP_LABELS as _GROUP_LABELS
from planner.domain.food_pattern import PATTERN_GROUPS, UNITS
from planner.domain.plan import DayPlan, Meal, Plan, PlanItem, Shortfall, as_plan
from planner.outputs.templates import render
from planner.outputs.textfmt import amount
from planner.outputs.textfmt import md_escape as _md_escape

__all__ = [
    "COVERAGE_KEYS",
    "WATER_NOTE",
    "GROUP_LABELS",
    "PATTERN_ROWS",
    "DishView",
    "Line",
    "MealView",
    "coverage_rows",
    "dish_meta",
    "food_names",
    "grams_text",
    "hei_rows",
    "hei_total",
    "line_text",
    "meal_view",
    "pattern_rows",
    "plan_markdown",
    "plan_table",
    "portion_text",
    "short_number",
    "shortfall_name",
    "split_shortfalls",
    "water_note",
    "water_text",
]

#: The nutrients shown in coverage tables, in order.
COVERAGE_KEYS: tuple[str, ...] = (
    "potassium_mg",
    "magnesium_mg",
    "calcium_mg",
    "vitamin_d_ug",
    "sodium_mg",
    "water_g",
    "energy_kcal",
    "protein_g",
    "fiber_g",
)
#: Pattern groups compared with the Dietary Guidelines every day, in order, with their names.
PATTERN_ROWS: tuple[tuple[str, str], ...] = tuple(
    (g, _GROUP_LABELS[g].capitalize())
    for g in ("vegetables", "fruits", "grain_whole", "dairy", "protein_foods")
)
#: Names of the pattern groups a food-group shortfall can name (``shortfalls[].nutrient``).
GROUP_LABELS: Mapping[str, str] = {k: v.capitalize() for k, v in _GROUP_LABELS.items()}
#: Under the coverage table when days have water to drink (the totals count food and drinks).
WATER_NOTE = (
    "Total water counts the water in the foods and drinks of the meals; the water to drink "
    "each day makes up the rest."
)
_FRACTIONS = {0.25: "¼", 0.5: "½", 0.75: "¾"}

Escape = Callable[[object], str]


# --------------------------------------------------------------------------------------------
# The view model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """An ingredient or a side food: name, household measure, grams (g) and, for a
    substitute, the name of the food it stands in for."""

    name: str
    household: str
    grams: float | None
    instead_of: str | None = None


@dataclass(frozen=True)
class DishView:
    """A dish of a meal: ``portion`` servings of the recipe, ``minutes`` to make it."""

    name: str
    role: str
    portion: float | None
    minutes: float | None
    steps: tuple[str, ...]
    ingredients: tuple[Line, ...]


@dataclass(frozen=True)
class MealView:
    """A meal: its dishes (main first) and its side foods (every item, in a plan made before
    dishes)."""

    slot: str
    dishes: tuple[DishView, ...]
    sides: tuple[Line, ...]

    @property
    def main(self) -> DishView | None:
        """The main dish, if the meal has one."""
        return next((d for d in self.dishes if d.role == "main"), None)

    @property
    def side_dishes(self) -> tuple[DishView, ...]:
        """Every dish but the main one."""
        return tuple(d for d in self.dishes if d is not self.main)

    def title(self) -> str:
        """The main dish's name, else the dishes' and foods' names (unescaped)."""
        if self.main is not None:
            return self.main.name
        return ", ".join([d.name for d in self.dishes] + [s.name for s in self.sides])


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def food_names(plan: Plan | Mapping[str, Any]) -> dict[str, str]:
    """``food_id`` → name of every food the plan uses (to name what a substitute replaces)."""
    names: dict[str, str] = {}
    for day in as_plan(plan).days:
        for meal in day.meals:
            for item in meal.items:
                if item.name:
                    names.setdefault(item.food_id, item.name)
    return names


def _line(item: PlanItem, names: Mapping[str, str]) -> Line:
    instead = None
    if item.replaces:
        instead = item.replaces_name or names.get(item.replaces, item.replaces)
    return Line(item.name or item.food_id, item.household, _number(item.grams), instead)


def meal_view(meal: Meal, names: Mapping[str, str] | None = None) -> MealView:
    """Group a meal's items under their dishes; items of no listed dish are side foods.

    ``names`` (:func:`food_names`) names the food a substitute replaces; without it the id is
    shown.

    >>> plan = Plan.from_dict({"days": [{"meals": [{"slot": "lunch", "dishes": [
    ...     {"dish_id": "soup", "name": "Soup", "role": "main", "portion": 1.5,
    ...      "minutes": 35, "steps": ["Simmer."]}], "items": [
    ...     {"food_id": "lentils", "name": "Lentils", "grams": 90, "household": "1/2 cup",
    ...      "dish_id": "soup"},
    ...     {"food_id": "banana", "name": "Banana", "grams": 118, "household": "1 medium"}]}]}]})
    >>> view = meal_view(plan.days[0].meals[0])
    >>> view.title(), [i.name for i in view.main.ingredients], [s.name for s in view.sides]
    ('Soup', ['Lentils'], ['Banana'])
    """
    names = names or {}
    by_dish: dict[str, list[Line]] = {d.dish_id: [] for d in meal.dishes}
    sides: list[Line] = []
    for item in meal.items:
        target = by_dish.get(item.dish_id) if item.dish_id is not None else None
        (sides if target is None else target).append(_line(item, names))
    dishes = [
        DishView(
            name=d.name or d.dish_id,
            role=d.role or "main",
            portion=d.portion,
            minutes=float(d.minutes),
            steps=tuple(d.steps),
            ingredients=tuple(by_dish[d.dish_id]),
        )
        for d in meal.dishes
    ]
    dishes.sort(key=lambda d: d.role != "main")
    return MealView(slot=meal.slot, dishes=tuple(dishes), sides=tuple(sides))


# --------------------------------------------------------------------------------------------
# Pieces of text shared by every format (``esc`` escapes each string from the plan)
# --------------------------------------------------------------------------------------------


def short_number(value: Any) -> str:
    """HEI points and amounts: ``5``, ``7.5``, ``0.93``; ``–`` when not a number.

    >>> short_number(5.0), short_number(7.25), short_number(0.931), short_number("x")
    ('5', '7.25', '0.93', '–')
    """
    number = _number(value)
    if number is None:
        return "–"
    return f"{number:.2f}".rstrip("0").rstrip(".") if abs(number) < 100 else f"{number:,.0f}"


def grams_text(grams: float | None) -> str:
    """Grams as people read them: ``0.2 g``, ``1.5 g``, ``170 g``; empty when unknown.

    >>> grams_text(0.2), grams_text(1.5), grams_text(6.0), grams_text(170.04), grams_text(None)
    ('0.2 g', '1.5 g', '6 g', '170 g', '')
    """
    if grams is None:
        return ""
    if grams < 10:
        return f"{round(grams, 1):g} g"
    return f"{grams:,.0f} g"


def portion_text(portion: float | None) -> str:
    """Servings of a recipe in words; empty when unknown.

    >>> portion_text(1.5), portion_text(0.5), portion_text(1.0), portion_text(2), portion_text(1.3)
    ('1½ portions', '½ portion', '1 portion', '2 portions', '1.3 portions')
    """
    if portion is None or portion <= 0:
        return ""
    whole = int(portion)
    rest = round(portion - whole, 2)
    if rest in _FRACTIONS:
        amount = (str(whole) if whole else "") + _FRACTIONS[rest]
    elif rest == 0:
        amount = str(whole)
    else:
        amount = f"{round(portion, 2):g}"
    return f"{amount} portion{'s' if portion > 1 else ''}"


def dish_meta(dish: DishView) -> str:
    """``(1½ portions, 35 min)``, or empty when neither is known."""
    parts = [portion_text(dish.portion)]
    if dish.minutes is not None and dish.minutes > 0:
        parts.append(f"{dish.minutes:.0f} min")
    shown = [p for p in parts if p]
    return f"({', '.join(shown)})" if shown else ""


def line_text(line: Line, esc: Escape = one_line) -> str:
    """``Tofu, firm — 1/2 cup (124 g), instead of Chicken breast``, each name escaped."""
    text = esc(line.name)
    if line.household:
        text += f" — {esc(line.household)}"
    if line.grams is not None:
        text += f" ({grams_text(line.grams)})"
    if line.instead_of:
        text += f", instead of {esc(line.instead_of)}"
    return text


def water_text(day: DayPlan, esc: Escape = one_line) -> str:
    """The water to drink besides the meals and when; empty for a plan without it.

    >>> water_text(DayPlan(1, (), {}, {}, 0.0, 1210.0, (("with breakfast", 300.0),
    ...                                                  ("with lunch", 300.0))))
    'about 1.2 l: 300 ml with breakfast, 300 ml with lunch'
    >>> water_text(DayPlan(1, (), {}, {}, 0.0, 0.0))
    'none beyond the meals and their drinks'
    """
    total = _number(day.water_to_drink_ml)
    if total is None:
        return ""
    if total <= 0:
        return "none beyond the meals and their drinks"
    amount = f"about {total / 1000:.1f} l" if total >= 1000 else f"about {round(total, -1):.0f} ml"
    schedule = [f"{ml:.0f} ml {esc(when)}".rstrip() for when, ml in day.water_schedule]
    return f"{amount}: {', '.join(schedule)}" if schedule else amount


def water_note(plan: Plan | Mapping[str, Any]) -> str:
    """:data:`WATER_NOTE` when a day of the plan has water to drink, else empty."""
    days = as_plan(plan).days
    return WATER_NOTE if any((d.water_to_drink_ml or 0) > 0 for d in days) else ""


def _hei_day(day: DayPlan) -> str:
    score = _number(day.hei)
    return "" if score is None else f"{score:.0f} of 100"


# --------------------------------------------------------------------------------------------
# Week-level rows
# --------------------------------------------------------------------------------------------


def coverage_rows(plan: Plan | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per nutrient: target min/max, the week's daily average and the % of the minimum.

    A nutrient missing from the targets or from a day's totals is left out.
    """
    typed = as_plan(plan)
    days = typed.days
    rows = []
    for key in COVERAGE_KEYS:
        target = typed.targets.get(key)
        values = [_number(d.totals.get(key)) for d in days]
        if target is None or not days or None in values:
            continue
        avg = sum(v for v in values if v is not None) / len(days)
        lo, hi = _number(target.get("min")), _number(target.get("max"))
        rows.append(
            {
                "nutrient": label(key),
                "key": key,
                "unit": str(target.get("unit") or ""),
                "min": lo,
                "max": hi,
                "average": avg,
                "percent_of_min": None if not lo else 100.0 * avg / lo,
            }
        )
    return rows


def _group_amount(day: DayPlan, group: str) -> float:
    groups = day.food_groups
    return sum((_number(groups.get(c)) or 0.0) * w for c, w in PATTERN_GROUPS[group].items())


def pattern_rows(plan: Plan | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per pattern group (:data:`PATTERN_ROWS`): the daily average planned and the pattern's
    daily amount × ``share_of_day`` (the share of the day's food the planned meals hold), in
    cup- or oz-equivalents; empty for a plan without food groups or pattern."""
    typed = as_plan(plan)
    pattern = typed.food_pattern
    daily = pattern.get("daily")
    days = [d for d in typed.days if d.food_groups]
    if not (isinstance(daily, Mapping) and days):
        return []
    share = _number(pattern.get("share_of_day"))
    share = 1.0 if share is None else share
    rows = []
    for group, name in PATTERN_ROWS:
        amount = _number(daily.get(group))
        if amount is None:
            continue
        planned = sum(_group_amount(d, group) for d in days) / len(days)
        target = amount * share
        rows.append(
            {
                "group": group,
                "label": name,
                "unit": UNITS.get(group, "cup-eq"),  # as FoodPattern.unit
                "planned": planned,
                "target": target,
                "percent": None if not target else 100.0 * planned / target,
            }
        )
    return rows


def hei_rows(plan: Plan | Mapping[str, Any]) -> list[dict[str, Any]]:
    """The HEI-2020 components of the week: label, points, max, amount and its unit."""
    components = as_plan(plan).hei2020.get("components")
    if not isinstance(components, Mapping):
        return []
    return [
        {
            "key": key,
            "label": str(c.get("label") or key),
            "points": _number(c.get("points")),
            "max": _number(c.get("max")),
            "amount": _number(c.get("amount")),
            "unit": str(c.get("unit") or ""),
        }
        for key, c in components.items()
        if isinstance(c, Mapping)
    ]


def hei_total(plan: Plan | Mapping[str, Any]) -> float | None:
    """The week's HEI-2020 total (0–100), or None for a plan without it."""
    return _number(as_plan(plan).hei2020.get("total"))


def split_shortfalls(plan: Plan | Mapping[str, Any]) -> tuple[list[Shortfall], list[Shortfall]]:
    """(nutrient shortfalls, food-group shortfalls); a shortfall without ``kind`` is a
    nutrient's (plans saved before food groups were planned)."""
    shortfalls = as_plan(plan).shortfalls
    groups = [s for s in shortfalls if s.kind == "food_group"]
    return [s for s in shortfalls if s.kind != "food_group"], groups


def shortfall_name(s: Shortfall) -> str:
    """What a shortfall is short of, in words (``vitamin D``, ``Whole grains``); unescaped."""
    key = s.nutrient or "?"
    return GROUP_LABELS.get(key, key) if s.kind == "food_group" else label(key)


def _when(s: Shortfall, week: str = "weekly average") -> str:
    return week if s.day is None else f"day {s.day}"


def _sources_text(s: Shortfall, esc: Escape) -> str:
    names = []
    for source in s.best_sources[:5]:
        name = esc(source.name)
        blocked = source.blocked_by
        names.append(f"{name} (not used: {esc(blocked)})" if blocked else name)
    return f" Best sources: {'; '.join(names)}." if names else ""


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _md_dish(dish: DishView, esc: Escape) -> dict[str, Any]:
    meta = dish_meta(dish)
    return {
        "name": esc(dish.name),
        "meta": f" {meta}" if meta else "",
        "ingredients": [line_text(i, esc) for i in dish.ingredients],
        "steps": [esc(step) for step in dish.steps],
    }


def _md_meal(view: MealView, esc: Escape) -> dict[str, Any]:
    return {
        "slot": esc(view.slot.capitalize()),
        "main": None if view.main is None else _md_dish(view.main, esc),
        "side_dishes": [_md_dish(d, esc) for d in view.side_dishes],
        "sides": [line_text(s, esc) for s in view.sides],
        "bullet": "+" if view.dishes else "-",
    }


def _md_day(day: DayPlan, names: Mapping[str, str], esc: Escape) -> dict[str, Any]:
    return {
        "number": day.day,
        "cost": f"${day.cost_usd:,.2f}",
        "meals": [_md_meal(meal_view(meal, names), esc) for meal in day.meals],
        "water": water_text(day, esc),
        "hei": _hei_day(day),
    }


def _md_pattern(plan: Plan) -> dict[str, Any] | None:
    rows = pattern_rows(plan)
    if not rows:
        return None
    pattern = plan.food_pattern
    level, share = _number(pattern.get("level_kcal")), _number(pattern.get("share_of_day"))
    note = f"the {level:,.0f} kcal pattern" if level else "the pattern"
    if share is not None and share < 1:
        note += f" × {share:.0%} of the day (the meals planned)"
    cells = [
        [r["label"], amount(r["planned"], r["unit"]), amount(r["target"], r["unit"])]
        + ["" if r["percent"] is None else f"{r['percent']:.0f} %"]
        for r in rows
    ]
    return {"note": note, "rows": cells}


def _md_hei(plan: Plan, esc: Escape) -> list[list[str]]:
    return [
        [esc(r["label"]), short_number(r["points"]), short_number(r["max"])]
        + [f"{short_number(r['amount'])} {esc(r['unit'])}"]
        for r in hei_rows(plan)
    ]


def _md_coverage(plan: Plan, esc: Escape) -> list[list[str]]:
    cells = []
    for row in coverage_rows(plan):
        band = (
            f"{amount(row['min'])}–{amount(row['max'])}"
            if row["max"]
            else f"≥ {amount(row['min'])}"
        )
        if row["min"] is None:
            band = f"≤ {amount(row['max'])}"
        pct = "" if row["percent_of_min"] is None else f"{row['percent_of_min']:.0f} %"
        unit = esc(row["unit"])
        cells.append([row["nutrient"], f"{band} {unit}", f"{amount(row['average'])} {unit}", pct])
    return cells


def _md_shortfall(s: Shortfall, esc: Escape) -> str:
    return (
        f"**{esc(shortfall_name(s))}** ({_when(s)}): {amount(s.achieved)} of "
        f"{amount(s.target)} {esc(s.unit)}. {esc(s.reason)}" + _sources_text(s, esc)
    )


def _md_problems(plan: Plan, esc: Escape) -> list[tuple[str, list[str]]]:
    nutrients, groups = split_shortfalls(plan)
    sections = [
        ("Targets not met", [_md_shortfall(s, esc) for s in nutrients]),
        ("Food groups below the pattern", [_md_shortfall(s, esc) for s in groups]),
        ("Safety notes", [esc(w) for w in plan.warnings]),
    ]
    return [(heading, lines) for heading, lines in sections if lines]


def plan_markdown(
    plan: Plan | Mapping[str, Any],
    title: str = "Your cramp-prevention week",
    *,
    plain: bool = False,
) -> str:
    """The plan as Markdown (``templates/plan.md.j2``): status and HEI-2020; each day by meal
    (dishes with ingredients and steps, side foods, water to drink, the day's HEI-2020); food
    groups against the Dietary Guidelines pattern; HEI-2020 components; coverage; targets not
    met and food groups below the pattern, with reasons; safety notes.

    Text from outside (dish and food names, household measures, steps, reasons, warnings) is
    escaped so a Markdown viewer shows it as text; ``plain=True`` keeps it as is (each on one
    line) for a text/plain e-mail, which nothing renders.
    """
    esc: Escape = one_line if plain else _md_escape
    plan = as_plan(plan)
    total = hei_total(plan)
    names = food_names(plan)
    return render(
        "plan.md.j2",
        title=title,
        status=f"{esc(plan.status.value)} — {esc(plan.message)}",
        hei_total="" if total is None else f"{total:.0f}",
        days=[_md_day(day, names, esc) for day in plan.days],
        pattern=_md_pattern(plan),
        hei_rows=_md_hei(plan, esc),
        coverage=_md_coverage(plan, esc),
        water_note=water_note(plan),
        problems=_md_problems(plan, esc),
    )


# --------------------------------------------------------------------------------------------
# Plain text for a terminal
# --------------------------------------------------------------------------------------------


def _wrap(text: str, indent: str, first: str = "") -> list[str]:
    return textwrap.wrap(
        text, width=100, initial_indent=indent + first, subsequent_indent=indent + " " * len(first)
    ) or [indent + first]


def _table_dish(dish: DishView, heading: str, indent: str) -> list[str]:
    meta = dish_meta(dish)
    out = [f"{indent}{heading}{one_line(dish.name)}" + (f" {meta}" if meta else "")]
    out += [f"{indent}  - {line_text(i)}" for i in dish.ingredients]
    for n, step in enumerate(dish.steps, start=1):
        out += _wrap(one_line(step), indent + "  ", f"{n}. ")
    return out


def _table_meal(view: MealView) -> list[str]:
    slot = one_line(view.slot.capitalize())
    out: list[str] = []
    if view.main is not None:
        out += _table_dish(view.main, f"{slot} — ", "  ")
    else:
        out.append(f"  {slot}")
    for dish in view.side_dishes:
        out += _table_dish(dish, "Side: ", "    ")
    bullet = "+" if view.dishes else "-"
    out += [f"    {bullet} {line_text(s)}" for s in view.sides]
    return out


def _table_day(day: DayPlan, names: Mapping[str, str]) -> list[str]:
    extra = [f"about ${day.cost_usd:.2f}"]
    extra += [f"HEI-2020 {_hei_day(day)}"] if _hei_day(day) else []
    out = [f"\nDay {day.day}  ({', '.join(extra)})"]
    for meal in day.meals:
        out += _table_meal(meal_view(meal, names))
    water = water_text(day)
    if water:
        out += _wrap(f"Water to drink: {water}", "  ")
    return out


def _table_week(plan: Plan) -> list[str]:
    out = []
    rows = pattern_rows(plan)
    if rows:
        out.append("\nFood groups, daily average vs the Dietary Guidelines pattern")
        for r in rows:
            pct = "" if r["percent"] is None else f"  ({r['percent']:.0f} %)"
            out.append(
                f"  {r['label']:<24} {amount(r['planned']):>6} of {amount(r['target']):>5} "
                f"{r['unit']}{pct}"
            )
    hei = hei_rows(plan)
    if hei:
        total = hei_total(plan)
        out.append("\nHEI-2020" + (f" {total:.0f} of 100" if total is not None else ""))
        for r in hei:
            points, most = short_number(r["points"]), short_number(r["max"])
            out.append(f"  {one_line(r['label']):<28} {points:>5} / {most}")
    return out


def _table_coverage(plan: Plan) -> list[str]:
    out = ["\nDaily average vs target"]
    for row in coverage_rows(plan):
        pct = "" if row["percent_of_min"] is None else f"  ({row['percent_of_min']:.0f} % of min)"
        band = f"min {amount(row['min'])}" if row["min"] is not None else ""
        if row["max"] is not None:
            band += f" max {amount(row['max'])}"
        out.append(
            f"  {row['nutrient']:<14} {amount(row['average']):>8} {one_line(row['unit']):<5} "
            f"{band}{pct}"
        )
    return out + (_wrap(water_note(plan), "  ") if water_note(plan) else [])


def _table_problems(plan: Plan) -> list[str]:
    out = []
    nutrients, groups = split_shortfalls(plan)
    for tag, shortfalls in (("SHORT", nutrients), ("BELOW PATTERN", groups)):
        for s in shortfalls:
            out.append(
                f"\n{tag} {one_line(shortfall_name(s))} ({_when(s, 'week')}): "
                f"{amount(s.achieved)} of {amount(s.target)} "
                f"{one_line(s.unit)}. {one_line(s.reason)}" + _sources_text(s, one_line)
            )
    out += [f"\nNOTE: {one_line(w)}" for w in plan.warnings]
    return out


def plan_table(plan: Plan | Mapping[str, Any]) -> str:
    """The plan as plain text for a terminal: each day's dishes with ingredients and steps,
    side foods, water to drink and HEI-2020; food groups vs the pattern; HEI-2020 components;
    coverage; shortfalls and safety notes. Text from the plan is kept on one line (no
    control characters reach the terminal)."""
    plan = as_plan(plan)
    out = [f"Status: {one_line(plan.status.value)} — {one_line(plan.message)}"]
    names = food_names(plan)
    for day in plan.days:
        out += _table_day(day, names)
    out += _table_week(plan) + _table_coverage(plan) + _table_problems(plan)
    return "\n".join(out)
