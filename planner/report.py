"""Readable views of a plan for a person: a text table and Markdown (CLI, e-mail, downloads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foods.text import one_line
from planner.explain import label
from planner.textfmt import md_escape as _md_escape

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


def coverage_rows(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per nutrient: target min/max, the week's daily average and the % of the minimum."""
    days = plan["days"]
    targets = plan["targets"]
    rows = []
    for key in COVERAGE_KEYS:
        if key not in targets or not days:
            continue
        avg = sum(d["totals"][key] for d in days) / len(days)
        lo, hi = targets[key]["min"], targets[key]["max"]
        rows.append(
            {
                "nutrient": label(key),
                "key": key,
                "unit": targets[key].get("unit", ""),
                "min": lo,
                "max": hi,
                "average": avg,
                "percent_of_min": None if not lo else 100.0 * avg / lo,
            }
        )
    return rows


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def plan_markdown(
    plan: Mapping[str, Any], title: str = "Your cramp-prevention week", *, plain: bool = False
) -> str:
    """The plan as Markdown: status, each day by meal, coverage, shortfalls and warnings.

    Text from outside (food names, reasons, warnings) is escaped so a Markdown viewer shows it
    as text; ``plain=True`` keeps it as is (each on one line) for a text/plain e-mail, which
    nothing renders.
    """
    md_escape = one_line if plain else _md_escape
    lines = [f"# {title}", "", f"**Status:** {plan['status']} — {plan.get('message', '')}", ""]
    for day in plan["days"]:
        lines.append(f"## Day {day['day']}  (about ${day['cost_usd']:.2f})")
        for meal in day["meals"]:
            lines.append(f"**{meal['slot'].capitalize()}**")
            for item in meal["items"]:
                lines.append(
                    f"- {md_escape(item['name'])} — {md_escape(item['household'])} "
                    f"({item['grams']:.0f} g)"
                )
        lines.append("")
    lines += [
        "## Coverage (daily average)",
        "",
        "| Nutrient | Target | Planned | % |",
        "|---|---|---|---|",
    ]
    for row in coverage_rows(plan):
        band = f"{_num(row['min'])}–{_num(row['max'])}" if row["max"] else f"≥ {_num(row['min'])}"
        if row["min"] is None:
            band = f"≤ {_num(row['max'])}"
        pct = "" if row["percent_of_min"] is None else f"{row['percent_of_min']:.0f} %"
        lines.append(
            f"| {row['nutrient']} | {band} {row['unit']} | {_num(row['average'])} {row['unit']} "
            f"| {pct} |"
        )
    if plan["shortfalls"]:
        lines += ["", "## What cannot be met, and why", ""]
        for s in plan["shortfalls"]:
            when = "weekly average" if s["day"] is None else f"day {s['day']}"
            lines.append(
                f"- **{label(s['nutrient'])}** ({when}): {_num(s['achieved'])} of "
                f"{_num(s['target'])} {s['unit']}. {md_escape(s['reason'])}"
            )
    if plan["warnings"]:
        lines += ["", "## Safety notes", ""] + [f"- {md_escape(w)}" for w in plan["warnings"]]
    lines += [
        "",
        "_This plan suggests foods; it is not medical advice. Take supplements only under "
        "medical guidance._",
    ]
    return "\n".join(lines) + "\n"


def plan_table(plan: Mapping[str, Any]) -> str:
    """The plan as plain text for a terminal."""
    out = [f"Status: {plan['status']} — {plan.get('message', '')}"]
    for day in plan["days"]:
        out.append(f"\nDay {day['day']}  (about ${day['cost_usd']:.2f})")
        for meal in day["meals"]:
            out.append(f"  {meal['slot'].capitalize()}")
            for item in meal["items"]:
                out.append(f"    {item['household']:<22} {item['name']}  ({item['grams']:.0f} g)")
    out.append("\nDaily average vs target")
    for row in coverage_rows(plan):
        pct = "" if row["percent_of_min"] is None else f"  ({row['percent_of_min']:.0f} % of min)"
        band = f"min {_num(row['min'])}" if row["min"] is not None else ""
        if row["max"] is not None:
            band += f" max {_num(row['max'])}"
        out.append(
            f"  {row['nutrient']:<14} {_num(row['average']):>8} {row['unit']:<5} {band}{pct}"
        )
    for s in plan["shortfalls"]:
        when = "week" if s["day"] is None else f"day {s['day']}"
        out.append(
            f"\nSHORT {label(s['nutrient'])} ({when}): {_num(s['achieved'])} of "
            f"{_num(s['target'])} {s['unit']}. {s['reason']}"
        )
    for w in plan["warnings"]:
        out.append(f"\nNOTE: {w}")
    return "\n".join(out)
