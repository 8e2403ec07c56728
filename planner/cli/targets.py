"""``cramp-planner targets``: show a person's daily nutrient targets.

``cramp-planner targets --profile me.toml`` prints an aligned table (nutrient, min, max, unit,
basis, source number), then warnings, notes and the numbered sources.
``--format json`` prints :meth:`planner.domain.targets.Targets.as_json` (docs/contract.md).
Problems with the profile raise :class:`planner.domain.profile.ProfileError`; ``planner.cli`` prints
them as an error message with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from planner.cli.options import add_output, emit
from planner.domain.profile import load_profile
from planner.domain.targets import Targets, compute_targets

WIDTH = 100
_HEADER = ("Nutrient", "Min", "Max", "Unit", "Basis", "Src")


def register(subparsers: Any) -> None:
    """Add the ``targets`` sub-command to ``subparsers`` (from ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "targets",
        help="show daily nutrient targets for a profile",
        description=(
            "Show the daily targets (DRIs for the person's life stage, energy, safety limits) "
            "computed from a profile file, with the source of every number."
        ),
    )
    parser.add_argument(
        "--profile",
        required=True,
        metavar="FILE",
        help="profile file, .json or .toml (fields: see docs/contract.md)",
    )
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default): readable; json: the targets contract for scripts",
    )
    add_output(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the profile, compute its targets and print them; return exit status 0."""
    targets = compute_targets(load_profile(args.profile))
    if args.format == "json":
        emit(args, json.dumps(targets.as_json(), indent=2, ensure_ascii=False))
    else:
        emit(args, render_table(targets))
    return 0


def render_table(targets: Targets) -> str:
    """Return the targets as a plain-text report: table, warnings, notes, sources."""
    sources = list(dict.fromkeys(target.source for target in targets.targets.values()))
    rows = [
        (
            key,
            _number(target.min),
            _number(target.max),
            target.unit,
            target.basis,
            str(sources.index(target.source) + 1),
        )
        for key, target in targets.targets.items()
    ]
    title = (
        f"Daily targets for {targets.life_stage_label} "
        f"(estimated energy requirement {targets.eer_kcal:,.0f} kcal/day)"
    )
    parts = [title, "", _align([_HEADER, *rows])]
    if targets.warnings:
        parts += ["", "Warnings:", *(_bullet(warning) for warning in targets.warnings)]
    notes = [f"{key}: {t.note}" for key, t in targets.targets.items() if t.note]
    if notes:
        parts += ["", "Notes:", *(_bullet(note) for note in notes)]
    parts += ["", "Sources:"]
    parts += [_bullet(source, f"{n}. ") for n, source in enumerate(sources, start=1)]
    return "\n".join(parts)


def _number(value: float | None) -> str:
    """Format a bound: thousands separator, at most one decimal, "—" for none."""
    if value is None:
        return "—"
    return f"{value:,.1f}".removesuffix(".0")


def _align(rows: list[tuple[str, ...]]) -> str:
    """Align columns: text left, numbers (min, max, source) right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {1, 2, 5}
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _bullet(text: str, marker: str = "- ") -> str:
    """Wrap ``text`` to :data:`WIDTH` columns as an indented list item."""
    return textwrap.fill(
        text, width=WIDTH, initial_indent="  " + marker, subsequent_indent=" " * (2 + len(marker))
    )
