"""Teacher: opens only with the teacher's password (set on the server with
`python -m cnnlab teacher-password`). Publishes challenges and shows the class at a glance."""

import streamlit as st

from cnnlab.i18n import _
from ui import session
from ui import teacher as glue

client = session.student_id()  # this browser's lab code: wrong passwords are counted by it
st.title(_("Teacher"))
if not glue.gate(client):
    st.caption(_("This page is for the teacher. Students: your work is on the other pages."))
    st.stop()

glue.sign_out()
st.subheader(_("The class at a glance"))
glue.class_at_a_glance()

st.subheader(_("Publish a challenge"))
glue.publish_form()

st.subheader(_("Challenges and leaderboards"))
glue.challenge_list()
