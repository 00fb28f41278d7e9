"""Two students submit to a challenge in their own browsers; the teacher signs in and the
leaderboard shows both, ranked by the accuracy the server measured, with names as plain text."""

from __future__ import annotations

import pytest

from cnnlab.classroom import challenges
from cnnlab.classroom.db.engine import database_url, open_database
from cnnlab.classroom.lab_codes import issue
from cnnlab.classroom.leaderboard import leaderboard
from tests.browser.helpers import TEACHER_PASSWORD, exceptions, open_page, wait_idle
from tests.tiny_runs import copy_run

pytestmark = pytest.mark.browser
BOARD_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .flatMap(p => (p.data || []).flatMap(t => t.hovertext || []))"""


def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    return context, context.new_page()


def _submit(page, url: str, lab: str, name: str) -> None:
    open_page(page, url, "challenges", lab)
    page.get_by_role("textbox", name="Display name on the leaderboard").fill(name)
    page.get_by_role("button", name="Submit to this challenge").click()
    page.get_by_text("Submitted: the server measured your run").wait_for(timeout=90_000)
    wait_idle(page)
    assert not exceptions(page)


def test_two_students_submit_and_the_teacher_sees_both_ranked(server, browser, class_runs):
    url, runs_dir = server["url"], server["runs_dir"]
    db = open_database(database_url(None, runs_dir))  # the server's own SQLite file
    cid = challenges.publish(db, "Browser challenge")
    ada, bob = issue(runs_dir), issue(runs_dir)  # the server refuses codes it did not issue
    copy_run(class_runs["dense"], runs_dir, ada)
    copy_run(class_runs["conv"], runs_dir, bob)
    names = {ada: "Ada", bob: "<i>Bob</i>"}
    contexts = []
    try:
        for lab in (ada, bob):
            context, page = _context(browser)
            contexts.append(context)
            _submit(page, url, lab, names[lab])
        context, teacher = _context(browser)
        contexts.append(context)
        open_page(teacher, url, "teacher", issue(runs_dir))
        teacher.get_by_role("textbox", name="Teacher's password").fill(TEACHER_PASSWORD)
        teacher.get_by_role("button", name="Open the teacher's page").click()
        teacher.get_by_text("The class at a glance").wait_for(timeout=60_000)
        teacher.wait_for_function(f"() => ({BOARD_JS})().length >= 2", timeout=60_000)
        shown = teacher.evaluate(BOARD_JS)
        board = leaderboard(db, cid)
        assert [e.display_name for e in board] == [
            n for n in sorted(names.values(), key=lambda n: -next(
                e.accuracy for e in board if e.display_name == n))]  # best accuracy first
        for entry in board:  # each name once, at its rank, escaped in the figure
            escaped = entry.display_name.replace("<", "&lt;").replace(">", "&gt;")
            assert sum(f"#{entry.rank} {escaped}<br>" in h for h in shown) == 1, shown
        assert not teacher.locator("i", has_text="Bob").count()  # never rendered as markup
    finally:
        for context in contexts:
            context.close()
        db.engine.dispose()
