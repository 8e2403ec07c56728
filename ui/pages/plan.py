"""Plan (start page): the week's dishes, what falls short and why, food groups and HEI-2020,
coverage of the targets and where the minerals come from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from foods.errors import UserError
from foods.vocabulary import labels
from planner import services
from planner.domain.plan import DayPlan, Meal, Plan, Shortfall, Source, as_plan
from planner.outputs.report import (
    MealView,
    coverage_rows,
    dish_meta,
    food_names,
    hei_total,
    meal_view,
    plan_markdown,
    portion_text,
    shortfall_name,
    split_shortfalls,
)
from planner.outputs.textfmt import md_escape
from ui.draw import (
    SOURCE_KEYS,
    STATUS_TEXT,
    amount,
    band_text,
    coverage_chart,
    drink_text,
    food_group_chart,
    food_group_frame,
    hei_chart,
    hei_frame,
    ingredient_lines,
    met_count,
    run_page,
    show_error,
    sources_chart,
    sources_frame,
    steps_markdown,
    title,
)
from ui.profile_form import profile_form
from ui.state import (
    K_IS_DEMO,
    K_PROFILE_NAME,
    REGENERATE_AVOID_WEIGHT,
    clean_request,
    current_foods,
    current_plan,
    get_request,
    meal_anchor,
    notify,
    pins_except,
    planned_request,
    reset_form,
    set_request,
    show_notice,
)

DAY_TOTAL_KEYS = ("potassium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug", "sodium_mg")
#: Session keys of the open day's tab (its label, "Day 3") and of the open numbers tab.
K_DAY_TAB = "plan_day"
K_NUMBERS_TAB = "plan_numbers"
Lock = Mapping[str, Any]


# --- actions (button callbacks: they change the request; the rerun re-plans) ----------------


def apply_fix(kind: str, value: str | None, name: str) -> None:
    """One-click fix from the "why not" panel: allow fortified foods, stop leaving out a
    word or id (``include <term>``), or add a food to the liked ones."""
    request = get_request()
    profile = request["profile"]
    if kind == "fortified":
        request["allow_fortified"] = True
        message = "Fortified foods are now allowed."
    elif kind == "include" and value:
        profile["exclude_foods"] = [f for f in profile.get("exclude_foods", []) if f != value]
        message = f"“{name}” is no longer left out."
    elif kind == "add" and value:
        profile["like_foods"] = sorted({*profile.get("like_foods", []), value})
        message = f"{name} is now among the foods you like, so the plan uses it more."
    else:
        return
    set_request(request)
    reset_form()
    notify(message + " Here is the new plan.")


def _key(lock: Lock) -> tuple[int, str, str]:
    return (int(lock["day"]), str(lock["slot"]), str(lock["dish_id"]))


def toggle_lock(day: int, slot: str, anchor: list[dict[str, Any]], name: str) -> None:
    """Lock a meal's dish at its portion (or unlock it); it applies from the next re-plan."""
    request = get_request()
    keys = {_key(a) for a in anchor}
    kept = [lock for lock in request["locked"] if _key(lock) not in keys]
    if len(request["locked"]) - len(kept) == len(keys):
        notify(f"Unlocked {name} (day {day}, {slot}).")
    else:
        kept += anchor
        notify(f"Locked {name} (day {day}, {slot}); re-plans keep it.")
    request["locked"] = kept
    set_request(request, keep_one_off=True, replan=False)


def swap_meal(day: int, slot: str, pins: list[dict[str, Any]], bar: list[str], name: str) -> None:
    """The next best dish for one meal: bar this one there, keep everything else as it is."""
    request = get_request()
    earlier = [f for f in request["forbidden"] if f[0] == day]  # earlier swaps of this day
    request["forbidden"] = earlier + [[day, slot, key] for key in bar]
    request["pinned"] = pins
    request["avoid_dishes"] = {}
    set_request(request, keep_one_off=True)
    notify(f"Swapped {name} (day {day}, {slot}) for the next best; the rest stays as it was.")


def new_menu(day: int, pins: list[dict[str, Any]], avoid: list[str]) -> None:
    """New menu for one day: every other day kept exactly, this day's dishes avoided."""
    request = get_request()
    request["pinned"] = pins
    request["forbidden"] = []
    request["avoid_dishes"] = dict.fromkeys(avoid, REGENERATE_AVOID_WEIGHT)
    set_request(request, keep_one_off=True)
    notify(f"New menu for day {day}; the other days keep their meals.")


def unlock_all() -> None:
    """Remove every lock."""
    request = get_request()
    request["locked"] = []
    set_request(request, keep_one_off=True, replan=False)
    notify("All locks removed.")


# --- header and "why not" ------------------------------------------------------------------


def header(plan: Plan) -> None:
    """Status line and the headline numbers."""
    status = plan.status.value
    message = (plan.message or STATUS_TEXT.get(status, status)).strip()
    first, _, rest = message.partition(". ")  # the planner's first sentence is the headline
    text = f"**{md_escape(first.rstrip('.'))}.** {md_escape(rest)}".strip()
    {"optimal": st.success, "feasible": st.success, "partial": st.warning}.get(status, st.error)(
        text
    )
    days = plan.days
    met, total = met_count(plan)
    cost = sum(d.cost_usd for d in days) / len(days) if days else 0.0
    hei = hei_total(plan)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Targets met", f"{met} of {total}", help="Daily minimums reached on every day")
    c2.metric("Food cost", f"${cost:.2f} / day", help="Estimated from US retail prices")
    c3.metric(
        "HEI-2020 score",
        "–" if hei is None else f"{hei:.0f} / 100",
        help="Healthy Eating Index-2020 of the week: how well it follows the Dietary "
        "Guidelines (100 = fully).",
    )
    c4.metric("Different dishes", f"{len(plan.dish_ids())}")
    for warning in plan.warnings:
        st.warning(md_escape(warning), icon="⚠️")


def _fixes(shortfall: Shortfall, like: set[str]) -> list[tuple[str, str | None, str]]:
    """One-click fixes of a shortfall as ``(kind, value, label)``: ``include`` carries the
    word or id to take out of the foods left out, ``add`` a food id to like."""
    fixes: list[tuple[str, str | None, str]] = []
    for source in shortfall.best_sources:
        fix = source.fix or ""
        if fix == "allow fortified foods":
            fixes.append(("fortified", None, "Allow fortified foods"))
        elif fix.startswith("include "):
            term = fix.removeprefix("include ")
            fixes.append(("include", term, f"Include {term}"))
        elif source.allowed and source.food_id and source.food_id not in like:
            fixes.append(("add", source.food_id, f"Add {source.name}"))
    unique: dict[tuple[str, str | None], tuple[str, str | None, str]] = {}
    for fix_ in fixes:
        unique.setdefault((fix_[0], fix_[1]), fix_)
    return list(unique.values())[:4]


def _sources_table(sources: list[Source]) -> None:
    table = pd.DataFrame(
        {
            "Food": [s.name for s in sources],
            "Per serving": [amount(s.per_serving, s.unit) for s in sources],
            "Serving": [s.household for s in sources],
            "Can the plan use it?": [
                "yes" if s.allowed else f"no — {s.blocked_by}" for s in sources
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _shortfall_card(n: int, items: list[Shortfall], like: set[str]) -> None:
    """One nutrient or food group that falls short: where, by how much, why, what helps."""
    first = items[0]
    unit = first.unit
    when = ", ".join("weekly average" if s.day is None else f"day {s.day}" for s in items)
    name = shortfall_name(first)
    with st.container(border=True):
        st.markdown(
            f"**{md_escape(name[:1].upper() + name[1:])}** — {when}: reaches "
            f"{amount(first.achieved, unit)} of {amount(first.target, unit)} a day."
        )
        st.write(first.reason)
        sources = list(first.best_sources)
        if sources:
            _sources_table(sources)
        fixes = _fixes(first, like)
        if fixes:
            columns = st.columns(len(fixes))
            for i, (kind, value, label_) in enumerate(fixes):
                columns[i].button(
                    label_,
                    key=f"fix_{n}_{i}",
                    on_click=apply_fix,
                    args=(kind, value, label_.split(" ", 1)[1]),
                    icon=":material/build:",
                )


def why_not(plan: Plan) -> None:
    """The "why not" panel: nutrients that fall short, then food groups below the pattern."""
    nutrients, groups = split_shortfalls(plan)
    st.subheader("What falls short, and what would help")
    if not nutrients and not groups:
        st.caption("Nothing falls short: every daily minimum and food-group amount is reached.")
        return
    like = set(get_request()["profile"].get("like_foods", []))
    n = 0
    for title_, shortfalls in (("", nutrients), ("Food groups below the pattern", groups)):
        by_key: dict[str, list[Shortfall]] = {}
        for shortfall in shortfalls:
            by_key.setdefault(shortfall.nutrient, []).append(shortfall)
        if title_ and by_key:
            st.markdown(f"**{title_}** (Dietary Guidelines amounts for the meals you plan)")
        for items in by_key.values():
            _shortfall_card(n, items, like)
            n += 1


# --- meals ---------------------------------------------------------------------------------


def _meal_heading(view: MealView, cuisine: str, locked: bool) -> None:
    """Meal and main dish; under it the portion, minutes and cuisine."""
    lock = " :material/lock:" if locked else ""
    st.markdown(f"**{md_escape(view.slot.capitalize())}** · {md_escape(view.title())}{lock}")
    main = view.main
    if main is not None:
        parts = [portion_text(main.portion), f"{main.minutes:.0f} min" if main.minutes else ""]
        parts.append(md_escape(labels("cuisine").get(cuisine, cuisine.replace("_", " "))))
        st.caption(" · ".join(p for p in parts if p))


def _meal_body(view: MealView) -> None:
    """Ingredients and steps of every dish (in an expander), then side dishes and foods."""
    if view.dishes:
        with st.expander("Ingredients and steps", icon=":material/menu_book:"):
            for dish in view.dishes:
                if len(view.dishes) > 1:
                    role = "Side: " if dish.role != "main" else ""
                    st.markdown(f"**{role}{md_escape(dish.name)}** {dish_meta(dish)}")
                if dish.ingredients:
                    st.markdown(ingredient_lines(dish.ingredients))
                if dish.steps:
                    st.markdown(steps_markdown(dish.steps))
    side_dishes = [f"- {md_escape(d.name)} {dish_meta(d)}" for d in view.side_dishes]
    lines = "\n".join(side_dishes + ([ingredient_lines(view.sides)] if view.sides else []))
    if lines and view.main is not None:
        st.markdown("With:\n" + lines)
    elif lines:
        st.markdown(lines)


def meal_card(
    plan: Plan,
    day: int,
    meal: Meal,
    locked: set[tuple[int, str, str]],
    names: Mapping[str, str],
) -> None:
    """A meal as a card: main dish, portion, time, cuisine, recipe, sides, Swap and Lock."""
    view = meal_view(meal, names)
    main = next((d for d in meal.dishes if d.role == "main"), None)
    cuisine = "" if main is None else main.cuisine
    slot, name = meal.slot, view.title()
    anchor = meal_anchor(day, meal)
    is_locked = bool(anchor) and all(_key(a) in locked for a in anchor)
    with st.container(border=True):
        _meal_heading(view, cuisine, is_locked)
        _meal_body(view)
        c1, c2 = st.columns(2)
        c1.button(
            "Swap dish" if main is not None else f"Swap {slot}",
            icon=":material/swap_horiz:",
            key=f"swap_{day}_{slot}",
            on_click=swap_meal,
            args=(day, slot, pins_except(plan, day, slot), [a["dish_id"] for a in anchor], name),
            help="Unlock it first."
            if is_locked
            else "The next best choice for this meal; everything else stays as it is.",
            disabled=is_locked or not anchor,
            width="stretch",
        )
        c2.button(
            "Unlock" if is_locked else "Lock",
            icon=":material/lock_open:" if is_locked else ":material/lock:",
            key=f"lock_{day}_{slot}",
            on_click=toggle_lock,
            args=(day, slot, anchor, name),
            help="A locked dish stays, at this portion, when you re-plan.",
            disabled=not anchor,
            width="stretch",
        )


def day_tab(
    plan: Plan,
    day: DayPlan,
    locked: set[tuple[int, str, str]],
    names: Mapping[str, str],
) -> None:
    """One day: the water to drink, a card per meal, the day's totals and a new menu."""
    number = day.day
    water = drink_text(day)
    if water:
        st.markdown(f":material/water_drop: {water}")
    meals = list(day.meals)
    for row in range(0, len(meals), 2):  # two cards a row, in meal order
        for column, meal in zip(st.columns(2), meals[row : row + 2], strict=False):
            with column:
                meal_card(plan, number, meal, locked, names)
    totals = " · ".join(
        f"{title(k)} {amount(day.totals[k], plan.targets.get(k, {}).get('unit', ''))}"
        for k in DAY_TOTAL_KEYS
        if k in day.totals
    )
    score = f" · HEI-2020 {day.hei:.0f}" if day.hei is not None else ""
    st.caption(f"Day {number} totals: {totals} · cost ${day.cost_usd:.2f}{score}")
    dishes = sorted(day.dish_ids())
    st.button(
        "New menu for this day",
        icon=":material/casino:",
        key=f"regen_{number}",
        on_click=new_menu,
        args=(number, pins_except(plan, number), dishes),
        help="Keeps every other day as it is and picks different dishes here.",
        disabled=not dishes,
    )


def meals(plan: Plan) -> None:
    """One tab per day of meal cards, and the list of locks."""
    st.subheader("Meals")
    days = plan.days
    if not days:
        st.info("There are no meals to show for this request.")
        return
    request = get_request()
    locked = {_key(lock) for lock in request["locked"]}
    names = food_names(plan)
    # Stateful tabs: only the open day is drawn (a week of recipes is a heavy page; switching
    # days reruns from the cached plan).
    tabs = st.tabs([f"Day {d.day}" for d in days], key=K_DAY_TAB, on_change="rerun")
    for tab, day in zip(tabs, days, strict=True):
        if tab.open is not False:
            with tab:
                day_tab(plan, day, locked, names)
    if request["locked"]:
        dish_names = {d.dish_id: d.name for day in days for m in day.meals for d in m.dishes}
        text = ", ".join(
            f"{dish_names.get(k, names.get(k, k))} (day {d}, {s})" for d, s, k in sorted(locked)
        )
        st.caption(f":material/lock: Locked (kept from the next re-plan on): {md_escape(text)}")
        st.button("Unlock all", key="unlock_all", on_click=unlock_all)


# --- food groups, coverage, sources --------------------------------------------------------


def food_groups(plan: Plan) -> None:
    """Food groups against the Dietary Guidelines pattern, and the HEI-2020 components."""
    days = [d.day for d in plan.days]
    periods: list[int | None] = [None, *days]
    period = st.radio(
        "Food groups of",
        periods,
        format_func=lambda p: "The week (daily average)" if p is None else f"Day {p}",
        key="food_group_period",
        horizontal=True,
    )
    left, right = st.columns(2)
    chart = food_group_chart(
        food_group_frame(plan, period), "daily average" if period is None else f"day {period}"
    )
    if chart is not None:
        left.vega_lite_chart(chart, width="stretch")
    else:
        left.caption("This plan has no food-group amounts.")
    frame = hei_frame(plan)
    hei = hei_chart(frame)
    if hei is not None:
        right.vega_lite_chart(hei, width="stretch")
        with right.expander("HEI-2020 components as a table"):
            st.dataframe(frame, hide_index=True, width="stretch")


def coverage(plan: Plan) -> None:
    """The coverage chart and the week's table."""
    chart = coverage_chart(plan)
    if chart is not None:
        st.vega_lite_chart(chart, width="stretch")
    rows = coverage_rows(plan)
    if rows:
        table = pd.DataFrame(
            {
                "Nutrient": [title(r["key"]) for r in rows],
                "Daily target": [band_text(plan.targets[r["key"]]) for r in rows],
                "Planned (daily average)": [amount(r["average"], r["unit"]) for r in rows],
                "% of minimum": [r["percent_of_min"] for r in rows],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "% of minimum": st.column_config.NumberColumn("% of minimum", format="%.0f %%")
            },
        )


def where_from(plan: Plan, foods: pd.DataFrame) -> None:
    """Which foods give how much potassium, magnesium, calcium and vitamin D."""
    frame = sources_frame(plan, foods)
    if frame.empty:
        st.caption("No food in this plan gives these nutrients.")
        return
    columns = st.columns(2)
    for i, key in enumerate(SOURCE_KEYS):
        chart = sources_chart(frame, key)
        if chart is not None:
            columns[i % 2].vega_lite_chart(chart, width="stretch")


def the_week_in_numbers(plan: Plan, foods: pd.DataFrame) -> None:
    """Food groups and HEI-2020, coverage of the targets, and where the minerals come from,
    as stateful tabs: only the open one is drawn (charts are the heavy part of a rerun)."""
    st.subheader("The week in numbers")
    sections = (
        ("Food groups and diet quality", lambda: food_groups(plan)),
        ("Coverage of your targets", lambda: coverage(plan)),
        ("Where it comes from", lambda: where_from(plan, foods)),
    )
    tabs = st.tabs([label_ for label_, _ in sections], key=K_NUMBERS_TAB, on_change="rerun")
    for tab, (_, draw) in zip(tabs, sections, strict=True):
        if tab.open is not False:
            with tab:
                draw()


# --- saving and opening plans --------------------------------------------------------------


def save_and_export(plan: Plan) -> None:
    """Save the plan to the local store; download it as Markdown."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the plan (Markdown)",
        data=plan_markdown(plan),
        file_name="cramp-plan.md",
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
    )
    if c2.button("Save this plan", icon=":material/save:", key="save_plan"):
        name = st.session_state.get(K_PROFILE_NAME)
        try:
            plan_id = services.save_plan(
                plan.to_dict(),
                planned_request(),
                week_of=dt.date.today(),
                profile_name=name,
                profile=get_request()["profile"] if name else None,
            )
        except UserError as exc:
            show_error(exc, "Cannot save the plan")
        else:
            who = f" for {name}" if name else " (save the profile in the sidebar to name it)"
            st.success(f"Saved as plan {plan_id}{who}.", icon=":material/check_circle:")


def _open_saved(request: Mapping[str, Any]) -> None:
    """Make a saved plan's request current (what an older version saved and cannot be
    mapped any more — food locks, one-day pins — is left out, never refused)."""
    clean = clean_request(request)
    raw_locks = request.get("locked")
    dropped = (len(raw_locks) if isinstance(raw_locks, list) else 0) - len(clean["locked"])
    set_request(clean, keep_one_off=True)
    st.session_state[K_IS_DEMO] = False
    reset_form()
    note = f" {dropped} lock(s) of an older version could not be kept." if dropped > 0 else ""
    notify("Opened the saved plan." + note)


def saved_plans() -> None:
    """Open a plan saved earlier (its request is restored and re-planned from the cache)."""
    with st.expander("Saved plans", icon=":material/folder_open:"):
        try:
            summaries = services.list_plans()[:30]
        except UserError as exc:
            show_error(exc, "Cannot read saved plans")
            return
        if not summaries:
            st.caption("No saved plans yet. Use “Save this plan” above.")
            return
        labels_ = {
            s.id: f"Plan {s.id} — {s.profile_name or 'unnamed'}, week of {s.week_start}, {s.status}"
            for s in summaries
        }
        choice = st.selectbox("Saved plan", list(labels_), format_func=labels_.__getitem__)
        try:
            request = services.saved_plan(choice).request
        except UserError as exc:
            show_error(exc, "Cannot read the saved plan")
            return
        if isinstance(request, Mapping) and isinstance(request.get("profile"), Mapping):
            st.button("Open", key="open_plan", on_click=_open_saved, args=(request,))
        else:
            st.caption("This plan was saved without its profile; open it with the CLI.")


def main() -> None:
    """Draw the Plan page."""
    try:
        foods = current_foods()
    except UserError as exc:
        show_error(exc, "Cannot load your foods")
        st.stop()
    profile_form(foods)

    st.title("Your cramp-prevention week")
    st.markdown(
        "Dishes to cook that reach your daily **potassium, magnesium, calcium and vitamin D** "
        "targets, keep **sodium** in its healthy range, cover **fluids** and follow the "
        "Dietary Guidelines' food groups — with what cannot be reached, and why."
    )
    show_notice()
    if st.session_state.get(K_IS_DEMO):
        st.info(
            "This is an **example** for a woman of 45 (165 cm, 68 kg, lightly active). "
            "Enter your own details on the left and press **Plan my week**.",
            icon=":material/waving_hand:",
        )
    try:
        plan = as_plan(current_plan())
    except UserError as exc:
        show_error(exc, "This request cannot be planned")
        st.caption("Change the highlighted field on the left and press **Plan my week** again.")
        st.stop()
    header(plan)
    if plan.days:
        why_not(plan)
        meals(plan)
        the_week_in_numbers(plan, foods)
        save_and_export(plan)
    saved_plans()
    st.caption(
        "This plan suggests foods; it is not medical advice. Supplements only under medical "
        "guidance — see **About & safety**."
    )


run_page(main)
