"""Every page renders in 中文 and in English, and the sidebar switch changes only the language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab import i18n
from cnnlab.classroom import challenges as core
from cnnlab.design.presets import get_preset
from ui import resources

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# page file -> the English of its h1 (Draw and Evaluate load TensorFlow, so they are slower)
PAGES = {"views/home.py": "CNN Lab", "views/convolution.py": "Convolution explained",
         "views/design.py": "Design your CNN", "views/train.py": "Train your CNN",
         "views/evaluate.py": "Evaluate a trained model", "views/draw.py": "Draw & predict",
         "views/glossary.py": "Glossary", "views/teacher.py": "Teacher",
         "views/challenges.py": "Challenges", "views/invariance.py": "Invariance lab"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def classroom(tmp_path, monkeypatch):
    """A server of its own, with one open challenge so the Challenges page shows its task."""
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    st.cache_resource.clear()
    core.publish(resources.database(), "98.5% under 20,000 parameters", max_epochs=3,
                 max_params=20_000)
    yield
    st.cache_resource.clear()


def _translated(english: str, lang: str) -> str:
    i18n.set_language(lang)
    try:
        return i18n._(english)
    finally:
        i18n.set_language("en")


def _open(page: str, lang: str | None) -> AppTest:
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    if lang:
        at.query_params["lang"] = lang
    at.switch_page(page)
    return at.run()


def _texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "subheader", "header", "title")
            for e in getattr(at, kind)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_both_languages(page, lang):
    at = _open(page, lang)
    assert not at.exception
    title = _translated(PAGES[page], lang)
    assert at.title[0].value == title
    assert at.query_params["lang"] == [lang] or at.query_params["lang"] == lang
    text = "\n".join(_texts(at))
    if lang == "zh":
        assert CJK.search(title) or page == "views/home.py"
        assert len(CJK.findall(text)) > 20, "the page's text should be in Chinese"
    else:
        assert not CJK.search(text.replace("中文", "")), "no Chinese on an English page"


def test_the_first_language_is_english_without_a_browser_locale_or_address():
    at = _open("views/home.py", None)
    assert at.session_state["language"] == "en"
    assert at.query_params["lang"] in ("en", ["en"])


def test_switching_the_language_keeps_the_page_and_the_design():
    arch = get_preset("cnn_a").arch
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["design"] = arch
    at.switch_page("views/design.py").run()
    assert at.title[0].value == "Design your CNN"
    switch = at.sidebar.button_group(key="language")
    switch.set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "设计你的 CNN"  # still the Design page, now in Chinese
    assert at.session_state["design"] == arch
    assert at.query_params["lang"] in ("zh", ["zh"])
    assert any("参数量" in m.label for m in at.metric)


def _fragment_rerun_script():
    import streamlit as st

    from cnnlab import i18n
    from ui import language

    st.session_state["language"] = "zh"

    @language.fragment
    def part():
        st.markdown(i18n._("Home"))

    i18n.set_language("en")  # what a fragment's own rerun finds: the page's top did not run
    part()


def test_a_fragment_reruns_in_the_sessions_language():
    """The leaderboard and the job panel refresh as fragments, which skip the page's top."""
    at = AppTest.from_function(_fragment_rerun_script).run()
    assert not at.exception
    assert at.markdown[0].value == "首页"
