"""Challenges and leaderboards on real tiny runs: the server measures the accuracy, a student
submits only their own runs within the challenge's caps, and names are kept as plain text."""

from __future__ import annotations

import pytest

from cnnlab.classroom import challenges, glance, leaderboard
from cnnlab.classroom.limits import Limits
from cnnlab.design.diff import diff_rows
from cnnlab.errors import LabError
from cnnlab.evaluation.evaluate import evaluate_run
from tests.tiny_runs import CONV, DENSE, copy_run, small_mnist

ALICE, BOB = "alice-lab-code-0001", "bob-lab-code-000002"
EVIL = '<img src=x onerror=alert(1)>**b**'  # 33 characters: kept whole


@pytest.fixture(scope="module")
def trained(tmp_path_factory, class_runs):
    """Alice's dense and conv runs and Bob's conv run: copies of the session's tiny real runs."""
    runs_dir = tmp_path_factory.mktemp("runs")
    return runs_dir, {"alice_dense": copy_run(class_runs["dense"], runs_dir, ALICE),
                      "alice_conv": copy_run(class_runs["conv"], runs_dir, ALICE),
                      "bob_conv": copy_run(class_runs["conv"], runs_dir, BOB)}


@pytest.fixture(scope="module")
def data():
    return small_mnist()


def test_publish_and_list(db):
    first = challenges.publish(db, "  Beat   the dense baseline ", "Fewer weights!", max_epochs=2)
    second = challenges.publish(db, "Fix this design", starting_design=CONV, max_params=20_000)
    listed = challenges.challenges(db)
    assert [c.id for c in listed] == [second, first]
    assert listed[1].title == "Beat the dense baseline" and listed[1].caps == {"max_epochs": 2}
    assert listed[0].starting_design == CONV
    assert listed[0].limits(Limits()).max_params == 20_000
    assert listed[0].limits(Limits(max_params=100)).max_params == 100  # never loosens the server
    challenges.set_open(db, first, False)
    assert [c.id for c in challenges.challenges(db)] == [second]
    assert len(challenges.challenges(db, only_open=False)) == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"title": "  "}, "needs a title"), ({"title": "t", "max_epochs": 0}, "at least 1")])
def test_publish_refuses_bad_input(db, kwargs, message):
    with pytest.raises(LabError, match=message):
        challenges.publish(db, **kwargs)


def test_server_measures_accuracy_and_ranks_best_per_student(db, trained, data):
    runs_dir, run = trained
    cid = challenges.publish(db, "Best accuracy")
    for key, owner, name in (("alice_dense", ALICE, "Alice"), ("alice_conv", ALICE, "Alice"),
                             ("bob_conv", BOB, EVIL)):
        challenges.submit_run(db, cid, owner, run[key], name, runs_dir, data=data)
    expected = {k: evaluate_run(p, data=data).accuracy for k, p in run.items()}
    board = leaderboard.leaderboard(db, cid, viewer=BOB)
    assert len(board) == 2  # one row per student: Alice's best run only
    alice_best = max(expected["alice_dense"], expected["alice_conv"])
    by_name = {e.display_name: e for e in board}
    assert by_name["Alice"].accuracy == pytest.approx(alice_best)
    assert by_name[EVIL].accuracy == pytest.approx(expected["bob_conv"])
    assert [e.rank for e in board] == [1, 2]
    assert board[0].accuracy >= board[1].accuracy
    me = leaderboard.own_rank(board)
    assert me is not None and me.display_name == EVIL and me.is_you
    assert not any(ALICE in str(v) or BOB in str(v) for row in leaderboard.rows(board)
                   for v in row.values())  # no lab code on the board


def test_student_cannot_submit_another_students_run(db, trained, data):
    runs_dir, run = trained
    cid = challenges.publish(db, "Mine only")
    with pytest.raises(LabError, match="your own runs"):
        challenges.submit_run(db, cid, ALICE, run["bob_conv"], "Alice", runs_dir, data=data)
    with pytest.raises(LabError, match="your own runs"):  # a path that climbs out
        challenges.submit_run(db, cid, ALICE, runs_dir / ALICE / ".." / BOB / run["bob_conv"].name,
                              "Alice", runs_dir, data=data)
    assert leaderboard.leaderboard(db, cid) == []


def test_caps_are_checked_on_the_saved_run(db, trained, data):
    runs_dir, run = trained
    small = challenges.publish(db, "Tiny", max_params=1_000)
    with pytest.raises(LabError, match="7,850 parameters, but the challenge allows at most 1,000"):
        challenges.submit_run(db, small, ALICE, run["alice_dense"], "A", runs_dir, data=data)
    subset = challenges.publish(db, "Few images", max_subset=100)
    with pytest.raises(LabError, match="500 training images, but the challenge allows at most 100"):
        challenges.submit_run(db, subset, ALICE, run["alice_conv"], "A", runs_dir, data=data)
    closed = challenges.publish(db, "Closed")
    challenges.set_open(db, closed, False)
    with pytest.raises(LabError, match="closed"):
        challenges.submit_run(db, closed, ALICE, run["alice_conv"], "A", runs_dir, data=data)


@pytest.mark.parametrize("raw, clean", [
    ("  Ada\tLovelace\n ", "Ada Lovelace"), ("a\u202eb\x00c", "abc"), ("x" * 80, "x" * 40),
    (EVIL, EVIL)])
def test_display_names_are_one_line_of_plain_text(raw, clean):
    assert challenges.clean_display_name(raw) == clean


def test_empty_display_name_refused():
    with pytest.raises(LabError, match="display name"):
        challenges.clean_display_name(" \u200b ")


def test_pareto_front():
    points = [(0.99, 50_000), (0.98, 10_000), (0.97, 20_000), (0.98, 10_000), (0.90, 1_000)]
    assert leaderboard.pareto_front(points) == [True, True, False, True, True]


def test_published_design_and_diff(db, trained, data):
    runs_dir, run = trained
    cid = challenges.publish(db, "Compare")
    a = challenges.submit_run(db, cid, ALICE, run["alice_dense"], "A", runs_dir, data=data)
    b = challenges.submit_run(db, cid, BOB, run["bob_conv"], "B", runs_dir, data=data)
    (_, left), (_, right) = (leaderboard.published_design(db, a),
                             leaderboard.published_design(db, b))
    assert left == DENSE and right == CONV
    rows = diff_rows(left, right)
    assert rows[0]["Left layer"].startswith("Flatten") and rows[0]["Right shape"] == "26 × 26 × 4"
    assert rows[-1]["Left params"] == "7,850" and rows[-1]["Right params"] == "6,810"
    assert rows[2]["Left layer"] == "" and rows[2]["Same"] == "≠"


def test_glance_presence_mistakes_and_csv(db, trained, data):
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    glance.seen(db, ALICE, now - timedelta(hours=1))
    glance.seen(db, BOB, now - timedelta(minutes=1))
    assert glance.active_lab_codes(db, now) == [BOB]
    glance.seen(db, ALICE, now)
    assert glance.active_lab_codes(db, now) == [ALICE, BOB]
    runs_dir, run = trained
    cid = challenges.publish(db, "=cmd|' /C calc'!A0")
    challenges.submit_run(db, cid, BOB, run["bob_conv"], "=HYPERLINK(1)", runs_dir, data=data)
    table = glance.results_csv(db).splitlines()
    assert table[0].split(",") == list(glance.CSV_COLUMNS)
    assert table[1].startswith("'=cmd") and ",'=HYPERLINK(1)," in table[1] and BOB in table[1]
    assert glance.common_mistakes([["Layer 2 (Dense 64): softmax in a hidden layer x"],
                                   ["Layer 5 (Dense 32): softmax in a hidden layer x", "y"]]) \
        == [("softmax in a hidden layer x", 2), ("y", 1)]
