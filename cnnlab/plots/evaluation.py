"""Pictures for the Evaluate page: the confusion matrix, galleries of digits, the first layer's
filters, overlaid learning curves and accuracy against size, drawn with Plotly.

The confusion matrix is two heatmaps, the correct diagonal in blue and the mistakes in orange on
their own scale (the diagonal holds ~1,000 images per cell, the mistakes a handful, so one shared
scale would make every mistake white). An invisible marker sits on every cell: Plotly cannot
select heatmap cells, but it can select markers, which is what lets a click pick a cell.
Galleries are one PNG each (a few kB instead of hundreds for the same pixels as heatmap
numbers) and filter grids one heatmap with NaN gaps: far lighter than dozens of subplots.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from cnnlab.evaluation.compare import ComparisonRow, HistoryRow
from cnnlab.plots.convolution import HIGHLIGHT, SIGNED
from cnnlab.i18n import _
from cnnlab.plots import palette

CORRECT = palette.RIGHT_SCALE  # the diagonal: light to darker blue
WRONG = palette.WRONG_SCALE  # mistakes: none white, many vermillion (colour-blind safe)
GAP, CAPTION_ROOM = 4, 9  # gallery: pixels between tiles, and under each for its caption
MODES = ("counts", "percent")  # cell values: image counts, or percent of the true digit's images
RUN_COLORS = palette.SERIES  # Okabe-Ito; each run also has its own dash and marker symbol


def _square_axes(**extra) -> tuple[dict, dict]:
    """Layout entries for square cells, row 0 on top, no grid lines; `extra` goes on both axes."""
    common = dict(showgrid=False, zeroline=False, constrain="domain", **extra)
    return dict(common), dict(common, autorange="reversed", scaleanchor="x")


def confusion_values(cm: np.ndarray, mode: str = "counts") -> np.ndarray:
    """The numbers the cells show: counts, or each row as percent of that true digit's images."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    counts = np.asarray(cm, dtype=np.float64)
    if mode == "counts":
        return counts
    rows = counts.sum(axis=1, keepdims=True)  # (n, 1) support of each true digit
    return np.divide(100 * counts, rows, out=np.zeros_like(counts), where=rows != 0)


def confusion_figure(cm: np.ndarray, mode: str = "counts",
                     selected: tuple[int, int] | None = None, height: int = 470) -> go.Figure:
    """Rows = true digit, columns = predicted; blue diagonal, orange mistakes, each cell annotated.

    Traces: 0 the mistakes (diagonal NaN), 1 the diagonal coloured by recall (the rest NaN;
    its text shows the chosen mode's numbers), 2 one invisible
    marker per cell for clicking (x = predicted, y = true) with the cell's numbers on hover.
    """
    counts = np.asarray(cm, dtype=np.int64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a confusion matrix must be square, got shape {counts.shape}")
    n = counts.shape[0]
    values = confusion_values(counts, mode)
    diag = np.eye(n, dtype=bool)
    fmt = (lambda v: f"{v:,.0f}") if mode == "counts" else (lambda v: f"{v:.1f}%")
    text = np.array([[fmt(values[t, p]) if counts[t, p] or diag[t, p] else ""
                      for p in range(n)] for t in range(n)])
    wrong = np.where(diag, np.nan, values)
    recall = confusion_values(counts, "percent")  # the diagonal is coloured by recall, 0-100%
    right = np.where(diag, recall, np.nan)
    top_wrong = float(np.nanmax(wrong)) if n > 1 and np.nanmax(wrong) > 0 else 1.0
    digits = list(range(n))
    support = counts.sum(axis=1)
    tt, pp = np.meshgrid(digits, digits, indexing="ij")  # (n, n) true, predicted
    share = recall  # each cell as percent of its row (the true digit's images)
    mistakes = dict(type="heatmap", z=wrong, x=digits, y=digits, text=np.where(diag, "", text),
                    texttemplate="%{text}", colorscale=WRONG, zmin=0, zmax=top_wrong,
                    showscale=False, hoverinfo="skip", name="mistakes", xgap=1, ygap=1)
    correct = dict(type="heatmap", z=right, x=digits, y=digits, text=np.where(diag, text, ""),
                   texttemplate="%{text}", colorscale=CORRECT, zmin=0, zmax=100, showscale=False,
                   hoverinfo="skip", name="correct", xgap=1, ygap=1,
                   textfont=dict(color="white"))
    cells = dict(
        type="scatter", x=pp.ravel(), y=tt.ravel(), mode="markers", name="cells",
        showlegend=False, marker=dict(size=28, symbol="square", opacity=0, color="#000000"),
        selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)),
        customdata=np.stack([counts.ravel(), share.ravel(), support[tt.ravel()]], axis=1),
        hovertemplate=_("true {y}, predicted {x}<br>{count} images ({share} of the {total} "
                        "{y}s)<br><i>click to see them</i>").format(  # Plotly fills the %{...}
            y="%{y}", x="%{x}", count="%{customdata[0]:,}", share="%{customdata[1]:.1f}%",
            total="%{customdata[2]:,}") + "<extra></extra>")
    shapes = []
    if selected is not None:
        t, p = selected
        shapes.append(dict(type="rect", x0=p - 0.5, x1=p + 0.5, y0=t - 0.5, y1=t + 0.5,
                           line=dict(color=HIGHLIGHT, width=3), name="selected"))
    xaxis, yaxis = _square_axes(tickvals=digits)
    return go.Figure(data=[mistakes, correct, cells], layout=dict(
        xaxis=dict(xaxis, title=dict(text=_("predicted digit")), side="top"),
        yaxis=dict(yaxis, title=dict(text=_("true digit"))),
        shapes=shapes, height=height, margin=dict(l=10, r=10, t=40, b=10),
        plot_bgcolor="white", hovermode="closest", dragmode=False))


def _tile_canvas(tiles: np.ndarray, columns: int, gap: int, caption_room: int
                 ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Lay (N, h, w) tiles out row by row on a NaN canvas; returns it and each tile's bottom
    centre."""
    count, h, w = tiles.shape
    cols = max(1, min(columns, count))
    rows = math.ceil(count / cols)
    pitch_y, pitch_x = h + gap + caption_room, w + gap
    canvas = np.full((rows * pitch_y - gap, cols * pitch_x - gap), np.nan, dtype=np.float32)
    anchors = []
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        y0, x0 = r * pitch_y, c * pitch_x
        canvas[y0:y0 + h, x0:x0 + w] = tile
        anchors.append((x0 + (w - 1) / 2, y0 + h - 0.5))
    return canvas, anchors


def png_uri(image: np.ndarray) -> str:
    """A (H, W) uint8 grey image as a PNG data URI: a few kB, where heatmap numbers take 100s."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def gallery_canvas(images: np.ndarray, columns: int = 8
                   ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """MNIST digits (N, 28, 28[, 1]) in [0, 1] tiled as one uint8 picture: 0 black, 255 white ink,
    white gaps and room for a caption under each tile; also each tile's bottom centre."""
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim == 4:
        arr = arr[..., 0]  # (N, 28, 28, 1) -> (N, 28, 28)
    if arr.ndim != 3 or not len(arr):
        raise ValueError(f"images must be (N, H, W) or (N, H, W, 1) with N >= 1, got {arr.shape}")
    canvas, anchors = _tile_canvas(np.clip(arr, 0.0, 1.0) * 255, columns, GAP, CAPTION_ROOM)
    return np.where(np.isnan(canvas), 255, np.rint(canvas)).astype(np.uint8), anchors


def image_gallery(images: np.ndarray, captions: Sequence[str], columns: int = 8,
                  pixel: float = 3.0) -> go.Figure:
    """Digits white on black, as MNIST stores them, in a grid with a caption under each."""
    if len(captions) != len(images):
        raise ValueError(f"{len(images)} images but {len(captions)} captions")
    if not len(images):
        return go.Figure(layout=dict(height=60, xaxis=dict(visible=False),
                                     yaxis=dict(visible=False), margin=dict(l=0, r=0, t=0, b=0)))
    canvas, anchors = gallery_canvas(images, columns)
    picture = dict(type="image", source=png_uri(canvas), x0=0, y0=0, dx=1, dy=1,
                   hoverinfo="skip", name="images")
    labels = [dict(x=x, y=y + 1, text=caption, showarrow=False, yanchor="top",
                   font=dict(size=11), xref="x", yref="y")
              for (x, y), caption in zip(anchors, captions)]
    height, width = canvas.shape
    return go.Figure(data=[picture], layout=dict(
        annotations=labels,
        xaxis=dict(visible=False, range=[-0.5, width - 0.5], constrain="domain"),
        yaxis=dict(visible=False, range=[height - 0.5, -0.5], scaleanchor="x",
                   constrain="domain"),
        height=int(height * pixel) + 10, margin=dict(l=0, r=0, t=0, b=10),
        plot_bgcolor="white", dragmode=False))


def filter_tiles(kernels: np.ndarray) -> np.ndarray:
    """(k_h, k_w, C_in, F) -> (F, k_h, k_w): channels averaged, each filter scaled to [-1, 1]."""
    k = np.asarray(kernels, dtype=np.float32)
    if k.ndim != 4:
        raise ValueError(f"kernels must be (k_h, k_w, C_in, F), got shape {k.shape}")
    # (k_h, k_w, C_in, F) -> (k_h, k_w, F) -> (F, k_h, k_w)
    tiles = np.moveaxis(k.mean(axis=2), -1, 0)
    peak = np.abs(tiles).max(axis=(1, 2), keepdims=True)
    return np.divide(tiles, peak, out=np.zeros_like(tiles), where=peak > 0)


def filter_grid(kernels: np.ndarray, columns: int = 8, pixel: float = 22.0) -> go.Figure:
    """Every first-layer filter as a small red/blue heatmap (red > 0 > blue, colour-blind safe)."""
    raw = np.asarray(kernels, dtype=np.float32)
    tiles = filter_tiles(raw)
    count, h, w = tiles.shape
    canvas, anchors = _tile_canvas(tiles, columns, 1, 0)
    # what each canvas pixel is, for hover: filter number and raw weight (NaN in the gaps)
    number = np.full(canvas.shape, np.nan, np.float32)
    weight = np.full(canvas.shape, np.nan, np.float32)
    cols = max(1, min(columns, count))
    means = np.moveaxis(raw.mean(axis=2), -1, 0)  # (F, k_h, k_w) weights averaged over channels
    for i in range(count):
        r, c = divmod(i, cols)
        y0, x0 = r * (h + 1), c * (w + 1)
        number[y0:y0 + h, x0:x0 + w] = i + 1
        weight[y0:y0 + h, x0:x0 + w] = means[i]
    heat = dict(
        type="heatmap", z=canvas, customdata=np.stack([number, weight], axis=-1),
        colorscale=SIGNED, zmin=-1, zmax=1, zmid=0, showscale=False, name="filters",
        hovertemplate=_("filter {n}<br>weight {weight}").format(
            n="%{customdata[0]}", weight="%{customdata[1]:.3f}") + "<extra></extra>")
    xaxis, yaxis = _square_axes(visible=False)
    rows = math.ceil(count / cols)
    return go.Figure(data=[heat], layout=dict(
        xaxis=xaxis, yaxis=yaxis, height=int(rows * (h + 1) * pixel) + 10,
        margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="white", dragmode=False))


def history_overlay(rows: Sequence[HistoryRow], metric: str, title: str | None = None,
                    names: Sequence[str] | None = None, height: int = 360,
                    seconds: Mapping[str, Mapping[int, float]] | None = None) -> go.Figure:
    """One line per run of `metric` against the epoch, or, given `seconds` (compare.epoch_seconds),
    against the training seconds at each epoch's end (faster to the same accuracy is further
    left); accuracy in percent; `names` fixes the runs' order and so their colours (as in
    accuracy_vs_params)."""
    by_time = seconds is not None
    names = list(names) if names is not None else list(dict.fromkeys(r.run for r in rows))
    is_acc = metric.endswith("accuracy")
    value = "%{y:.2%}" if is_acc else "%{y:.4f}"
    lines = []
    for i, name in enumerate(names):
        times = seconds.get(name, {}) if by_time else {}
        points = sorted(((times[r.epoch] if by_time else r.epoch), r.value) for r in rows
                        if r.run == name and r.metric == metric
                        and (not by_time or r.epoch in times))
        if not points:
            continue
        lines.append(dict(
            type="scatter", x=[p[0] for p in points], y=[p[1] for p in points],
            mode="lines+markers", name=name,
            line=dict(color=RUN_COLORS[i % len(RUN_COLORS)], width=2,
                      dash=palette.DASHES[i % len(palette.DASHES)]),
            marker=dict(symbol=palette.SYMBOLS[i % len(palette.SYMBOLS)], size=7),
            hovertemplate=f"{name}<br>" + ("%{x:.1f} s" if by_time else _("epoch") + " %{x}")
            + f"<br>{title or metric} {value}<extra></extra>"))
    yaxis = dict(title=dict(text=title or metric))
    if is_acc:
        yaxis["tickformat"] = ".1%"
    return go.Figure(data=lines, layout=dict(
        xaxis=dict(title=dict(text=_("training seconds")), rangemode="tozero") if by_time else
        dict(title=dict(text=_("epoch")), dtick=1, zeroline=False), yaxis=yaxis,
        height=height, margin=dict(l=10, r=10, t=30, b=10), template="plotly_white",
        legend=dict(orientation="h", yanchor="top", y=-0.28, x=0)))


def log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """1-2-5 ticks between `low` and `high` for a log axis, labelled '50k', '100k', '1.2M'-style."""
    values = []
    steps = (1,) if high > 1000 * low else (1, 2, 5)  # wide ranges: powers of ten only
    first, last = math.floor(math.log10(max(low, 1))), math.ceil(math.log10(max(high, 1)))
    for power in range(first, last + 1):
        values += [m * 10 ** power for m in steps if low <= m * 10 ** power <= high]
    def label(v: float) -> str:
        for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if v >= size:
                return f"{v / size:g}{suffix}"
        return f"{v:g}"
    return values, [label(v) for v in values]


def params_accuracy_axes(params: Sequence[int], accuracies: Sequence[float], spread: float = 3.0
                         ) -> tuple[dict, dict]:
    """Axes for points at (parameters, test accuracy): parameters on a log axis with readable
    ticks, `spread` times beyond the extremes, accuracy padded around the points shown."""
    xaxis = dict(type="log", title=dict(text=_("parameters (log scale)")))
    yaxis = dict(title=dict(text=_("test accuracy")), tickformat=".1%")
    if params:
        pad = max(0.005, 0.15 * (max(accuracies) - min(accuracies)))
        low, high = min(params) / spread, max(params) * spread
        ticks, labels = log_ticks(low, high)
        xaxis.update(range=[math.log10(low), math.log10(high)], tickvals=ticks, ticktext=labels)
        yaxis["range"] = [max(0.0, min(accuracies) - pad), min(1.0, max(accuracies) + pad)]
    return xaxis, yaxis


def accuracy_vs_params(rows: Sequence[ComparisonRow], height: int = 380) -> go.Figure:
    """Each run at (parameters, test accuracy), parameters on a log axis; one legend entry per
    run, coloured as in history_overlay for the same list of runs."""
    plotted, dots = [], []
    for i, r in enumerate(rows):
        if not r.params or r.test_accuracy is None:
            continue
        plotted.append(r)
        macs = "–" if r.macs is None else f"{r.macs:,}"
        dots.append(dict(
            type="scatter", x=[r.params], y=[r.test_accuracy], mode="markers", name=r.name,
            marker=dict(size=14, color=RUN_COLORS[i % len(RUN_COLORS)],
                        symbol=palette.SYMBOLS[i % len(palette.SYMBOLS)]),
            hovertemplate=(f"{r.name}<br>%{{x:,}} " + _("parameters") + f"<br>{macs} "
                           + _("multiply-adds per image") + "<br>" + _("test accuracy")
                           + " %{y:.2%}<extra></extra>")))
    xaxis, yaxis = params_accuracy_axes([r.params for r in plotted],
                                        [r.test_accuracy for r in plotted])
    return go.Figure(data=dots, layout=dict(
        xaxis=xaxis, yaxis=yaxis, height=height, margin=dict(l=10, r=10, t=30, b=10),
        template="plotly_white", legend=dict(orientation="h", yanchor="top", y=-0.25, x=0)))
