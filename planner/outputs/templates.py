"""Jinja2 templates of the documents people read (``planner/outputs/templates/``).

HTML templates (``*.html.j2``) are autoescaped: every value from a plan, a food table or a
person is escaped where it is written, and a template cannot forget it. Markdown templates
(``*.md.j2``) escape outside text with the ``md`` filter
(:func:`planner.outputs.textfmt.md_escape`); numbers and money are formatted before they
reach the template. An undefined name is an
error, not an empty string, so a renamed field fails a test instead of vanishing from a page.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from planner.outputs.textfmt import md_escape

if TYPE_CHECKING:
    import jinja2


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # at the first document written, not when a command only reads its input

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("planner.outputs", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = md_escape
    return environment


def render(name: str, **context: Any) -> str:
    """The template ``name`` (e.g. ``"shopping.html.j2"``) filled with ``context``."""
    return _environment().get_template(name).render(**context)
