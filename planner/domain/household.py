"""Household measures: scale "1/2 cup" by a number of servings and print friendly fractions."""

from __future__ import annotations

import re
from fractions import Fraction

_LEADING = re.compile(r"^\s*(\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d+)?)\s*(.*)$")
_NICE = {
    Fraction(1, 8): "1/8",
    Fraction(3, 8): "3/8",
    Fraction(5, 8): "5/8",
    Fraction(7, 8): "7/8",
    Fraction(1, 4): "1/4",
    Fraction(1, 3): "1/3",
    Fraction(1, 2): "1/2",
    Fraction(2, 3): "2/3",
    Fraction(3, 4): "3/4",
}


#: Units written in the plural above one ("2 cups", "1 1/2 slices"); others stay as they are.
_PLURAL = re.compile(r"^(cup|slice|piece|container|can|pita|cracker|stalk|clove|egg|box|bar)\b")


def _parse(amount: str) -> Fraction:
    parts = amount.split()
    return sum((Fraction(p) for p in parts), Fraction(0))


def friendly(value: float) -> str:
    """A quantity as people write it: ``1.5`` → ``"1 1/2"``, ``0.25`` → ``"1/4"``.

    Examples
    --------
    >>> friendly(1.5), friendly(0.75), friendly(3.0), friendly(0.375), friendly(0.3)
    ('1 1/2', '3/4', '3', '3/8', '0.3')
    """
    whole = int(value)
    rest = Fraction(value - whole).limit_denominator(12)
    if rest == 0:
        return str(whole)
    if rest in _NICE:
        return f"{whole} {_NICE[rest]}" if whole else _NICE[rest]
    return f"{value:.2g}" if value < 10 else f"{value:.0f}"


def scale_household(household: str, servings: float) -> str:
    """Household text for ``servings`` servings of a food whose one serving is ``household``.

    Examples
    --------
    >>> scale_household("1/2 cup", 3)
    '1 1/2 cups'
    >>> scale_household("1 medium", 2)
    '2 medium'
    >>> scale_household("slice", 2)
    '2 × slice'
    >>> scale_household("2 cups (16 fl oz)", 2.5)
    '5 cups'
    >>> scale_household("1/8 tsp", 0.5), scale_household("a pinch", 1.5)
    ('a pinch', 'a pinch')
    >>> scale_household("1 cup", 2), scale_household("1 slice, regular", 1.5)
    ('2 cups', '1 1/2 slices, regular')
    """
    if servings != 1:  # "(16 fl oz)" or "(7\" long)" describes one serving only
        household = re.sub(r"\s*\([^)]*\)", "", household).strip() or household
    match = _LEADING.match(household)
    if not match:
        if servings == 1 or (household.startswith("a ") and servings < 2):
            return household  # "a pinch", "a squeeze" stay as they are for a cook
        return f"{friendly(servings)} × {household}"
    amount = float(_parse(match.group(1)) * Fraction(servings).limit_denominator(8))
    unit = match.group(2)
    if amount < 0.125 and unit.startswith("tsp"):
        return "a pinch"
    if amount > 1:
        unit = _PLURAL.sub(lambda m: m.group(1) + "s", unit, count=1)
    return f"{friendly(amount)} {unit}".strip()
