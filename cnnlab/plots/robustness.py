"""The invariance lab's curves: each model's test accuracy against the strength of each change.

One small chart per transformation family (shift, rotation, scale, slant, stroke width, blur,
noise, drawn with the mouse), one line per model in the same colour everywhere, and the
range a person's handwriting varies by shaded, so "holds up where it matters" is visible.
"""

from __future__ import annotations

from typing import Any, Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cnnlab.evaluation.robustness import FAMILIES
from cnnlab.i18n import _

COLOURS = ("#ff6b00", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
PERSON = "rgba(46, 160, 67, 0.18)"  # the shaded person-level range


def robustness_curves(results: Mapping[str, Mapping[str, Any]], columns: int = 4,
                      height: int = 520) -> go.Figure:
    """{model name: robustness result} -> a grid of accuracy (%) against strength, one chart per family."""
    families = [f for f in FAMILIES if any(f.key in r["curves"] for r in results.values())]
    rows = max(1, -(-len(families) // columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[_(f.title) for f in families],
                        horizontal_spacing=0.06, vertical_spacing=0.2)
    for i, fam in enumerate(families):
        row, col = i // columns + 1, i % columns + 1
        if fam.person is not None:
            fig.add_vrect(x0=fam.person[0], x1=fam.person[1], fillcolor=PERSON, line_width=0,
                          layer="below", row=row, col=col, exclude_empty_subplots=False)
        for m, (name, result) in enumerate(results.items()):
            points = result["curves"].get(fam.key, [])
            fig.add_trace(go.Scatter(
                x=[s for s, _a in points], y=[100 * a for _s, a in points], mode="lines+markers",
                name=name, legendgroup=name, showlegend=i == 0,
                line=dict(color=COLOURS[m % len(COLOURS)], width=2), marker=dict(size=5),
                hovertemplate=f"{name}<br>{_(fam.title)} %{{x:g}}: %{{y:.1f}}%<extra></extra>"),
                row=row, col=col)
        fig.update_yaxes(range=[0, 101], ticksuffix="%", row=row, col=col)
        fig.update_xaxes(title=dict(text=_(fam.unit), font=dict(size=11), standoff=2), row=row, col=col)
    fig.update_annotations(font_size=12)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.14))
    return fig
