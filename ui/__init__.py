"""Shared helpers of the Streamlit dashboard (state, cached planner calls, drawing).

Nothing here solves or computes nutrition itself: it keeps per-person state in
``st.session_state``, calls :mod:`planner` and :mod:`foods`, and draws what they return.
"""

from planner import one_blas_thread

one_blas_thread()  # before the pages import pandas (and with it numpy)
