"""Plain-text output helpers shared by the CLI commands (tables, JSON, CSV).

Every CSV the product writes goes through :func:`csv_text`, which neutralises cells that a
spreadsheet would run as a formula (OWASP "CSV injection": a leading ``=``, ``+``, ``-``,
``@``, tab or carriage return gets a ``'`` in front); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from foods.text import one_line


def amount(value: object, unit: str = "") -> str:
    """The one way a quantity is written for people (reports, e-mail, dashboard): thousands
    separators, one decimal below 100, and the unit; ``–`` for anything not a finite number.

    >>> amount(2640, "mg"), amount(15.24, "µg"), amount(0.5), amount(None), amount(True)
    ('2,640 mg', '15.2 µg', '0.5', '–', '–')
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    number = f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{number} {unit}".strip()


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


#: Characters that start Markdown syntax inside a line: emphasis, code, links and images,
#: HTML, table cells, strikethrough and Streamlit's LaTeX.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|!~$])")


def md_escape(text: object) -> str:
    r"""Outside text made inert in Markdown: on one line, with every character that could
    start a link, an image, HTML, emphasis, code or a table cell backslash-escaped.

    >>> print(md_escape("![b](http://host/p.png) | *x*"))
    \!\[b\](http://host/p.png) \| \*x\*
    """
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


#: Leading characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: text that starts like a formula gets a ``'``.

    Numbers (int, float) are returned unchanged, so ``-2.5`` stays a number.

    Examples
    --------
    >>> inert_cell("=HYPERLINK(1)"), inert_cell("-2+3+cmd"), inert_cell(-2.5), inert_cell("Kale")
    ("'=HYPERLINK(1)", "'-2+3+cmd", -2.5, 'Kale')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with every cell made inert (:func:`inert_cell`); ``\n`` line endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([inert_cell(h) for h in header])
    writer.writerows([inert_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def to_csv(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> str:
    """CSV text of mappings: lists joined with ``|``, missing values empty, cells inert."""

    def value(v: object) -> object:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, list | tuple):
            return "|".join(map(str, v))
        return v

    return csv_text(columns, ([value(r.get(c)) for c in columns] for r in rows))
