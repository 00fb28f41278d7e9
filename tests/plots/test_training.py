"""Learning-curve figures: the data of every trace equals the tracker's history, in epochs."""

import math

import plotly.graph_objects as go
import pytest

from cnnlab.plots.training import (batch_segments, epoch_series, progress_figure,
                                   training_figure)
from cnnlab.training.progress import Progress, ProgressTracker


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def tracked_progress(epochs=3, batches=8, val=True) -> Progress:
    """A Progress made by the real tracker from a synthetic, steadily improving training."""
    clock, reports = Clock(), []
    tracker = ProgressTracker(epochs, batches, batches * 32, 32, reports.append, every_s=0.0,
                              clock=clock)
    tracker.train_begin()
    for e in range(epochs):
        tracker.epoch_begin(e)
        for b in range(batches):
            clock.t += 0.1
            tracker.batch_end(b, {"loss": 2.0 / (e + 1) - b * 0.01, "accuracy": 0.3 + 0.2 * e})
        logs = {"loss": 2.0 / (e + 1), "accuracy": 0.3 + 0.2 * e}
        if val:
            logs.update(val_loss=2.2 / (e + 1), val_accuracy=0.25 + 0.2 * e)
        tracker.epoch_end(e, logs)
    return tracker.finish("done", test_loss=0.7, test_accuracy=0.71)


def trace(fig: go.Figure, name: str, col: int) -> go.Scatter:
    axis = "x" if col == 1 else f"x{col}"
    return next(t for t in fig.data if t.name.startswith(name) and t.xaxis == axis)


def test_batch_segments_are_in_epochs_and_split_between_epochs():
    points = [(1, 1.0, 0.1), (2, 0.9, 0.2), (3, 0.8, 0.3), (4, 0.7, None), (6, 0.5, 0.6)]
    xs, ys = batch_segments(points, 2, column=1)
    assert xs == [0.5, 1.0, None, 1.5, 2.0, None, 3.0]
    assert ys == [1.0, 0.9, None, 0.8, 0.7, None, 0.5]
    xs, ys = batch_segments(points, 2, column=2)  # the missing accuracy is skipped
    assert ys == [0.1, 0.2, None, 0.3, None, 0.6]


def test_epoch_series_skips_missing_values():
    rows = [{"epoch": 1, "val_loss": 0.5}, {"epoch": 2, "val_loss": None}, {"epoch": 3,
                                                                             "val_loss": 0.3}]
    assert epoch_series(rows, "val_loss") == ([1, 3], [0.5, 0.3])
    assert epoch_series(rows, "loss") == ([], [])


def test_progress_figure_traces_equal_the_tracker_history():
    p = tracked_progress()
    fig = progress_figure(p, uirevision="job1")
    for col, metric in ((1, "loss"), (2, "accuracy")):
        batch = trace(fig, "training, per batch", col)
        values = [v for v in batch.y if v is not None]
        assert values == [pt[col] for pt in p.batch_history]
        assert sum(v is None for v in batch.y) == p.epochs - 1  # one gap between epochs
        steps = [x * p.batches_per_epoch for x in batch.x if x is not None]
        assert steps == pytest.approx([pt[0] for pt in p.batch_history])
        ends = trace(fig, "training, end of epoch", col)
        assert list(ends.x) == [e["epoch"] for e in p.epoch_history]
        assert list(ends.y) == [e[metric] for e in p.epoch_history]
        val = trace(fig, "validation", col)
        assert list(val.y) == [e[f"val_{metric}"] for e in p.epoch_history]
        test = trace(fig, "test", col)
        assert list(test.y) == [p.test_loss if metric == "loss" else p.test_accuracy]
        assert list(test.x) == [p.epochs]
        assert test.marker.symbol == "diamond-open"  # the validation marker shows through
    assert fig.layout.uirevision == "job1"
    assert list(fig.layout.xaxis.range) == [0, p.epochs + 0.1]  # planned span from the start
    assert fig.layout.yaxis2.tickformat == ".0%"
    assert [a.text for a in fig.layout.annotations] == ["Loss (lower is better)",
                                                        "Accuracy (higher is better)"]
    assert sum(t.showlegend is not False for t in fig.data) == 4  # one legend entry per series


def test_a_live_figure_spans_the_planned_epochs_and_has_no_test_yet():
    p = tracked_progress(epochs=1).replace(epochs=5, test_loss=None, test_accuracy=None)
    fig = progress_figure(p)
    assert list(fig.layout.xaxis.range) == [0, 5.1]
    assert not [t for t in fig.data if t.name.startswith("test")]


def test_without_validation_the_validation_traces_are_empty():
    fig = progress_figure(tracked_progress(val=False))
    assert list(trace(fig, "validation", 1).y or ()) == []


def test_an_empty_figure_says_it_is_waiting():
    fig = training_figure([], [], 0, 3)
    assert any("Waiting" in a.text for a in fig.layout.annotations)
    live = progress_figure(tracked_progress())
    assert not any("Waiting" in a.text for a in live.layout.annotations)


def test_non_finite_values_never_reach_the_figure():
    p = Progress(state="training", epoch=1, epochs=1, batches_per_epoch=2,
                 batch_history=((1, None, 0.5), (2, 1.0, 0.6)))
    fig = progress_figure(p)
    for t in fig.data:
        assert all(v is None or math.isfinite(v) for v in (t.y or ()))
