"""CNN Lab: routes to the pages. Run with `streamlit run app.py`."""

import streamlit as st

from ui.pages import HOME, PAGES

st.set_page_config(page_title="CNN Lab", page_icon="🧠", layout="wide")

page = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, default=p is HOME)
                      for p in PAGES])
page.run()
