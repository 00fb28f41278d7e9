"""The leaderboard picture: every student's best run at (parameters, test accuracy), the Pareto
front drawn as a line, and the student's own point ringed.

Display names are typed by students: Plotly renders a subset of HTML in hover text, so every
name is escaped before it goes into the figure.
"""

from __future__ import annotations

import html
from typing import Sequence

import plotly.graph_objects as go

from cnnlab.classroom.leaderboard import Entry
from cnnlab.i18n import _
from cnnlab.plots.evaluation import params_accuracy_axes

FRONT_COLOR = "#d62728"
OTHER_COLOR = "#9aa5b1"


def _hover(e: Entry) -> str:
    seconds = "" if e.train_seconds is None else "<br>" + _("{seconds} s of training").format(
        seconds=f"{e.train_seconds:.1f}")
    return (f"#{e.rank} {html.escape(e.display_name)}<br>"
            + _("{params} parameters").format(params=f"{e.params:,}") + "<br>"
            + _("test accuracy {accuracy}").format(accuracy=f"{e.accuracy:.2%}") + seconds)


def leaderboard_figure(entries: Sequence[Entry], height: int = 400) -> go.Figure:
    """Accuracy against parameters (log axis); the front joins the runs nobody beats on both."""
    front = sorted((e for e in entries if e.pareto), key=lambda e: e.params)
    others = [e for e in entries if not e.pareto]
    you = [e for e in entries if e.is_you]
    traces = [
        dict(type="scatter", x=[e.params for e in others], y=[e.accuracy for e in others],
             mode="markers", name=_("other runs"), marker=dict(size=11, color=OTHER_COLOR),
             hovertext=[_hover(e) for e in others], hoverinfo="text"),
        dict(type="scatter", x=[e.params for e in front], y=[e.accuracy for e in front],
             mode="lines+markers", name=_("Pareto front (best accuracy for its size)"),
             line=dict(shape="hv", color=FRONT_COLOR, width=2),
             marker=dict(size=13, color=FRONT_COLOR),
             hovertext=[_hover(e) for e in front], hoverinfo="text"),
        dict(type="scatter", x=[e.params for e in you], y=[e.accuracy for e in you],
             mode="markers", name=_("you"),
             marker=dict(size=22, color="rgba(0,0,0,0)", line=dict(color="#1f77b4", width=3)),
             hoverinfo="skip"),
    ]
    xaxis, yaxis = params_accuracy_axes([e.params for e in entries],
                                        [e.accuracy for e in entries], spread=2.0)
    return go.Figure(data=traces, layout=dict(
        xaxis=xaxis, yaxis=yaxis, height=height, margin=dict(l=10, r=10, t=30, b=10),
        template="plotly_white", legend=dict(orientation="h", yanchor="top", y=-0.25, x=0)))
