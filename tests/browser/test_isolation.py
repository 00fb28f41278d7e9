"""Two students at once in two browser contexts: neither sees the other's job or runs.

Student A trains; student B, at the same time, must not see A's job on Train, nor A's run on
Train, Evaluate or Draw afterwards; a made-up or malformed lab code is refused (the server
did not issue it) with a way back to a fresh workspace, never A's.
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (NO_JOB_TEXT, NO_RUNS_TEXT, exceptions, lab_code, open_page,
                                   page_text, select_options, start_training, wait_for_app,
                                   watch_training)

pytestmark = pytest.mark.browser


def _student(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    return context, context.new_page()


def _sees_nothing_of(page, url, lab, name, secret_lab):
    """On Train, Evaluate and Draw, this student sees no trace of the other student's run."""
    open_page(page, url, "train", lab)
    expect(page.get_by_text(NO_RUNS_TEXT)).to_be_visible()
    expect(page.get_by_text(NO_JOB_TEXT)).to_be_visible()
    for path, picker in (("train", None), ("evaluate", "Model to evaluate"), ("draw", "Model")):
        open_page(page, url, path, lab)
        if picker:
            options = select_options(page, picker)
            assert options and all(o.startswith("Default model") for o in options), options
        text = page_text(page)
        assert name not in text and secret_lab not in text
        assert not exceptions(page)


def test_two_students_do_not_see_each_other(server, browser):
    url = server["url"]
    context_a, a = _student(browser)
    context_b, b = _student(browser)
    context_c, c = _student(browser)
    try:
        lab_a = open_page(a, url)
        lab_b = open_page(b, url)
        assert lab_a != lab_b, "each new student gets their own lab code"

        name = f"secret of A {secrets.token_hex(3)}"
        open_page(a, url, "train", lab_a)
        start_training(a, 3000, 1, name)
        expect(a.get_by_role("button", name="Stop training").or_(
            a.get_by_text("Done: test accuracy")).first).to_be_visible()  # a fast machine is done

        # while A's job runs (or just after), B's Train page shows no job and no run
        open_page(b, url, "train", lab_b)
        expect(b.get_by_text(NO_JOB_TEXT)).to_be_visible()
        text = page_text(b)
        assert name not in text and lab_a not in text
        assert not b.get_by_role("button", name="Stop training").count()

        assert watch_training(a).final.status.startswith("Done")
        # A sees the finished run (the positive control for every check on B)
        open_page(a, url, "evaluate", lab_a)
        assert any(name in o for o in select_options(a, "Model to evaluate"))

        _sees_nothing_of(b, url, lab_b, name, lab_a)

        # a made-up (well-formed) lab code is refused, with the way back, and shows nothing
        made_up = "madeUp" + secrets.token_hex(8)  # not 18 letters: not read as a mistyped code
        open_page(c, url, "train", made_up)
        expect(c.get_by_text("is not known here: check it, or start a new workspace")).to_be_visible()
        text = page_text(c)
        assert name not in text and lab_a not in text and not exceptions(c)
        # a malformed code (a path) is refused too; "Start a new workspace" gives a fresh code
        c.goto(f"{url}/train?lab=../{lab_a}")  # not a code at all: open_page would refuse it
        wait_for_app(c)
        expect(c.get_by_text("is not known here: check it")).to_be_visible()
        assert name not in page_text(c)
        c.get_by_role("button", name="Start a new workspace").click()
        expect(c.get_by_text(NO_RUNS_TEXT)).to_be_visible()
        fresh = lab_code(c)
        assert fresh not in (lab_a, made_up)
        _sees_nothing_of(c, url, fresh, name, lab_a)
    finally:
        for context in (context_a, context_b, context_c):
            context.close()

    runs = server["runs_dir"]
    assert [p.name for p in (runs / lab_a).iterdir()], "A's run is saved under A's code"
    assert not (runs / made_up).exists()
    for other in (lab_b, fresh):
        assert not (runs / other).exists() or not any((runs / other).iterdir())
