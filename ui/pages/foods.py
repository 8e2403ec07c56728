"""Foods: browse the catalogue and the USDA reference, add your own foods, prices, CSV, FDC."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from foods.errors import UserError
from foods.reference import load_reference, portions_for
from foods.search import search_foods
from foods.vocabulary import labels
from planner import services
from planner.domain.profile import ALLERGENS
from planner.domain.request import SLOTS
from planner.outputs.textfmt import md_escape
from ui.custom_foods import (
    reference_row,
    slug,
    template_csv,
    text_rows,
)
from ui.draw import run_page, show_error
from ui.state import current_foods, notify, show_notice, skipped_records

PER_100G = {
    "energy_kcal": "Energy (kcal/100 g)",
    "potassium_mg": "Potassium (mg/100 g)",
    "magnesium_mg": "Magnesium (mg/100 g)",
    "calcium_mg": "Calcium (mg/100 g)",
    "vitamin_d_ug": "Vitamin D (µg/100 g)",
    "sodium_mg": "Sodium (mg/100 g)",
}
DIET_TAGS = ("vegan", "vegetarian", "pescatarian")


@st.cache_data(show_spinner=False)
def reference_table() -> pd.DataFrame:
    """The USDA SR24 reference (8,858 foods) for display: name, group, key nutrients."""
    ref = load_reference()
    return ref[["name", "food_group", *PER_100G]].reset_index()


def food_options(foods: pd.DataFrame) -> dict[str, str]:
    """food_id → display name, sorted by name."""
    names = dict(zip(foods.index.astype(str), foods["name"].astype(str), strict=True))
    return dict(sorted(names.items(), key=lambda kv: kv[1].lower()))


def browse(foods: pd.DataFrame) -> None:
    """Search the catalogue and the USDA reference; list the person's foods."""
    query = st.text_input(
        "Search foods", placeholder="e.g. sardines, spinach, dried apricots", key="food_query"
    )
    if query.strip():
        hits = search_foods(query, foods, limit=50)
        if not hits:
            st.info("No food matches every word; try fewer or shorter words.")
            return
        ref = reference_table().set_index("ndb_no")
        rows = []
        for hit in hits:
            values = ref.loc[hit.ndb_no] if hit.ndb_no in ref.index else None
            row: dict[str, object] = {
                "Food": hit.name,
                "USDA group": hit.food_group,
                "In the planner": "yes" if hit.in_catalog else "no — add it below",
                "NDB no.": hit.ndb_no,
            }
            for key, head in PER_100G.items():
                row[head] = None if values is None else values[key]
            rows.append(row)
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.session_state["reference_hits"] = [
            (h.ndb_no, h.name) for h in hits if not h.in_catalog and h.ndb_no
        ]
    else:
        st.caption(
            f"{len(foods)} foods the planner can use (values per 100 g from USDA SR24). "
            "Type above to search these and the whole USDA reference (8,858 foods)."
        )
        category = labels("category")
        table = pd.DataFrame(
            {
                "Food": foods["name"],
                "Group": foods["category"].map(lambda c: category.get(c, c)),
                "Serving": foods["household"]
                + " ("
                + foods["serving_g"].map("{:g} g".format)
                + ")",
                "Price (US$/kg)": foods["price_usd_per_kg"],
                **{head: foods[key] for key, head in PER_100G.items()},
                "Yours": foods["origin"].map(lambda o: "yes" if o != "catalog" else ""),
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "Price (US$/kg)": st.column_config.NumberColumn(format="$%.2f"),
            },
        )


def add_reference_food(foods: pd.DataFrame) -> None:
    """Add a USDA reference food (found with the search) to the person's foods."""
    st.subheader("Add a USDA food to your foods")
    hits = st.session_state.get("reference_hits") or []
    if not hits:
        st.caption("Search above first; foods marked “no — add it below” can be added here.")
        return
    names = dict(hits)
    ndb_no = st.selectbox("USDA food", list(names), format_func=names.__getitem__, key="add_ndb")
    portions = portions_for(ndb_no) + [("100 g", 100.0)]
    category_labels, aisle_labels = labels("category"), labels("aisle")
    allergen_labels = labels("allergen")
    with st.form(f"add_food_{ndb_no}"):
        c1, c2 = st.columns(2)
        name = c1.text_input("Name shown in the plan", value=names[ndb_no][:80])
        food_id = c2.text_input("Food id (a-z, 0-9, _)", value=slug(names[ndb_no]))
        serving = st.selectbox(
            "Serving size",
            range(len(portions)),
            format_func=lambda i: f"{portions[i][0]} ({portions[i][1]:g} g)",
        )
        slots = st.multiselect("Eaten at", SLOTS, default=["lunch", "dinner"])
        c1, c2 = st.columns(2)
        category = c1.selectbox(
            "Food group", list(category_labels), format_func=lambda c: category_labels[c]
        )
        aisle = c2.selectbox(
            "Shop aisle", list(aisle_labels), format_func=lambda a: aisle_labels[a]
        )
        c1, c2 = st.columns(2)
        diets = c1.multiselect("Fits these diets", DIET_TAGS)
        allergens = c2.multiselect(
            "Contains", ALLERGENS, format_func=lambda a: allergen_labels.get(a, a)
        )
        price = st.number_input(
            "Price (US$ per kg)", min_value=0.01, max_value=500.0, value=5.0, step=0.5
        )
        submitted = st.form_submit_button("Add to my foods", type="primary")
    if submitted:
        household, grams = portions[serving]
        row = reference_row(
            ndb_no=ndb_no,
            name=name.strip(),
            food_id=food_id.strip(),
            serving_g=grams,
            household=household,
            slots=slots,
            category=category or "mixed",
            aisle=aisle or "dry_goods",
            diet_tags=diets,
            allergens=allergens,
            price_usd_per_kg=price,
        )
        try:
            services.check_custom_foods([row], "new food")
            services.save_custom_foods([row])
        except UserError as exc:
            show_error(exc, "Cannot add this food")
        else:
            notify(f"Added {name} to your foods; the planner can use it now.")
            st.rerun()


def prices(foods: pd.DataFrame) -> None:
    """Set the price the person pays for a food (overrides the US average)."""
    options = food_options(foods)
    food_id = st.selectbox("Food", list(options), format_func=options.__getitem__, key="price_food")
    current = float(foods.at[food_id, "price_usd_per_kg"])
    st.caption(f"Now: \\${current:.2f} per kg — {md_escape(foods.at[food_id, 'price_source'])}")
    with st.form(f"price_form_{food_id}"):
        c1, c2 = st.columns(2)
        price = c1.number_input(
            "Your price (US$ per kg)",
            min_value=0.01,
            max_value=500.0,
            value=round(current, 2),
            step=0.1,
        )
        note = c2.text_input("Note (shop, date)", max_chars=80)
        submitted = st.form_submit_button("Save price", type="primary")
    if submitted:
        try:
            services.set_price(food_id, float(price), note)
        except UserError as exc:
            show_error(exc, "Cannot save the price")
        else:
            notify(f"Price of {options[food_id]} set to ${price:.2f}/kg.")
            st.rerun()
    try:
        overrides, notes = services.prices()
    except UserError as exc:
        show_error(exc, "Cannot read your prices")
        return
    if overrides:
        st.dataframe(
            pd.DataFrame(
                {
                    "Food": [options.get(f, f) for f in overrides],
                    "Your price (US$/kg)": list(overrides.values()),
                    "Note": [notes.get(f, "") for f in overrides],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        clear = st.selectbox(
            "Back to the average price",
            list(overrides),
            format_func=lambda f: options.get(f, f),
            key="clear",
        )
        if clear and st.button("Use the average price again", key="clear_price"):
            services.clear_price(clear)
            notify(f"{options.get(clear, clear)}: back to the average price.")
            st.rerun()


def upload() -> None:
    """Upload a CSV of foods; every broken row is listed with its fix."""
    st.download_button(
        "Download a CSV template",
        data=template_csv(),
        file_name="my-foods-template.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(
        "One food per row. Either give a USDA `ndb_no` (nutrients come from USDA) or leave it "
        "empty and give nutrients per 100 g (at least energy_kcal, protein_g, fat_g, "
        "carbohydrate_g). Lists such as `slots` are separated by `|`."
    )
    uploaded = st.file_uploader("Foods CSV", type=["csv"], key="foods_csv")
    if uploaded is None:
        return
    from foods.catalog import read_food_csv

    try:
        frame = read_food_csv(uploaded.getvalue(), uploaded.name)
        rows = text_rows(frame)
        table = services.check_custom_foods(rows, uploaded.name)
    except UserError as exc:
        show_error(exc, "The file cannot be used")
        return
    st.success(f"{len(table)} food(s) checked and ready.", icon=":material/check_circle:")
    st.dataframe(table[["food_id", "name", "household", "price_usd_per_kg"]], hide_index=True)
    if st.button("Save these foods", type="primary", key="save_csv"):
        try:
            services.save_custom_foods(rows)
        except UserError as exc:
            show_error(exc, "Cannot save the foods")
        else:
            notify(f"Saved {len(rows)} food(s) from {uploaded.name}.")
            st.rerun()


def fdc_import() -> None:
    """Search FoodData Central (needs the internet) and import a food."""
    st.caption(
        "FoodData Central is the USDA's online food database. Set `FDC_API_KEY` for more than "
        "about 30 searches an hour (the demo key)."
    )
    with st.form("fdc_search"):
        query = st.text_input("Search FoodData Central", placeholder="e.g. oat milk fortified")
        searched = st.form_submit_button("Search")
    if searched:
        try:
            found = services.fdc_search(query, quick=True)
            st.session_state["fdc_hits"] = [(h.fdc_id, f"{h.name} ({h.data_type})") for h in found]
        except UserError as exc:
            show_error(exc, "FoodData Central search failed")
            return
    hits = st.session_state.get("fdc_hits") or []
    if not hits:
        return
    names = dict(hits)
    fdc_id = st.selectbox("Food", list(names), format_func=names.__getitem__, key="fdc_pick")
    with st.form(f"fdc_import_{fdc_id}"):
        c1, c2 = st.columns(2)
        serving = c1.number_input("Serving (g)", min_value=1.0, max_value=1000.0, value=100.0)
        price = c2.number_input("Price (US$ per kg)", min_value=0.01, max_value=500.0, value=5.0)
        slots = st.multiselect("Eaten at", SLOTS, default=["lunch", "dinner"])
        diets = st.multiselect("Fits these diets", DIET_TAGS)
        allergen_labels = labels("allergen")
        allergens = st.multiselect(
            "Contains", ALLERGENS, format_func=lambda a: allergen_labels.get(a, a)
        )
        submitted = st.form_submit_button("Import", type="primary")
    if submitted:
        try:
            imported = services.import_fdc_food(
                int(fdc_id),
                serving_g=serving,
                price_usd_per_kg=price,
                quick=True,
                slots=slots,
                diet_tags=diets,
                allergens=allergens,
            )
        except UserError as exc:
            show_error(exc, "Cannot import this food")
        else:
            notes = "".join(f" {n}." for n in imported.notes)
            notify(f"Imported {imported.row['name']}.{notes}")
            st.rerun()


def my_foods() -> None:
    """The person's own foods, with delete."""
    try:
        rows = services.custom_foods()
    except UserError as exc:
        show_error(exc, "Cannot read your foods")
        return
    if not rows:
        st.caption("You have not added foods yet.")
        return
    st.dataframe(
        pd.DataFrame([{"Food id": r["food_id"], "Name": r.get("name", "")} for r in rows]),
        hide_index=True,
        width="stretch",
    )
    ids = [r["food_id"] for r in rows]
    gone = st.selectbox("Delete a food", ids, key="delete_food")
    if st.button("Delete", key="delete_food_button"):
        try:
            services.remove_custom_food(gone)
        except UserError as exc:
            show_error(exc, "Cannot delete the food")
        else:
            notify(f"Deleted {gone}.")
            st.rerun()


def left_out() -> None:
    """Saved foods or prices that no longer fit: say why, and offer to remove each."""
    try:
        skipped = skipped_records()
    except UserError as exc:
        show_error(exc, "Cannot read your foods")
        return
    for n, record in enumerate(skipped):
        c1, c2 = st.columns([4, 1])
        c1.warning(md_escape(record.message()), icon=":material/warning:")
        if c2.button("Remove it", key=f"remove_skipped_{n}", width="stretch"):
            try:
                services.remove_skipped(record)
            except UserError as exc:
                show_error(exc, "Cannot remove it")
            else:
                notify(f"Removed {record.food_id}.")
                st.rerun()


def main() -> None:
    """Draw the Foods page."""
    st.title("Foods")
    show_notice()
    left_out()
    try:
        foods = current_foods()
    except UserError as exc:
        show_error(exc, "Cannot load your foods")
        st.stop()
    tabs = st.tabs(
        ["Browse and search", "Your prices", "Upload a CSV", "FoodData Central", "Yours"]
    )
    with tabs[0]:
        browse(foods)
        add_reference_food(foods)
    with tabs[1]:
        prices(foods)
    with tabs[2]:
        upload()
    with tabs[3]:
        fdc_import()
    with tabs[4]:
        my_foods()


run_page(main)
