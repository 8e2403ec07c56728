"""The shopping list of a plan: what to buy, in whole packs or natural counts, aisle by aisle.

:func:`build_shopping_list` adds up every food's grams over the planned days, subtracts what
the person already has (:func:`read_have`) and converts the rest into what a shop sells: whole
packs of the catalogue's ``purchase_unit`` (rounded up, with the grams left over) or, for foods
with a ``count_unit``, natural counts ("7 medium bananas"). Rows are grouped by store aisle in
walking order (``foods/data/vocabulary.csv``, kind ``aisle``) and priced from the food table
(USD per kg of edible food, with its source). Tap water is drunk, not bought: it is left out
and said so in a note.

Every item counts: the ingredients of the dishes (``dish_id`` set) as well as the side foods;
each row names the dishes that use the food (:func:`used_in_text`). A spice or herb used by the
pinch is still bought as one whole jar or bunch, and a note names those small needs so the
person can check the pantry first (or list them as already at home).

The list is written as CSV (:func:`to_csv`), Markdown (:func:`to_markdown`) or a standalone
printable HTML page (:func:`to_html`).

Examples
--------
>>> import pandas as pd
>>> foods = pd.DataFrame(
...     {"name": ["Banana", "Cinnamon, ground"], "aisle": ["produce", "oils_condiments"],
...      "purchase_unit": ["1 lb", "2.4 oz jar"], "purchase_g": [454.0, 68.0],
...      "count_unit": ["medium banana", ""], "count_g": [118.0, None],
...      "price_usd_per_kg": [1.39, 43.97], "price_source": ["estimate", "estimate"]},
...     index=pd.Index(["banana", "cinnamon"], name="food_id"))
>>> plan = {"days": [{"day": 1, "meals": [{"slot": "breakfast",
...     "dishes": [{"dish_id": "oats", "name": "Banana Oatmeal", "role": "main"}],
...     "items": [{"food_id": "banana", "grams": 118.0, "dish_id": "oats"},
...               {"food_id": "cinnamon", "grams": 0.5, "dish_id": "oats"},
...               {"food_id": "banana", "grams": 118.0, "dish_id": None}]}]}]}
>>> shopping = build_shopping_list(plan, foods)
>>> [(buy_text(r), used_in_text(r)) for r in shopping.rows]
[('2 medium bananas', 'Banana Oatmeal'), ('1 × 2.4 oz jar', 'Banana Oatmeal')]
>>> shopping.notes[0]
'A whole pack for a small amount (check the pantry first): Cinnamon, ground (0.5 g of 2.4 oz jar).'
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foods.errors import UserError
from foods.vocabulary import labels, vocabulary
from planner.domain.plan import Plan, as_plan
from planner.domain.planjson import MAX_ITEM_G, plan_problems
from planner.outputs import textfmt
from planner.outputs.templates import render

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_COLUMNS",
    "ShoppingError",
    "ShoppingList",
    "ShoppingRow",
    "buy_text",
    "build_shopping_list",
    "is_not_purchased",
    "plural",
    "read_have",
    "read_plan",
    "to_csv",
    "to_html",
    "to_markdown",
    "used_in_text",
]

#: Columns of :func:`to_csv`, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "aisle",
    "food_id",
    "name",
    "needed_g",
    "have_g",
    "buy_quantity",
    "buy_unit",
    "buy_g",
    "leftover_g",
    "est_cost_usd",
    "price_source",
    "for_dishes",
)

#: A whole pack bought for less than this (g) and less than :data:`SMALL_NEED_SHARE` of it (a
#: pinch of a spice, a sprig of a herb, a spoon of a sauce) gets a note: it may be at home.
SMALL_NEED_G = 10.0
SMALL_NEED_SHARE = 0.1
#: Dish names shown per row by :func:`used_in_text` before "and N more".
SHOWN_DISHES = 2

#: A need this close (g) above a whole number of packs or counts is float noise, not one more.
ROUNDING_SLACK_G = 0.5
#: What is at home covers a food when less than this share of the need (and at most
#: :data:`ROUNDING_SLACK_G`) is left: a pinch of pepper (0.2 g) is bought unless it is at home.
COVERED_SHARE = 0.01

#: ``purchase_unit`` text of foods that are not bought in a shop (e.g. "1 liter from the tap").
_NOT_PURCHASED = re.compile(r"\bfrom the tap\b|\btap water\b|^\s*tap\b", re.IGNORECASE)

#: Nouns whose plural is not "+s" (count units of the catalogue and common custom ones).
_IRREGULAR_PLURALS: dict[str, str] = {
    "potato": "potatoes",
    "tomato": "tomatoes",
    "mango": "mangoes",
    "kiwifruit": "kiwifruit",
    "fish": "fish",
    "leaf": "leaves",
    "loaf": "loaves",
    "knife": "knives",
}


class ShoppingError(UserError):
    """A plan or an "already have" file cannot be turned into a shopping list."""


@dataclass(frozen=True)
class ShoppingRow:
    """One food to buy.

    Attributes
    ----------
    aisle, aisle_label : str
        Store section key (``produce``) and its label ("Fruit and vegetables").
    food_id, name : str
        The food.
    needed_g : float
        Grams the plan uses over its days (g, edible).
    have_g : float
        Grams already at home that were subtracted (g, at most ``needed_g``).
    buy_quantity : int
        Whole packs or whole counts to buy (≥ 1).
    buy_unit : str
        What one of them is: the ``count_unit`` ("medium banana") or the ``purchase_unit``
        ("15 oz can").
    by_count : bool
        Whether ``buy_unit`` is a natural count (else a pack).
    buy_g : float
        Edible grams bought (g) = ``buy_quantity`` × grams per unit.
    leftover_g : float
        Grams bought but not used this period (g).
    est_cost_usd : float or None
        ``buy_g`` / 1000 × price (USD); None when the table has no price.
    price_source : str
        Where the price comes from (ERS, BLS, user, estimate: ...).
    dishes : tuple of str
        Names of the dishes the food is an ingredient of, in plan order (none for a food
        eaten only as a side).
    """

    aisle: str
    aisle_label: str
    food_id: str
    name: str
    needed_g: float
    have_g: float
    buy_quantity: int
    buy_unit: str
    by_count: bool
    buy_g: float
    leftover_g: float
    est_cost_usd: float | None
    price_source: str
    dishes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The row as CSV-ready values (grams to 0.1 g, cost to the cent)."""
        return {
            "aisle": self.aisle,
            "aisle_label": self.aisle_label,
            "food_id": self.food_id,
            "name": self.name,
            "needed_g": round(self.needed_g, 1),
            "have_g": round(self.have_g, 1),
            "buy_quantity": self.buy_quantity,
            "buy_unit": self.buy_unit,
            "buy_g": round(self.buy_g, 1),
            "leftover_g": round(self.leftover_g, 1),
            "est_cost_usd": None if self.est_cost_usd is None else round(self.est_cost_usd, 2),
            "price_source": self.price_source,
            "for_dishes": list(self.dishes),
        }


@dataclass(frozen=True)
class ShoppingList:
    """What to buy for a plan, aisle by aisle.

    Attributes
    ----------
    rows : tuple of ShoppingRow
        Foods to buy, grouped by aisle in walking order, then by name.
    total_usd : float
        Estimated cost of everything bought (USD; whole packs, not only what is eaten).
    days : int
        Days the plan covers.
    title : str
        Heading for the printed list.
    notes : tuple of str
        Footnotes: foods not bought (tap water, already at home) and ignored "have" entries.
    """

    rows: tuple[ShoppingRow, ...]
    total_usd: float
    days: int
    title: str
    notes: tuple[str, ...] = ()

    def aisles(self) -> list[tuple[str, list[ShoppingRow]]]:
        """Rows grouped as ``[(aisle_label, rows), ...]`` in walking order."""
        groups: list[tuple[str, list[ShoppingRow]]] = []
        for row in self.rows:
            if not groups or groups[-1][1][0].aisle != row.aisle:
                groups.append((row.aisle_label, []))
            groups[-1][1].append(row)
        return groups


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def is_not_purchased(purchase_unit: str) -> bool:
    """Whether a ``purchase_unit`` names something not bought in a shop (tap water).

    >>> is_not_purchased("1 liter from the tap"), is_not_purchased("15 oz can")
    (True, False)
    """
    return bool(_NOT_PURCHASED.search(purchase_unit))


def plural(noun: str) -> str:
    """English plural of a count unit: ``medium banana`` → ``medium bananas``.

    The head noun is the last word, or the word before " of " (``ear of corn`` → ``ears of
    corn``).

    >>> plural("medium potato"), plural("ear of corn"), plural("large egg")
    ('medium potatoes', 'ears of corn', 'large eggs')
    """
    head, sep, tail = noun.partition(" of ")
    words = head.split(" ")
    last = words[-1]
    lower = last.lower()
    if lower in _IRREGULAR_PLURALS:
        new = _IRREGULAR_PLURALS[lower]
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        new = last + "es"
    elif len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        new = last[:-1] + "ies"
    else:
        new = last + "s"
    words[-1] = new
    return " ".join(words) + sep + tail


def buy_text(row: ShoppingRow) -> str:
    """What to pick up, in words: ``7 medium bananas`` or ``2 × 15 oz can``."""
    if row.by_count:
        unit = row.buy_unit if row.buy_quantity == 1 else plural(row.buy_unit)
        return f"{row.buy_quantity} {unit}"
    return f"{row.buy_quantity} × {row.buy_unit}"


def _units_to_buy(need_g: float, unit_g: float) -> int:
    """Whole units covering ``need_g`` grams (rounded up; float noise ignored)."""
    return max(1, math.ceil((need_g - ROUNDING_SLACK_G) / unit_g))


@dataclass
class _PlanUse:
    """What a plan uses: grams (g) per food over its days, the names it gives the foods, the
    dishes each food is an ingredient of (in plan order) and its number of days."""

    grams: dict[str, float]
    names: dict[str, str]
    dishes: dict[str, list[str]]
    days: int


def _as_plan(plan: Plan | Mapping[str, Any]) -> Plan:
    """The typed plan; a JSON not in the plan's shape is a :class:`ShoppingError` naming the
    broken places."""
    if not isinstance(plan, Plan) and not (
        isinstance(plan, Mapping) and isinstance(plan.get("days"), list)
    ):
        raise ShoppingError(
            "the plan has no 'days' list; give a plan JSON from 'cramp-planner plan'"
        )
    try:
        return as_plan(plan)
    except UserError as exc:
        raise ShoppingError(str(exc)) from None


def _plan_use(plan: Plan) -> _PlanUse:
    """Add up every item of the plan: dish ingredients and side foods alike."""
    use = _PlanUse({}, {}, {}, len(plan.days))
    for day in plan.days:
        for meal in day.meals:
            dish_names = {d.dish_id: d.name or d.dish_id for d in meal.dishes}
            for item in meal.items:
                use.grams[item.food_id] = use.grams.get(item.food_id, 0.0) + item.grams
                use.names.setdefault(item.food_id, item.name or item.food_id)
                dish = dish_names.get(item.dish_id or "")
                used_in = use.dishes.setdefault(item.food_id, [])
                if dish is not None and dish not in used_in:
                    used_in.append(dish)
    return use


def _missing(value: object) -> bool:
    """True for an empty cell of the food table: ``None``, NaN or pandas' ``NA``."""
    import pandas as pd  # here, so that reading a plan or a have-file needs no pandas

    return bool(pd.isna(value))


def _buy_row(food_id: str, food: pd.Series, name: str, need_g: float, have_g: float) -> ShoppingRow:
    """The row for one food: whole counts or packs covering ``need_g − have_g`` grams."""
    rest_g = need_g - have_g
    count_g = food.get("count_g")
    by_count = bool(food.get("count_unit")) and not _missing(count_g) and float(count_g) > 0
    unit_g = float(count_g) if by_count else float(food["purchase_g"])
    quantity = _units_to_buy(rest_g, unit_g)
    buy_g = quantity * unit_g
    price = food.get("price_usd_per_kg")
    aisle = str(food["aisle"])
    return ShoppingRow(
        aisle=aisle,
        aisle_label=labels("aisle").get(aisle, aisle.replace("_", " ").capitalize()),
        food_id=food_id,
        name=name,
        needed_g=need_g,
        have_g=have_g,
        buy_quantity=quantity,
        buy_unit=str(food["count_unit"] if by_count else food["purchase_unit"]),
        by_count=by_count,
        buy_g=buy_g,
        leftover_g=max(buy_g - rest_g, 0.0),
        est_cost_usd=None if _missing(price) else buy_g / 1000.0 * float(price),
        price_source="" if _missing(food.get("price_source")) else str(food["price_source"]),
    )


def _notes(
    rows: list[ShoppingRow], not_bought: list[str], covered: list[str], unused: list[str]
) -> list[str]:
    """Footnotes: not bought, already at home, ignored "have" entries, pinches bought as a
    whole pack, unpriced foods."""
    notes = []
    if not_bought:
        notes.append(f"Not on the list, nothing to buy: {', '.join(not_bought)}.")
    if covered:
        notes.append(f"Already at home, enough for the plan: {', '.join(covered)}.")
    if unused:
        notes.append(f"Ignored from what you have (not in this plan): {', '.join(unused)}.")
    small = [
        f"{r.name} ({_grams(r.needed_g - r.have_g)} of {r.buy_unit})"
        for r in rows
        if not r.by_count
        and r.needed_g - r.have_g < SMALL_NEED_G
        and r.leftover_g > (1 - SMALL_NEED_SHARE) * r.buy_g
    ]
    if small:
        notes.append(
            f"A whole pack for a small amount (check the pantry first): {', '.join(small)}."
        )
    unpriced = [r.name for r in rows if r.est_cost_usd is None]
    if unpriced:
        notes.append(f"No price known (not in the total): {', '.join(unpriced)}.")
    return notes


def build_shopping_list(
    plan: Plan | Mapping[str, Any],
    foods: pd.DataFrame | None = None,
    have: Mapping[str, float] | None = None,
    *,
    title: str | None = None,
) -> ShoppingList:
    """Turn a plan into a shopping list.

    Parameters
    ----------
    plan : Plan or mapping
        The plan, or its JSON (``Plan.to_dict()``, read with :meth:`Plan.from_dict`): every
        item (dish ingredient or side food) of every meal, and the meals' dishes (to name the
        dishes a food is for; plans without dishes work too).
    foods : DataFrame, optional
        The food table the plan was made from (indexed by ``food_id``; columns ``name``,
        ``aisle``, ``purchase_unit``, ``purchase_g`` (g), ``count_unit``, ``count_g`` (g),
        ``price_usd_per_kg`` (USD/kg), ``price_source``). Default: the bundled catalogue.
    have : mapping food_id → grams, optional
        What is already at home (g); subtracted before buying. A food fully covered is not
        bought (a note says so).
    title : str, optional
        Heading; default "Shopping list for N days".

    Returns
    -------
    ShoppingList
        Rows grouped by aisle (walking order), total estimated cost (USD) and notes.

    Raises
    ------
    ShoppingError
        When the plan is malformed or names a food the table does not have.
    """
    if foods is None:
        from foods.catalog import load_catalog

        foods = load_catalog()
    use = _plan_use(_as_plan(plan))
    unknown = [f for f in use.grams if f not in foods.index]
    if unknown:
        raise ShoppingError(
            f"the plan uses food(s) not in the food table: {', '.join(sorted(unknown))}; "
            "use the table the plan was made from (custom foods live in the local store)"
        )
    have = dict(have or {})
    order = {aisle: i for i, aisle in enumerate(vocabulary("aisle"))}
    rows: list[ShoppingRow] = []
    not_bought: list[str] = []
    covered: list[str] = []
    for food_id, need_g in use.grams.items():
        food = foods.loc[food_id]
        name = str(food.get("name") or use.names[food_id])
        if is_not_purchased(str(food["purchase_unit"])):
            not_bought.append(f"{name} ({food['purchase_unit']})")
            continue
        have_g = min(max(float(have.get(food_id, 0.0)), 0.0), need_g)
        if need_g - have_g <= min(ROUNDING_SLACK_G, COVERED_SHARE * need_g):
            if have_g > 0:  # (a 0 g item with nothing at home needs no word)
                covered.append(name)
            continue
        row = _buy_row(food_id, food, name, need_g, have_g)
        rows.append(replace(row, dishes=tuple(use.dishes.get(food_id, ()))))
    rows.sort(key=lambda r: (order.get(r.aisle, len(order)), r.name.lower(), r.food_id))
    unused = sorted(f for f in have if f not in use.grams)
    return ShoppingList(
        rows=tuple(rows),
        total_usd=sum(r.est_cost_usd for r in rows if r.est_cost_usd is not None),
        days=use.days,
        title=title or f"Shopping list for {use.days} day{'s' if use.days != 1 else ''}",
        notes=tuple(_notes(rows, not_bought, covered, unused)),
    )


def used_in_text(row: ShoppingRow, limit: int = SHOWN_DISHES) -> str:
    """The dishes a food is for, shortened: ``Lentil Soup, Chana Masala and 2 more``; empty
    for a food eaten only as a side. Unescaped (each format escapes it).

    >>> row = ShoppingRow("produce", "Produce", "onion_raw", "Onion", 300, 0, 3, "onion",
    ...     True, 330, 30, 0.9, "", dishes=("Lentil Soup", "Chana Masala", "Koshari"))
    >>> used_in_text(row), used_in_text(row, limit=3)
    ('Lentil Soup, Chana Masala and 1 more', 'Lentil Soup, Chana Masala, Koshari')
    """
    shown = ", ".join(row.dishes[:limit])
    more = len(row.dishes) - limit
    return f"{shown} and {more} more" if more > 0 else shown


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def _read_text(path: Path, what: str) -> str:
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ShoppingError(f"{what} {path}: file not found; check the path") from None
    except OSError as exc:
        raise ShoppingError(f"{what} {path}: cannot read the file ({exc.strerror})") from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ShoppingError(
            f"{what} {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def read_have(path: str | Path) -> dict[str, float]:
    """Read what is already at home: a CSV with columns ``food_id,grams`` (g, edible).

    Other columns (e.g. ``name``, ``note``) are ignored; blank lines are skipped; a food
    listed twice is added up.

    Raises
    ------
    ShoppingError
        Naming the line and the fix: missing columns, empty ``food_id``, grams that are not a
        number ≥ 0.
    """
    path = Path(path)
    text = _read_text(path, "have file")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ShoppingError(
            f"have file {path}: the file is empty; write a header 'food_id,grams' and one food "
            "per line"
        ) from None
    except csv.Error as exc:
        raise ShoppingError(f"have file {path}: not a readable CSV ({exc})") from None
    missing = [c for c in ("food_id", "grams") if c not in header]
    if missing:
        raise ShoppingError(
            f"have file {path}: no column {', '.join(missing)} in the header "
            f"({', '.join(header) or 'empty'}); the header must be 'food_id,grams'"
        )
    i_food, i_grams = header.index("food_id"), header.index("grams")
    out: dict[str, float] = {}
    problems: list[str] = []
    try:
        for line_no, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            food_id = cells[i_food].strip() if i_food < len(cells) else ""
            raw = cells[i_grams].strip() if i_grams < len(cells) else ""
            if not food_id:
                problems.append(f"line {line_no}: food_id is empty")
                continue
            try:
                grams = float(raw)
            except ValueError:
                problems.append(
                    f"line {line_no} ({food_id}): grams {raw!r} is not a number; write grams "
                    "like 250"
                )
                continue
            if not math.isfinite(grams) or not 0 <= grams <= MAX_ITEM_G:
                problems.append(
                    f"line {line_no} ({food_id}): grams {raw} must be within 0–{MAX_ITEM_G:g}"
                )
                continue
            out[food_id] = out.get(food_id, 0.0) + grams
    except csv.Error as exc:
        raise ShoppingError(f"have file {path}: not a readable CSV ({exc})") from None
    if problems:
        raise ShoppingError(f"have file {path}: " + "; ".join(problems))
    return out


def read_plan(path: str | Path) -> dict[str, Any]:
    """Read a plan JSON file (``cramp-planner plan --format json`` or ``plans show``).

    Raises
    ------
    ShoppingError
        When the file is missing, not JSON, or has no ``days`` list.
    """
    path = Path(path)
    text = _read_text(path, "plan file")
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShoppingError(
            f"plan file {path}: not JSON (line {exc.lineno}: {exc.msg}); give the output of "
            "'cramp-planner plan --format json'"
        ) from None
    except RecursionError:
        raise ShoppingError(f"plan file {path}: nested too deeply to be a plan") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ShoppingError(f"plan file {path}: not a usable plan ({exc})") from None
    problems = plan_problems(plan)
    if problems:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        raise ShoppingError(
            f"plan file {path} is not a plan: {shown}; give the output of "
            "'cramp-planner plan --format json'"
        )
    return dict(plan)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def to_csv(shopping: ShoppingList) -> str:
    """The list as CSV (:data:`CSV_COLUMNS`), rows grouped by aisle in walking order."""
    return textfmt.to_csv([r.as_dict() for r in shopping.rows], CSV_COLUMNS)


def _grams(value: float) -> str:
    """``0.2 g``, ``6 g``, ``1,250 g``: a pinch keeps its decimal."""
    return f"{round(value, 1):g} g" if value < 10 else f"{value:,.0f} g"


def _money(value: float | None) -> str:
    return "–" if value is None else f"${value:,.2f}"


def _md(text: str) -> str:
    """Outside text made inert in Markdown (:func:`planner.outputs.textfmt.md_escape`)."""
    return textfmt.md_escape(text)


def _sources(shopping: ShoppingList) -> list[tuple[str, str]]:
    return [(r.name, r.price_source) for r in shopping.rows if r.price_source]


def to_markdown(shopping: ShoppingList) -> str:
    """The list as Markdown (``templates/shopping.md.j2``): one table per aisle (each food with
    the dishes it is for), the total, price sources and notes."""
    aisles = [(label, [_markdown_row(r) for r in rows]) for label, rows in shopping.aisles()]
    return render(
        "shopping.md.j2",
        title=shopping.title,
        total=_money(shopping.total_usd),
        aisles=aisles,
        nothing=not shopping.rows,
        sources=_sources(shopping),
        notes=shopping.notes,
    )


def _markdown_row(row: ShoppingRow) -> dict[str, str]:
    """One row's cells: text to escape (buy, name, used_in) and formatted amounts."""
    return {
        "buy": buy_text(row),
        "name": row.name,
        "used_in": used_in_text(row),
        "needed": _grams(row.needed_g),
        "have": _grams(row.have_g) if row.have_g else "",
        "leftover": _grams(row.leftover_g),
        "cost": _money(row.est_cost_usd),
    }


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
       color: #1a1a1a; max-width: 60rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; border-bottom: 2px solid #2e7d32; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd;
         vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.box { width: 1.2rem; font-size: 1.1rem; }
.total { font-size: 1.1rem; font-weight: 600; }
.muted, .sources { color: #555; font-size: .85rem; }
@media print {
  body { margin: 0; font-size: 10.5pt; max-width: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: avoid; page-break-inside: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .sources { font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def to_html(shopping: ShoppingList) -> str:
    """The list as a standalone printable HTML page (``templates/shopping.html.j2``: each
    food with the dishes it is for; every text escaped; print CSS)."""
    aisles = [
        (
            label,
            [
                {
                    "buy": buy_text(r),
                    "name": r.name,
                    "used_in": used_in_text(r),
                    "needed": _grams(r.needed_g),
                    "have": _grams(r.have_g) if r.have_g else "",
                    "leftover": _grams(r.leftover_g),
                    "cost": _money(r.est_cost_usd),
                }
                for r in rows
            ],
        )
        for label, rows in shopping.aisles()
    ]
    return render(
        "shopping.html.j2",
        title=shopping.title,
        css=_PAGE_CSS,
        total=_money(shopping.total_usd),
        aisles=aisles,
        notes=shopping.notes,
        sources=_sources(shopping),
    )
