"""Text from outside (CSV cells, FoodData Central descriptions) made safe to store and show."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: object) -> str:
    r"""Text on one line: control characters and line breaks become single spaces, runs of
    spaces collapse, and the ends are trimmed.

    >>> one_line("Kale\r\n| bad\x07 ")
    'Kale | bad'
    """
    return " ".join(_CONTROL.sub(" ", str(text)).split())
