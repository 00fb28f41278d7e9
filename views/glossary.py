"""Glossary: the course's Chinese terms beside their English, so both texts can be read together."""

import streamlit as st

from cnnlab.glossary import glossary_rows
from cnnlab.i18n import _
from ui import session

session.student_id()  # keeps the lab code in the address

st.title(_("Glossary"))
st.write(_("The course is taught in Chinese with English beside it. These are its terms, each "
           "with the English word the pages and Keras use. Switch the language in the sidebar "
           "at any moment: your design and your trainings stay as they are."))
st.table(glossary_rows(), hide_index=True, border="horizontal")
