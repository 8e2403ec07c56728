"""Targets: the person's daily targets with basis and source; tighten them within safe limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from foods.errors import UserError
from planner.domain.profile import profile_from_dict
from planner.domain.targets import Targets, compute_targets, with_overrides
from planner.outputs.textfmt import amount
from ui.draw import run_page, show_error, table_height, title
from ui.state import get_request, notify, set_request, show_notice


def _overrides(request: Mapping[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    return {k: (v[0], v[1]) for k, v in request.get("target_overrides", {}).items()}


def targets_frame(targets: Targets, defaults: Targets) -> pd.DataFrame:
    """The targets as a table: nutrient, min, max (with units), basis, changed by you."""
    rows = []
    for key in targets:
        target, default = targets[key], defaults[key]
        changed = (target.min, target.max) != (default.min, default.max)
        rows.append(
            {
                "Nutrient": title(key),
                "Minimum": amount(target.min, target.unit),
                "Maximum": amount(target.max, target.unit),
                "Basis": target.basis,
                "Yours?": "changed by you" if changed else "",
            }
        )
    return pd.DataFrame(rows)


def apply_override(key: str, low: float | None, high: float | None) -> None:
    """Validate one nutrient's new bounds with the planner's rules and store them."""
    request = get_request()
    overrides = _overrides(request)
    overrides[key] = (low, high)
    defaults = compute_targets(profile_from_dict(request["profile"]))
    with_overrides(defaults, overrides)  # raises TargetError naming the refused value
    request["target_overrides"] = {k: [v[0], v[1]] for k, v in overrides.items()}
    set_request(request)


def reset(key: str | None = None) -> None:
    """Back to the defaults (one nutrient, or all)."""
    request = get_request()
    overrides = request.get("target_overrides", {})
    request["target_overrides"] = (
        {} if key is None else {k: v for k, v in overrides.items() if k != key}
    )
    set_request(request)
    notify("Targets reset to the defaults." if key is None else f"{title(key)} reset.")


def edit_form(targets: Targets, defaults: Targets) -> None:
    """Change one nutrient's minimum or maximum."""
    st.subheader("Change a target")
    st.caption(
        "You may raise or lower a minimum (not below 0). A maximum may only be **lowered** — an "
        "upper limit (UL, CDRR or caffeine cap) protects your health and is never raised. "
        "Exception: a potassium limit your clinician gave you replaces our conservative one."
    )
    keys = list(targets)
    key = st.selectbox("Nutrient", keys, format_func=title, key="target_key")
    target, default = targets[key], defaults[key]
    with st.form(f"target_form_{key}"):
        c1, c2 = st.columns(2)
        low = c1.number_input(
            f"Minimum ({target.unit} per day)",
            value=None if target.min is None else float(target.min),
            min_value=None,
            step=1.0,
            placeholder="none",
            key=f"target_min_{key}",
            help=f"Default: {amount(default.min, default.unit)}",
        )
        high = c2.number_input(
            f"Maximum ({target.unit} per day)",
            value=None if target.max is None else float(target.max),
            step=1.0,
            placeholder="none",
            key=f"target_max_{key}",
            help=f"Default: {amount(default.max, default.unit)}",
        )
        submitted = st.form_submit_button("Apply", type="primary")
    if submitted:
        try:
            apply_override(key, low, high)
        except UserError as exc:
            show_error(exc, "This target cannot be set")
        else:
            notify(f"{title(key)} updated; the plan will use it.")
            st.rerun()
    c1, c2 = st.columns(2)
    c1.button(f"Reset {title(key)}", key="reset_one", on_click=reset, args=(key,))
    c2.button("Reset all targets to the defaults", key="reset_all", on_click=reset)


def main() -> None:
    """Draw the Targets page."""
    st.title("Your daily targets")
    show_notice()
    request = get_request()
    try:
        profile = profile_from_dict(request["profile"])
        defaults = compute_targets(profile)
        targets = with_overrides(defaults, _overrides(request))
    except UserError as exc:
        show_error(exc, "Cannot compute the targets")
        st.stop()
    st.markdown(
        f"Life stage: **{targets.life_stage_label}** · estimated energy need "
        f"**{amount(targets.eer_kcal, 'kcal')} per day**. The plan aims for each minimum every "
        "day and never goes above a maximum (vitamin D: as a weekly average unless you choose "
        "“every day” on the Plan page)."
    )
    if profile.kidney_disease or profile.potassium_raising_medication:
        st.error(
            "**Potassium:** your kidneys may not clear potassium well (kidney disease or a "
            "potassium-raising medicine). The plan does not push potassium up and never suggests "
            "potassium salts. Ask your clinician for your own potassium limit and enter it "
            "below.",
            icon=":material/warning:",
        )
    for warning in targets.warnings:
        st.warning(warning, icon=":material/warning:")
    frame = targets_frame(targets, defaults)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=table_height(len(frame)),
        column_config={
            "Nutrient": st.column_config.TextColumn("Nutrient", width=190),
            "Minimum": st.column_config.TextColumn("Minimum", width=110),
            "Maximum": st.column_config.TextColumn("Maximum", width=110),
            "Basis": st.column_config.TextColumn("Basis", width=90),
            "Yours?": st.column_config.TextColumn("Yours?", width="medium"),
        },
    )
    st.caption(
        "Basis: RDA = recommended dietary allowance, AI = adequate intake, UL = tolerable upper "
        "intake level, CDRR = chronic-disease risk reduction intake, EER = estimated energy "
        "requirement, AMDR = acceptable share of energy."
    )
    with st.expander("Where each number comes from", icon=":material/menu_book:", expanded=True):
        lines = []
        for key in targets:
            target = targets[key]
            note = f" {target.note[:1].upper()}{target.note[1:]}." if target.note else ""
            lines.append(f"- **{title(key)}** ({target.basis}).{note} *Source:* {target.source}")
        st.markdown("\n".join(lines))
    edit_form(targets, defaults)


run_page(main)
