"""The sidebar of the Plan page: who the plan is for, what they eat and cook, saved profiles.

The form is a fragment (``st.fragment``), not an ``st.form``: ticking "pregnant" or "kidney
disease" shows its own fields at once (trimester; dialysis and the clinician's limits), and
such a change reruns only the sidebar, never the plan. "Plan my week" validates the profile
with :func:`planner.domain.profile.profile_from_dict`; a problem is shown under the button with the
message naming the field and the fix, and nothing changes until it is fixed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from foods.dishes import bundled_dishes
from foods.errors import UserError
from foods.vocabulary import labels
from planner import services
from planner.domain.profile import (
    ACTIVITIES,
    AGE_RANGE_Y,
    ALLERGENS,
    BUDGET_MAX_USD_PER_DAY,
    CLINICIAN_LIMITS,
    DIETS,
    HEIGHT_RANGE_CM,
    MINUTES_RANGE,
    SLOTS,
    WEIGHT_RANGE_KG,
    demo_profile,
    profile_from_dict,
)
from planner.domain.targets import KIDNEY_DEFAULTS, POTASSIUM_CAP_IMPAIRED_MG
from ui.draw import show_error
from ui.state import (
    K_FORM_VERSION,
    K_IS_DEMO,
    K_PROFILE_NAME,
    get_request,
    notify,
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
TRIMESTER_LABELS: dict[int | None, str] = {
    None: "Not given",
    1: "First (weeks 1–13)",
    2: "Second (weeks 14–27)",
    3: "Third (week 28 on)",
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
#: The clinician's limits the form offers: label, conservative default, step, number format.
LIMIT_FIELDS: dict[str, tuple[str, float, float, str]] = {
    "potassium_max_mg": ("Potassium, most a day (mg)", POTASSIUM_CAP_IMPAIRED_MG, 100.0, "%.0f"),
    "phosphorus_max_mg": (
        "Phosphorus, most a day (mg)",
        KIDNEY_DEFAULTS["phosphorus_max_mg"],
        50.0,
        "%.0f",
    ),
    "protein_max_g_per_kg": (
        "Protein, most (g per kg)",
        KIDNEY_DEFAULTS["protein_max_g_per_kg"],
        0.1,
        "%.1f",
    ),
    "protein_min_g_per_kg": (
        "Protein, least (g per kg)",
        KIDNEY_DEFAULTS["protein_min_g_per_kg"],
        0.1,
        "%.1f",
    ),
    "fluid_max_ml": ("Fluid, most a day (ml)", KIDNEY_DEFAULTS["fluid_max_ml"], 50.0, "%.0f"),
}
DEFAULT_NOTE = "conservative default — ask your renal team"


def _key(name: str) -> str:
    """Widget key of a form field; a new form version re-reads the request."""
    return f"form_{name}_{st.session_state.get(K_FORM_VERSION, 0)}"


def _whole(value: float) -> float | int:
    """``45.0`` → ``45`` so an unchanged form gives the same request (and cached plan)."""
    return int(value) if float(value).is_integer() else value


def form_profile(raw: Any) -> dict[str, Any]:
    """The profile the form shows: the request's when it is valid; otherwise the demo's,
    with every field of the request's that is valid on its own (a damaged saved profile
    still opens the form; the plan area says what is wrong)."""
    data = raw if isinstance(raw, Mapping) else {}
    try:
        return profile_from_dict(data).to_dict()
    except UserError:
        pass
    profile = demo_profile().to_dict()
    for key, value in data.items():
        if key in profile:
            try:
                profile = profile_from_dict(profile | {key: value}).to_dict()
            except UserError:
                continue
    return profile


def _choices(known: Sequence[str], chosen: Sequence[str]) -> list[str]:
    """Options of a multiselect: the known ids plus the person's own words already chosen."""
    return list(known) + [c for c in chosen if c not in known]


# --- sections of the form (each returns its values) ----------------------------------------


def _life_stage(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Pregnant or breastfeeding, and the trimester (asked only in pregnancy)."""
    stages = list(LIFE_STAGE_LABELS)
    life_stage = st.selectbox(
        "Pregnant or breastfeeding?",
        stages,
        index=stages.index(profile.get("life_stage")),
        format_func=LIFE_STAGE_LABELS.__getitem__,
        key=_key("life_stage"),
        help="Only for women aged 14–50; it changes several targets.",
    )
    trimester = None
    if life_stage == "pregnant":
        options = list(TRIMESTER_LABELS)
        trimester = st.selectbox(
            "Trimester",
            options,
            index=options.index(profile.get("trimester")),
            format_func=TRIMESTER_LABELS.__getitem__,
            key=_key("trimester"),
            help="Energy needs rise in the second and third trimesters.",
        )
    return {"life_stage": life_stage, "trimester": trimester}


def _number(column: Any, label: str, limits: tuple[int, int], value: float, key: str) -> float:
    """A whole-number input within ``limits`` (age, weight, height)."""
    return float(
        column.number_input(
            label,
            min_value=float(limits[0]),
            max_value=float(limits[1]),
            value=float(value),
            step=1.0,
            format="%.0f",
            key=_key(key),
        )
    )


def _about_you(profile: Mapping[str, Any]) -> dict[str, Any]:
    st.subheader("About you")
    c1, c2 = st.columns(2)
    age = _number(c1, "Age (years)", AGE_RANGE_Y, profile["age"], "age")
    sex = c2.selectbox(
        "Sex",
        ("female", "male"),
        index=("female", "male").index(profile["sex"]),
        format_func=str.capitalize,
        key=_key("sex"),
    )
    stage = _life_stage(profile)
    c1, c2 = st.columns(2)
    weight = _number(c1, "Weight (kg)", WEIGHT_RANGE_KG, profile["weight_kg"], "weight")
    height = _number(c2, "Height (cm)", HEIGHT_RANGE_CM, profile["height_cm"], "height")
    activity = st.selectbox(
        "Activity",
        ACTIVITIES,
        index=ACTIVITIES.index(profile["activity"]),
        format_func=ACTIVITY_LABELS.__getitem__,
        key=_key("activity"),
    )
    return {
        "age": _whole(age),
        "sex": sex,
        **stage,
        "weight_kg": _whole(weight),
        "height_cm": _whole(height),
        "activity": activity,
    }


def _limit_input(name: str, current: Mapping[str, float]) -> float | None:
    """One clinician's limit as an editable number; None when it is the default."""
    label, default, step, fmt = LIMIT_FIELDS[name]
    _unit, low, high = CLINICIAN_LIMITS[name]
    value = st.number_input(
        label,
        min_value=float(low),
        max_value=float(high),
        value=float(current.get(name, default)),
        step=step,
        format=fmt,
        key=_key(f"limit_{name}"),
    )
    is_default = abs(value - default) < 1e-9
    st.caption(DEFAULT_NOTE if is_default else "your clinician's limit")
    return None if is_default else float(value)


def _kidney_limits(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Dialysis and the clinician's limits (shown only with kidney disease)."""
    dialysis = st.checkbox(
        "I am on dialysis",
        value=bool(profile.get("dialysis")),
        key=_key("dialysis"),
        help="Dialysis removes protein, so more is needed; fluid is then limited.",
    )
    names = ["potassium_max_mg", "phosphorus_max_mg"]
    names += ["protein_min_g_per_kg", "fluid_max_ml"] if dialysis else ["protein_max_g_per_kg"]
    current = dict(profile.get("clinician_limits") or {})
    limits: dict[str, float] = {}
    columns = st.columns(2)
    for i, name in enumerate(names):
        with columns[i % 2]:
            value = _limit_input(name, current)
        if value is not None:
            limits[name] = value
    return {"dialysis": dialysis, "clinician_limits": limits}


def _health(profile: Mapping[str, Any]) -> dict[str, Any]:
    kidney = st.checkbox(
        "I have chronic kidney disease",
        value=bool(profile.get("kidney_disease")),
        key=_key("kidney"),
        help="Potassium, phosphorus and protein are then capped, never pushed up.",
    )
    values: dict[str, Any] = {"kidney_disease": kidney, "dialysis": False, "clinician_limits": {}}
    if kidney:
        with st.container(border=True):
            values |= _kidney_limits(profile)
    values["potassium_raising_medication"] = st.checkbox(
        "I take a medicine that raises potassium",
        value=bool(profile.get("potassium_raising_medication")),
        key=_key("medication"),
        help=f"For example {POTASSIUM_MEDICINES}.",
    )
    return values


def _eating(profile: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    st.subheader("What you eat")
    allergen_labels = labels("allergen")
    food_ids = sorted(names, key=lambda f: names[f].lower())
    diet = st.selectbox(
        "Diet",
        DIETS,
        index=DIETS.index(profile["diet"]),
        format_func=DIET_LABELS.__getitem__,
        key=_key("diet"),
    )
    allergies = st.multiselect(
        "Allergies and intolerances",
        ALLERGENS,
        default=[a for a in profile["allergies"] if a in ALLERGENS],
        format_func=lambda a: allergen_labels.get(a, a),
        key=_key("allergies"),
        placeholder="None",
    )
    foods: dict[str, list[str]] = {}
    for field, label, key in (
        ("exclude_foods", "Foods to leave out", "exclude"),
        ("like_foods", "Foods you like (used more often)", "like"),
    ):
        foods[field] = st.multiselect(
            label,
            _choices(food_ids, profile[field]),
            default=list(profile[field]),
            format_func=lambda f: names.get(f, f),
            key=_key(key),
            accept_new_options=True,
            placeholder="Pick, or type a word like “banana”",
            help="A plain word counts for every food it names (“banana” = all banana foods).",
        )
    return {"diet": diet, "allergies": allergies, **foods}


def _dish_choices() -> tuple[dict[str, str], list[str]]:
    """Dish id → name, and the library's cuisines (sorted by their labels)."""
    dishes = bundled_dishes()
    cuisine_labels = labels("cuisine")
    cuisines = sorted({d.cuisine for d in dishes.values()}, key=lambda c: cuisine_labels.get(c, c))
    return {k: d.name for k, d in dishes.items()}, cuisines


def _cooking(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Cuisines, dishes, cooking time and meals to plan (in an expander: rarely changed)."""
    dish_names, cuisines = _dish_choices()
    dish_ids = sorted(dish_names, key=lambda d: dish_names[d].lower())
    cuisine_labels = labels("cuisine")
    values: dict[str, Any] = {}
    with st.expander("Dishes and cooking", icon=":material/skillet:"):
        for field, label in (
            ("cuisines", "Cuisines you like"),
            ("exclude_cuisines", "Cuisines to leave out"),
        ):
            values[field] = st.multiselect(
                label,
                cuisines,
                default=[c for c in profile[field] if c in cuisines],
                format_func=lambda c: cuisine_labels.get(c, c),
                key=_key(field),
                placeholder="Any",
            )
        for field, label in (
            ("like_dishes", "Dishes you like"),
            ("exclude_dishes", "Dishes to leave out"),
        ):
            values[field] = st.multiselect(
                label,
                _choices(dish_ids, profile[field]),
                default=list(profile[field]),
                format_func=lambda d: dish_names.get(d, d),
                key=_key(field),
                accept_new_options=True,
                placeholder="Pick, or type a word like “curry”",
            )
        minutes = profile.get("max_minutes_per_meal")
        limit = st.number_input(
            "Most minutes to cook a dish",
            min_value=MINUTES_RANGE[0],
            max_value=MINUTES_RANGE[1],
            value=None if minutes is None else int(minutes),
            step=5,
            placeholder="No limit",
            key=_key("minutes"),
        )
        values["max_minutes_per_meal"] = None if limit is None else int(limit)
        values["meals_to_plan"] = st.multiselect(
            "Meals to plan",
            SLOTS,
            default=list(profile["meals_to_plan"]),
            format_func=str.capitalize,
            key=_key("meals"),
        )
    return values


def _budget_and_plan(profile: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
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
    return {
        "budget_usd_per_day": budget,
        "allow_fortified": allow_fortified,
        "days": days,
        "daily_vitamin_d": daily_d,
    }


# --- reading and submitting -----------------------------------------------------------------

REQUEST_FIELDS = ("days", "daily_vitamin_d", "allow_fortified")


def read_form(values: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the form's values into a new request dict (the profile is validated later).

    Profile fields the form does not show (the e-mail address) are kept from the request.
    """
    profile = form_profile(request.get("profile"))
    for key, value in values.items():
        if key not in REQUEST_FIELDS:
            profile[key] = list(value) if isinstance(value, list | tuple) else value
    top = {key: values[key] for key in REQUEST_FIELDS}
    return dict(request) | {
        "profile": profile,
        "days": int(top["days"]),
        "daily_vitamin_d": bool(top["daily_vitamin_d"]),
        "allow_fortified": bool(top["allow_fortified"]),
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
    reset_form()  # the form shows the profile as saved ("Banana" → "banana")
    return True


def _food_names(foods: pd.DataFrame) -> dict[str, str]:
    return dict(zip(foods.index.astype(str), foods["name"].astype(str), strict=True))


@st.fragment
def _form(names: Mapping[str, str]) -> None:
    """The profile fields and "Plan my week" (a fragment: changes rerun only the sidebar)."""
    try:
        request = get_request()
        profile = form_profile(request["profile"])
        values = _about_you(profile)
        values |= _health(profile)
        values |= _eating(profile, names)
        values |= _cooking(profile)
        values |= _budget_and_plan(profile, request)
        if st.button("Plan my week", type="primary", width="stretch", key="plan_my_week"):
            if submit_profile(read_form(values, get_request())):
                st.rerun()
    except Exception as exc:  # an error message with the fix, never a traceback
        show_error(exc)


def profile_form(foods: pd.DataFrame) -> None:
    """Draw the profile form in the sidebar; on "Plan my week" update the request."""
    with st.sidebar:
        _form(_food_names(foods))
    saved_profiles()


def _load_profile(name: str) -> None:
    """Callback: make a saved profile current."""
    try:
        profile = profile_from_dict(services.profile_record(name))
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
            saved = [row["name"] for row in services.list_profiles()]
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
                services.save_profile(name.strip(), get_request()["profile"])
            except UserError as exc:
                show_error(exc, "Cannot save the profile")
            else:
                st.session_state[K_PROFILE_NAME] = name.strip()
                st.success(f"Saved as “{name.strip()}”.", icon=":material/check_circle:")
