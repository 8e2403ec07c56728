"""Shopping list: what to buy for the current plan, by aisle, with costs and downloads."""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from foods.errors import UserError
from planner.domain.plan import Plan, as_plan
from planner.outputs.shopping import ShoppingList, build_shopping_list, to_csv, to_html, to_markdown
from ui.draw import run_page, show_error
from ui.state import K_HAVE, current_foods, current_plan, planned_request, request_json


def have_frame(plan: Plan, foods: pd.DataFrame, have: Mapping[str, float]) -> pd.DataFrame:
    """Editor rows: every food the plan buys, the grams it needs and the grams at home."""
    full = build_shopping_list(plan, foods)
    return pd.DataFrame(
        {
            "food_id": [r.food_id for r in full.rows],
            "Food": [r.name for r in full.rows],
            "Needed (g)": [round(r.needed_g) for r in full.rows],
            "Already have (g)": [float(have.get(r.food_id, 0.0)) for r in full.rows],
        }
    )


def have_from_editor(edited: pd.DataFrame) -> dict[str, float]:
    """``{food_id: grams}`` of the rows with something at home (empty cells count as 0)."""
    out: dict[str, float] = {}
    for food_id, grams in zip(edited["food_id"], edited["Already have (g)"], strict=True):
        value = 0.0 if grams is None or pd.isna(grams) else float(grams)
        if value > 0:
            out[str(food_id)] = value
    return out


def list_table(shopping: ShoppingList) -> pd.DataFrame:
    """The list as a table for the page (cost next to what to buy, so it fits 1280 px)."""
    return pd.DataFrame(
        {
            "Aisle": [r.aisle_label for r in shopping.rows],
            "Food": [r.name for r in shopping.rows],
            "Buy": [f"{r.buy_quantity} × {r.buy_unit}" for r in shopping.rows],
            "Est. cost (US$)": [r.est_cost_usd for r in shopping.rows],
            "Needed (g)": [round(r.needed_g) for r in shopping.rows],
            "Left over (g)": [round(r.leftover_g) for r in shopping.rows],
            "Price source": [r.price_source for r in shopping.rows],
        }
    )


LIST_COLUMNS = {
    "Aisle": st.column_config.TextColumn("Aisle", width=150),
    "Food": st.column_config.TextColumn("Food", width=230),
    "Buy": st.column_config.TextColumn("Buy", width=220),
    "Est. cost (US$)": st.column_config.NumberColumn("Est. cost", format="$%.2f", width=80),
    "Needed (g)": st.column_config.NumberColumn("Needed (g)", format="%d g", width=90),
    "Left over (g)": st.column_config.NumberColumn("Left over (g)", format="%d g", width=100),
    "Price source": st.column_config.TextColumn("Price source", width="large"),
}


def main() -> None:
    """Draw the Shopping list page."""
    st.title("Shopping list")
    try:
        foods = current_foods()
        plan = as_plan(current_plan())
    except UserError as exc:
        show_error(exc, "There is no plan to shop for")
        st.caption("Fix the request on the **Plan** page first.")
        st.stop()
    if not plan.days:
        st.info("The current request has no meals; change it on the **Plan** page.")
        st.stop()
    days = len(plan.days)
    st.caption(
        f"Everything the current plan uses over {days} day{'s' if days != 1 else ''}, in whole "
        "packs or natural counts, aisle by aisle. Costs are estimates from average US prices "
        "(set your own on the **Foods** page)."
    )

    have: dict[str, float] = dict(st.session_state.get(K_HAVE, {}))
    with st.expander("What you already have at home", icon=":material/kitchen:"):
        st.caption("Enter grams you already have; they are taken off the list.")
        editor_key = f"have_editor_{zlib.crc32(request_json(planned_request()).encode())}"
        edited = st.data_editor(
            have_frame(plan, foods, have),
            hide_index=True,
            width="stretch",
            disabled=["food_id", "Food", "Needed (g)"],
            column_order=["Food", "Needed (g)", "Already have (g)"],
            column_config={
                "Already have (g)": st.column_config.NumberColumn(
                    "Already have (g)", min_value=0.0, max_value=100000.0, step=10.0
                )
            },
            key=editor_key,
        )
        have = have_from_editor(edited)
        st.session_state[K_HAVE] = have

    try:
        shopping = build_shopping_list(plan, foods, have or None)
    except UserError as exc:
        show_error(exc, "Cannot build the shopping list")
        st.stop()

    c1, c2 = st.columns(2)
    c1.metric("Items to buy", f"{len(shopping.rows)}")
    c2.metric("Estimated cost", f"${shopping.total_usd:.2f}", help="Whole packs, US averages")
    st.dataframe(
        list_table(shopping),
        hide_index=True,
        width="stretch",
        column_config=LIST_COLUMNS,
    )
    for note in shopping.notes:
        st.caption(note)

    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Download CSV",
        data=to_csv(shopping),
        file_name="shopping-list.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key="download_csv",
    )
    c2.download_button(
        "Download Markdown",
        data=to_markdown(shopping),
        file_name="shopping-list.md",
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
        key="download_md",
    )
    c3.download_button(
        "Download printable page (HTML)",
        data=to_html(shopping),
        file_name="shopping-list.html",
        mime="text/html",
        icon=":material/print:",
        on_click="ignore",
        key="download_html",
    )


run_page(main)
