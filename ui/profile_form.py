"""The sidebar of the Plan page: who the plan is for, what they eat, and saved profiles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from foods.errors import UserError
from foods.schema import labels
from planner.profile import (
    ACTIVITIES,
    AGE_RANGE_Y,
    ALLERGENS,
    BUDGET_MAX_USD_PER_DAY,
    DIETS,
    HEIGHT_RANGE_CM,
    WEIGHT_RANGE_KG,
    profile_from_dict,
)
from ui.draw import show_error
from ui.state import (
    K_FORM_VERSION,
    K_IS_DEMO,
    K_PROFILE_NAME,
    get_request,
    notify,
    open_store,
    reset_form,
    set_request,
)

ACTIVITY_LABELS: dict[str, str] = {
    "inactive": "Inactive — mostly sitting",
    "low_active": "Low active — some walking (about 30–60 min a day)",
    "active": "Active — about 1–2 hours of walking or exercise a day",
    "very_active": "Very active — hard exercise or physical work most days",
}
LIFE_STAGE_LABELS: dict[str | None, str] = {
    None: "No",
    "pregnant": "Pregnant",
    "lactating": "Breastfeeding",
}
DIET_LABELS: dict[str, str] = {
    "omnivore": "Everything (omnivore)",
    "pescatarian": "Pescatarian (fish, no meat)",
    "vegetarian": "Vegetarian",
    "vegan": "Vegan",
}
VITAMIN_D_LABELS: dict[bool, str] = {
    False: "Weekly average (recommended: the body stores vitamin D)",
    True: "Every day",
}
POTASSIUM_MEDICINES = (
    "ACE inhibitors, ARBs (sartans), potassium-sparing diuretics (spironolactone, eplerenone, "
    "amiloride, triamterene), trimethoprim, NSAIDs, heparin, or a potassium-based salt "
    "substitute"
)


def _key(name: str) -> str:
    """Widget key of a form field; a new form version re-reads the request."""
    return f"form_{name}_{st.session_state.get(K_FORM_VERSION, 0)}"


def _whole(value: float) -> float | int:
    """``45.0`` → ``45`` so an unchanged form gives the same request (and cached plan)."""
    return int(value) if float(value).is_integer() else value


def read_form(values: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the form's values into a new request dict (the profile is validated later)."""
    profile = {
        "age": _whole(values["age"]),
        "sex": values["sex"],
        "life_stage": values["life_stage"],
        "weight_kg": _whole(values["weight_kg"]),
        "height_cm": _whole(values["height_cm"]),
        "activity": values["activity"],
        "diet": values["diet"],
        "allergies": list(values["allergies"]),
        "exclude_foods": list(values["exclude_foods"]),
        "like_foods": list(values["like_foods"]),
        "budget_usd_per_day": values["budget_usd_per_day"],
        "kidney_disease": bool(values["kidney_disease"]),
        "potassium_raising_medication": bool(values["potassium_raising_medication"]),
    }
    return dict(request) | {
        "profile": profile,
        "days": int(values["days"]),
        "daily_vitamin_d": bool(values["daily_vitamin_d"]),
        "allow_fortified": bool(values["allow_fortified"]),
    }


def submit_profile(new_request: Mapping[str, Any]) -> bool:
    """Validate the profile of ``new_request`` and make it current; show errors. True if ok."""
    try:
        profile = profile_from_dict(new_request["profile"])
    except UserError as exc:
        show_error(exc, "Please check your details")
        return False
    request = dict(new_request) | {"profile": profile.to_dict()}
    set_request(request)
    st.session_state[K_IS_DEMO] = False
    return True


def _food_names(foods: pd.DataFrame) -> dict[str, str]:
    return dict(zip(foods.index.astype(str), foods["name"].astype(str), strict=True))


def profile_form(foods: pd.DataFrame) -> None:
    """Draw the profile form in the sidebar; on "Plan my week" update the request."""
    request = get_request()
    profile = request["profile"]
    names = _food_names(foods)
    food_ids = sorted(names, key=lambda f: names[f].lower())
    allergen_labels = labels("allergen")

    with st.sidebar.form("profile_form", border=False):
        st.subheader("About you")
        c1, c2 = st.columns(2)
        age = c1.number_input(
            "Age (years)",
            min_value=float(AGE_RANGE_Y[0]),
            max_value=float(AGE_RANGE_Y[1]),
            value=float(profile["age"]),
            step=1.0,
            format="%.0f",
            key=_key("age"),
        )
        sex = c2.selectbox(
            "Sex",
            ("female", "male"),
            index=("female", "male").index(profile["sex"]),
            format_func=str.capitalize,
            key=_key("sex"),
        )
        stages = list(LIFE_STAGE_LABELS)
        life_stage = st.selectbox(
            "Pregnant or breastfeeding?",
            stages,
            index=stages.index(profile.get("life_stage")),
            format_func=LIFE_STAGE_LABELS.__getitem__,
            key=_key("life_stage"),
            help="Only for women aged 14–50; it changes several targets.",
        )
        c1, c2 = st.columns(2)
        weight = c1.number_input(
            "Weight (kg)",
            min_value=float(WEIGHT_RANGE_KG[0]),
            max_value=float(WEIGHT_RANGE_KG[1]),
            value=float(profile["weight_kg"]),
            step=1.0,
            format="%.0f",
            key=_key("weight"),
        )
        height = c2.number_input(
            "Height (cm)",
            min_value=float(HEIGHT_RANGE_CM[0]),
            max_value=float(HEIGHT_RANGE_CM[1]),
            value=float(profile["height_cm"]),
            step=1.0,
            format="%.0f",
            key=_key("height"),
        )
        activity = st.selectbox(
            "Activity",
            ACTIVITIES,
            index=ACTIVITIES.index(profile["activity"]),
            format_func=ACTIVITY_LABELS.__getitem__,
            key=_key("activity"),
        )
        kidney = st.checkbox(
            "I have chronic kidney disease",
            value=bool(profile.get("kidney_disease")),
            key=_key("kidney"),
            help="Potassium is then capped, never pushed up; ask your clinician for your limit.",
        )
        medication = st.checkbox(
            "I take a medicine that raises potassium",
            value=bool(profile.get("potassium_raising_medication")),
            key=_key("medication"),
            help=f"For example {POTASSIUM_MEDICINES}.",
        )

        st.subheader("What you eat")
        diet = st.selectbox(
            "Diet",
            DIETS,
            index=DIETS.index(profile.get("diet", "omnivore")),
            format_func=DIET_LABELS.__getitem__,
            key=_key("diet"),
        )
        allergies = st.multiselect(
            "Allergies",
            ALLERGENS,
            default=[a for a in profile.get("allergies", []) if a in ALLERGENS],
            format_func=lambda a: allergen_labels.get(a, a),
            key=_key("allergies"),
            placeholder="None",
        )
        exclude = st.multiselect(
            "Foods to leave out",
            food_ids,
            default=[f for f in profile.get("exclude_foods", []) if f in names],
            format_func=lambda f: names.get(f, f),
            key=_key("exclude"),
            placeholder="Type to search…",
        )
        like = st.multiselect(
            "Foods you like (used more often)",
            food_ids,
            default=[f for f in profile.get("like_foods", []) if f in names],
            format_func=lambda f: names.get(f, f),
            key=_key("like"),
            placeholder="Type to search…",
        )
        budget_now = profile.get("budget_usd_per_day")
        budget = st.number_input(
            "Budget (US$ per day)",
            min_value=0.5,
            max_value=BUDGET_MAX_USD_PER_DAY,
            value=None if budget_now is None else float(budget_now),
            step=0.5,
            format="%.2f",
            placeholder="No limit",
            key=_key("budget"),
            help="Leave empty for no limit.",
        )
        allow_fortified = st.checkbox(
            "Use fortified foods (vitamin D milk, fortified soy milk, cereal…)",
            value=bool(request.get("allow_fortified", True)),
            key=_key("fortified"),
        )

        st.subheader("The plan")
        days = st.slider("Days to plan", 1, 7, value=int(request.get("days", 7)), key=_key("days"))
        daily_d = st.radio(
            "Vitamin D target",
            (False, True),
            index=int(bool(request.get("daily_vitamin_d"))),
            format_func=VITAMIN_D_LABELS.__getitem__,
            key=_key("vitamin_d"),
        )
        submitted = st.form_submit_button("Plan my week", type="primary", width="stretch")

    if submitted:
        values = {
            "age": age,
            "sex": sex,
            "life_stage": life_stage,
            "weight_kg": weight,
            "height_cm": height,
            "activity": activity,
            "kidney_disease": kidney,
            "potassium_raising_medication": medication,
            "diet": diet,
            "allergies": allergies,
            "exclude_foods": exclude,
            "like_foods": like,
            "budget_usd_per_day": budget,
            "allow_fortified": allow_fortified,
            "days": days,
            "daily_vitamin_d": daily_d,
        }
        with st.sidebar:
            submit_profile(read_form(values, get_request()))
    saved_profiles()


def _load_profile(name: str) -> None:
    """Callback: make a saved profile current."""
    try:
        with open_store() as store:
            data = store.get_profile(name)
        profile = profile_from_dict(data)
    except UserError as exc:
        st.session_state["profile_error"] = str(exc)
        return
    request = get_request() | {"profile": profile.to_dict(), "locked": []}
    set_request(request)
    st.session_state[K_PROFILE_NAME] = name
    st.session_state[K_IS_DEMO] = False
    reset_form()
    notify(f"Loaded the profile “{name}”.")


def saved_profiles() -> None:
    """Save the current profile under a name, or load a saved one (SQLite store)."""
    with st.sidebar.expander("Saved profiles", icon=":material/save:"):
        error = st.session_state.pop("profile_error", None)
        if error:
            st.error(error, icon=":material/error:")
        try:
            with open_store() as store:
                saved = [row["name"] for row in store.list_profiles()]
        except UserError as exc:
            show_error(exc, "Cannot read saved profiles")
            return
        if saved:
            choice = st.selectbox("Saved profile", saved, key="load_profile_choice")
            st.button("Load", on_click=_load_profile, args=(choice,), key="load_profile")
        else:
            st.caption("No saved profiles yet.")
        name = st.text_input(
            "Save the current profile as",
            value=st.session_state.get(K_PROFILE_NAME) or "",
            max_chars=60,
            placeholder="e.g. Anna",
            key="save_profile_name",
        )
        if st.button("Save profile", key="save_profile"):
            try:
                with open_store() as store:
                    store.save_profile(name.strip(), get_request()["profile"])
            except UserError as exc:
                show_error(exc, "Cannot save the profile")
            else:
                st.session_state[K_PROFILE_NAME] = name.strip()
                st.success(f"Saved as “{name.strip()}”.", icon=":material/check_circle:")
