"""The page language: 中文 or English, from the address (?lang=zh), else the browser's locale.

Kept in st.session_state like the design and the running job, so switching the language at any
moment only reruns the page in the other language. Mirrored in the address like the lab code,
so a bookmark or a shared link opens in the same language.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cnnlab import i18n
from cnnlab.i18n import _

KEY = "language"  # the sidebar switch's key in st.session_state: "zh" or "en"


def _sessions_choice() -> str | None:
    """The session's language, for code Streamlit runs before the page's top sets it.

    Button and widget callbacks (`on_click=`, `on_change=`) run at the start of the next run,
    in a fresh script thread, before `choose()`: without this, a LabError raised inside one
    (an impossible layer, a bad design file, a name too long) comes out in English. Registered
    once here, for every callback of every page, instead of wrapping each callback.
    """
    if get_script_run_ctx(suppress_warning=True) is None:
        return None  # not a page's thread (a training-queue thread of the server): English
    return st.session_state.get(KEY)


i18n.set_fallback(_sessions_choice)


def choose() -> str:
    """This run's language, set for every `_()` of the page; call once, before any text."""
    state = st.session_state
    if state.get(KEY) not in i18n.LANGUAGES:
        from_url = st.query_params.get("lang")
        state[KEY] = from_url if from_url in i18n.LANGUAGES else i18n.from_browser(_locale())
    lang = state[KEY]
    i18n.set_language(lang)
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang  # page switches clear the address's parameters; put it back
    return lang


def fragment(func=None, *, run_every: float | None = None):
    """`st.fragment` that reruns in this session's language. A fragment's own reruns (a timer,
    a widget inside it) skip the page's top, where `choose()` sets it, so without this a
    refreshing leaderboard or job panel falls back to English after its first redraw."""
    def wrap(body):
        @functools.wraps(body)
        def in_language(*args, **kwargs):
            i18n.set_language(st.session_state.get(KEY, i18n.SOURCE))
            return body(*args, **kwargs)
        return st.fragment(in_language, run_every=run_every)
    return wrap if func is None else wrap(func)


def switch() -> None:
    """The sidebar's language switch; changing it reruns the same page in the other language."""
    st.sidebar.segmented_control("Language / 语言", list(i18n.LANGUAGES), key=KEY,
                                 format_func=i18n.LANGUAGES.get, selection_mode="single",
                                 required=True)


def _locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # noqa: BLE001 - no browser (AppTest without a context): the source language
        return None


def file_uploader(label: str, *, max_upload_size: int | None = None, **kwargs):
    """`st.file_uploader` with its box explained in the page's language.

    Streamlit draws the box's own words in English ("Drag and drop file here", "Browse files",
    "Limit 2MB per file") and offers no way to translate them, so the tooltip and, in Chinese, a
    caption under the box say the same in the student's words.
    """
    megabytes = max_upload_size or st.get_option("server.maxUploadSize")
    words = _("Drag a file onto the box or click “Browse files” to choose one; at most {mb} MB "
              "per file.").format(mb=megabytes)
    upload = st.file_uploader(label, max_upload_size=max_upload_size, help=words, **kwargs)
    if i18n.language() != i18n.SOURCE:
        st.caption(words)
    return upload

