"""The design as a row of feature-map volumes that shrink and deepen, drawn with Plotly.

Each image-shaped output (height x width x channels) is a box seen at an angle: its front face's
height follows the map's height in pixels, its thickness follows the square root of the
channel count, and its slanted side follows the width. A vector (after Flatten or
GlobalAveragePooling2D) is a thin bar whose height follows the log of its length. The exact
sizes are written under every box, so the drawing never has to be read off by eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go

from cnnlab.design.arithmetic import Summary
from cnnlab.text import TIGHT, dims
from cnnlab.i18n import _

MAX_HEIGHT = 10.0  # drawing units of the tallest map
MAX_THICKNESS = 2.6  # drawing units of the map with the most channels (plus MIN_THICKNESS)
MIN_THICKNESS = 0.35
SLANT = (0.3, 0.2)  # (x, y) drawing units of the slanted side per unit of map width
VECTOR_WIDTH = 0.6
GAP = 1.6
MIN_SLOT = 2.8  # drawing units from one box's left edge to the next, room for labels
REFERENCE_CHANNELS = 64  # fewer channels than this are drawn thinner than the maximum
INPUT_COLOR = "#9aa5b1"  # each layer's own colour is its type's (cnnlab.design.layers)


@dataclass(frozen=True)
class Box:
    """One drawn output: where it sits and how big it is, in drawing units."""

    position: int  # 0 for the input, else the layer's 1-based position
    kind: str  # the layer type, or "Input"
    color: str  # '#rrggbb' of its faces
    name: str  # short label above the box, e.g. "Conv 32"
    shape: tuple[int, ...]
    x: float  # left edge of the front face
    thickness: float  # x extent of the front face (channels)
    height: float  # y extent of the front face (map height, or log of vector length)
    slant: tuple[float, float]  # offset of the back face (map width); (0, 0) for vectors
    hover: str

    @property
    def is_vector(self) -> bool:
        return len(self.shape) == 1

    @property
    def center(self) -> float:
        return self.x + (self.thickness + self.slant[0]) / 2


def shape_label(shape: tuple[int, ...]) -> str:
    """(26, 26, 32) -> '26×26×32'; (1600,) -> '1,600'."""
    return dims(shape, TIGHT)


def volume_boxes(summary: Summary) -> list[Box]:
    """The input and every layer's output, laid out left to right."""
    outputs = [(0, "Input", INPUT_COLOR, _("Input"), summary.input_shape, _("the image"))]
    outputs += [(s.position, s.type, s.layer.color, s.layer.picture_label(), s.output_shape,
                 f"{s.label}<br>" + _("{n} parameters").format(n=f"{s.params:,}"))
                for s in summary.layers]
    maps = [shape for *_, shape, _ in outputs if len(shape) == 3]
    tallest = max((max(s[0], s[1]) for s in maps), default=1)
    deepest = max([s[2] for s in maps] + [REFERENCE_CHANNELS])
    longest = max((s[0] for *_, s, _ in outputs if len(s) == 1), default=10)
    boxes, x = [], 0.0
    for position, kind, color, name, shape, what in outputs:
        if len(shape) == 3:
            height = MAX_HEIGHT * shape[0] / tallest
            thickness = MIN_THICKNESS + MAX_THICKNESS * math.sqrt(shape[2] / deepest)
            width = MAX_HEIGHT * shape[1] / tallest
            slant = (SLANT[0] * width, SLANT[1] * width)
        else:  # a vector: log scale, so 10 and 12,544 both stay visible
            fraction = math.log10(max(shape[0], 2)) / math.log10(max(longest, 10))
            height = MAX_HEIGHT * max(0.12, fraction)
            thickness, slant = VECTOR_WIDTH, (0.0, 0.0)
        where = _("input") if position == 0 else _("layer {n}").format(n=position)
        hover = f"<b>{name}</b> ({where})<br>" + _("output {shape}").format(
            shape=shape_label(shape)) + f"<br>{what}"
        boxes.append(Box(position, kind, color, name, tuple(shape), x, thickness, height, slant, hover))
        x += max(thickness + slant[0] + GAP, MIN_SLOT)
    return boxes


def _faces(box: Box) -> list[tuple[str, float]]:
    """SVG paths of the front, top and side faces, with how much to darken each."""
    x0, x1 = box.x, box.x + box.thickness
    y0, y1 = -box.height / 2, box.height / 2
    dx, dy = box.slant
    front = f"M {x0},{y0} L {x1},{y0} L {x1},{y1} L {x0},{y1} Z"
    if box.is_vector:
        return [(front, 0.0)]
    top = f"M {x0},{y1} L {x1},{y1} L {x1 + dx},{y1 + dy} L {x0 + dx},{y1 + dy} Z"
    side = f"M {x1},{y0} L {x1 + dx},{y0 + dy} L {x1 + dx},{y1 + dy} L {x1},{y1} Z"
    return [(front, 0.0), (top, 0.25), (side, -0.2)]


def _shade(color: str, amount: float) -> str:
    """Lighten (amount > 0) or darken (amount < 0) a '#rrggbb' color."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    if amount >= 0:
        rgb = [round(c + (255 - c) * amount) for c in rgb]
    else:
        rgb = [round(c * (1 + amount)) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _face_shapes(box: Box) -> list[dict]:
    """The box's faces as layout shapes: filled paths in its layer's color, outlined darker."""
    line = {"color": _shade(box.color, -0.45), "width": 1}
    return [dict(type="path", path=path, fillcolor=_shade(box.color, amount), line=line,
                 layer="above") for path, amount in _faces(box)]


def _text_trace(name: str, x: list[float], y: list[float], text: list[str], color: str) -> dict:
    """A row of labels that ignores the mouse."""
    return dict(type="scatter", x=x, y=y, mode="text", text=text,
                textfont={"size": 12, "color": color}, hoverinfo="skip", name=name,
                showlegend=False)


def network_figure(summary: Summary, title: str | None = None) -> go.Figure:
    """The volumes of `summary`'s design, labelled with their layer and exact shape."""
    boxes = volume_boxes(summary)
    shapes = [shape for box in boxes for shape in _face_shapes(box)]
    top = max(b.height / 2 + b.slant[1] for b in boxes)
    # staggered label rows (2 above 5 boxes, 3 above 10) so neighbours' labels do not overlap
    rows = 1 if len(boxes) <= 5 else 2 if len(boxes) <= 10 else 3
    name_y = [top + 1.0 + 1.3 * (i % rows) for i in range(len(boxes))]
    shape_y = [-MAX_HEIGHT / 2 - 1.0 - 1.3 * (i % rows) for i in range(len(boxes))]
    centers = [b.center for b in boxes]
    data = [
        _text_trace("layer", centers, name_y, [b.name for b in boxes], "#31333f"),
        _text_trace("output shape", centers, shape_y, [shape_label(b.shape) for b in boxes],
                    "#555b66"),
        dict(type="scatter", x=centers, y=[0.0] * len(boxes), mode="markers",
             marker={"size": 26, "opacity": 0}, hovertext=[b.hover for b in boxes],
             hoverinfo="text", name="details", showlegend=False),
    ]
    right = boxes[-1].x + boxes[-1].thickness + boxes[-1].slant[0]
    layout = dict(
        title=title, height=340, margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        plot_bgcolor="white", paper_bgcolor="white", hovermode="closest", dragmode=False,
        xaxis={"visible": False, "range": [-1.8, right + max(2.0, 0.3 * len(boxes[-1].name))], "fixedrange": True},
        yaxis={"visible": False, "range": [min(shape_y) - 1.0, max(name_y) + 1.0],
               "fixedrange": True},
        shapes=shapes)
    return go.Figure(data=data, layout=layout)
