"""Learning curves, live or saved: loss and accuracy per batch and per epoch, train vs validation.

The x axis is in epochs, so a batch point sits at its fraction of the way through an epoch
and the epoch points line up with it. Keras reports a running mean over the epoch so far,
which restarts at every epoch; each epoch's batch curve is therefore drawn as its own
segment instead of joining the jump. The axis spans the planned epochs from the start, so
the chart does not rescale every second while a training is live.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cnnlab.progress import Progress

TRAIN_COLOR = "#3b7dd8"
VAL_COLOR = "#e8743b"
TEST_COLOR = "#1f9e89"
TITLES = ("Loss (lower is better)", "Accuracy (higher is better)")
METRICS = ("loss", "accuracy")  # column 1, column 2


def batch_segments(points: Sequence[Sequence[Any]], batches_per_epoch: int, column: int
                   ) -> tuple[list[float | None], list[float | None]]:
    """x (in epochs) and y of the batch curve for `column` (1 loss, 2 accuracy), with a None
    between epochs so each epoch's running mean is its own segment."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    per_epoch = max(batches_per_epoch, 1)
    last_epoch = None
    for point in points:
        step, value = int(point[0]), point[column]
        if value is None:
            continue
        epoch = math.ceil(step / per_epoch)  # steps 1..per_epoch belong to epoch 1
        if last_epoch is not None and epoch != last_epoch:
            xs.append(None)
            ys.append(None)
        xs.append(step / per_epoch)
        ys.append(float(value))
        last_epoch = epoch
    return xs, ys


def epoch_series(epochs: Sequence[Mapping[str, Any]], key: str) -> tuple[list[int], list[float]]:
    """(epoch numbers, values) of one epoch metric such as 'val_loss', skipping missing values."""
    rows = [(int(e["epoch"]), float(e[key])) for e in epochs if e.get(key) is not None]
    return [r[0] for r in rows], [r[1] for r in rows]


def training_figure(batches: Sequence[Sequence[Any]], epochs: Sequence[Mapping[str, Any]],
                    batches_per_epoch: int, planned_epochs: int, *,
                    test_loss: float | None = None, test_accuracy: float | None = None,
                    uirevision: str | None = None, height: int = 340) -> go.Figure:
    """Two panels, loss and accuracy: the per-batch running mean (thin), the training value at
    each epoch's end (dots), validation (dashed) and, once measured, the test score (diamond)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=TITLES, horizontal_spacing=0.09)
    for column, metric in enumerate(METRICS, start=1):
        first = column == 1  # one legend entry per series; groups toggle both panels
        xs, ys = batch_segments(batches, batches_per_epoch, column)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name="training, per batch (running mean of the epoch)",
            legendgroup="batch", showlegend=first, line=dict(color=TRAIN_COLOR, width=1),
            opacity=0.45, hovertemplate=f"epoch %{{x:.2f}}<br>{metric} %{{y:.4f}}<extra></extra>"),
            row=1, col=column)
        ex, ey = epoch_series(epochs, metric)
        fig.add_trace(go.Scatter(
            x=ex, y=ey, mode="lines+markers", name="training, end of epoch", legendgroup="train",
            showlegend=first, line=dict(color=TRAIN_COLOR, width=2), marker=dict(size=8),
            hovertemplate=f"epoch %{{x}}<br>training {metric} %{{y:.4f}}<extra></extra>"),
            row=1, col=column)
        vx, vy = epoch_series(epochs, f"val_{metric}")
        fig.add_trace(go.Scatter(
            x=vx, y=vy, mode="lines+markers", name="validation (held-out images)",
            legendgroup="val", showlegend=first, line=dict(color=VAL_COLOR, width=2, dash="dash"),
            marker=dict(size=8, symbol="square"),
            hovertemplate=f"epoch %{{x}}<br>validation {metric} %{{y:.4f}}<extra></extra>"),
            row=1, col=column)
        test = test_loss if metric == "loss" else test_accuracy
        if test is not None:
            at = max([*ex, *vx], default=planned_epochs)
            fig.add_trace(go.Scatter(
                x=[at], y=[test], mode="markers", name="test (10,000 unseen images)",
                legendgroup="test", showlegend=first,
                marker=dict(size=13, symbol="diamond", color=TEST_COLOR),
                hovertemplate=f"test {metric} %{{y:.4f}}<extra></extra>"), row=1, col=column)
    span = max(planned_epochs, 1)
    fig.update_xaxes(title_text="epoch", range=[0, span + 0.1], dtick=1 if span <= 20 else None,
                     zeroline=False)
    fig.update_yaxes(title_text="loss", row=1, col=1, rangemode="tozero")
    fig.update_yaxes(title_text="accuracy", tickformat=".0%", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), uirevision=uirevision,
                      legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
                      hovermode="closest", template="plotly_white")
    if not any(len(t.x or ()) for t in fig.data):
        fig.add_annotation(text="Waiting for the first batches…", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5, font=dict(size=15))
    return fig


def progress_figure(progress: Progress, uirevision: str | None = None) -> go.Figure:
    """The live curves of a job from its latest Progress snapshot."""
    return training_figure(progress.batch_history, progress.epoch_history,
                           progress.batches_per_epoch, progress.epochs,
                           test_loss=progress.test_loss, test_accuracy=progress.test_accuracy,
                           uirevision=uirevision)


def history_figure(history: Mapping[str, Any], planned_epochs: int,
                   metrics: Mapping[str, Any] | None = None) -> go.Figure:
    """The curves of a saved run from its history.json (and metrics.json for the test score)."""
    metrics = metrics or {}
    return training_figure(history.get("batches", ()), history.get("epochs", ()),
                           int(history.get("batches_per_epoch") or 1), planned_epochs,
                           test_loss=metrics.get("test_loss"),
                           test_accuracy=metrics.get("test_accuracy"))
