"""Two designs side by side, layer by layer: shapes and parameters from the exact arithmetic.

Layers are paired by position; where one design is longer its extra layers face an empty cell.
"""

from __future__ import annotations

from itertools import zip_longest

from cnnlab.design.arithmetic import LayerStats, analyze
from cnnlab.design.spec import Architecture
from cnnlab.design.table import shape_text
from cnnlab.i18n import _, ngettext


def _cells(stats: LayerStats | None) -> tuple[str, str, str]:
    if stats is None:
        return "", "", ""
    return stats.label, shape_text(stats.output_shape), f"{stats.params:,}"


def _layers(n: int) -> str:
    return ngettext("{n} layer", "{n} layers", n).format(n=n)


def diff_rows(left: Architecture, right: Architecture) -> list[dict[str, str]]:
    """One row per layer position, then a totals row; `Same` marks identical layers."""
    a, b = analyze(left), analyze(right)
    out = []
    for position, (x, y) in enumerate(zip_longest(a.layers, b.layers), start=1):
        lx, sx, px = _cells(x)
        ly, sy, py = _cells(y)
        same = x is not None and y is not None and (lx, sx, px) == (ly, sy, py)
        out.append({"#": str(position), _("Left layer"): lx, _("Left shape"): sx,
                    _("Left params"): px, _("Right layer"): ly, _("Right shape"): sy,
                    _("Right params"): py, _("Same"): "=" if same else "≠"})
    out.append({"#": _("Total"), _("Left layer"): _layers(len(a.layers)), _("Left shape"): "",
                _("Left params"): f"{a.total_params:,}", _("Right layer"): _layers(len(b.layers)),
                _("Right shape"): "", _("Right params"): f"{b.total_params:,}",
                _("Same"): "=" if a.total_params == b.total_params else "≠"})
    return out
