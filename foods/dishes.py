"""The dish library: recipes written for this project, held as tables in ``foods/data/dishes/``.

Each set of dishes is two CSV files side by side:

``<set>_dishes.csv``
    ``dish_id, name, kind, meals, cuisine, minutes, appeal, steps`` — one row per dish.
    ``kind`` is ``main`` (the centre of a meal) or ``side`` (a small dish served beside one);
    ``meals`` lists where it is eaten (``breakfast|lunch|dinner|snack``); ``minutes`` is the
    total time from start to table; ``appeal`` (1–5) is how widely liked the dish is by
    default; ``steps`` are short instructions separated by ``|``.
``<set>_ingredients.csv``
    ``dish_id, food_id, grams, household`` — one row per ingredient of **one portion**:
    catalogue food ids (``foods/data/catalog.csv``), grams as eaten, household text.

Nothing about a dish's diet, allergens or nutrients is typed by hand: :func:`dish_table`
derives them from the ingredients (diet tags are the intersection of the ingredients' tags,
allergens their union, nutrients the sum of grams × the USDA values). A dish that names an
unknown food, or any other broken row, is refused with the file, the row and the fix.

``foods/data/substitutions.csv`` lists natural swaps (milk → fortified soy milk, spinach ↔
kale, wheat pasta → corn pasta): :func:`adapt` applies them when a person cannot or will not
eat an ingredient, and drops the dish only when an ingredient has no acceptable swap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from foods.cache import cached
from foods.errors import FoodTableError
from foods.reference import DATA_DIR, nutrient_keys
from foods.vocabulary import is_food_id, vocabulary

DISH_DIR = DATA_DIR / "dishes"
SUBSTITUTIONS_FILE = DATA_DIR / "substitutions.csv"
DISH_COLUMNS = ("dish_id", "name", "kind", "meals", "cuisine", "minutes", "appeal", "steps")
INGREDIENT_COLUMNS = ("dish_id", "food_id", "grams", "household")
#: Most minutes a dish may take (start to table), and most grams of one ingredient a portion.
MAX_MINUTES = 240
MAX_INGREDIENT_G = 1000.0
DIETS = ("vegan", "vegetarian", "pescatarian")


@dataclass(frozen=True)
class Ingredient:
    """One ingredient of one portion: ``grams`` (g) of ``food_id``, said as ``household``.

    ``replaces`` names the food it stands in for when a substitution was made.
    """

    food_id: str
    grams: float
    household: str
    replaces: str | None = None


@dataclass(frozen=True)
class Dish:
    """A recipe for one portion (see the module docstring for the fields)."""

    dish_id: str
    name: str
    kind: str
    meals: tuple[str, ...]
    cuisine: str
    minutes: int
    appeal: int
    steps: tuple[str, ...]
    ingredients: tuple[Ingredient, ...]

    def food_ids(self) -> tuple[str, ...]:
        """The catalogue foods the dish uses, in recipe order."""
        return tuple(i.food_id for i in self.ingredients)


# --- reading -------------------------------------------------------------------------------


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise FoodTableError(f"{path.name}: cannot read the dish table ({exc})") from exc
    missing = [c for c in columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in columns]
    if missing or extra:
        raise FoodTableError(
            f"{path.name}: columns must be {', '.join(columns)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(extra)}" if extra else "")
        )
    frame = frame.apply(lambda col: col.str.strip())
    frame["source"] = [f"{path.name} line {i + 2}" for i in range(len(frame))]
    return frame


def read_dish_tables(
    directory: Path = DISH_DIR, sets: str = "*"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All ``<set>_dishes.csv`` and ``<set>_ingredients.csv`` of ``directory`` (``sets`` is a
    glob over set names) as two text tables; each row carries ``source`` (file and line).
    """
    dish_files = sorted(directory.glob(f"{sets}_dishes.csv"))
    if not dish_files:
        raise FoodTableError(f"{directory}: no *_dishes.csv files; the dish library is missing")
    dishes, ingredients = [], []
    for path in dish_files:
        partner = path.with_name(path.name.replace("_dishes.csv", "_ingredients.csv"))
        if not partner.exists():
            raise FoodTableError(f"{path.name}: its ingredients file {partner.name} is missing")
        dishes.append(_read(path, DISH_COLUMNS))
        ingredients.append(_read(partner, INGREDIENT_COLUMNS))
    return pd.concat(dishes, ignore_index=True), pd.concat(ingredients, ignore_index=True)


# --- one check per rule ---------------------------------------------------------------------


def _where(row: Mapping[str, Any]) -> str:
    return f"{row['source']} (dish_id {row['dish_id']!r})"


def check_dish_rows(dishes: pd.DataFrame) -> list[str]:
    """Ids are unique slugs; kind, meals and cuisine are known words; minutes, appeal and
    steps are present and in range."""
    problems = []
    kinds, slots = set(vocabulary("dish_kind")), set(vocabulary("slot"))
    cuisines = set(vocabulary("cuisine"))
    seen: set[str] = set()
    for row in dishes.to_dict("records"):
        where = _where(row)
        if not is_food_id(row["dish_id"]):  # one id rule for foods and dishes
            problems.append(f"{where}: dish_id must be 1–60 of a-z, 0-9 and '_'")
        if row["dish_id"] in seen:
            problems.append(f"{where}: dish_id appears more than once; give each dish its own")
        seen.add(row["dish_id"])
        if not row["name"]:
            problems.append(f"{where}: name is empty")
        if row["kind"] not in kinds:
            problems.append(f"{where}: kind {row['kind']!r} must be one of {sorted(kinds)}")
        meals = [m for m in row["meals"].split("|") if m]
        if not meals or set(meals) - slots:
            problems.append(
                f"{where}: meals {row['meals']!r} must be a '|' list of {sorted(slots)}"
            )
        if row["cuisine"] not in cuisines:
            problems.append(f"{where}: cuisine {row['cuisine']!r} is not in vocabulary.csv")
        problems += _integer(where, "minutes", row["minutes"], 1, MAX_MINUTES)
        problems += _integer(where, "appeal", row["appeal"], 1, 5)
        if not [s for s in row["steps"].split("|") if s.strip()]:
            problems.append(f"{where}: steps are empty; write the steps separated by '|'")
    return problems


def _integer(where: str, name: str, text: str, lo: int, hi: int) -> list[str]:
    if not (text.isascii() and text.isdigit()) or not lo <= int(text) <= hi:
        return [f"{where}: {name} {text!r} must be a whole number within {lo}–{hi}"]
    return []


#: Foods never listed as ingredients: cooking water is in the steps, drinking water in the
#: day's water schedule.
NOT_INGREDIENTS = frozenset({"water_tap", "water_bottled"})


def check_ingredient_rows(
    ingredients: pd.DataFrame, dishes: pd.DataFrame, foods: pd.DataFrame
) -> list[str]:
    """Every ingredient names a known dish and a known food once, with grams and household."""
    problems = []
    dish_ids = set(dishes["dish_id"])
    known = set(foods.index)
    for row in ingredients.to_dict("records"):
        where = _where(row)
        if row["dish_id"] not in dish_ids:
            problems.append(f"{where}: no dish with this id in the dishes file")
        if row["food_id"] not in known:
            problems.append(
                f"{where}: unknown food_id {row['food_id']!r}; use an id from "
                "`cramp-planner foods list` or add the food to foods/data/catalog.csv"
            )
        elif row["food_id"] in NOT_INGREDIENTS:
            problems.append(
                f"{where}: {row['food_id']!r} is drinking water, not an ingredient; say "
                "'add water' in the steps instead (the plan states the water to drink)"
            )
        try:
            grams = float(row["grams"])
        except ValueError:
            grams = math.nan
        if not 0 < grams <= MAX_INGREDIENT_G:
            problems.append(f"{where}: grams {row['grams']!r} must be above 0 and at most 1000")
        if not row["household"]:
            problems.append(f"{where}: household is empty (e.g. '1/2 cup, chopped')")
    dupes = ingredients[ingredients.duplicated(["dish_id", "food_id"], keep="first")]
    problems += [f"{_where(r)}: {r['food_id']!r} is listed twice" for r in dupes.to_dict("records")]
    bare = dish_ids - set(ingredients["dish_id"])
    problems += [f"dish_id {d!r}: has no ingredients" for d in sorted(bare)]
    return problems


def _raise(problems: list[str], what: str) -> None:
    if problems:
        shown = problems[:25] + (
            [f"... and {len(problems) - 25} more"] if len(problems) > 25 else []
        )
        raise FoodTableError(f"{what}: {len(problems)} problem(s):\n- " + "\n- ".join(shown))


# --- building ------------------------------------------------------------------------------


def build_dishes(
    dishes: pd.DataFrame, ingredients: pd.DataFrame, foods: pd.DataFrame
) -> dict[str, Dish]:
    """Check the two text tables against ``foods`` and return ``{dish_id: Dish}``.

    Raises
    ------
    FoodTableError
        Naming every broken row (file and line) and the fix.
    """
    _raise(check_dish_rows(dishes) + check_ingredient_rows(ingredients, dishes, foods), "dishes")
    parts: dict[str, list[Ingredient]] = {}
    for row in ingredients.itertuples(index=False):
        parts.setdefault(str(row.dish_id), []).append(
            Ingredient(str(row.food_id), float(row.grams), str(row.household))
        )
    out = {}
    for row in dishes.itertuples(index=False):
        dish_id = str(row.dish_id)
        out[dish_id] = Dish(
            dish_id=dish_id,
            name=str(row.name),
            kind=str(row.kind),
            meals=tuple(m for m in str(row.meals).split("|") if m),
            cuisine=str(row.cuisine),
            minutes=int(str(row.minutes)),
            appeal=int(str(row.appeal)),
            steps=tuple(s.strip() for s in str(row.steps).split("|") if s.strip()),
            ingredients=tuple(parts[dish_id]),
        )
    return out


@lru_cache(maxsize=1)
def bundled_dishes() -> dict[str, Dish]:
    """The bundled dish library, checked against the bundled catalogue (cached in memory and,
    by :mod:`foods.cache`, on disk)."""
    from foods.catalog import bundled_catalog

    return cached("dishes", lambda: build_dishes(*read_dish_tables(), bundled_catalog()))


# --- substitutions ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def substitutions() -> dict[str, tuple[str, ...]]:
    """``{food_id: (substitute ids, best first)}`` from ``foods/data/substitutions.csv``."""
    table = pd.read_csv(SUBSTITUTIONS_FILE, dtype=str, keep_default_na=False)
    out: dict[str, list[str]] = {}
    for row in table.itertuples(index=False):
        out.setdefault(str(row.food_id), []).append(str(row.substitute_id))
    return {k: tuple(v) for k, v in out.items()}


def adapt(
    dish: Dish,
    allowed: Callable[[str], bool],
    swaps: Mapping[str, tuple[str, ...]] | None = None,
) -> Dish | None:
    """The dish with every ingredient the person may not eat swapped for an allowed substitute.

    ``allowed(food_id)`` says whether the person may eat a food. Returns ``None`` when some
    ingredient has no allowed substitute (the dish is then out for this person).

    Examples
    --------
    >>> d = Dish("x", "X", "main", ("lunch",), "american", 5, 3, ("Mix.",),
    ...          (Ingredient("milk_2pct", 244, "1 cup"), Ingredient("banana_raw", 118, "1")))
    >>> adapt(d, lambda f: f != "milk_2pct", {"milk_2pct": ("soymilk_fortified",)}).food_ids()
    ('soymilk_fortified', 'banana_raw')
    >>> adapt(d, lambda f: f != "banana_raw", {}) is None
    True
    """
    swaps = substitutions() if swaps is None else swaps
    parts = []
    for item in dish.ingredients:
        if allowed(item.food_id):
            parts.append(item)
            continue
        substitute = next((s for s in swaps.get(item.food_id, ()) if allowed(s)), None)
        if substitute is None:
            return None
        parts.append(replace(item, food_id=substitute, replaces=item.food_id))
    return replace(dish, ingredients=tuple(parts))


# --- derived properties ----------------------------------------------------------------------


def derived_tags(dish: Dish, foods: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(diet_tags, allergens)`` of a dish from its ingredients' catalogue tags."""
    diets = set(DIETS)
    allergens: set[str] = set()
    for food_id in dish.food_ids():
        diets &= set(foods.at[food_id, "diet_tags"])
        allergens |= set(foods.at[food_id, "allergens"])
    order = vocabulary("allergen")
    return tuple(d for d in DIETS if d in diets), tuple(a for a in order if a in allergens)


def dish_nutrients(
    dishes: Iterable[Dish], foods: pd.DataFrame, keys: Iterable[str] | None = None
) -> pd.DataFrame:
    """Nutrients of one portion of each dish (rows dish ids, columns ``keys``; units of the
    keys). Missing USDA values count as 0 here; :func:`missing_values` says where."""
    keys = list(nutrient_keys() if keys is None else keys)
    per100 = np.nan_to_num(foods[keys].to_numpy(dtype=float))
    row = {f: i for i, f in enumerate(foods.index)}
    dishes = list(dishes)
    out = np.zeros((len(dishes), len(keys)))
    for n, dish in enumerate(dishes):
        for item in dish.ingredients:
            out[n] += per100[row[item.food_id]] * item.grams / 100.0
    return pd.DataFrame(out, index=[d.dish_id for d in dishes], columns=keys)


def dish_cost(dish: Dish, foods: pd.DataFrame) -> float:
    """Cost of one portion in US dollars (grams × price per kg of each ingredient)."""
    prices = foods["price_usd_per_kg"]
    return sum(
        i.grams / 1000.0 * float(prices.get(i.food_id, 0.0) or 0.0) for i in dish.ingredients
    )


def dish_table(dishes: Mapping[str, Dish], foods: pd.DataFrame) -> pd.DataFrame:
    """One row per dish: fields, derived diet tags and allergens, grams, cost (USD) and the
    nutrients of one portion."""
    records = []
    for dish in dishes.values():
        diets, allergens = derived_tags(dish, foods)
        records.append(
            {
                "dish_id": dish.dish_id,
                "name": dish.name,
                "kind": dish.kind,
                "meals": dish.meals,
                "cuisine": dish.cuisine,
                "minutes": dish.minutes,
                "appeal": dish.appeal,
                "diet_tags": diets,
                "allergens": allergens,
                "grams": sum(i.grams for i in dish.ingredients),
                "cost_usd": dish_cost(dish, foods),
            }
        )
    table = pd.DataFrame.from_records(records).set_index("dish_id", drop=False)
    return table.join(dish_nutrients(dishes.values(), foods))
