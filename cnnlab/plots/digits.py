"""Pictures for the "Draw & predict" page: the ten probabilities, the digit as the model sees it,
each preparation step, the feature maps and the saliency map, drawn with Plotly.

Every image keeps square pixels with row 0 on top (as numpy and the canvas have it) and shows
its values on hover, so a student can point at a pixel and read what the model was given.
The digit is drawn white on black, exactly as MNIST stores it.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from cnnlab.plots.convolution import HIGHLIGHT
from cnnlab.i18n import N_, _

WINNER = HIGHLIGHT  # the predicted digit, the same orange as "the current cell" elsewhere
OTHERS = "#9aa5b1"  # the nine digits that lost
FRAME = "#c3c9d1"  # a thin frame, so an all-white crop (a "1") is still seen as an image
INK = [[0.0, "#000000"], [1.0, "#ffffff"]]  # 0 = black background, 1 = white ink, as in MNIST
ACTIVATION = "Viridis"  # feature maps that are never negative (after ReLU)
SIGNED = "RdBu_r"  # feature maps with negative values: blue < 0 < red
SALIENCY = [[0.0, "rgba(255, 107, 0, 0)"], [0.15, "rgba(255, 107, 0, 0.15)"],
            [1.0, "rgba(255, 40, 0, 0.95)"]]  # transparent where a pixel did not matter
DISPLAY_SIDE = 112  # big images are averaged down to this for the step strip (less to send)
MAX_CHANNELS = 16  # feature maps shown per layer by default
STEP_TITLES = (N_("1. Grayscale"), N_("2. Crop to the ink"), N_("3. Fit in 20×20"),
               N_("4. Centre in 28×28"))


def _image_axes(suffix: str = "") -> dict:
    """Layout entries for one picture, not a chart: square pixels, row 0 on top, no ticks, on
    the axes x{suffix} / y{suffix}."""
    common = dict(showticklabels=False, showgrid=False, zeroline=False, ticks="",
                  constrain="domain")
    return {f"xaxis{suffix}": dict(common),
            f"yaxis{suffix}": dict(common, autorange="reversed", scaleanchor=f"x{suffix}")}


def _ink(image: np.ndarray, name: str = "", hover: str = "value") -> dict:
    """One grey image as a heatmap trace, black 0 to white 1, its value on hover."""
    return dict(type="heatmap", z=np.asarray(image, np.float32), colorscale=INK, zmin=0.0,
                zmax=1.0, showscale=False, name=name,
                hovertemplate=f"row %{{y}}, col %{{x}}<br>{hover} %{{z:.2f}}<extra></extra>")


def probability_bars(probs: np.ndarray, height: int = 320) -> go.Figure:
    """Ten bars, one per digit, in percent; the likeliest digit in orange with its value on top."""
    probs = np.asarray(probs, dtype=np.float64).ravel()
    if probs.shape != (10,):
        raise ValueError(f"expected ten probabilities; got shape {probs.shape}")
    winner = int(np.argmax(probs))
    percent = probs * 100  # (10,) fractions -> percent
    bars = dict(
        type="bar", x=[str(d) for d in range(10)], y=percent,
        marker=dict(color=[WINNER if d == winner else OTHERS for d in range(10)]),
        text=[f"{p:.1f}%" if p >= 0.05 else "" for p in percent], textposition="outside",
        textfont=dict(size=12), cliponaxis=False,
        hovertemplate="digit %{x}: %{y:.2f}%<extra></extra>")
    return go.Figure(data=[bars], layout=dict(
        height=height, margin=dict(l=10, r=10, t=30, b=10), showlegend=False, bargap=0.25,
        xaxis=dict(title=dict(text=_("digit")), type="category"),
        yaxis=dict(title=dict(text=_("probability (%)")), range=[0, 108], ticksuffix="%")))


def image_heatmap(image: np.ndarray, title: str = "", height: int = 320,
                  hover: str = "value") -> go.Figure:
    """One grey image in [0, 1] as square white-on-black pixels with values on hover."""
    image = np.asarray(image, np.float32)
    if image.ndim != 2:
        raise ValueError(f"expected a (height, width) image; got shape {image.shape}")
    layout = dict(_image_axes(), height=height, margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    if title:
        layout["title"] = dict(text=title, font=dict(size=14))
    return go.Figure(data=[_ink(image, title, hover)], layout=layout)


def for_display(image: np.ndarray, max_side: int = DISPLAY_SIDE) -> np.ndarray:
    """A large image averaged down by a whole factor so its longer side is at most `max_side`."""
    image = np.asarray(image, np.float32)
    factor = math.ceil(max(image.shape) / max_side)
    if factor <= 1:
        return image
    rows, cols = (math.ceil(n / factor) * factor for n in image.shape)
    padded = np.zeros((rows, cols), np.float32)
    padded[:image.shape[0], :image.shape[1]] = image
    # (H, W) -> (H/f, f, W/f, f) -> mean over each f x f block -> (H/f, W/f)
    return padded.reshape(rows // factor, factor, cols // factor, factor).mean(axis=(1, 3))


def step_captions(steps) -> list[str]:
    """Two short lines per preparation step (a cnnlab.drawing.preprocess.DigitSteps) saying what it did."""
    h, w = steps.cropped.shape
    grey = _("dark on light: flipped") if steps.inverted else _("background set to 0")
    dy, dx = steps.shift
    return [f"{steps.grayscale.shape[1]}×{steps.grayscale.shape[0]} px<br>{grey}",
            f"{w}×{h} px<br>" + _("the box around the ink"),
            _("longer side → 20 px<br>shape kept"),
            _("centre of mass → (14, 14)<br>moved {rows} rows, {cols} cols").format(
                rows=f"{dy:+d}", cols=f"{dx:+d}")]


def _panel_axes(count: int, gap: float = 0.04) -> dict:
    """Layout entries for `count` image panels side by side, each with square pixels, row 0 on top.

    Built as one layout dict: far faster than make_subplots plus per-panel updates (which took
    tens of milliseconds per panel and would slow every redraw of the canvas).
    """
    width = (1 - gap * (count - 1)) / count
    layout = {}
    for i in range(count):
        suffix = "" if i == 0 else str(i + 1)
        start = i * (width + gap)
        axes = _image_axes(suffix)
        axes[f"xaxis{suffix}"].update(domain=[start, start + width], anchor=f"y{suffix}")
        axes[f"yaxis{suffix}"]["anchor"] = f"x{suffix}"
        layout.update(axes)
    return layout


def preprocessing_strip(steps, height: int = 270) -> go.Figure:
    """The four preparation steps side by side, each titled with what it did."""
    images = (for_display(steps.grayscale), for_display(steps.cropped), steps.fitted20,
              steps.final28)
    layout = _panel_axes(len(images))
    traces, titles, frames = [], [], []
    titles_now = [_(t) for t in STEP_TITLES]
    for i, (image, title, caption) in enumerate(zip(images, titles_now, step_captions(steps))):
        suffix = "" if i == 0 else str(i + 1)
        traces.append(dict(_ink(image, title), xaxis=f"x{suffix}", yaxis=f"y{suffix}"))
        middle = sum(layout[f"xaxis{suffix}"]["domain"]) / 2
        titles.append(dict(text=f"<b>{title}</b><br><span style='font-size:11px'>{caption}</span>",
                           yshift=6,
                           x=middle, y=1.0, xref="paper", yref="paper", xanchor="center",
                           yanchor="bottom", showarrow=False, font=dict(size=12)))
        frames.append(dict(type="rect", xref=f"x{suffix}", yref=f"y{suffix}", x0=-0.5, y0=-0.5,
                           x1=image.shape[1] - 0.5, y1=image.shape[0] - 0.5,
                           line=dict(color=FRAME, width=1)))
    return go.Figure(data=traces, layout=dict(layout, annotations=titles, shapes=frames,
                                              height=height, margin=dict(l=5, r=5, t=75, b=5)))


def mosaic(maps: np.ndarray, cols: int, gap: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(H, W, C) -> one (rows*(H+gap)-gap, cols*(W+gap)-gap) image of tiles, NaN between them,
    and per pixel [filter, row, col] (-1 in the gaps) for hover text."""
    h, w, count = maps.shape
    rows = math.ceil(count / cols)
    tiles = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan, np.float32)
    where = np.full(tiles.shape + (3,), -1, np.int16)
    rr, cc = np.mgrid[0:h, 0:w]
    for c in range(count):
        top, left = (c // cols) * (h + gap), (c % cols) * (w + gap)
        tiles[top:top + h, left:left + w] = maps[:, :, c]
        where[top:top + h, left:left + w] = np.stack([np.full((h, w), c), rr, cc], axis=-1)
    return tiles, where


def feature_map_grid(maps: np.ndarray, max_channels: int = MAX_CHANNELS, cols: int = 8,
                     cell_px: int = 80) -> go.Figure:
    """The first `max_channels` maps of one layer's (H, W, C) output as a grid of small tiles.

    All tiles share one colour scale, so a brighter map is a filter that responded more strongly;
    a flat dark map is a filter this drawing did not excite. One heatmap holds every tile, in
    filter order left to right, top to bottom; hovering a pixel names its filter.
    """
    maps = np.asarray(maps, np.float32)
    if maps.ndim != 3 or maps.shape[2] < 1:
        raise ValueError(f"expected feature maps (height, width, channels); got shape {maps.shape}")
    shown = maps[:, :, :max_channels]  # (H, W, C) -> (H, W, <=max_channels)
    h, w, count = shown.shape
    cols = min(cols, count)
    rows = math.ceil(count / cols)
    gap = max(1, round(max(h, w) / 10))  # a thin dark line between tiles, in map pixels
    tiles, where = mosaic(shown, cols, gap)
    low, top = float(shown.min()), float(shown.max())
    bound = max(-low, top) or 1.0
    scale = (dict(colorscale=SIGNED, zmin=-bound, zmax=bound) if low < 0 else
             dict(colorscale=ACTIVATION, zmin=0.0, zmax=top if top > 0 else 1.0))
    heat = dict(
        type="heatmap", z=tiles, customdata=where, hoverongaps=False, name="feature maps",
        colorbar=dict(thickness=10, title=dict(text=_("output"), side="right")),
        hovertemplate="filter %{customdata[0]}<br>row %{customdata[1]}, col %{customdata[2]}"
                      "<br>%{z:.3f}<extra></extra>", **scale)
    return go.Figure(data=[heat], layout=dict(
        _image_axes(), height=20 + rows * cell_px, margin=dict(l=5, r=5, t=10, b=10),
        plot_bgcolor="rgba(0,0,0,0)"))


def feature_map_caption(layer_name: str, kind: str, shape: tuple[int, int, int],
                        max_channels: int = MAX_CHANNELS) -> str:
    """What one grid shows: the layer, its output shape, and how many of its maps are drawn."""
    h, w, c = shape
    what = {"conv": _("convolution"), "residual": _("residual block"),
            "pool": _("pooling")}.get(kind, kind)
    shown = (_("all {c} maps").format(c=c) if c <= max_channels else
             _("the first {shown} of its {c} maps").format(shown=max_channels, c=c))
    return _("**{layer}** ({what}): output {shape}, showing {shown}.").format(
        layer=layer_name, what=what, shape=f"{h}×{w}×{c}", shown=shown)


def saliency_overlay(x28: np.ndarray, saliency: np.ndarray, height: int = 320) -> go.Figure:
    """The 28x28 input in grey, the saliency laid over it in orange (transparent = no effect)."""
    x28, saliency = np.asarray(x28, np.float32).squeeze(), np.asarray(saliency, np.float32)
    if x28.shape != saliency.shape or x28.ndim != 2:
        raise ValueError(f"image and saliency must be the same (H, W); got {x28.shape} and "
                         f"{saliency.shape}")
    influence = dict(
        type="heatmap", z=saliency, colorscale=SALIENCY, zmin=0.0, zmax=1.0, name="saliency",
        colorbar=dict(thickness=10, title=dict(text=_("influence"), side="right")),
        hovertemplate="row %{y}, col %{x}<br>influence %{z:.2f}<extra></extra>")
    return go.Figure(data=[_ink(x28, "input", hover="ink"), influence],
                     layout=dict(_image_axes(), height=height, margin=dict(l=5, r=5, t=5, b=5)))


def probability_table(probs: np.ndarray) -> list[dict[str, str]]:
    """The ten probabilities as table rows: the bar chart's text alternative for screen readers."""
    return [{_("Digit"): str(digit), _("Probability"): f"{float(p):.1%}"}
            for digit, p in enumerate(np.asarray(probs).ravel())]
