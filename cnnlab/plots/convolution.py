"""Grids of numbers and small images for the "Convolution explained" page, drawn with Plotly.

Students follow a convolution by eye, so every small grid shows its numbers in the cells,
row 0 at the top (as in numpy and in the picture), the padded border tinted and the current
window outlined; the same colour means the same thing in every figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from cnnlab.convolution.walkthrough import format_number
from cnnlab.text import dims

HIGHLIGHT = "#ff6b00"  # the current window / output cell, in every figure
PAD_FILL = "rgba(255, 200, 0, 0.40)"  # the zero border that 'same' padding adds
EMPTY = "#eef0f3"  # output cells not computed yet
UNSIGNED = "Greys"  # 0 = white paper, 1 = black ink, as a digit is drawn
SIGNED = "RdBu_r"  # negative blue, zero white, positive red
Box4 = tuple[int, int, int, int]  # (r0, c0, r1, c1), end exclusive


def _cell_rect(r0: float, c0: float, r1: float, c1: float, **style) -> dict:
    """A layout shape covering cells [r0, r1) x [c0, c1) of a heatmap with unit cells."""
    return dict(type="rect", xref="x", yref="y", x0=c0 - 0.5, x1=c1 - 0.5, y0=r0 - 0.5,
                y1=r1 - 0.5, **style)


def _pad_rects(shape: tuple[int, int], pad: tuple[int, int, int, int]) -> list[dict]:
    """Tinted strips over the padded border: top, bottom, then left and right between them."""
    (rows, cols), (top, bottom, left, right) = shape, pad
    strips = [(0, 0, top, cols), (rows - bottom, 0, rows, cols),
              (top, 0, rows - bottom, left), (top, cols - right, rows - bottom, cols)]
    return [_cell_rect(*s, name="padding", fillcolor=PAD_FILL, line=dict(width=0), layer="above")
            for s in strips if s[2] > s[0] and s[3] > s[1]]


def _color_range(values: np.ndarray, signed: bool | None) -> dict:
    """Symmetric blue-white-red around 0 for signed values, else white-to-black from 0."""
    finite = values[np.isfinite(values)]
    if signed is None:
        signed = bool(finite.size and finite.min() < 0)
    top = float(np.abs(finite).max()) if finite.size else 1.0
    top = top or 1.0  # an all-zero grid still needs a range
    if signed:
        return dict(colorscale=SIGNED, zmin=-top, zmax=top)
    return dict(colorscale=UNSIGNED, zmin=min(0.0, float(finite.min()) if finite.size else 0.0),
                zmax=top)


def _title(text: str) -> dict:
    """The figure title, small and left-aligned like every title on the page."""
    return dict(text=text, font=dict(size=15), x=0, xanchor="left")


def _unit_axis(n: int, ticks: bool, shift: int = 0, reverse: bool = False) -> dict:
    """One axis of `n` unit cells; tick labels count from the image's own 0 (`shift` cells in)."""
    return dict(range=[n - 0.5, -0.5] if reverse else [-0.5, n - 0.5], showgrid=False,
                zeroline=False, showticklabels=ticks, ticks="", showline=False,
                tickmode="array", tickvals=list(range(n)),
                ticktext=[str(i - shift) for i in range(n)], tickfont=dict(size=10))


def _square_axes(rows: int, cols: int, ticks: bool, offset: tuple[int, int] = (0, 0),
                 **extra) -> dict:
    """Layout entries `xaxis` and `yaxis`: unit cells, row 0 on top, square; tick labels count
    from the image's own (0, 0). `extra` (e.g. a frame line) goes into both axes."""
    return dict(
        xaxis=dict(_unit_axis(cols, ticks, offset[1]), side="top", constrain="domain", **extra),
        yaxis=dict(_unit_axis(rows, ticks, offset[0], reverse=True), scaleanchor="x",
                   constrain="domain", constraintoward="top", **extra))


def grid_height(rows: int, cell_px: int = 32) -> int:
    """A height that keeps cells about `cell_px` tall, within what a page column can hold."""
    return int(min(420, max(170, 60 + rows * cell_px)))


def grid_heatmap(values: np.ndarray, title: str = "", *, highlight: Box4 | None = None,
                 pad: tuple[int, int, int, int] = (0, 0, 0, 0), annotate: bool = True,
                 signed: bool | None = None, scale_like: np.ndarray | None = None,
                 ticks: bool = True, height: int | None = None) -> go.Figure:
    """A small grid with its numbers in the cells; NaN cells are drawn empty (not computed yet).

    `highlight` outlines cells [r0, r1) x [c0, c1); `pad` = (top, bottom, left, right) tints
    that many border rows/columns as padding. `signed` picks the blue-white-red scale
    (default: when any value is negative); `scale_like` (e.g. the finished output) fixes the
    colour range, so colours do not change while the output fills in.
    """
    z = np.asarray(values, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"grid_heatmap draws a 2-D grid; got shape {z.shape}")
    rows, cols = z.shape
    if any(p < 0 for p in pad) or pad[0] + pad[1] > rows or pad[2] + pad[3] > cols:
        raise ValueError(f"padding {pad} does not fit a {rows}x{cols} grid")
    shapes = _pad_rects((rows, cols), pad)
    if any(pad):  # the real image's edge, dashed
        shapes.append(_cell_rect(pad[0], pad[2], rows - pad[1], cols - pad[3], name="image edge",
                                 line=dict(color="#555", width=1.5, dash="dash"), layer="above"))
    if highlight is not None:
        r0, c0, r1, c1 = highlight
        if not (0 <= r0 < r1 <= rows and 0 <= c0 < c1 <= cols):
            raise ValueError(f"highlight {highlight} is outside the {rows}x{cols} grid")
        shapes.append(_cell_rect(r0, c0, r1, c1, name="highlight",
                                 line=dict(color=HIGHLIGHT, width=4), layer="above"))
    data = []
    if np.isnan(z).any():
        data.append(dict(type="heatmap", z=np.zeros_like(z), colorscale=[[0, EMPTY], [1, EMPTY]],
                         showscale=False, hoverinfo="skip", xgap=2, ygap=2, name="empty"))
    values_trace = dict(
        type="heatmap", z=z, text=[[format_number(v) for v in row] for row in z.tolist()],
        textfont=dict(size=14 if max(rows, cols) <= 9 else 11), showscale=False, xgap=2, ygap=2,
        name="values", hovertemplate="row %{y}, col %{x}: %{text}<extra></extra>",
        **_color_range(z if scale_like is None else np.asarray(scale_like, dtype=np.float64),
                       signed))
    if annotate:
        values_trace["texttemplate"] = "%{text}"
    data.append(values_trace)
    return go.Figure(data=data, layout=dict(
        title=_title(title), shapes=shapes, height=height or grid_height(rows),
        margin=dict(l=30, r=10, t=70, b=10), plot_bgcolor="white", paper_bgcolor="white",
        **_square_axes(rows, cols, ticks, (pad[0], pad[2]))))


def image_heatmap(image: np.ndarray, title: str = "", *, signed: bool | None = None,
                  scale_like: np.ndarray | None = None, height: int = 360,
                  colorbar: bool = True) -> go.Figure:
    """A digit or feature map as pixels (no numbers): grey for [0, 1] images, blue-red when signed.

    `scale_like` takes the colour range from another map (e.g. the map before pooling), so
    the same value has the same colour in both pictures.
    """
    z = np.asarray(image, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"image_heatmap draws a 2-D map; got shape {z.shape}")
    style = _color_range(z if scale_like is None else np.asarray(scale_like, dtype=np.float64),
                         signed)
    if style["colorscale"] == UNSIGNED:
        style["zmax"] = max(1.0, style["zmax"])  # a [0, 1] digit keeps its true greys
    # a thin frame: white paper would otherwise hide where the image ends
    frame = dict(showline=True, mirror=True, linecolor="#b8bcc4", linewidth=1)
    return go.Figure(
        data=[dict(type="heatmap", z=z, showscale=colorbar, name="values",
                   colorbar=dict(thickness=12, len=0.8),
                   hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>", **style)],
        layout=dict(title=_title(title), height=height, margin=dict(l=10, r=10, t=50, b=10),
                    plot_bgcolor="white", **_square_axes(*z.shape, ticks=False, **frame)))


def receptive_figure(rings: np.ndarray, title: str = "") -> go.Figure:
    """The input cells one output cell sees, each numbered by the layer that first brings it in.

    `rings` comes from cnnlab.convolution.receptive_field.receptive_rings: 0 unseen, 1 the first 3x3 block, ...
    The whole seen square is outlined; a dot marks the position of the output cell.
    """
    z = np.asarray(rings)
    if z.ndim != 2 or z.shape[0] != z.shape[1] or z.max() < 1:
        raise ValueError("rings must be a square grid with at least one seen cell")
    size, n = z.shape[0], int(z.max())
    blues = ["#08306b", "#2171b5", "#4292c6", "#6baed6", "#9ecae1", "#c6dbef"]
    colours = [EMPTY] + [blues[min(i, len(blues) - 1)] for i in range(n)]
    scale = [[edge, c] for i, c in enumerate(colours) for edge in (i / len(colours),
                                                                  (i + 1) / len(colours))]
    text = [[str(v) if v else "" for v in row] for row in z.tolist()]
    seen = np.argwhere(z > 0)
    (r0, c0), (r1, c1) = seen.min(axis=0), seen.max(axis=0) + 1
    centre = size // 2
    return go.Figure(
        data=[dict(type="heatmap", z=z, zmin=-0.5, zmax=n + 0.5, colorscale=scale,
                   showscale=False, text=text, texttemplate="%{text}", textfont=dict(size=13),
                   xgap=2, ygap=2, name="layer",
                   hovertemplate="row %{y}, col %{x}: seen from layer %{text}<extra></extra>"),
              dict(type="scatter", x=[centre], y=[centre], mode="markers", name="output cell",
                   marker=dict(symbol="circle-open", size=26, color=HIGHLIGHT,
                               line=dict(width=3)),
                   hoverinfo="skip", showlegend=False)],
        layout=dict(title=_title(title),
                    shapes=[_cell_rect(r0, c0, r1, c1, name="highlight",
                                       line=dict(color=HIGHLIGHT, width=4), layer="above")],
                    height=grid_height(size, 30), margin=dict(l=10, r=10, t=50, b=10),
                    plot_bgcolor="white", **_square_axes(size, size, ticks=False)))


def shape_text(shape: Sequence[int]) -> str:
    """(26, 26) -> '26 × 26', for titles."""
    return dims([int(d) for d in shape])
