"""A challenge's leaderboard: each student's best run, ranked, with the Pareto front marked.

Rows carry display names and numbers only, never lab codes: `is_you` is worked out here for
the student looking, so nobody learns another student's code from the board. A submission's
design is published with it (`published_design`), the only way to see another's work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cnnlab.classroom.db.engine import Database
from cnnlab.classroom.db.models import Submission
from cnnlab.design.spec import Architecture
from cnnlab.errors import LabError
from cnnlab.i18n import _


@dataclass(frozen=True)
class Entry:
    rank: int  # 1 = best accuracy (ties: fewer parameters, then earlier)
    submission_id: int
    display_name: str  # as typed (cleaned); escape it wherever markup is rendered
    accuracy: float
    params: int
    train_seconds: float | None
    pareto: bool  # no other entry is at least as accurate with fewer parameters
    is_you: bool


def pareto_front(points: list[tuple[float, int]]) -> list[bool]:
    """For (accuracy, params) points: True where no other point has accuracy >= and params <=
    with at least one strictly better."""
    flags = []
    for i, (acc, params) in enumerate(points):
        dominated = any((a >= acc and p <= params) and (a > acc or p < params)
                        for j, (a, p) in enumerate(points) if j != i)
        flags.append(not dominated)
    return flags


def leaderboard(db: Database, challenge_id: int, viewer: str | None = None) -> list[Entry]:
    """One row per student (their best submission), best first."""
    with db.session() as s:
        rows = s.scalars(select(Submission).where(Submission.challenge_id == challenge_id)
                         .order_by(Submission.accuracy.desc(), Submission.params.asc(),
                                   Submission.created.asc(), Submission.id.asc())).all()
    best: dict[str, Submission] = {}
    for row in rows:
        best.setdefault(row.lab_code, row)  # rows come best first
    ranked = list(best.values())
    front = pareto_front([(r.accuracy, r.params) for r in ranked])
    return [Entry(rank, r.id, r.display_name, r.accuracy, r.params, r.train_seconds, on_front,
                  viewer is not None and r.lab_code == viewer)
            for rank, (r, on_front) in enumerate(zip(ranked, front), start=1)]


def own_rank(entries: list[Entry]) -> Entry | None:
    return next((e for e in entries if e.is_you), None)


def published_design(db: Database, submission_id: int) -> tuple[str, Architecture]:
    """(display name, design) of one submission: what the leaderboard publishes of it."""
    with db.session() as s:
        row = s.get(Submission, submission_id)
        if row is None:
            raise LabError(_("There is no such submission."))
        return row.display_name, Architecture.from_dict(row.design)


def rows(entries: list[Entry]) -> list[dict[str, object]]:
    """Table rows for a page: plain values, shown as text (never as markup)."""
    return [{_("Rank"): e.rank,
             _("Name"): e.display_name + (_(" (you)") if e.is_you else ""),
             _("Test accuracy"): f"{e.accuracy:.2%}", _("Parameters"): f"{e.params:,}",
             _("Training time"): "" if e.train_seconds is None
             else _("{seconds} s").format(seconds=f"{e.train_seconds:.1f}"),
             _("Pareto front"): "★" if e.pareto else ""} for e in entries]
