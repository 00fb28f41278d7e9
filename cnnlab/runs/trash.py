"""Deleted runs wait in a trash folder for a while, so a slip of the mouse can be undone.

`<runs_dir>/<owner>/.trash/<run_id>/` holds a deleted run as it was, plus `deleted.json`
(when). The leading dot keeps it out of the run list. Moving in and out is one rename on the
same file system, so a run is never half in the trash. Runs older than KEEP_DAYS are removed
for good whenever the trash is listed.
"""

from __future__ import annotations

import shutil
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.runs.atomic import atomic_write_json, fsync_dir
from cnnlab.runs.names import clean_name

TRASH = ".trash"
KEEP_DAYS = 7
_STAMP = "deleted.json"


@dataclass(frozen=True)
class Deleted:
    """One run in the trash: where it lies, its name and when it was deleted (time.time())."""

    path: Path
    name: str
    deleted: float


def move_to_trash(run_dir: Path, now: float | None = None) -> Path:
    """Move a run folder into its owner's trash; returns where it now lies."""
    run_dir = Path(run_dir)
    trash = run_dir.parent / TRASH
    trash.mkdir(exist_ok=True)
    target = trash / run_dir.name
    if target.exists():  # the same run deleted, restored and deleted again
        target = trash / f"{run_dir.name}-{secrets.token_hex(3)}"
    run_dir.rename(target)
    fsync_dir(run_dir.parent)
    atomic_write_json(target / _STAMP, {"deleted": time.time() if now is None else now})
    return target


def list_trash(owner_dir: Path, now: float | None = None) -> list[Deleted]:
    """The owner's deleted runs, newest first; those past KEEP_DAYS are purged first."""
    from cnnlab.runs.store import _read_json

    trash = Path(owner_dir) / TRASH
    if not trash.is_dir():
        return []
    now = time.time() if now is None else now
    kept = []
    for path in trash.iterdir():
        stamp = _read_json(path / _STAMP) or {}
        deleted = stamp.get("deleted")
        if not isinstance(deleted, (int, float)):
            deleted = path.stat().st_mtime
        if now - deleted > KEEP_DAYS * 86400:
            shutil.rmtree(path, ignore_errors=True)
            continue
        meta = _read_json(path / "meta.json") or _read_json(path / "started.json") or {}
        kept.append(Deleted(path, clean_name(meta.get("name")), float(deleted)))
    return sorted(kept, key=lambda d: d.deleted, reverse=True)


def restore(deleted_path: Path) -> Path:
    """Put a run from the trash back in the run list; returns its folder."""
    source = Path(deleted_path)
    if source.parent.name != TRASH or not source.is_dir():
        raise LabError(_("This run is no longer in the trash (it was restored or removed for "
                         "good); refresh the page."))
    target = source.parent.parent / source.name
    if target.exists():
        target = target.with_name(f"{source.name}-{secrets.token_hex(3)}")
    (source / _STAMP).unlink(missing_ok=True)
    source.rename(target)
    fsync_dir(source.parent.parent)
    return target
