"""Every page in 中文 and English in real Chromium: the Chinese text shows (a CJK font is
installed by scripts/install-cjk-font.sh), axe-core finds no serious or critical problem, and a
student with only a keyboard reaches the Train button and a prediction on the Draw page.

Screenshots of the Chinese pages go to $CNNLAB_SCREENSHOTS when it is set (look at them), else
to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.helpers import exceptions, page_text, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

PAGES = ("", "convolution", "design", "train", "evaluate", "draw", "glossary")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Streamlit draws grey placeholders until a widget's code has loaded; check the real widgets.
NO_SKELETONS_JS = "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
# The focused element: what a screen reader would announce for it.
FOCUS_JS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const byId = (e.getAttribute('aria-labelledby') || '').split(' ')
        .map(id => document.getElementById(id)).filter(Boolean).map(n => n.innerText).join(' ');
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    const name = (e.getAttribute('aria-label') || byId || label || e.innerText
                  || e.getAttribute('title') || e.value || '').trim();
    return {tag: e.tagName, type: e.type || '', role: e.getAttribute('role') || '', name};
}"""


def _axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
            for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_in_both_languages_has_no_serious_accessibility_problem(server, page, lang,
                                                                            tmp_path):
    shots = Path(os.environ.get("CNNLAB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    problems = {}
    for path in PAGES:
        page.goto(f"{server['url']}/{path}?lang={lang}")
        wait_for_app(page, 120_000)
        page.wait_for_function(NO_SKELETONS_JS, timeout=60_000)  # widgets drawn, not placeholders
        assert not exceptions(page), f"/{path}: {exceptions(page)}"
        text = page_text(page)
        if lang == "zh":
            assert CJK.search(text), f"/{path} shows no Chinese"
            page.screenshot(path=str(shots / f"zh-{path or 'home'}.png"))
        elif path != "glossary":  # the glossary shows the Chinese terms in both languages
            assert not CJK.search(text.replace("中文", "").replace("语言", "")), path
        problems[path or "home"] = _axe_problems(page)
    assert not any(problems.values()), problems


def _tab_to(page, wanted: re.Pattern, presses: int = 120) -> dict:
    """Press Tab until the focused control's name matches; every control passed must have one."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None:
            continue
        if focused["tag"] not in ("BUTTON", "INPUT", "A", "SELECT", "TEXTAREA"):
            continue  # a region or a code block that takes focus so it can be scrolled
        assert focused["name"], f"a {focused} control without a name"
        if wanted.search(focused["name"]):
            return focused
    raise AssertionError(f"{wanted.pattern!r} not reached with {presses} Tab presses")


def _follow_link(page, name: str) -> None:
    """From the top of the page, Tab to the sidebar link and press Enter."""
    page.locator("body").focus()
    _tab_to(page, re.compile(rf"\b{re.escape(name)}$"))
    page.keyboard.press("Enter")


def _wait_for_heading(page, words: str) -> None:
    page.wait_for_function(f"() => ((document.querySelector('h1') || {{}}).innerText || '')"
                           f".includes({words!r})", timeout=120_000)
    wait_idle(page, 120_000)


def test_the_keyboard_alone_reaches_the_train_button_and_a_prediction(server, page):
    page.goto(f"{server['url']}/?lang=en")
    wait_for_app(page)
    for name, heading in (("Convolution explained", "Convolution"), ("Design", "Design"),
                          ("Evaluate", "Evaluate"), ("Glossary", "Glossary"),
                          ("Train", "Train")):
        _follow_link(page, name)
        _wait_for_heading(page, heading)
    start = _tab_to(page, re.compile(r"Start training"))
    assert start["tag"] == "BUTTON"  # Enter here would start the training

    _follow_link(page, "Draw & predict")
    _wait_for_heading(page, "Draw")
    _tab_to(page, re.compile(r"^Draw$"))  # the input choice: Draw / Keyboard grid / Upload
    page.keyboard.press("ArrowRight")  # arrows move a radio group's choice
    page.get_by_text("Start from").wait_for(timeout=60_000)
    wait_idle(page)
    _tab_to(page, re.compile(r"^7$"))  # the example digit 7 in "Start from"
    page.keyboard.press("Enter")
    page.get_by_text("1st choice").wait_for(timeout=120_000)
    wait_idle(page)
    assert "What the model reads" in page_text(page)
    assert not exceptions(page)
