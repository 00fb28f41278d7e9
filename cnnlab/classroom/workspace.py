"""A student's workspace on the server: the current design, its undo/redo history and the
designs they saved by name, kept under their lab code so nothing is lost on a reload, in
another browser (with the bookmark) or after the server restarts.

The history logic is pure (a frozen `Workspace` in, a new one out), so it is tested without
Streamlit; `load` and `store` read and write `<runs_dir>/<lab code>/workspace.json`
atomically (cnnlab.runs.atomic), so a crash mid-write leaves the previous file whole.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cnnlab.design.bounded_json import read_bounded_json
from cnnlab.design.spec import Architecture
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.runs.atomic import atomic_write_json
from cnnlab.runs.store import owner_dir

FILE_NAME = "workspace.json"
HISTORY = 50  # undo steps kept; older ones are dropped
MAX_SAVED = 30  # named designs per student
MAX_DESIGN_NAME = 60
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Workspace:
    """What one student is working on; `current` is None for a student who has not started."""

    current: Architecture | None = None
    undo: tuple[Architecture, ...] = ()  # newest last
    redo: tuple[Architecture, ...] = ()  # the next redo last
    saved: tuple[tuple[str, Architecture], ...] = ()  # (name, design) in the order saved

    @property
    def can_undo(self) -> bool:
        return bool(self.undo)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo)

    def saved_names(self) -> list[str]:
        return [name for name, _ in self.saved]

    def saved_design(self, name: str) -> Architecture:
        for saved_name, arch in self.saved:
            if saved_name == name:
                return arch
        raise LabError(_("There is no saved design called {name}; pick one from the "
                         "list.").format(name=repr(name)))


def record(ws: Workspace, arch: Architecture) -> Workspace:
    """The workspace after the student changed the design to `arch` (an edit clears redo)."""
    if arch == ws.current:
        return ws
    undo = ws.undo if ws.current is None else (ws.undo + (ws.current,))[-HISTORY:]
    return Workspace(arch, undo, (), ws.saved)


def undo(ws: Workspace) -> Workspace:
    """Back to the design before the last change; the current one can be redone."""
    if not ws.undo:
        return ws
    redo = ws.redo if ws.current is None else ws.redo + (ws.current,)
    return Workspace(ws.undo[-1], ws.undo[:-1], redo[-HISTORY:], ws.saved)


def redo(ws: Workspace) -> Workspace:
    """Forward again to the design the last undo left."""
    if not ws.redo:
        return ws
    undone = ws.undo if ws.current is None else (ws.undo + (ws.current,))[-HISTORY:]
    return Workspace(ws.redo[-1], undone, ws.redo[:-1], ws.saved)


def check_design_name(name: object) -> str:
    """A saved design's name as typed (trimmed), or a LabError saying what to type."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise LabError(_("Type a name for this design first, such as 'my LeNet'."))
    if len(text) > MAX_DESIGN_NAME:
        raise LabError(_("This name is {n} characters long; use at most {most}.").format(
            n=len(text), most=MAX_DESIGN_NAME))
    if any(not ch.isprintable() for ch in text):
        raise LabError(_("A design name cannot contain line breaks or control characters."))
    return text


def save_as(ws: Workspace, name: object, arch: Architecture) -> Workspace:
    """Keep `arch` under `name` (replacing a design of the same name)."""
    text = check_design_name(name)
    others = tuple((n, a) for n, a in ws.saved if n != text)
    if len(others) >= MAX_SAVED:
        raise LabError(_("You already keep {n} designs, the most allowed; delete one you no "
                         "longer need first.").format(n=MAX_SAVED))
    return replace(ws, saved=others + ((text, arch),))


def remove_saved(ws: Workspace, name: str) -> Workspace:
    return replace(ws, saved=tuple((n, a) for n, a in ws.saved if n != name))


# ---- on disk ----

def path_for(runs_dir: Path, owner: str) -> Path:
    return owner_dir(runs_dir, owner) / FILE_NAME


def store(runs_dir: Path, owner: str, ws: Workspace) -> None:
    """Write the workspace atomically (the owner's folder is made on first use)."""
    path = path_for(runs_dir, owner)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, to_dict(ws), indent=None)


def load(runs_dir: Path, owner: str) -> Workspace:
    """The stored workspace, or an empty one; a damaged file is logged and read as far as it can."""
    path = path_for(runs_dir, owner)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Workspace()
    except (OSError, UnicodeDecodeError) as exc:
        _LOG.warning("cannot read %s: %s", path, exc)
        return Workspace()
    try:
        data = read_bounded_json(text, max_bytes=20_000_000, max_depth=12, max_string=200,
                                 max_items=2_000_000)
    except LabError as err:
        _LOG.warning("damaged workspace %s: %s", path, err)
        return Workspace()
    return from_dict(data)


def to_dict(ws: Workspace) -> dict[str, Any]:
    return {"current": None if ws.current is None else ws.current.to_dict(),
            "undo": [a.to_dict() for a in ws.undo],
            "redo": [a.to_dict() for a in ws.redo],
            "saved": [{"name": n, "design": a.to_dict()} for n, a in ws.saved]}


def from_dict(data: Any) -> Workspace:
    """Rebuild a workspace, skipping any entry that is no longer a valid design."""
    if not isinstance(data, dict):
        return Workspace()
    saved = []
    for entry in _list(data.get("saved")):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            arch = _design(entry.get("design"))
            if arch is not None:
                saved.append((entry["name"], arch))
    return Workspace(_design(data.get("current")),
                     tuple(a for a in map(_design, _list(data.get("undo"))) if a is not None),
                     tuple(a for a in map(_design, _list(data.get("redo"))) if a is not None),
                     tuple(saved))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _design(value: Any) -> Architecture | None:
    if value is None:
        return None
    try:
        return Architecture.from_dict(value)
    except LabError:
        return None
