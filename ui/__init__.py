"""Shared helpers of the Streamlit dashboard (state, cached planner calls, drawing).

Nothing here solves or computes nutrition itself: it keeps per-person state in
``st.session_state``, calls :mod:`planner` and :mod:`foods`, and draws what they return.
"""
