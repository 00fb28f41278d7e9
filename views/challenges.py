"""Challenges: the teacher's tasks, a student's submission, and the class leaderboard.

A submitted run is measured by the server on the test set; the leaderboard shows each
student's best run under the name they chose, and never anyone's lab code.
"""

import streamlit as st

from cnnlab.i18n import _
from ui import challenges as glue
from ui import session

owner = session.student_id()

st.title(_("Challenges"))
options = glue.open_challenges()
if not options:
    st.info(_("Your teacher has not opened a challenge yet. Check back during class."))
    st.stop()

ids = [c.id for c in options]
if st.session_state.get(glue.CHOSEN_KEY) not in ids:
    st.session_state[glue.CHOSEN_KEY] = ids[0]
titles = {c.id: c.title for c in options}
st.selectbox(_("Challenge"), ids, key=glue.CHOSEN_KEY, format_func=titles.get)
current = glue.chosen(options)

# 1. The task
st.subheader(current.title)
if current.text:
    st.markdown(current.text)  # the teacher's own words: markdown, never HTML
st.caption(_("Caps: {caps}. The Train page holds your settings within them when you choose "
             "this challenge there.").format(caps=current.caps_text()))
if current.starting_design is not None:
    if st.button(_("Load the starting design"), icon=":material/download:"):
        session.set_design(current.starting_design)
        st.success(_("Loaded: open the Design page to work on it."))

# 2. Submit one of your runs
st.subheader(_("Submit a run"))
glue.submit_form(owner, current)

# 3. The leaderboard, live
st.subheader(_("Leaderboard"))
st.caption(_("Each student's best run: test accuracy against parameters. Red points are the "
             "Pareto front: nobody has a better accuracy with fewer parameters."))
glue.live_leaderboard(current.id, owner)

# 4. Two designs side by side
st.subheader(_("Compare two designs"))
glue.design_diff(current.id)
