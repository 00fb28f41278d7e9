"""Streamlit glue for the students' side of challenges: the box on Home and Train, the
submit form, the live leaderboard and the side-by-side design diff.

Everything a student typed (display names) is shown as plain text: in tables, `st.text`, or
escaped into the figure; never through markdown or HTML.
"""

from __future__ import annotations

import functools
import time

import streamlit as st

from cnnlab.classroom import challenges as core
from cnnlab.classroom import glance
from cnnlab.classroom import leaderboard as board
from cnnlab.classroom.challenges import ChallengeView
from cnnlab.classroom.limits import Limits
from cnnlab.design.diff import diff_rows
from cnnlab.errors import LabError
from cnnlab import i18n
from cnnlab.i18n import _
from cnnlab.runs import store as runstore
from ui import language
from ui import resources
from ui import session

CHOSEN_KEY = "challenge_chosen"  # the id of the challenge the student is working on, or None
SEEN_KEY = "presence_noted_at"
SEEN_EVERY_S = 60.0
REFRESH_S = 5.0
PAGE = "views/challenges.py"


def note_presence() -> None:
    """Tell the teacher's page this student is active (written at most once a minute)."""
    if time.monotonic() - st.session_state.get(SEEN_KEY, -SEEN_EVERY_S) < SEEN_EVERY_S:
        return
    st.session_state[SEEN_KEY] = time.monotonic()
    try:
        glance.seen(resources.database(), session.student_id())
    except Exception:  # presence is a nicety: a busy database never breaks a student's page
        pass


def open_challenges() -> list[ChallengeView]:
    """The open challenges; a database that cannot be reached is said once, not a crash."""
    try:
        return core.challenges(resources.database())
    except LabError as err:
        st.warning(_("Challenges are unavailable: {error}").format(error=err), icon=":material/cloud_off:")
        return []


def chosen(options: list[ChallengeView]) -> ChallengeView | None:
    picked = st.session_state.get(CHOSEN_KEY)
    return next((c for c in options if c.id == picked), None)


def challenges_box(owner: str) -> None:
    """Home: the open challenges, each a link to the Challenges page."""
    options = open_challenges()
    if not options:
        return
    with st.container(border=True):
        st.markdown(_("**Open challenges from your teacher**"))
        for c in options:
            st.text(f"• {c.title} ({c.caps_text()})")
        st.page_link(PAGE, label=_("Take part: Challenges"), icon=":material/emoji_events:",
                     query_params={"lab": owner})


def training_limits(owner: str, server: Limits) -> tuple[ChallengeView | None, Limits]:
    """Train: pick the challenge this training is for; its caps then tighten the form."""
    options = open_challenges()
    if not options:
        return None, server
    ids = [None] + [c.id for c in options]
    titles = {c.id: c.title for c in options}
    if st.session_state.get(CHOSEN_KEY) not in ids:
        st.session_state[CHOSEN_KEY] = None
    with st.container(border=True):
        st.selectbox(_("Training for a challenge?"), ids, key=CHOSEN_KEY,
                     format_func=lambda i: _("No, just practising") if i is None else titles[i])
        current = chosen(options)
        if current is not None:
            st.caption(_("This challenge allows {caps}; the settings below are held within "
                         "them.").format(caps=current.caps_text()))
            st.page_link(PAGE, label=_("See the challenge and its leaderboard"),
                         icon=":material/emoji_events:", query_params={"lab": owner})
    return current, (current.limits(server) if current else server)


def check_caps(arch, config, limits: Limits) -> None:
    """The challenge's caps on this design and these settings, before the job is queued."""
    from cnnlab.classroom.caps import check

    check(arch, limits)
    config.check(limits)


def submit_form(owner: str, current: ChallengeView) -> None:
    """Enter one of the student's finished runs; the server measures its accuracy."""
    config = resources.settings()
    mine = [r for r in runstore.list_runs(config.runs_dir, owner)
            if r.status in ("complete", "cancelled")]
    if not mine:
        st.caption(_("Train a run first (on the Train page, choosing this challenge); then "
                     "submit it here."))
        return
    labels = {r.run_id: f"{r.name} ({r.created[:16].replace('T', ' ')})" for r in mine}
    with st.form(f"submit_{current.id}"):
        run_id = st.selectbox(_("Your run"), list(labels), format_func=labels.get)
        name = st.text_input(_("Display name on the leaderboard"),
                             max_chars=core.MAX_DISPLAY_NAME,
                             help=_("Any name you like; others see it beside your result."))
        sent = st.form_submit_button(_("Submit to this challenge"), type="primary",
                                     icon=":material/upload:")
    if not sent:
        return
    run_dir = config.runs_dir / owner / run_id
    try:
        with st.spinner(_("Measuring your run on the 10,000 test digits...")):
            resources.settle_keras()  # measuring may load the run's model in this server
            core.submit_run(resources.database(), current.id, owner, run_dir, name,
                            config.runs_dir, data=resources.mnist())
    except LabError as err:
        st.error(str(err), icon=":material/block:")
    else:
        st.success(_("Submitted: the server measured your run; find it on the leaderboard "
                     "below."))


@language.fragment(run_every=REFRESH_S)
def live_leaderboard(challenge_id: int, viewer: str | None) -> None:
    """The board, redrawn every few seconds as classmates submit."""
    entries = board.leaderboard(resources.database(), challenge_id, viewer=viewer)
    if not entries:
        st.caption(_("No submissions yet."))
        return
    me = board.own_rank(entries)
    if viewer is not None:
        st.metric(_("Your rank"), _("not ranked yet") if me is None
                  else _("{rank} of {n}").format(rank=me.rank, n=len(entries)))
    st.plotly_chart(_figure(tuple(entries), i18n.language()), key=f"board_fig_{challenge_id}",
                    config={"displayModeBar": False})
    st.dataframe(board.rows(entries), hide_index=True, key=f"board_table_{challenge_id}")


@functools.lru_cache(maxsize=256)
def _figure(entries: tuple[board.Entry, ...], lang: str):
    """Built once per distinct board, viewer and language: most 5-second refreshes find nothing
    new. `lang` is part of the cache key only; the figure's words follow the page's language."""
    from cnnlab.plots.leaderboard import leaderboard_figure  # Plotly only where a board shows

    return leaderboard_figure(entries)


def design_diff(challenge_id: int) -> None:
    """Any two submitted designs side by side, layer by layer (the leaderboard's published view)."""
    entries = board.leaderboard(resources.database(), challenge_id)
    if len(entries) < 2:
        return
    names = {e.submission_id: f"#{e.rank} {e.display_name}" for e in entries}
    ids = list(names)
    left, right = st.columns(2)
    a = left.selectbox(_("Left design"), ids, index=0, format_func=names.get,
                       key=f"diff_left_{challenge_id}")
    b = right.selectbox(_("Right design"), ids, index=1, format_func=names.get,
                        key=f"diff_right_{challenge_id}")
    db = resources.database()
    arch_a, arch_b = board.published_design(db, a)[1], board.published_design(db, b)[1]
    st.dataframe(diff_rows(arch_a, arch_b), hide_index=True, key=f"diff_table_{challenge_id}")
