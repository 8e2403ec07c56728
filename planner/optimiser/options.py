"""What a person's meals can hold: main dishes, side dishes and side foods, each with its
nutrients, food groups, cost and preference cost per portion.

:func:`meal_options` applies everything about the person before any model is built: diet,
allergies (gluten included), foods and dishes left out by id or plain name, cuisines,
cooking time, the fortified switch, pregnancy (low-mercury fish only, no smoked fish) and
kidney disease (no potassium salt substitutes). Ingredients the person may not eat are
swapped by ``foods/data/substitutions.csv`` where a natural swap exists
(:func:`foods.dishes.adapt`); a dish with an ingredient that has no allowed swap is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from foods.dishes import Dish, adapt, bundled_dishes
from foods.food_groups import COMPONENTS
from foods.reference import DATA_DIR
from planner.domain.names import matches, matching
from planner.domain.request import PlanRequest
from planner.optimiser.table import NUTRIENTS, FoodTable

__all__ = ["GROUPS", "NUTRIENTS", "Options", "Preference", "meal_options", "matches"]

GROUPS: tuple[str, ...] = tuple(COMPONENTS)
#: Portions a main dish may take (servings of its recipe), and a side.
MAIN_PORTIONS: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0)
SIDE_PORTIONS: tuple[float, ...] = (1.0, 2.0)
SIDE_DISH_PORTIONS: tuple[float, ...] = (1.0, 1.5)
#: A portion is starchy when it brings this much grain (oz-eq) or starchy vegetable (cup-eq):
#: a meal holds at most one starchy thing (no rice beside pasta, no potato beside rice).
STARCHY_GRAIN_OZ = 0.75
STARCHY_VEG_CUP = 0.5
#: Fish by the FDA/EPA 2021 advice (``foods/data/fish_mercury.csv``): in pregnancy and while
#: breastfeeding only "best choice" fish are planned.
FISH_MERCURY_FILE = DATA_DIR / "fish_mercury.csv"
FAMILIES_FILE = Path(__file__).resolve().parent.parent / "data" / "food_families.csv"
#: Foods left out in pregnancy besides higher-mercury fish: refrigerated smoked fish (listeria).
PREGNANCY_EXCLUDED = frozenset({"salmon_smoked", "herring_kippered"})


@dataclass
class Options:
    """All options of one person, as parallel arrays (rows = options).

    ``nutrients`` (rows × :data:`NUTRIENTS`) and ``groups`` (rows × :data:`GROUPS`) are per
    portion; ``cost`` is USD per portion; ``preference`` the USD the objective adds when the
    option is chosen (lower = more wanted); ``fluid_ml`` the drink per portion (beverages).
    """

    keys: list[str]
    names: list[str]
    kinds: list[str]  # "main" or "side"
    slots: list[frozenset[str]]
    portions: list[tuple[float, ...]]
    grams: np.ndarray
    nutrients: np.ndarray
    groups: np.ndarray
    cost: np.ndarray
    preference: np.ndarray
    starchy: np.ndarray
    fluid_ml: np.ndarray
    minutes: list[int]
    cuisines: list[str]
    dishes: list[Dish | None]
    liked: np.ndarray
    drink: np.ndarray
    ingredients: list[frozenset[str]]
    family: list[str]
    notes: list[str] = field(default_factory=list)
    #: Filled on first use: option key → row; ingredient or family → dish rows holding it;
    #: (slot, energy) → the portion index a main dish is offered at.
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _holding: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)
    memo: dict[tuple[str, float], list[int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def index(self) -> dict[str, int]:
        """Option key → row."""
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.keys)}
        return self._index

    def holding(self, name: str) -> list[int]:
        """The dish options with ``name`` (a food id or food family) among their ingredients."""
        if self._holding is None:
            self._holding = {}
            for o, dish in enumerate(self.dishes):
                if dish is not None:
                    for key in self.ingredients[o]:
                        self._holding.setdefault(key, []).append(o)
        return self._holding.get(name, [])


# --- what the person may eat ---------------------------------------------------------------------


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def food_families() -> dict[str, str]:
    """``{food_id: family}`` for forms of the same food (fresh/frozen/canned, fat levels, egg
    preparations; ``planner/data/food_families.csv``): a day has at most one side of a
    family, and a side is not served beside a dish holding its family."""
    table = pd.read_csv(FAMILIES_FILE, dtype=str)
    return dict(zip(table["food_id"], table["family"], strict=True))


def fish_mercury() -> dict[str, str]:
    """``{food_id: "best" | "good" | "avoid"}`` by the FDA/EPA 2021 advice."""
    table = pd.read_csv(FISH_MERCURY_FILE, dtype=str)
    return dict(zip(table["food_id"], table["fda_choice"], strict=True))


def food_rules(request: PlanRequest, table: FoodTable) -> Callable[[str], bool]:
    """``allowed(food_id)``: the diet, allergies, exclusions and safety rules of the person."""
    profile = request.profile
    diet, allergies = profile.diet, set(profile.allergies)
    excluded = set().union(
        *matching(profile.exclude_foods + request.exclude_foods, table.name).values()
    )
    pregnant = profile.life_stage in ("pregnant", "lactating")
    mercury = fish_mercury()
    impaired = profile.kidney_disease or profile.potassium_raising_medication
    unknown = _unanalysed(table, ("potassium_mg",) if impaired else ())
    if profile.kidney_disease:
        unknown |= _unanalysed(table, ("phosphorus_mg",))
    allowed: set[str] = set()
    for fid in table.row:
        if diet != "omnivore" and diet not in table.diet_tags[fid]:
            continue
        if allergies & table.allergens[fid] or fid in excluded:
            continue
        if not request.allow_fortified and table.fortified[fid]:
            continue
        if pregnant and (fid in PREGNANCY_EXCLUDED or _risky_fish(fid, table, mercury)):
            continue
        if impaired and "salt substitute" in table.name[fid].lower():
            continue
        if fid in unknown:  # a limit cannot be kept on a value USDA never measured
            continue
        allowed.add(fid)
    return allowed.__contains__


def _unanalysed(table: FoodTable, keys: tuple[str, ...]) -> set[str]:
    """Foods with no USDA value for any of ``keys`` (empty = not analysed)."""
    foods = table.foods
    out: set[str] = set()
    for key in keys:
        if key in foods.columns:
            out |= set(map(str, foods.index[foods[key].isna()]))
    return out


def _risky_fish(food_id: str, table: FoodTable, mercury: Mapping[str, str]) -> bool:
    """A fish that is not an FDA "best choice" (unknown fish count as not best)."""
    return table.category[food_id] == "fish" and mercury.get(food_id) != "best"


# --- preference --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    """How much choosing an option costs in the objective, in US dollars per meal.

    ``per_appeal_point``: each point of a dish's appeal below 5 (a broadly loved dish costs
    nothing, an acquired taste up to 4 × this); ``not_liked``: added to every option that is
    not liked when the person likes something (so liked dishes, dishes with liked foods and
    liked cuisines win unless they are much dearer); ``side_not_liked``: the same for a side
    food (smaller: liking bananas must not keep every other fruit off the plan); ``side``: a
    small cost per side, so sides are added only when they bring something.
    """

    per_appeal_point: float = 0.25
    not_liked: float = 1.5
    side_not_liked: float = 0.3
    side: float = 0.12


def _dish_names(dishes: Mapping[str, Dish]) -> dict[str, str]:
    return {k: d.name for k, d in dishes.items()}


def liked_foods(request: PlanRequest, table: FoodTable) -> set[str]:
    """Food ids the person likes (by id or plain name)."""
    terms = request.profile.like_foods + request.like_foods
    return set().union(*matching(terms, table.name).values()) if terms else set()


def dish_filter(request: PlanRequest, dishes: Mapping[str, Dish]) -> set[str]:
    """Dish ids left out by name, cuisine or cooking time."""
    profile = request.profile
    out = set().union(*matching(profile.exclude_dishes, _dish_names(dishes)).values())
    out |= {k for k, d in dishes.items() if d.cuisine in profile.exclude_cuisines}
    out |= set(request.exclude_dishes)
    if profile.max_minutes_per_meal is not None:
        out |= {k for k, d in dishes.items() if d.minutes > profile.max_minutes_per_meal}
    return out


def _is_drink(food_id: str, category: str) -> bool:
    return category == "beverage" or food_id.startswith(("milk_", "soymilk", "buttermilk"))


def _drink_dish(dish: Dish, table: FoodTable) -> bool:
    """A dish that is drunk (a smoothie, a lassi): at least half its weight is drinks."""
    liquid = sum(
        i.grams for i in dish.ingredients if _is_drink(i.food_id, table.category[i.food_id])
    )
    return liquid >= 0.5 * sum(i.grams for i in dish.ingredients)


def _starchy(groups: np.ndarray) -> bool:
    grain = groups[GROUPS.index("grain_whole")] + groups[GROUPS.index("grain_refined")]
    return bool(grain >= STARCHY_GRAIN_OZ or groups[GROUPS.index("veg_starchy")] >= STARCHY_VEG_CUP)


class _Builder:
    """Collects option rows (one call of :meth:`add` per option)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(self, **row: object) -> None:
        self.rows.append(row)

    def build(self) -> Options:
        rows = self.rows
        column = [r["key"] for r in rows]

        def stack(name: str, width: int) -> np.ndarray:
            return np.array([r[name] for r in rows], dtype=float).reshape(len(rows), width)

        return Options(
            keys=[str(k) for k in column],
            names=[str(r["name"]) for r in rows],
            kinds=[str(r["kind"]) for r in rows],
            slots=[r["slots"] for r in rows],  # type: ignore[misc]
            portions=[r["portions"] for r in rows],  # type: ignore[misc]
            grams=np.array([r["grams"] for r in rows], dtype=float),
            nutrients=stack("nutrients", len(NUTRIENTS)),
            groups=stack("groups", len(GROUPS)),
            cost=np.array([r["cost"] for r in rows], dtype=float),
            preference=np.array([r["preference"] for r in rows], dtype=float),
            starchy=np.array([r["starchy"] for r in rows], dtype=bool),
            fluid_ml=np.array([r["fluid_ml"] for r in rows], dtype=float),
            minutes=[int(r["minutes"]) for r in rows],  # type: ignore[call-overload]
            cuisines=[str(r["cuisine"]) for r in rows],
            dishes=[r["dish"] for r in rows],  # type: ignore[misc]
            liked=np.array([r["liked"] for r in rows], dtype=bool),
            drink=np.array([r["drink"] for r in rows], dtype=bool),
            ingredients=[r["ingredients"] for r in rows],  # type: ignore[misc]
            family=[str(r["family"]) for r in rows],
        )


def meal_options(
    request: PlanRequest,
    table: FoodTable,
    dishes: Mapping[str, Dish] | None = None,
    preference: Preference | None = None,
) -> Options:
    """Every main dish, side dish and side food the person may have, per portion.

    Parameters
    ----------
    request : PlanRequest
        The person and the request's extra likes and exclusions.
    table : FoodTable
        The food table (catalogue plus the person's foods) as arrays.
    dishes : mapping, optional
        The dish library (default: the bundled one).
    preference : Preference, optional
        Preference costs (default :class:`Preference`).
    """
    dishes = bundled_dishes() if dishes is None else dishes
    preference = preference or Preference()
    allowed = food_rules(request, table)
    liked = liked_foods(request, table)
    liked_dishes = set().union(*matching(request.profile.like_dishes, _dish_names(dishes)).values())
    has_likes = bool(liked or liked_dishes or request.profile.cuisines)
    left_out = dish_filter(request, dishes)
    planned = frozenset(request.profile.meals_to_plan)
    builder = _Builder()
    notes = _unmatched(request, table, dishes) + [
        f"You like {table.name[f]}, but your diet, allergies or exclusions leave it out of "
        "the plan."
        for f in sorted(liked)
        if not allowed(f)
    ]
    kept: list[tuple[Dish, frozenset[str], float, bool]] = []
    for dish_id, dish in dishes.items():
        slots = frozenset(dish.meals) & planned
        adapted = None
        if slots and dish_id not in left_out:
            adapted = adapt(dish, lambda f: f in table.row and allowed(f))
        if adapted is None:
            if dish_id in liked_dishes:
                notes.append(
                    f"You like {dish.name}, but your diet, allergies, exclusions, cooking time "
                    "or planned meals leave it out of the plan."
                )
            continue
        is_liked = (
            dish_id in liked_dishes
            or dish.cuisine in request.profile.cuisines
            or bool(liked & set(adapted.food_ids()))
        )
        pref = preference.per_appeal_point * (5 - dish.appeal)
        pref += preference.not_liked if has_likes and not is_liked else 0.0
        pref += preference.side if dish.kind == "side" else 0.0
        kept.append((adapted, slots, pref, is_liked))
    nutrients, groups = _dish_amounts([k[0] for k in kept], table)
    for (adapted, slots, pref, is_liked), nut, grp in zip(kept, nutrients, groups, strict=True):
        _add_dish(builder, adapted, slots, table, (pref, is_liked), (nut, grp))
    _add_side_foods(builder, request, table, allowed, liked, preference)
    options = builder.build()
    options.notes.extend(notes)
    return options


def _unmatched(request: PlanRequest, table: FoodTable, dishes: Mapping[str, Dish]) -> list[str]:
    """A note for each word of the person's lists that names no food or dish (a typo)."""
    profile = request.profile
    foods = {**table.name, **_dish_names(dishes)}
    lists = (
        ("foods to leave out", profile.exclude_foods + request.exclude_foods, foods),
        ("liked foods", profile.like_foods + request.like_foods, foods),
        (
            "dishes to leave out",
            profile.exclude_dishes + request.exclude_dishes,
            _dish_names(dishes),
        ),
        ("liked dishes", profile.like_dishes, _dish_names(dishes)),
    )
    notes = []
    for what, terms, names in lists:
        for term, hits in matching(terms, names).items():
            if not hits:
                notes.append(
                    f"Nothing is called {term!r} in your {what}: check the spelling, or use "
                    "a word from a food's or dish's name."
                )
    return notes


def _dish_amounts(dishes: list[Dish], table: FoodTable) -> tuple[np.ndarray, np.ndarray]:
    """Nutrients and food-group amounts of a portion of each dish (rows follow ``dishes``),
    as one product of a dishes × foods matrix of grams with the per-100 g table."""
    grams = np.zeros((len(dishes), len(table.row)))
    for k, dish in enumerate(dishes):
        for i in dish.ingredients:
            grams[k, table.row[i.food_id]] += i.grams
    return grams @ table.nutrients / 100.0, grams @ table.groups / 100.0


def _add_dish(
    builder: _Builder,
    dish: Dish,
    slots: frozenset[str],
    table: FoodTable,
    appeal: tuple[float, bool],
    amounts: tuple[np.ndarray, np.ndarray],
) -> None:
    """One dish (already adapted to the person) as an option: ``appeal`` is its preference
    cost (USD) and whether it is liked, ``amounts`` its nutrients and food groups a portion."""
    preference, liked = appeal
    nutrients, groups = amounts
    builder.add(
        key=dish.dish_id,
        name=dish.name,
        kind=dish.kind,
        slots=slots,
        portions=MAIN_PORTIONS if dish.kind == "main" else SIDE_DISH_PORTIONS,
        grams=float(sum(i.grams for i in dish.ingredients)),
        nutrients=nutrients,
        groups=groups,
        cost=sum(i.grams / 1000.0 * table.price[i.food_id] for i in dish.ingredients),
        preference=preference,
        starchy=_starchy(groups),
        fluid_ml=0.0,
        minutes=dish.minutes,
        cuisine=dish.cuisine,
        dish=dish,
        liked=liked,
        drink=_drink_dish(dish, table),
        ingredients=frozenset(dish.food_ids())
        | {food_families().get(f, f) for f in dish.food_ids()},
        family=dish.dish_id,
    )


def _add_side_foods(
    builder: _Builder,
    request: PlanRequest,
    table: FoodTable,
    allowed: Callable[[str], bool],
    liked: set[str],
    preference: Preference,
) -> None:
    """Single foods eaten as sides, one normal serving per portion."""
    planned = frozenset(request.profile.meals_to_plan)
    for fid, i in table.row.items():
        slots = table.slots[fid] & planned
        if table.role[fid] != "side" or not slots or not allowed(fid):
            continue
        grams = table.serving_g[fid]
        groups = table.groups[i] * grams / 100.0
        drink = _is_drink(fid, table.category[fid])
        builder.add(
            key=fid,
            name=table.name[fid],
            kind="side",
            slots=slots,
            portions=SIDE_PORTIONS,
            grams=grams,
            nutrients=table.nutrients[i] * grams / 100.0,
            groups=groups,
            cost=table.price[fid] * grams / 1000.0,
            preference=preference.side
            + (preference.side_not_liked if liked and fid not in liked else 0.0),
            starchy=_starchy(groups),
            fluid_ml=grams if drink else 0.0,
            minutes=0,
            cuisine="",
            dish=None,
            liked=fid in liked,
            drink=drink,
            ingredients=frozenset({fid}),
            family=food_families().get(fid, fid),
        )
