"""From a solved day model to a :class:`~planner.domain.plan.DayPlan`: dishes, items, totals.

The day's totals and food groups are recomputed from the items' grams × the food table (and
the MyPlate equivalents per 100 g), never read from the model; the week checks every hard
maximum against these recomputed numbers before a plan is shown.
"""

from __future__ import annotations

from types import MappingProxyType

from planner.domain.household import scale_household
from planner.domain.plan import DayPlan, DishChoice, Meal
from planner.optimiser.model import DayModel
from planner.optimiser.table import FoodTable


def chosen(model: DayModel) -> list[tuple[str, int, float]]:
    """``(slot, option row, portion)`` of every option the solved model takes."""
    opts = model.options
    out = []
    for (s, o, k), var in model.choice.items():
        if (var.varValue or 0.0) > 0.5:
            out.append((s, o, opts.portions[o][k]))
    return out


def _meal(slot: str, picks: list[tuple[int, float]], model: DayModel, table: FoodTable) -> Meal:
    """A meal: the main dish first, then side dishes, then side foods."""
    opts = model.options
    order = sorted(picks, key=lambda p: (opts.kinds[p[0]] != "main", opts.dishes[p[0]] is None))
    dishes, items = [], []
    for o, portion in order:
        dish = opts.dishes[o]
        if dish is None:
            household = scale_household(table.household[opts.keys[o]], portion)
            items.append(
                table.item(opts.keys[o], opts.grams[o] * portion, household, portion=portion)
            )
            continue
        dishes.append(
            DishChoice(
                dish_id=dish.dish_id,
                name=dish.name,
                role=dish.kind,
                portion=portion,
                minutes=dish.minutes,
                cuisine=dish.cuisine,
                steps=dish.steps,
            )
        )
        for ing in dish.ingredients:
            household = scale_household(ing.household, portion)
            extra = {
                "dish_id": dish.dish_id,
                "replaces": ing.replaces,
                "replaces_name": _name_of(ing.replaces, table),
                "portion": portion,
            }
            items.append(table.item(ing.food_id, ing.grams * portion, household, **extra))
    return Meal(slot=slot, dishes=tuple(dishes), items=tuple(items))


def _name_of(food_id: str | None, table: FoodTable) -> str | None:
    """The name of a replaced food (it may be left out of the person's table: then the
    catalogue's name, or the id)."""
    if food_id is None:
        return None
    if food_id in table.name:
        return table.name[food_id]
    from foods.catalog import bundled_catalog

    catalog = bundled_catalog()
    return str(catalog.at[food_id, "name"]) if food_id in catalog.index else food_id


def extract_day(day: int, model: DayModel, table: FoodTable) -> DayPlan:
    """The solved day as a :class:`DayPlan` (water to drink is filled in by the week)."""
    by_slot: dict[str, list[tuple[int, float]]] = {}
    for slot, o, portion in chosen(model):
        by_slot.setdefault(slot, []).append((o, portion))
    meals = tuple(_meal(s, by_slot[s], model, table) for s in model.slots if s in by_slot)
    items = [i for m in meals for i in m.items]
    totals, groups = table.totals(items)
    return DayPlan(
        day=day,
        meals=meals,
        totals=MappingProxyType(totals),
        food_groups=MappingProxyType(groups),
        cost_usd=sum(i.cost_usd for i in items),
    )
