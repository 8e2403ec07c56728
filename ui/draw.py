"""Drawing helpers shared by the pages: errors, meal text, tables and Vega-Lite charts of a plan.

Every number shown carries its unit. Everything is drawn from the plan JSON as the planner
returned it, through the view model of :mod:`planner.outputs.report` (meals grouped under their
dishes, food groups against the pattern, HEI-2020 rows) so the page says what the e-mail and
the downloads say; no nutrition is recomputed here, except through
:func:`planner.domain.plan.recompute_totals` for the "where it comes from" view, which is the
planner's own arithmetic. Text from the plan is Markdown-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from foods.errors import UserError
from planner.domain.explain import label, unit_of
from planner.domain.plan import DayPlan, Plan, recompute_totals
from planner.outputs.report import (
    COVERAGE_KEYS,
    Line,
    hei_rows,
    line_text,
    pattern_rows,
    short_number,
    water_text,
)
from planner.outputs.textfmt import amount, md_escape

#: Nutrients of the "where it comes from" view (the cramp minerals and vitamin D).
SOURCE_KEYS: tuple[str, ...] = ("potassium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug")
#: Percent-of-minimum values above this are drawn at the top edge of the coverage chart.
CHART_CAP_PCT = 250.0

STATUS_TEXT: dict[str, str] = {
    "optimal": "Every target is met",
    "feasible": "Every target is met (the solver stopped at its time limit)",
    "partial": "Some targets cannot be met with these choices",
    "infeasible": "No plan exists with these limits",
    "error": "The solver failed",
}


def show_error(exc: BaseException, action: str = "") -> None:
    """Show an error as ``st.error`` with its fix; never a traceback.

    ``UserError`` messages already name the field and the fix; anything else is a bug and
    gets a generic message that still says what to do.
    """
    prefix = f"{action}: " if action else ""
    if isinstance(exc, UserError):
        st.error(prefix + str(exc), icon=":material/error:")
    else:
        st.error(
            f"{prefix}something went wrong ({type(exc).__name__}: {exc}). "
            "Reload the page and try again; if it happens again, please report it.",
            icon=":material/report:",
        )


def title(key: str) -> str:
    """Capitalised label of a nutrient key: ``vitamin_d_ug`` → ``Vitamin D``."""
    text = label(key)
    return text[:1].upper() + text[1:]


def band_text(target: Mapping[str, Any]) -> str:
    """A target as text: ``≥ 2,600 mg``, ``1,000–2,500 mg`` or ``≤ 2,300 mg``."""
    lo, hi, unit = target.get("min"), target.get("max"), target.get("unit", "")
    if lo is not None and hi is not None:
        return f"{amount(lo)}–{amount(hi, unit)}"
    if lo is not None:
        return f"≥ {amount(lo, unit)}"
    if hi is not None:
        return f"≤ {amount(hi, unit)}"
    return "no target"


def met_count(plan: Plan) -> tuple[int, int]:
    """(targets without a nutrient shortfall, targets with a minimum) — for the headline."""
    with_min = [k for k, t in plan.targets.items() if t.get("min")]
    short = {s.nutrient for s in plan.shortfalls if s.kind == "nutrient"}
    return len([k for k in with_min if k not in short]), len(with_min)


# --- meals ----------------------------------------------------------------------------------


def ingredient_lines(lines: Iterable[Line]) -> str:
    """Markdown bullets of ingredients or side foods: name — household (grams), and
    ", instead of X" for a substitute (every string from the plan escaped)."""
    return "\n".join(f"- {line_text(line, md_escape)}" for line in lines)


def steps_markdown(steps: Iterable[str]) -> str:
    """Numbered Markdown steps (recipe text shown as plain text)."""
    return "\n".join(f"{n}. {md_escape(step)}" for n, step in enumerate(steps, start=1))


def drink_text(day: DayPlan) -> str:
    """The day's water as one line: ``Drink about 930 ml: 310 ml with breakfast, …``."""
    water = water_text(day, md_escape)
    return f"Drink {water}." if water else ""


def table_height(rows: int) -> int:
    """Pixel height that shows ``rows`` table rows without an inner scroll bar."""
    return 35 * (rows + 1) + 3


# --- food groups and HEI-2020 ---------------------------------------------------------------


#: A Vega-Lite chart specification (https://vega.github.io/vega-lite/), drawn by
#: ``st.vega_lite_chart``. Written as plain dicts rather than Altair objects: building and
#: validating the Altair charts took ≈ 40 % of a rerun of the plan page.
Spec = dict[str, Any]


def _field(name: str, kind: str, **options: Any) -> dict[str, Any]:
    """One encoding channel: ``field`` and ``type`` (``nominal`` or ``quantitative``) plus
    options such as ``title`` (``None`` hides it), ``sort`` or ``format``."""
    return {"field": name, "type": kind} | options


def _values(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as inline Vega-Lite data (a missing number becomes ``null``, valid JSON)."""
    rows = frame.to_dict("records")
    clean = [
        {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
        for row in rows
    ]
    return {"values": clean}


def food_group_frame(plan: Plan, day: int | None = None) -> pd.DataFrame:
    """Per pattern group (vegetables, fruits, whole grains, dairy, protein foods): the amount
    planned (on ``day``, or the daily average when None) and the Dietary Guidelines pattern's
    amount for the planned meals, in cup- or oz-equivalents."""
    days = tuple(d for d in plan.days if day is None or d.day == day)
    return pd.DataFrame(
        [
            {
                "group": f"{r['label']} ({r['unit']})",
                "planned": r["planned"],
                "pattern": r["target"],
                "planned_text": f"{r['planned']:,.1f} {r['unit']}",
                "pattern_text": f"{r['target']:,.1f} {r['unit']}",
                "percent": r["percent"],
            }
            for r in pattern_rows(replace(plan, days=days))
        ]
    )


def food_group_chart(frame: pd.DataFrame, period: str) -> Spec | None:
    """Bullet chart: a bar for the planned amount of each food group, a black tick at the
    pattern's amount."""
    if frame.empty:
        return None
    axis = {"labelLimit": 220, "labelOverlap": False}
    y = _field("group", "nominal", sort=list(frame["group"]), title=None, axis=axis)
    tooltip = [
        _field("group", "nominal", title="Food group"),
        _field("planned_text", "nominal", title="Planned a day"),
        _field("pattern_text", "nominal", title="Pattern a day"),
        _field("percent", "quantitative", title="% of pattern", format=".0f"),
    ]
    planned = _field("planned", "quantitative", title=f"{period.capitalize()} (unit by group)")
    bars = {"type": "bar", "color": "#1f77b4", "height": 18}
    ticks = {"type": "tick", "color": "black", "size": 26, "thickness": 3}
    return {
        "data": _values(frame),
        "layer": [
            {"mark": bars, "encoding": {"tooltip": tooltip, "x": planned, "y": y}},
            {
                "mark": ticks,
                "encoding": {"tooltip": tooltip, "x": _field("pattern", "quantitative"), "y": y},
            },
        ],
        "height": {"step": 36},
        "title": {
            "text": "Food groups: planned vs pattern",
            "subtitle": ["Bars: planned. Black ticks: Dietary Guidelines amounts for your meals."],
        },
    }


def hei_frame(plan: Plan) -> pd.DataFrame:
    """The week's HEI-2020 components: name, points, maximum, amount with its unit."""
    return pd.DataFrame(
        [
            {
                "Component": r["label"],
                "Points": r["points"] or 0.0,
                "Max": r["max"] or 0.0,
                "Amount": f"{short_number(r['amount'])} {r['unit']}".strip(),
            }
            for r in hei_rows(plan)
        ]
    )


def hei_chart(frame: pd.DataFrame) -> Spec | None:
    """Horizontal bars: each component's points over a pale bar of its maximum."""
    if frame.empty:
        return None
    order = list(frame["Component"])
    y = _field("Component", "nominal", sort=order, title=None, axis={"labelLimit": 220})
    tooltip = [
        _field("Component", "nominal"),
        _field("Points", "quantitative", format=".1f"),
        _field("Max", "quantitative", title="Of"),
        _field("Amount", "nominal", title="In the plan"),
    ]
    most = {"x": _field("Max", "quantitative", title="Points"), "y": y}
    got = {"tooltip": tooltip, "x": _field("Points", "quantitative"), "y": y}
    return {
        "data": _values(frame),
        "layer": [
            {"mark": {"type": "bar", "color": "#e0e0e0"}, "encoding": most},
            {"mark": {"type": "bar", "color": "#2ca02c"}, "encoding": got},
        ],
        "height": {"step": 22},
        "title": "HEI-2020 components: points of each maximum",
    }


# --- coverage chart ------------------------------------------------------------------------


def coverage_frame(plan: Plan) -> pd.DataFrame:
    """Per nutrient and day (and the week's average): amount and % of the daily minimum."""
    targets = plan.targets
    days = plan.days
    rows = []
    for key in COVERAGE_KEYS:
        target = targets.get(key)
        if not target or not target.get("min") or not days:
            continue
        lo, hi, unit = float(target["min"]), target.get("max"), target.get("unit", "")
        values = [(f"Day {d.day}", float(d.totals.get(key, 0.0))) for d in days]
        values.append(("Week average", sum(v for _, v in values) / len(values)))
        for period, value in values:
            pct = 100.0 * value / lo
            rows.append(
                {
                    "nutrient": f"{title(key)} ({unit})",
                    "period": period,
                    "amount": value,
                    "amount_text": amount(value, unit),
                    "target_text": band_text(target),
                    "percent": pct,
                    "percent_drawn": min(pct, CHART_CAP_PCT),
                    "max_percent": None if hi is None else min(100.0 * hi / lo, CHART_CAP_PCT),
                }
            )
    return pd.DataFrame(rows)


def coverage_chart(plan: Plan) -> Spec | None:
    """Layered chart: % of each daily minimum per day and for the week.

    Bars per day (and the week's average), a shaded band from the minimum (100 %) to the
    maximum where there is one, and a red rule at 100 %. None when there is nothing to draw.
    """
    frame = coverage_frame(plan)
    if frame.empty:
        return None
    periods = list(dict.fromkeys(frame["period"]))
    axis = {"labelAngle": -30, "labelLimit": 160, "labelOverlap": False}
    order = list(dict.fromkeys(frame["nutrient"]))
    x = _field("nutrient", "nominal", sort=order, title="Nutrient (unit)", axis=axis)
    limited = frame.dropna(subset=["max_percent"]).drop_duplicates("nutrient")
    band = {
        "data": _values(limited),
        "mark": {"type": "bar", "color": "#2ca02c", "opacity": 0.15},
        "encoding": {
            "tooltip": [
                _field("nutrient", "nominal", title="Nutrient"),
                _field("target_text", "nominal", title="Target band"),
            ],
            "x": x,
            "y": _field("min_line", "quantitative"),
            "y2": {"field": "max_percent"},
        },
        "transform": [{"calculate": "100", "as": "min_line"}],
    }
    scale = {"domain": [0, CHART_CAP_PCT]}
    y = _field("percent_drawn", "quantitative", title="% of the daily minimum", scale=scale)
    color = _field("period", "nominal", sort=periods, title="Day", scale={"scheme": "tableau10"})
    bars = {
        "data": _values(frame),
        "mark": {"type": "bar"},
        "encoding": {
            "color": color,
            "tooltip": [
                _field("nutrient", "nominal", title="Nutrient"),
                _field("period", "nominal", title="Day"),
                _field("amount_text", "nominal", title="Planned"),
                _field("target_text", "nominal", title="Target"),
                _field("percent", "quantitative", title="% of minimum", format=".0f"),
            ],
            "x": x,
            "xOffset": _field("period", "nominal", sort=periods),
            "y": y,
        },
    }
    rule = {
        "data": {"values": [{"y": 100.0}]},
        "mark": {"type": "rule", "color": "#d62728", "size": 2, "strokeDash": [6, 3]},
        "encoding": {"y": _field("y", "quantitative")},
    }
    subtitle = (
        "Bars: % of the minimum per day and for the week's average "
        f"(capped at {CHART_CAP_PCT:.0f} %). Red line: 100 % = minimum met. "
        "Green band: up to the maximum."
    )
    return {
        "layer": [band, bars, rule],
        "height": 360,
        "title": {
            "text": "How much of each daily target the plan reaches",
            "subtitle": [subtitle],
        },
    }


# --- where it comes from -------------------------------------------------------------------


def sources_frame(plan: Plan, foods: pd.DataFrame) -> pd.DataFrame:
    """Per food and nutrient of :data:`SOURCE_KEYS`: average amount per planned day."""
    grams: dict[str, float] = {}
    names: dict[str, str] = {}
    for day in plan.days:
        for meal in day.meals:
            for item in meal.items:
                grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams
                names[item.food_id] = item.name
    n_days = max(len(plan.days), 1)
    units = {key: unit_of(key) for key in SOURCE_KEYS}
    rows = []
    for food_id, total_g in grams.items():
        if food_id not in foods.index:
            continue
        totals = recompute_totals([(food_id, total_g)], foods)
        for key in SOURCE_KEYS:
            value = totals.get(key, 0.0) / n_days
            if value > 0:
                rows.append(
                    {
                        "key": key,
                        "nutrient": title(key),
                        "unit": units[key],
                        "food": names[food_id],
                        "per_day": value,
                        "per_day_text": amount(value, units[key]),
                    }
                )
    return pd.DataFrame(rows)


def sources_chart(frame: pd.DataFrame, key: str, top: int = 8) -> Spec | None:
    """Horizontal bars: the foods giving the most of ``key`` (average per day)."""
    part = frame[frame["key"] == key].sort_values("per_day", ascending=False).head(top)
    if part.empty:
        return None
    axis_title = f"{title(key)} per day ({unit_of(key)}, week average)"
    x = _field("per_day", "quantitative", title=axis_title)
    axis = {"labelLimit": 220, "labelOverlap": False}
    y = _field("food", "nominal", sort="-x", title=None, axis=axis)
    tooltip = [
        _field("food", "nominal", title="Food"),
        _field("per_day_text", "nominal", title="Per day"),
    ]
    return {
        "data": _values(part),
        "mark": {"type": "bar", "color": "#1f77b4"},
        "encoding": {"tooltip": tooltip, "x": x, "y": y},
        "height": {"step": 26},
        "title": f"{title(key)}: top {len(part)} sources",
    }


def run_page(main: Callable[[], None]) -> None:
    """Run a page's ``main`` with the session initialised and errors shown, not raised.

    ``app.py`` guards every page too; this guard also covers a page run on its own (Streamlit
    runs ``ui/pages/*.py`` directly on the first request of a fresh server and in ``AppTest``).
    """
    from ui.state import init_state

    init_state()
    try:
        main()
    except Exception as exc:  # an error message with the fix, never a traceback
        show_error(exc)
