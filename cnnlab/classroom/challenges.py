"""Challenges the teacher publishes, and the runs students enter into them.

A challenge may hand out a starting design and tighten the server's caps (epochs, training
subset, layers, parameters). The Train page applies those caps while a student trains for it,
and `submit_run` checks them again on the saved run itself, so a run trained without them is
refused. The accuracy stored is always the server's own test-set measurement
(cnnlab.evaluation.evaluate.evaluate_run), never a number a student typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from cnnlab.classroom.db.engine import Database
from cnnlab.classroom.db.models import Challenge, Submission
from cnnlab.classroom.limits import Limits
from cnnlab.design.spec import Architecture
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.text import count

if TYPE_CHECKING:
    from cnnlab.training.mnist import Mnist

CAP_WORDS = {"max_epochs": N_("epochs"), "max_subset": N_("training images"),
             "max_layers": N_("layers"), "max_params": N_("parameters")}  # what each cap counts
CAPS = tuple(CAP_WORDS)
MAX_TITLE = 120
MAX_DISPLAY_NAME = 40
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ChallengeView:
    """A challenge as pages show it (no database objects leave this module)."""

    id: int
    title: str
    text: str
    starting_design: Architecture | None
    caps: dict[str, int]  # only the caps the teacher set
    is_open: bool

    def limits(self, server: Limits) -> Limits:
        """The server's caps, tightened by this challenge's."""
        return server.replace(**{k: min(v, getattr(server, k)) for k, v in self.caps.items()})

    def caps_text(self) -> str:
        return _(", ").join(_("at most {n} {what}").format(n=count(v), what=_(CAP_WORDS[k]))
                            for k, v in self.caps.items()) or _("no caps")


def publish(db: Database, title: str, text: str = "", starting_design: Architecture | None = None,
            **caps: int | None) -> int:
    """Store a new open challenge; returns its id. Caps left None are not applied."""
    title = _one_line(title)[:MAX_TITLE]
    if not title:
        raise LabError(_("A challenge needs a title; write one, e.g. \"98.5% with under 20,000 "
                         "parameters\"."))
    unknown = set(caps) - set(CAPS)
    if unknown:
        raise ValueError(f"unknown caps {sorted(unknown)}")
    for name, value in caps.items():
        if value is not None and (not isinstance(value, int) or value < 1):
            raise LabError(_("The cap {name} must be a whole number of at least 1; got "
                             "{value}.").format(name=name, value=repr(value)))
    if starting_design is not None:
        from cnnlab.design.arithmetic import analyze

        analyze(starting_design)  # a LabError if it cannot be built at all
    with db.session.begin() as s:
        row = Challenge(title=title, text=str(text or "").strip(), is_open=True,
                        starting_design=starting_design.to_dict() if starting_design else None,
                        **{k: v for k, v in caps.items() if v is not None})
        s.add(row)
        s.flush()
        return row.id


def set_open(db: Database, challenge_id: int, is_open: bool) -> None:
    with db.session.begin() as s:
        row = s.get(Challenge, challenge_id)
        if row is None:
            raise LabError(_("There is no such challenge; it may have been deleted."))
        row.is_open = is_open


def challenges(db: Database, only_open: bool = True) -> list[ChallengeView]:
    """Newest first."""
    query = select(Challenge).order_by(Challenge.created.desc(), Challenge.id.desc())
    if only_open:
        query = query.where(Challenge.is_open.is_(True))
    with db.session() as s:
        return [_view(row) for row in s.scalars(query)]


def challenge(db: Database, challenge_id: int) -> ChallengeView:
    with db.session() as s:
        row = s.get(Challenge, challenge_id)
        if row is None:
            raise LabError(_("There is no such challenge; it may have been deleted."))
        return _view(row)


def clean_display_name(name: object) -> str:
    """The name a student shows on a leaderboard: one line of printable text, 1-40 characters.

    Markup is kept as plain characters here and escaped wherever it is shown.
    """
    text = _one_line(unicodedata.normalize("NFC", str(name or "")))  # tabs, newlines: one space
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # no control chars
    text = text[:MAX_DISPLAY_NAME].strip()
    if not text:
        raise LabError(_("Choose a display name for the leaderboard (any name you like, up to "
                         "{n} characters; it need not be your real name).").format(
                             n=MAX_DISPLAY_NAME))
    return text


def check_run_caps(chosen: ChallengeView, run) -> None:
    """A LabError naming the first challenge cap the saved run went over."""
    from cnnlab.design.arithmetic import analyze

    values = {"max_epochs": run.config.epochs, "max_subset": run.config.subset or 60_000,
              "max_layers": len(run.arch.layers), "max_params": analyze(run.arch).total_params}
    for name, cap in chosen.caps.items():
        if values[name] > cap:
            raise LabError(_("This run used {used} {what}, but the challenge allows at most "
                             "{cap}. Train again for this challenge (the Train page applies its "
                             "caps) and submit that run.").format(
                                 used=count(values[name]), what=_(CAP_WORDS[name]), cap=count(cap)))


def submit_run(db: Database, challenge_id: int, lab_code: str, run_dir: str | Path,
               display_name: str, runs_dir: str | Path, data: "Mnist | None" = None) -> int:
    """Enter one of `lab_code`'s own finished runs; the server measures its test accuracy."""
    from cnnlab.design.arithmetic import analyze
    from cnnlab.evaluation.evaluate import evaluate_run
    from cnnlab.runs.store import load_run, owner_dir

    name = clean_display_name(display_name)
    chosen = challenge(db, challenge_id)
    if not chosen.is_open:
        raise LabError(_("This challenge is closed; it takes no more submissions."))
    mine = owner_dir(Path(runs_dir), lab_code).resolve()
    path = Path(run_dir).resolve()
    if path.parent != mine:
        raise LabError(_("You can only submit one of your own runs (from your lab code's run "
                         "list)."))
    run = load_run(path)
    check_run_caps(chosen, run)
    summary = analyze(run.arch)
    accuracy = evaluate_run(path, data=data).accuracy
    timings = run.meta.get("timings") or {}
    with db.session.begin() as s:
        row = Submission(challenge_id=challenge_id, lab_code=lab_code, display_name=name,
                         run_id=path.name, design=run.arch.to_dict(), accuracy=float(accuracy),
                         params=summary.total_params, warnings=list(summary.warnings),
                         train_seconds=timings.get("train_seconds"))
        s.add(row)
        s.flush()
        return row.id


def _view(row: Challenge) -> ChallengeView:
    design = Architecture.from_dict(row.starting_design) if row.starting_design else None
    caps = {name: getattr(row, name) for name in CAPS if getattr(row, name) is not None}
    return ChallengeView(row.id, row.title, row.text or "", design, caps, bool(row.is_open))


def _one_line(text: object) -> str:
    return _SPACES.sub(" ", str(text or "")).strip()
