"""CNN Lab: routes to the pages. Run with `streamlit run app.py`."""

import streamlit as st

from cnnlab.i18n import _
from ui import language
from ui.challenges import note_presence
from ui.pages import HOME, PAGES

st.set_page_config(page_title="CNN Lab", page_icon="🧠", layout="wide")
language.choose()  # before any text: every _() below and in the page uses this language

page = st.navigation([st.Page(p.path, title=_(p.title), icon=p.icon, default=p is HOME)
                      for p in PAGES])
language.switch()
note_presence()  # the teacher's page counts students active on any page
page.run()
