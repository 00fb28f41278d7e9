"""Streamlit glue of the Teacher page: the password gate, publishing challenges, and the class
at a glance. Nothing here is reachable before the password gate lets the session in.
"""

from __future__ import annotations

import streamlit as st

from cnnlab.classroom import challenges as core
from cnnlab.classroom import glance
from cnnlab.classroom import teacher_auth
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from ui import challenges as student_glue
from ui import resources
from ui import session

TEACHER_KEY = "teacher_signed_in"
CAP_FIELDS = (("max_epochs", N_("Most epochs")), ("max_subset", N_("Most training images")),
              ("max_layers", N_("Most layers")), ("max_params", N_("Most parameters")))
JOB_STATES = {"queued": N_("Trainings queued"), "running": N_("Trainings running"),
              "done": N_("Trainings done"), "stopped or failed": N_("Trainings stopped or failed")}


def signed_in() -> bool:
    return bool(st.session_state.get(TEACHER_KEY))


def gate(client: str) -> bool:
    """The password form; True once this session has given the right password. Failures are
    counted per `client` (the browser's lab code) in the database."""
    if signed_in():
        return True
    with st.form("teacher_login"):
        password = st.text_input(_("Teacher's password"), type="password")
        sent = st.form_submit_button(_("Open the teacher's page"), icon=":material/lock_open:")
    if sent:
        result = teacher_auth.attempt_login(resources.database(), client, password,
                                            resources.settings().teacher_password_hash)
        if result.ok:
            st.session_state[TEACHER_KEY] = True
            st.rerun()
        st.error(result.message, icon=":material/lock:")
    return False


def sign_out() -> None:
    if st.button(_("Sign out"), icon=":material/logout:"):
        st.session_state.pop(TEACHER_KEY, None)
        st.rerun()


def publish_form() -> None:
    """A new challenge: title, text, optional caps, optionally the current design handed out."""
    with st.form("publish_challenge", clear_on_submit=True):
        title = st.text_input(_("Title"), max_chars=core.MAX_TITLE,
                              placeholder=_("e.g. 98.5% test accuracy with under 20,000 parameters"))
        text = st.text_area(_("What to do"),
                            placeholder=_("The task in a few sentences (markdown)."))
        hand_out = st.checkbox(_("Hand out the design now open on the Design page as the "
                                 "starting design"))
        st.caption(_("Caps (0 = the server's own cap):"))
        cols = st.columns(len(CAP_FIELDS))
        caps = {name: col.number_input(_(label), min_value=0, step=1, value=0, key=f"cap_{name}")
                for col, (name, label) in zip(cols, CAP_FIELDS)}
        sent = st.form_submit_button(_("Publish"), type="primary", icon=":material/campaign:")
    if not sent:
        return
    try:
        core.publish(resources.database(), title, text,
                     starting_design=session.design() if hand_out else None,
                     **{k: int(v) or None for k, v in caps.items()})
    except LabError as err:
        st.error(str(err))
    else:
        st.success(_("Published: students see it on Home, Train and Challenges."))


def challenge_list() -> None:
    """Every challenge, open or closed, with its leaderboard and a switch to close it."""
    db = resources.database()
    everything = core.challenges(db, only_open=False)
    if not everything:
        st.caption(_("No challenges yet."))
        return
    for c in everything:
        state = _("open") if c.is_open else _("closed")
        with st.expander(_("{title} ({state})").format(title=c.title, state=state),
                         expanded=c.is_open):
            st.caption(_("Caps: {caps}").format(caps=c.caps_text()))
            label = _("Close it") if c.is_open else _("Open it again")
            if st.button(label, key=f"toggle_{c.id}"):
                core.set_open(db, c.id, not c.is_open)
                st.rerun()
            student_glue.live_leaderboard(c.id, None)
            student_glue.design_diff(c.id)


def class_at_a_glance() -> None:
    """Active students, the queue and trainings, common design mistakes, the results as CSV."""
    db, config = resources.database(), resources.settings()
    active = glance.active_lab_codes(db)
    jobs = [j for code in active for j in resources.job_manager().jobs(code)]
    counts = glance.job_counts(jobs)
    cols = st.columns(5)
    cols[0].metric(_("Active students"), len(active),
                   help=_("Browsers that opened a page in the last 10 minutes (yours too)."))
    for col, (state, number) in zip(cols[1:], counts.items()):
        col.metric(_(JOB_STATES[state]), number)
    mistakes = glance.common_mistakes(glance.submitted_warnings(db)
                                      + glance.trained_warnings(config.runs_dir, active))
    st.markdown(_("**Most common design mistakes** (from the warnings of trained and submitted "
                  "designs)"))
    if mistakes:
        st.dataframe([{_("Designs"): n, _("Warning"): w} for w, n in mistakes], hide_index=True)
    else:
        st.caption(_("No warnings in the class's designs so far."))
    st.download_button(_("Download every result (CSV)"), glance.results_csv(db),
                       file_name="cnnlab-results.csv", mime="text/csv",
                       icon=":material/download:")
