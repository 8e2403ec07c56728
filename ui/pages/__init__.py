"""The dashboard's pages, registered with ``st.navigation`` in ``app.py`` (each file is run as a
script by Streamlit; they draw, and call :mod:`planner.services` through ``ui.state``)."""
