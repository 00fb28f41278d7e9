"""Learning curves of a training: loss and accuracy per batch and per epoch, train vs validation.

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

from cnnlab.training.progress import Progress
from cnnlab.i18n import N_, _
from cnnlab.plots import palette

TRAIN_COLOR = palette.BLUE  # Okabe-Ito: blue, orange and bluish green stay apart for every
VAL_COLOR = palette.ORANGE  # kind of colour blindness; validation is also dashed and the
TEST_COLOR = palette.BLUISH_GREEN  # test score a diamond
TITLES = (N_("Loss (lower is better)"), N_("Accuracy (higher is better)"))
METRICS = ("loss", "accuracy")  # column 1, column 2
SPACING = 0.09  # between the two panels, a fraction of the plot width


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


def _column_domains(columns: int, spacing: float) -> list[list[float]]:
    """The x domain of each panel side by side, computed as plotly's make_subplots does."""
    width = (1.0 - spacing * (columns - 1)) / columns
    starts = [c * width + c * spacing for c in range(columns)]
    return [[start, start + width] for start in starts]


def _title(text: str, x: float) -> dict:
    """A panel's title, centred above it (make_subplots' subplot title)."""
    return dict(text=text, x=x, y=1.0, xref="paper", yref="paper", xanchor="center",
                yanchor="bottom", showarrow=False, font=dict(size=16))


def _scatter(column: int, **properties: Any) -> dict:
    """A scatter trace drawn in panel `column` (1 or 2)."""
    suffix = "" if column == 1 else str(column)
    return dict(type="scatter", xaxis=f"x{suffix}", yaxis=f"y{suffix}", **properties)


def _panel_traces(column: int, metric: str, batches: Sequence[Sequence[Any]],
                  epochs: Sequence[Mapping[str, Any]], batches_per_epoch: int,
                  planned_epochs: int, test: float | None) -> list[dict]:
    """The traces of one panel: batch curve, epoch ends, validation and the test score."""
    first = column == 1  # one legend entry per series; groups toggle both panels
    xs, ys = batch_segments(batches, batches_per_epoch, column)
    ex, ey = epoch_series(epochs, metric)
    vx, vy = epoch_series(epochs, f"val_{metric}")
    traces = [
        _scatter(column, x=xs, y=ys, mode="lines",
                 name=_("training, per batch (running mean of the epoch)"), legendgroup="batch",
                 showlegend=first, line=dict(color=TRAIN_COLOR, width=1), opacity=0.45,
                 hovertemplate=f"epoch %{{x:.2f}}<br>{metric} %{{y:.4f}}<extra></extra>"),
        _scatter(column, x=ex, y=ey, mode="lines+markers", name=_("training, end of epoch"),
                 legendgroup="train", showlegend=first, line=dict(color=TRAIN_COLOR, width=2),
                 marker=dict(size=8),
                 hovertemplate=f"epoch %{{x}}<br>training {metric} %{{y:.4f}}<extra></extra>"),
        _scatter(column, x=vx, y=vy, mode="lines+markers", name=_("validation (held-out images)"),
                 legendgroup="val", showlegend=first,
                 line=dict(color=VAL_COLOR, width=2, dash="dash"),
                 marker=dict(size=8, symbol="square"),
                 hovertemplate=f"epoch %{{x}}<br>validation {metric} %{{y:.4f}}<extra></extra>"),
    ]
    if test is not None:
        at = max([*ex, *vx], default=planned_epochs)
        traces.append(_scatter(
            column, x=[at], y=[test], mode="markers", name=_("test (10,000 unseen images)"),
            legendgroup="test", showlegend=first,
            # open, so the validation square of the same epoch stays visible inside it
            marker=dict(size=15, symbol="diamond-open", color=TEST_COLOR, line=dict(width=2)),
            hovertemplate=f"test {metric} %{{y:.4f}}<extra></extra>"))
    return traces


def training_figure(batches: Sequence[Sequence[Any]], epochs: Sequence[Mapping[str, Any]],
                    batches_per_epoch: int, planned_epochs: int, *,
                    test_loss: float | None = None, test_accuracy: float | None = None,
                    uirevision: str | None = None, height: int = 340) -> go.Figure:
    """Two panels, loss and accuracy: the per-batch running mean (thin), the training value at
    each epoch's end (dots), validation (dashed) and, once measured, the test score (diamond)."""
    data = [trace for column, metric in enumerate(METRICS, start=1)
            for trace in _panel_traces(column, metric, batches, epochs, batches_per_epoch,
                                       planned_epochs,
                                       test_loss if metric == "loss" else test_accuracy)]
    span = max(planned_epochs, 1)
    loss_x, accuracy_x = _column_domains(2, SPACING)
    epoch_axis = dict(title=dict(text=_("epoch")), range=[0, span + 0.1],
                      dtick=1 if span <= 20 else None, zeroline=False)
    annotations = [_title(_(text), sum(domain) / 2.0)
                   for text, domain in zip(TITLES, (loss_x, accuracy_x))]
    if not any(trace["x"] for trace in data):
        annotations.append(dict(text=_("Waiting for the first batches…"), showarrow=False,
                                xref="paper", yref="paper", x=0.5, y=0.5, font=dict(size=15)))
    layout = dict(
        xaxis=dict(anchor="y", domain=loss_x, **epoch_axis),
        yaxis=dict(anchor="x", domain=[0.0, 1.0], title=dict(text=_("loss")), rangemode="tozero"),
        xaxis2=dict(anchor="y2", domain=accuracy_x, **epoch_axis),
        yaxis2=dict(anchor="x2", domain=[0.0, 1.0], title=dict(text=_("accuracy")),
                    tickformat=".0%"),
        annotations=annotations, height=height, margin=dict(l=10, r=10, t=40, b=10),
        uirevision=uirevision, legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
        hovermode="closest", template="plotly_white")
    return go.Figure(data=data, layout=layout)


def progress_figure(progress: Progress, uirevision: str | None = None) -> go.Figure:
    """The live curves of a job from its latest Progress snapshot."""
    return training_figure(progress.batch_history, progress.epoch_history,
                           progress.batches_per_epoch, progress.epochs,
                           test_loss=progress.test_loss, test_accuracy=progress.test_accuracy,
                           uirevision=uirevision)

