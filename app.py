"""Cramp-prevention meal planner — Streamlit entry point (a router only; pages draw).

Run with ``streamlit run app.py`` (or ``make run``). Each page lives in ``ui/pages/`` and calls
the ``planner`` library; shared state and cached planner calls are in ``ui/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.draw import show_error
from ui.state import init_state

#: A bundled icon: a Material icon name would make the browser fetch it from a font CDN.
FAVICON = Path(__file__).parent / "ui" / "static" / "favicon.png"
st.set_page_config(
    page_title="Cramp-prevention meal planner", page_icon=str(FAVICON), layout="wide"
)
init_state()

pages = [
    st.Page("ui/pages/plan.py", title="Plan", icon=":material/restaurant:", default=True),
    st.Page("ui/pages/targets.py", title="Targets", icon=":material/target:"),
    st.Page("ui/pages/foods.py", title="Foods", icon=":material/nutrition:"),
    st.Page("ui/pages/shopping.py", title="Shopping list", icon=":material/shopping_cart:"),
    st.Page("ui/pages/email.py", title="E-mail", icon=":material/mail:"),
    st.Page("ui/pages/about.py", title="About & safety", icon=":material/health_and_safety:"),
]
try:
    st.navigation(pages).run()
except Exception as exc:  # last line of defence: an error message, never a traceback
    show_error(exc)
