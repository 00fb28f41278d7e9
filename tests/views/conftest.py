"""The AppTest set-up every page test shares: where the pages are, and a fresh 'server'.

Streamlit's `st.cache_resource` lives as long as the Python process, so a test that wants
its own runs folder, settings or job queue must clear it; `fresh_server` does that around
one test and points the runs folder at a temporary one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")  # the whole app; Home is its default page


def page(name: str) -> str:
    """The file of one page in views/, e.g. page("design")."""
    return str(ROOT / "views" / f"{name}.py")


def open_page(name: str, timeout: float = 60) -> AppTest:
    """The page run once, with no exception raised."""
    at = AppTest.from_file(page(name), default_timeout=timeout).run()
    assert not at.exception
    return at


@pytest.fixture
def fresh_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Empty caches and a runs folder of its own for one test; yields that folder."""
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    st.cache_resource.clear()
    yield tmp_path / "runs"
    st.cache_resource.clear()
