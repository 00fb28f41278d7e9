"""Streamlit glue shared by the pages: per-student session state and per-server cached resources.

Only this package, app.py and views/ import streamlit; everything they show is computed by cnnlab.
"""
