"""Plotly figure builders for the pages (plotly only, no streamlit)."""
