"""Plain-text output helpers shared by the CLI commands (tables, JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence


def cell(value: object, digits: int = 1) -> str:
    """Format one value for a text table: numbers rounded, lists joined, missing as ``-``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return "|".join(map(str, value))
    return str(value)


def text_table(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> str:
    """Left-aligned text columns with a header rule; numbers right-aligned."""
    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(b[i]) for b in body]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool) for r in rows)
        and bool(rows)
        for c in columns
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out += [line(b) for b in body]
    return "\n".join(out)


def to_json(data: object) -> str:
    """Pretty JSON with NaN written as ``null`` and non-ASCII kept (µg)."""
    return json.dumps(_clean(data), indent=2, ensure_ascii=False)


def _clean(data: object) -> object:
    if isinstance(data, float) and math.isnan(data):
        return None
    if isinstance(data, Mapping):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_clean(v) for v in data]
    return data


def to_csv(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> str:
    """CSV text: lists joined with ``|``, missing values empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        values: list[object] = []
        for c in columns:
            v = r.get(c)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                values.append("")
            elif isinstance(v, list | tuple):
                values.append("|".join(map(str, v)))
            else:
                values.append(v)
        writer.writerow(values)
    return buf.getvalue()
