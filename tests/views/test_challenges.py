"""Teacher and student flows through the pages: the password gate, publishing a challenge,
submitting runs, the leaderboard, the Train page held within a challenge's caps, and names
typed by students never rendered as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.classroom import challenges as core
from cnnlab.classroom import teacher_auth
from tests.tiny_runs import copy_run
from ui import resources

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "a long teacher password"
HASH = teacher_auth.hash_password(PASSWORD, salt=b"fixed salt 16 by")
ALICE, BOB = "alice-lab-code-0001", "bob-lab-code-000002"
EVIL = "<script>alert(1)</script>**x**"


@pytest.fixture(autouse=True)
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("CNNLAB_TEACHER_PASSWORD_HASH", HASH)
    monkeypatch.setenv("CNNLAB_MAX_WORKERS", "1")
    for code in (ALICE, BOB, "teacher-lab-code-01"):  # workspaces that exist: codes it accepts
        (tmp_path / "runs" / code).mkdir(parents=True)
    st.cache_resource.clear()
    yield tmp_path / "runs"
    resources.job_manager().shutdown(timeout_s=30)  # its scheduler thread ends with the test
    st.cache_resource.clear()


def open_page(page: str, lab: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lab"] = lab
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def everything_rendered_as_markdown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.title,
                                            *at.subheader, *at.success, *at.error])


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    return button(at, "Open the teacher's page").click().run()


def test_teacher_page_is_shut_without_the_password(server):
    at = open_page("views/teacher.py", ALICE)
    assert [t.label for t in at.text_input] == ["Teacher's password"]
    assert not any(b.label == "Publish" for b in at.button)
    sign_in(at, "not it")
    assert "not the teacher's password" in at.error[0].value
    assert not any(b.label == "Publish" for b in at.button)
    for _ in range(teacher_auth.FREE_FAILURES - 1):
        sign_in(at, "still not it")
    sign_in(at, PASSWORD)  # right, but this client must wait first
    assert "Too many wrong passwords" in at.error[0].value
    assert not any(b.label == "Publish" for b in at.button)


def test_teacher_publishes_students_submit_and_the_board_ranks(server, class_runs):
    teacher = sign_in(open_page("views/teacher.py", "teacher-lab-code-01"), PASSWORD)
    assert not teacher.error
    title = next(t for t in teacher.text_input if t.label == "Title")
    title.input("Beat the dense baseline")
    teacher.number_input(key="cap_max_epochs").set_value(2)
    button(teacher, "Publish").click().run()
    assert "Published" in teacher.success[0].value
    [challenge] = core.challenges(resources.database())
    assert challenge.caps == {"max_epochs": 2}

    # Home shows it; the Train page holds its settings within the caps
    home = open_page("views/home.py", ALICE)
    assert any("Beat the dense baseline" in t.value for t in home.text)
    train = open_page("views/train.py", ALICE)
    train.selectbox(key="challenge_chosen").set_value(challenge.id).run()
    assert train.number_input(key="train_epochs").proto.max == 2

    # Alice submits her dense run, Bob his CNN under a name full of markup
    copy_run(class_runs["dense"], server, ALICE)
    copy_run(class_runs["conv"], server, BOB)
    for lab, name in ((ALICE, "Alice"), (BOB, EVIL)):
        student = open_page("views/challenges.py", lab)
        student.text_input[0].input(name)
        button(student, "Submit to this challenge").click().run()
        assert not student.error and "Submitted" in student.success[0].value
    from cnnlab.classroom.leaderboard import leaderboard

    board = leaderboard(resources.database(), challenge.id)
    assert {e.display_name for e in board} == {"Alice", EVIL}
    table = student.dataframe[0].value
    assert list(table["Name"]) == [e.display_name + (" (you)" if e.display_name == EVIL else "")
                                   for e in board]  # ranked as the core ranks them
    bob_rank = [e.display_name for e in board].index(EVIL) + 1
    assert student.metric[0].label == "Your rank" and student.metric[0].value == f"{bob_rank} of 2"
    assert EVIL not in everything_rendered_as_markdown(student)  # plain text only
    figure = student.get("plotly_chart")[0].proto.spec
    assert "<script>" not in figure and "&lt;script&gt;" in figure
    assert ALICE not in str(table.to_dict()) and ALICE not in everything_rendered_as_markdown(student)

    # the teacher's page lists both, and its CSV has every submission
    teacher = sign_in(open_page("views/teacher.py", "teacher-lab-code-01"), PASSWORD)
    assert len(teacher.dataframe) >= 1
    active = next(m for m in teacher.metric if m.label == "Active students")
    from cnnlab.classroom.glance import active_lab_codes

    codes = active_lab_codes(resources.database())
    assert {ALICE, BOB, "teacher-lab-code-01"} <= set(codes)  # the teacher's browser opened Home
    assert active.value == str(len(codes))  # Alice, Bob and the teacher's own browser (it opened Home first)
    csv = teacher.get("download_button")[0]
    assert csv.proto.label.startswith("Download every result")


def test_student_cannot_submit_for_another_lab_code(server, class_runs):
    core.publish(resources.database(), "Mine only")
    copy_run(class_runs["dense"], server, BOB)
    alice = open_page("views/challenges.py", ALICE)
    assert not any(b.label == "Submit to this challenge" for b in alice.button)  # no runs of hers
    assert "Train a run first" in " ".join(c.value for c in alice.caption)


def test_train_page_refuses_a_design_over_the_challenge_caps(server):
    cid = core.publish(resources.database(), "Small nets only", max_params=1_000)
    train = open_page("views/train.py", ALICE)  # the recommended design: far above 1,000
    train.selectbox(key="challenge_chosen").set_value(cid).run()
    button(train, "Start training").click().run()
    assert "cap of 1,000" in train.error[0].value
    assert resources.job_manager().jobs(ALICE) == []  # nothing was queued
