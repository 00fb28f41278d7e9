"""Metrics agree with counts done by hand and with an independent loop-based computation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlab.evaluation import metrics
# A small 3-class example. True labels / predictions chosen so that
#   class 0: 4 images, 3 right, 1 predicted as 1
#   class 1: 3 images, 1 right, 2 predicted as 2
#   class 2: 2 images, 2 right
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2])
Y_PRED = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])


def test_confusion_matrix_counts_each_pair():
    cm = metrics.confusion_matrix(Y_TRUE, Y_PRED, n_classes=3)
    assert cm.tolist() == [[3, 1, 0], [0, 1, 2], [0, 0, 2]]
    assert cm.dtype.kind == "i"
    assert cm.sum() == len(Y_TRUE)


def test_per_class_matches_hand_counts():
    cm = metrics.confusion_matrix(Y_TRUE, Y_PRED, n_classes=3)
    rows = metrics.per_class(cm)
    # class 0: TP 3, predicted 3 times, 4 true -> P 3/3, R 3/4
    # class 1: TP 1, predicted 2 times, 3 true -> P 1/2, R 1/3
    # class 2: TP 2, predicted 4 times, 2 true -> P 2/4, R 2/2
    expected = [(3 / 3, 3 / 4, 4), (1 / 2, 1 / 3, 3), (2 / 4, 2 / 2, 2)]
    for row, (p, r, n) in zip(rows, expected):
        assert row.precision == pytest.approx(p)
        assert row.recall == pytest.approx(r)
        assert row.f1 == pytest.approx(2 * p * r / (p + r))
        assert row.support == n
    assert [r.digit for r in rows] == [0, 1, 2]
    assert metrics.accuracy(cm) == pytest.approx(6 / 9)


def test_zero_denominators_give_zero_not_nan():
    # class 1 never occurs and is never predicted; class 2 is never predicted.
    cm = metrics.confusion_matrix([0, 0, 2], [0, 0, 0], n_classes=3)
    rows = metrics.per_class(cm)
    assert rows[1].precision == 0.0 and rows[1].recall == 0.0 and rows[1].f1 == 0.0
    assert rows[2].precision == 0.0 and rows[2].recall == 0.0 and rows[2].support == 1
    assert rows[0].precision == pytest.approx(2 / 3) and rows[0].recall == 1.0
    assert metrics.accuracy(np.zeros((10, 10), int)) == 0.0


def _loop_metrics(y_true, y_pred, n):
    """An independent, deliberately naive computation from the label lists."""
    out = []
    for c in range(n):
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
        pred_c = sum(1 for p in y_pred if p == c)
        true_c = sum(1 for t in y_true if t == c)
        prec = tp / pred_c if pred_c else 0.0
        rec = tp / true_c if true_c else 0.0
        out.append((prec, rec, true_c))
    return out


labels = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=0, max_size=200)


@settings(max_examples=60, deadline=None)
@given(labels)
def test_against_independent_loops(pairs):
    y_true = np.array([t for t, _ in pairs], dtype=int)
    y_pred = np.array([p for _, p in pairs], dtype=int)
    cm = metrics.confusion_matrix(y_true, y_pred)
    assert cm.shape == (10, 10)
    for t in range(10):
        for p in range(10):
            assert cm[t, p] == sum(1 for a, b in pairs if a == t and b == p)
    for row, (prec, rec, n) in zip(metrics.per_class(cm), _loop_metrics(y_true, y_pred, 10)):
        assert row.precision == pytest.approx(prec)
        assert row.recall == pytest.approx(rec)
        assert row.support == n
        assert 0.0 <= row.f1 <= 1.0
    right = sum(1 for a, b in pairs if a == b)
    assert metrics.accuracy(cm) == pytest.approx(right / len(pairs) if pairs else 0.0)


def test_misclassified_most_confident_first():
    probs = np.array([
        [0.9, 0.1, 0.0],  # true 0, right
        [0.2, 0.7, 0.1],  # true 0, wrong (1) at 0.7
        [0.1, 0.1, 0.8],  # true 1, wrong (2) at 0.8
        [0.5, 0.4, 0.1],  # true 2, wrong (0) at 0.5
        [0.0, 0.0, 1.0],  # true 2, right
    ])
    y = np.array([0, 0, 1, 2, 2])
    got = metrics.misclassified(y, probs)
    assert [m.index for m in got] == [2, 1, 3]
    assert [(m.true, m.predicted) for m in got] == [(1, 2), (0, 1), (2, 0)]
    assert [m.confidence for m in got] == pytest.approx([0.8, 0.7, 0.5])
    assert [m.index for m in metrics.misclassified(y, probs, limit=2)] == [2, 1]
    assert metrics.misclassified(y, probs, limit=0) == []


def test_misclassified_ties_keep_index_order():
    probs = np.array([[0.4, 0.6], [0.4, 0.6], [0.6, 0.4]])
    assert [m.index for m in metrics.misclassified(np.array([0, 0, 1]), probs)] == [0, 1, 2]


def test_cell_examples_are_the_cell_members():
    idx = metrics.cell_examples(Y_TRUE, Y_PRED, 1, 2)
    assert idx.tolist() == [5, 6]
    cm = metrics.confusion_matrix(Y_TRUE, Y_PRED, n_classes=3)
    for t in range(3):
        for p in range(3):
            cell = metrics.cell_examples(Y_TRUE, Y_PRED, t, p)
            assert len(cell) == cm[t, p]
            assert all(Y_TRUE[i] == t and Y_PRED[i] == p for i in cell)


@pytest.mark.parametrize("call", [
    lambda: metrics.confusion_matrix([0, 1], [0]),
    lambda: metrics.confusion_matrix([0, 10], [0, 1]),
    lambda: metrics.confusion_matrix([[0]], [[0]]),
    lambda: metrics.confusion_matrix([0.5], [0]),
    lambda: metrics.per_class(np.zeros((2, 3))),
    lambda: metrics.misclassified([0, 1], np.zeros((3, 10))),
    lambda: metrics.misclassified([0], np.zeros((1, 10)), limit=-1),
])
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_evaluation_modules_do_not_import_keras_or_streamlit():
    import subprocess
    import sys

    code = ("import sys, cnnlab.evaluation.metrics, cnnlab.evaluation.compare, cnnlab.evaluation.evaluate, cnnlab.evaluation.cache, "
            "cnnlab.commands.evaluate; "
            "print([m for m in ('keras', 'tensorflow', 'streamlit') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
