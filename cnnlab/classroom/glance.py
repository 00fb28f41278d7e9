"""The class at a glance, for the teacher: who is active, the commonest design mistakes, and
every submission as CSV.

Presence is one row per lab code with the time it last opened a page; pages call `seen` at
most once a minute per student, so the database is not written on every rerun.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from cnnlab.classroom.db.engine import Database
from cnnlab.classroom.db.models import Challenge, Presence, Submission

ACTIVE_WINDOW = timedelta(minutes=10)
_WHERE = re.compile(r"^(Layer \d+ \([^)]*\)|The last layer \([^)]*\)):\s*")


def seen(db: Database, lab_code: str, now: datetime | None = None) -> None:
    """Record that this lab code is using the app now."""
    now = now or datetime.now(timezone.utc)
    with db.session.begin() as s:
        row = s.get(Presence, lab_code)
        if row is None:
            s.add(Presence(lab_code=lab_code, last_seen=now))
        else:
            row.last_seen = now


def active_lab_codes(db: Database, now: datetime | None = None,
                     window: timedelta = ACTIVE_WINDOW) -> list[str]:
    """Lab codes seen within `window`, most recent first (for the teacher only)."""
    since = (now or datetime.now(timezone.utc)) - window
    with db.session() as s:
        return list(s.scalars(select(Presence.lab_code).where(Presence.last_seen >= since)
                              .order_by(Presence.last_seen.desc())))


def mistake_kind(warning: str) -> str:
    """A design warning without its layer position, so the same mistake counts once per kind."""
    return _WHERE.sub("", warning).strip()


def common_mistakes(designs_warnings: list[list[str]], top: int = 5) -> list[tuple[str, int]]:
    """The warnings that appear in most designs: (warning, designs with it), most first."""
    counts: Counter[str] = Counter()
    for warnings in designs_warnings:
        counts.update({mistake_kind(w) for w in warnings})
    return counts.most_common(top)


def submitted_warnings(db: Database) -> list[list[str]]:
    with db.session() as s:
        return [list(w or []) for w in s.scalars(select(Submission.warnings))]


CSV_COLUMNS = ("challenge", "display_name", "lab_code", "test_accuracy", "params",
               "train_seconds", "submitted")


def results_csv(db: Database) -> str:
    """Every submission, oldest first, as CSV for the teacher's spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with db.session() as s:
        query = (select(Challenge.title, Submission).join(Challenge,
                 Challenge.id == Submission.challenge_id)
                 .order_by(Submission.created, Submission.id))
        for title, sub in s.execute(query):
            writer.writerow([_cell(title), _cell(sub.display_name), sub.lab_code,
                             f"{sub.accuracy:.4f}", sub.params,
                             "" if sub.train_seconds is None else f"{sub.train_seconds:.1f}",
                             sub.created.isoformat()])
    return out.getvalue()


def _cell(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def trained_warnings(runs_dir, lab_codes: list[str]) -> list[list[str]]:
    """The design warnings of every run these students trained (from each run's design.json)."""
    import json
    from pathlib import Path

    from cnnlab.design.arithmetic import analyze
    from cnnlab.design.spec import Architecture
    from cnnlab.errors import LabError
    from cnnlab.runs.store import list_runs

    out = []
    for code in lab_codes:
        for run in list_runs(Path(runs_dir), code):
            try:
                arch = Architecture.from_dict(json.loads((run.path / "design.json").read_text()))
                out.append(list(analyze(arch).warnings))
            except (OSError, ValueError, LabError):
                continue  # a damaged run says nothing about mistakes
    return out


def job_counts(jobs) -> dict[str, int]:
    """JobStatus objects counted by state: queued, running, done, and the rest."""
    counts = {"queued": 0, "running": 0, "done": 0, "stopped or failed": 0}
    for job in jobs:
        key = job.state if job.state in counts else "stopped or failed"
        counts[key] += 1
    return counts
