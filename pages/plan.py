"""Plan (start page): the week's meals, coverage, sources, and what falls short and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from foods.errors import UserError
from planner.report import coverage_rows, plan_markdown
from planner.textfmt import md_escape
from planner.weekly import foods_of, week_start
from ui.draw import (
    MEAL_COLUMNS,
    SOURCE_KEYS,
    STATUS_TEXT,
    amount,
    band_text,
    coverage_chart,
    day_frame,
    met_count,
    run_page,
    show_error,
    sources_chart,
    sources_frame,
    table_height,
    title,
)
from ui.profile_form import profile_form
from ui.state import (
    K_IS_DEMO,
    K_PROFILE_NAME,
    REGENERATE_AVOID_WEIGHT,
    STAPLES,
    current_foods,
    current_plan,
    get_request,
    notify,
    open_store,
    plan_foods,
    planned_request,
    reset_form,
    set_request,
    show_notice,
)

DAY_TOTAL_KEYS = ("potassium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug", "sodium_mg")


# --- actions (button callbacks: they change the request; the rerun re-plans) ----------------


def apply_fix(kind: str, food_id: str | None, name: str) -> None:
    """One-click fix from the "why not" panel."""
    request = get_request()
    profile = request["profile"]
    if kind == "fortified":
        request["allow_fortified"] = True
        message = "Fortified foods are now allowed."
    elif kind == "include" and food_id:
        profile["exclude_foods"] = [f for f in profile["exclude_foods"] if f != food_id]
        message = f"{name} is no longer left out."
    elif kind == "add" and food_id:
        profile["like_foods"] = sorted({*profile["like_foods"], food_id})
        message = f"{name} is now among the foods you like, so the plan uses it more."
    else:
        return
    set_request(request)
    reset_form()
    notify(message + " Here is the new plan.")


def toggle_lock(day: int, slot: str, food_id: str, servings: float, name: str) -> None:
    """Lock an item in its meal (or unlock it): re-plans keep it."""
    request = get_request()
    key = (day, slot, food_id)
    locked = [i for i in request["locked"] if (i["day"], i["slot"], i["food_id"]) != key]
    if len(locked) == len(request["locked"]):
        locked.append({"day": day, "slot": slot, "food_id": food_id, "servings": servings})
        notify(f"Locked {name} on day {day} ({slot}); re-plans keep it.")
    else:
        notify(f"Unlocked {name} on day {day} ({slot}).")
    request["locked"] = locked
    set_request(request, keep_regenerate=True, replan=False)


def swap_item(food_id: str, name: str) -> None:
    """Leave a food out and re-plan (it shows up in "Foods to leave out")."""
    request = get_request()
    profile = request["profile"]
    profile["exclude_foods"] = sorted({*profile["exclude_foods"], food_id})
    profile["like_foods"] = [f for f in profile["like_foods"] if f != food_id]
    request["locked"] = [i for i in request["locked"] if i["food_id"] != food_id]
    set_request(request)
    reset_form()
    notify(
        f"Swapped out {name}: it is now in “Foods to leave out” (remove it there to get it back)."
    )


def regenerate_day(day: int, pins: list[dict[str, Any]], avoid: dict[str, float]) -> None:
    """New menu for one day: every other day's items are locked, this day's foods avoided."""
    request = get_request()
    request["pinned"] = pins
    request["avoid_foods"] = avoid
    set_request(request, keep_regenerate=True)
    notify(f"New menu for day {day}; the other days keep their meals.")


def unlock_all() -> None:
    """Remove every lock."""
    request = get_request()
    request["locked"] = []
    set_request(request, keep_regenerate=True, replan=False)
    notify("All locks removed.")


# --- drawing -------------------------------------------------------------------------------


def header(plan: Mapping[str, Any]) -> None:
    """Status line and the headline numbers."""
    status = plan["status"]
    headline = STATUS_TEXT.get(status, status)
    message = str(plan.get("message", ""))
    text = f"**{headline}.** " + ("" if message.rstrip(".") == headline else message)
    {"optimal": st.success, "feasible": st.success, "partial": st.warning}.get(status, st.error)(
        text
    )
    days = plan.get("days", [])
    met, total = met_count(plan)
    cost = sum(d["cost_usd"] for d in days) / len(days) if days else 0.0
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Targets met", f"{met} of {total}", help="Daily minimums reached on every day")
    c2.metric("Food cost", f"${cost:.2f} / day", help="Estimated from US retail prices")
    c3.metric("Days planned", f"{len(days)}")
    c4.metric("Different foods", f"{len(foods_of(plan))}")
    for warning in plan.get("warnings", []):
        st.warning(warning, icon="⚠️")


def _fixes(shortfall: Mapping[str, Any], like: set[str]) -> list[tuple[str, str | None, str]]:
    """One-click fixes of a shortfall as ``(kind, food_id, button label)``."""
    fixes: list[tuple[str, str | None, str]] = []
    for source in shortfall.get("best_sources", []):
        fix = source.get("fix") or ""
        if fix == "allow fortified foods":
            fixes.append(("fortified", None, "Allow fortified foods"))
        elif fix.startswith("include "):
            fixes.append(("include", source["food_id"], f"Include {md_escape(source['name'])}"))
        elif source.get("allowed") and source["food_id"] not in like:
            fixes.append(("add", source["food_id"], f"Add {md_escape(source['name'])}"))
    unique: dict[tuple[str, str | None], tuple[str, str | None, str]] = {}
    for fix_ in fixes:
        unique.setdefault((fix_[0], fix_[1]), fix_)
    return list(unique.values())[:4]


def why_not(plan: Mapping[str, Any]) -> None:
    """The "why not" panel: each nutrient that falls short, why, and one-click fixes."""
    shortfalls = plan.get("shortfalls", [])
    st.subheader("What falls short, and what would help")
    if not shortfalls:
        st.caption("Nothing falls short: every daily minimum is reached on every planned day.")
        return
    by_nutrient: dict[str, list[Mapping[str, Any]]] = {}
    for shortfall in shortfalls:
        by_nutrient.setdefault(shortfall["nutrient"], []).append(shortfall)
    like = set(get_request()["profile"]["like_foods"])
    for n, (key, items) in enumerate(by_nutrient.items()):
        first = items[0]
        unit = first.get("unit", "")
        when = ", ".join("weekly average" if s["day"] is None else f"day {s['day']}" for s in items)
        with st.container(border=True):
            st.markdown(
                f"**{title(key)}** — {when}: reaches {amount(first['achieved'], unit)} "
                f"of {amount(first['target'], unit)} a day."
            )
            st.write(first["reason"])
            sources = first.get("best_sources", [])
            if sources:
                table = pd.DataFrame(
                    {
                        "Food": [s["name"] for s in sources],
                        "Per serving": [f"{amount(s['per_serving'], s['unit'])}" for s in sources],
                        "Serving": [s["household"] for s in sources],
                        "Can the plan use it?": [
                            "yes" if s["allowed"] else f"no — {s['blocked_by']}" for s in sources
                        ],
                    }
                )
                st.dataframe(table, hide_index=True, width="stretch")
            fixes = _fixes(first, like)
            if fixes:
                columns = st.columns(len(fixes))
                for i, (kind, food_id, label_) in enumerate(fixes):
                    columns[i].button(
                        label_,
                        key=f"fix_{n}_{i}",
                        on_click=apply_fix,
                        args=(kind, food_id, label_.split(" ", 1)[1]),
                        icon=":material/build:",
                    )


def _pins_and_avoid(
    plan: Mapping[str, Any], day: int, foods: pd.DataFrame
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Items of every other day (to lock) and this day's non-staple foods (to avoid)."""
    pins, avoid = [], {}
    for d, slot, item in plan_foods(plan):
        if d != day:
            pins.append(
                {"day": d, "slot": slot, "food_id": item["food_id"], "servings": item["servings"]}
            )
        elif foods.at[item["food_id"], "category"] not in STAPLES:
            avoid[item["food_id"]] = REGENERATE_AVOID_WEIGHT
    return pins, avoid


def meals(plan: Mapping[str, Any], foods: pd.DataFrame) -> None:
    """One tab per day: the meals, the day's totals, and lock / swap / new-menu controls."""
    st.subheader("Meals")
    days = plan.get("days", [])
    if not days:
        st.info("There are no meals to show for this request.")
        return
    request = get_request()
    locked = {(i["day"], i["slot"], i["food_id"]) for i in request["locked"]}
    targets = plan.get("targets", {})
    tabs = st.tabs([f"Day {d['day']}" for d in days])
    for tab, day in zip(tabs, days, strict=True):
        number = int(day["day"])
        with tab:
            frame = day_frame(day, locked)
            st.dataframe(
                frame,
                hide_index=True,
                column_config=MEAL_COLUMNS,
                width="stretch",
                height=table_height(len(frame)),
            )
            totals = " · ".join(
                f"{title(k)} {amount(day['totals'][k], targets.get(k, {}).get('unit', ''))}"
                for k in DAY_TOTAL_KEYS
                if k in day["totals"]
            )
            st.caption(f"Day {number} totals: {totals} · cost ${day['cost_usd']:.2f}")
            items = [(slot, item) for d, slot, item in plan_foods(plan) if d == number]
            if not items:
                continue
            labels = [
                f"{slot.capitalize()} · {item['name']} ({item['household']})"
                for slot, item in items
            ]
            choice: int | None = st.selectbox(
                "Change an item",
                list(range(len(items))),
                format_func=labels.__getitem__,
                key=f"pick_{number}",
            )
            slot, item = items[choice or 0]
            is_locked = (number, slot, item["food_id"]) in locked
            c1, c2, c3 = st.columns(3)
            c1.button(
                "Unlock" if is_locked else "Lock in this meal",
                icon=":material/lock_open:" if is_locked else ":material/lock:",
                key=f"lock_{number}",
                on_click=toggle_lock,
                args=(number, slot, item["food_id"], item["servings"], item["name"]),
                help="A locked item stays when you re-plan.",
                width="stretch",
            )
            c2.button(
                "Swap for something else",
                icon=":material/swap_horiz:",
                key=f"swap_{number}",
                on_click=swap_item,
                args=(item["food_id"], item["name"]),
                help="Leaves this food out of the whole plan and re-plans.",
                width="stretch",
            )
            pins, avoid = _pins_and_avoid(plan, number, foods)
            c3.button(
                f"New menu for day {number}",
                icon=":material/casino:",
                key=f"regen_{number}",
                on_click=regenerate_day,
                args=(number, pins, avoid),
                help="Keeps every other day's meals (locked) and picks different foods here.",
                width="stretch",
                disabled=len(days) == 1 and not avoid,
            )
    if request["locked"]:
        names = {i["food_id"]: i["name"] for _, _, i in plan_foods(plan)}
        text = ", ".join(
            f"{names.get(i['food_id'], i['food_id'])} (day {i['day']}, {i['slot']})"
            for i in request["locked"]
        )
        st.caption(f"🔒 Locked: {text}")
        st.button("Unlock all", key="unlock_all", on_click=unlock_all)


def coverage(plan: Mapping[str, Any]) -> None:
    """The coverage chart and the week's table."""
    st.subheader("Coverage of your targets")
    chart = coverage_chart(plan)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    rows = coverage_rows(plan)
    if rows:
        table = pd.DataFrame(
            {
                "Nutrient": [title(r["key"]) for r in rows],
                "Daily target": [band_text(plan["targets"][r["key"]]) for r in rows],
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


def where_from(plan: Mapping[str, Any], foods: pd.DataFrame) -> None:
    """Which foods give how much potassium, magnesium, calcium and vitamin D."""
    st.subheader("Where it comes from")
    frame = sources_frame(plan, foods)
    if frame.empty:
        st.caption("No food in this plan gives these nutrients.")
        return
    columns = st.columns(2)
    for i, key in enumerate(SOURCE_KEYS):
        chart = sources_chart(frame, key)
        if chart is not None:
            columns[i % 2].altair_chart(chart, width="stretch")


def save_and_export(plan: Mapping[str, Any]) -> None:
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
            with open_store() as store:
                if name:
                    store.save_profile(name, get_request()["profile"])
                plan_id = store.save_plan(
                    plan,
                    planned_request(),
                    profile_name=name,
                    week_start=week_start(dt.date.today()),
                )
        except UserError as exc:
            show_error(exc, "Cannot save the plan")
        else:
            who = f" for {name}" if name else " (save the profile in the sidebar to name it)"
            st.success(f"Saved as plan {plan_id}{who}.", icon=":material/check_circle:")


def _open_saved(request: Mapping[str, Any]) -> None:
    set_request(request, keep_regenerate=True)
    st.session_state[K_IS_DEMO] = False
    reset_form()
    notify("Opened the saved plan.")


def saved_plans() -> None:
    """Open a plan saved earlier (its request is restored and re-planned from the cache)."""
    with st.expander("Saved plans", icon=":material/folder_open:"):
        try:
            with open_store() as store:
                summaries = store.list_plans()[:30]
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
            with open_store() as store:
                request = store.get_plan(choice).request
        except UserError as exc:
            show_error(exc, "Cannot read the saved plan")
            return
        if {"profile", "days", "locked"} <= set(request):
            st.button("Open", key="open_plan", on_click=_open_saved, args=(request,))
        else:
            st.caption("This plan was saved by another tool; open it with the CLI.")


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
        "Real meals that reach your daily **potassium, magnesium, calcium and vitamin D** "
        "targets, keep **sodium** in its healthy range and cover **fluids** — with what "
        "cannot be reached, and why."
    )
    show_notice()
    if st.session_state.get(K_IS_DEMO):
        st.info(
            "This is an **example** for a woman of 45 (165 cm, 68 kg, lightly active). "
            "Enter your own details on the left and press **Plan my week**.",
            icon=":material/waving_hand:",
        )
    try:
        plan = current_plan()
    except UserError as exc:
        show_error(exc, "This request cannot be planned")
        st.caption("Change the highlighted field on the left and press **Plan my week** again.")
        st.stop()
    header(plan)
    if plan.get("days"):
        why_not(plan)
        meals(plan, foods)
        coverage(plan)
        where_from(plan, foods)
        save_and_export(plan)
    saved_plans()
    st.caption(
        "This plan suggests foods; it is not medical advice. Supplements only under medical "
        "guidance — see **About & safety**."
    )


run_page(main)
