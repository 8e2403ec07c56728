"""E-mail: send the current week with its shopping list now, and how to schedule it weekly."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

import streamlit as st

from foods.errors import UserError
from planner import services
from planner.outputs.mailer import ENV, SmtpSettings, validate_address
from ui.draw import run_page, show_error
from ui.state import (
    K_HAVE,
    K_PROFILE_NAME,
    current_foods,
    current_plan,
    planned_request,
)


def smtp_environment() -> dict[str, str]:
    """``CRAMP_SMTP_*`` settings: the environment, overridden by Streamlit secrets if any."""
    env = {key: value for key, value in os.environ.items() if key.startswith("CRAMP_SMTP_")}
    try:
        secrets: Mapping[str, object] = dict(st.secrets)
    except Exception:  # no secrets.toml, or an unreadable one: the environment alone
        secrets = {}
    for key, value in secrets.items():
        if key in ENV.values() and isinstance(value, str | int | float):
            env[key] = str(value)
    return env


def coming_monday(today: dt.date) -> dt.date:
    """The next Monday (today if it is Monday)."""
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def settings_box() -> SmtpSettings | None:
    """Show which mail server is used, or what to set; return the settings when usable."""
    try:
        settings = SmtpSettings.from_env(smtp_environment())
    except UserError as exc:
        show_error(exc, "E-mail is not set up")
        st.caption(
            "Set the mail server in the environment before starting the dashboard "
            f"({', '.join(ENV[k] for k in ('host', 'port', 'user', 'password', 'security'))} "
            f"and {ENV['sender']}), or in `.streamlit/secrets.toml` with the same names. The "
            "password is never shown."
        )
        return None
    st.success(
        f"Mail server: {settings.where} ({settings.security}); sender {settings.sender}.",
        icon=":material/check_circle:",
    )
    return settings


def send_form(settings: SmtpSettings | None) -> None:
    """Recipient, week, Send; the plan is saved to the store before sending."""
    with st.form("send_email"):
        to = st.text_input("Send to", placeholder="name@example.com", key="email_to")
        week_of = st.date_input(
            "Week starting", value=coming_monday(dt.date.today()), key="email_week"
        )
        submitted = st.form_submit_button("Send now", type="primary", icon=":material/send:")
    if not submitted:
        return
    if settings is None:
        st.error("Cannot send: the mail server is not set up (see above).", icon=":material/error:")
        return
    try:
        address = validate_address(to, "recipient address")
        plan = current_plan()
        name = st.session_state.get(K_PROFILE_NAME)
        message = services.week_message(
            plan,
            current_foods(),
            to=address,
            week_of=week_of,
            have=st.session_state.get(K_HAVE) or None,
            profile_label=name,
            sender=settings.sender,
        )
        # saved before sending: a failed send loses nothing
        plan_id = services.save_plan(plan, planned_request(), week_of=week_of, profile_name=name)
        with st.spinner(f"Sending to {address}…"):
            services.send_week(message, settings)
    except UserError as exc:
        show_error(exc, "The e-mail was not sent")
        return
    st.success(f"Sent to {address} (plan {plan_id} saved).", icon=":material/check_circle:")


def schedule_help() -> None:
    """How to send it every week without the dashboard."""
    st.subheader("Send it every week")
    name = st.session_state.get(K_PROFILE_NAME) or "Anna"
    st.markdown(
        "Save your profile on the **Plan** page, then let your computer run the command-line "
        "tool once a week. Each run plans a new week (different foods from last week), saves "
        "it, and e-mails it with its shopping list. For example, every Sunday at 18:00 with "
        "`cron` (`crontab -e`):"
    )
    st.code(
        "CRAMP_SMTP_HOST=smtp.example.com\n"
        "CRAMP_SMTP_USER=me@example.com\n"
        "CRAMP_SMTP_PASSWORD=app-password\n"
        "CRAMP_SMTP_FROM=me@example.com\n"
        f'0 18 * * 0  cramp-planner email --profile-name "{name}" --to me@example.com',
        language="bash",
    )
    st.caption(
        "Try it first with `--dry-run week.eml`, which writes the message to a file and sends "
        "nothing. On Windows use Task Scheduler; on macOS `cron` or `launchd` work the same way."
    )


def main() -> None:
    """Draw the E-mail page."""
    st.title("E-mail your week")
    st.caption(
        "The e-mail holds the plan (text and a printable HTML version), the shopping list as "
        "CSV and the meals as a calendar file (plan.ics)."
    )
    settings = settings_box()
    send_form(settings)
    schedule_help()


run_page(main)
