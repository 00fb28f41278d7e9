"""The page language: 中文 or English, from the address (?lang=zh), else the browser's locale.

Kept in st.session_state like the design and the running job, so switching the language at any
moment only reruns the page in the other language. Mirrored in the address like the lab code,
so a bookmark or a shared link opens in the same language.
"""

from __future__ import annotations

import streamlit as st

from cnnlab import i18n

KEY = "language"  # the sidebar switch's key in st.session_state: "zh" or "en"


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
