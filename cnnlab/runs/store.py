"""Saved runs on disk: one folder per trained model, never seen half-written.

Layout: `<runs_dir>/<owner>/<run_id>/` holding model.keras, design.json, config.json,
history.json, metrics.json and meta.json. Every file is written atomically and meta.json is
written LAST: it is the completeness mark. A folder without it is a run whose worker died
(killed, out of memory, server restart) and is listed as "interrupted". A fresh run is even
written into a hidden temporary folder and renamed into place in one step.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Collection

from cnnlab.runs.atomic import DIR_MODE, atomic_write_json, is_temp_name
from cnnlab.runs.names import MAX_NAME, clean_name
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.training.config import TrainConfig
from cnnlab.design.spec import Architecture
from cnnlab.paths import DEFAULT_RUNS_DIR

FORMAT = 1  # bump when the layout changes
STATUSES = ("complete", "cancelled", "interrupted", "running")
_OWNER = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")
_NAME_BAD = re.compile(r"[^\w .()+-]+")


def default_runs_dir() -> Path:
    """Where runs live: $CNNLAB_RUNS_DIR if set, else <repo>/models/runs."""
    return Path(os.environ.get("CNNLAB_RUNS_DIR") or DEFAULT_RUNS_DIR)



@dataclass(frozen=True)
class RunInfo:
    """One row of a student's run list; the numbers are None for an interrupted run."""

    run_id: str
    path: Path
    name: str
    status: str  # complete | cancelled | interrupted | running
    created: str  # ISO 8601, UTC
    test_accuracy: float | None = None
    test_loss: float | None = None
    params: int | None = None
    train_seconds: float | None = None
    epochs_completed: int | None = None

    @property
    def has_model(self) -> bool:
        """A finished run, or one stopped early (it kept its last finished epoch's model)."""
        return self.status in ("complete", "cancelled")


@dataclass(frozen=True)
class Run:
    """A saved run read back: its design, settings, curves, test metrics and metadata."""

    path: Path
    arch: Architecture
    config: TrainConfig
    history: dict[str, Any]  # {"epochs": [...], "batches": [[step, loss, acc], ...], ...}
    metrics: dict[str, Any]  # {"test_loss": ..., "test_accuracy": ...}
    meta: dict[str, Any]

    @property
    def model_path(self) -> Path:
        return self.path / "model.keras"

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.path.name))


def check_owner(owner: str) -> str:
    """An owner id is used as a folder name, so it must already be safe; anything else is refused."""
    if not isinstance(owner, str) or not _OWNER.fullmatch(owner):
        raise LabError(_("{owner} is not a valid workspace id: use 1-64 letters, digits, '-', "
                         "'_' or '.', not starting with '.'.").format(owner=repr(owner)))
    return owner


def sanitize_name(name: Any, default: str = "run") -> str:
    """A name safe as a file name (downloads): no slashes or '..', limited charset and length.
    Display names are kept as typed instead (cnnlab.runs.names.clean_name)."""
    text = _NAME_BAD.sub("_", str(name or "")).replace("..", "_")
    text = text.strip(" ._-")[:MAX_NAME].strip(" ._-")
    return text or default


def new_run_id() -> str:
    """Sortable by time (to the microsecond) and unique: 20250131-142501-123456-a3f09c."""
    return f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S-%f}-{secrets.token_hex(3)}"


def owner_dir(runs_dir: Path, owner: str) -> Path:
    return Path(runs_dir) / check_owner(owner)


def begin_run(runs_dir: Path, owner: str, arch: Architecture, config: TrainConfig,
              name: str | None = None) -> Path:
    """Create a run folder before training, so a worker that dies leaves an 'interrupted' run."""
    parent = owner_dir(runs_dir, owner)
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / new_run_id()
    path.mkdir()
    atomic_write_json(path / "design.json", arch.to_dict())
    atomic_write_json(path / "config.json", config.to_dict())
    atomic_write_json(path / "started.json", {"name": clean_name(name), "created": _now()})
    return path


def save_run(runs_dir: Path, owner: str, arch: Architecture, config: TrainConfig, result: Any,
             name: str | None = None) -> Path:
    """Save a finished training (a cnnlab.training.loop.TrainResult) as a new run; returns its folder."""
    parent = owner_dir(runs_dir, owner)
    parent.mkdir(parents=True, exist_ok=True)
    return write_run(parent / new_run_id(), arch, config, result, name)


def write_run(run_dir: Path, arch: Architecture, config: TrainConfig, result: Any,
              name: str | None = None) -> Path:
    """Write every file of a run into `run_dir`, meta.json last.

    A new folder is filled under a hidden temporary name and renamed into place; an existing one
    (begun by begin_run, or a retrain into --out) first loses its meta.json, so it never looks
    complete while its files change.
    """
    if result.model is None:
        raise ValueError("this training stopped before its first epoch; there is no model to save")
    run_dir = Path(run_dir)
    if run_dir.exists():
        (run_dir / "meta.json").unlink(missing_ok=True)
        _write_files(run_dir, arch, config, result, name)
        return run_dir
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=run_dir.parent, prefix=f".{run_dir.name}.", suffix=".tmp"))
    try:
        tmp.chmod(DIR_MODE)  # mkdtemp makes 0700
        _write_files(tmp, arch, config, result, name)
        os.rename(tmp, run_dir)  # atomic: the run appears complete or not at all
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return run_dir


def _write_files(path: Path, arch: Architecture, config: TrainConfig, result: Any,
                 name: str | None) -> None:
    from cnnlab.runs.model_file import save_model

    save_model(result.model, path / "model.keras", arch)
    progress = result.progress
    atomic_write_json(path / "design.json", arch.to_dict())
    atomic_write_json(path / "config.json", config.to_dict())
    atomic_write_json(path / "history.json", {
        "epochs": [dict(e) for e in progress.epoch_history],
        "batches": [list(p) for p in progress.batch_history],
        "batches_per_epoch": progress.batches_per_epoch})
    atomic_write_json(path / "metrics.json", {"test_loss": result.test_loss,
                                              "test_accuracy": result.test_accuracy})
    started = _read_json(path / "started.json") or {}
    atomic_write_json(path / "meta.json", {  # last: marks the run complete
        "format": FORMAT, "name": clean_name(name or started.get("name")),
        "status": "cancelled" if result.stopped else "complete",
        "created": started.get("created") or _now(), "finished": _now(),
        "epochs_completed": result.epochs_completed, "epochs_planned": config.epochs,
        "params": result.params, "message": progress.message, "precision": result.precision,
        "data": {"train_samples": result.train_samples, "val_samples": result.val_samples},
        "timings": {"train_seconds": round(result.train_seconds, 3),
                    "eval_seconds": round(result.eval_seconds, 3),
                    "samples_per_sec": round(result.samples_per_sec, 1)},
        "versions": versions()})


def list_runs(runs_dir: Path, owner: str, running: Collection[Path | str] = ()) -> list[RunInfo]:
    """The owner's runs, newest first; folders in `running` (live jobs) are marked 'running'."""
    parent = owner_dir(runs_dir, owner)
    if not parent.is_dir():
        return []
    live = {Path(p).resolve() for p in running}
    rows = []
    for path in parent.iterdir():
        if not path.is_dir() or path.name.startswith(".") or is_temp_name(path.name):
            continue
        meta = _read_json(path / "meta.json")
        if meta is None:
            started = _read_json(path / "started.json") or {}
            if not started and not (path / "design.json").exists():
                continue  # not a run folder
            status = "running" if path.resolve() in live else "interrupted"
            rows.append(RunInfo(path.name, path, clean_name(started.get("name")), status,
                                str(started.get("created", ""))))
            continue
        metrics = _read_json(path / "metrics.json") or {}
        timings = meta.get("timings") or {}
        rows.append(RunInfo(path.name, path, clean_name(meta.get("name")),
                            "cancelled" if meta.get("status") == "cancelled" else "complete",
                            str(meta.get("created", "")), metrics.get("test_accuracy"),
                            metrics.get("test_loss"), meta.get("params"),
                            timings.get("train_seconds"), meta.get("epochs_completed")))
    return sorted(rows, key=lambda r: (r.created, r.run_id), reverse=True)


def load_run(run_dir: Path) -> Run:
    """Read a complete run; a missing or damaged file is a LabError saying what to do."""
    run_dir = Path(run_dir)
    meta = _read_json(run_dir / "meta.json")
    if meta is None:
        raise LabError(_("The run in {folder} is incomplete (its training was interrupted before "
                         "it was saved, or meta.json is damaged); train it again.").format(
                             folder=run_dir.name))
    try:
        arch = Architecture.from_dict(_need_json(run_dir / "design.json"))
        config = TrainConfig.from_dict(_need_json(run_dir / "config.json"))
    except LabError as err:
        raise LabError(_("The run in {folder} cannot be read: {error}").format(
            folder=run_dir.name, error=err.message)) from None
    history = _read_json(run_dir / "history.json") or {"epochs": [], "batches": []}
    metrics = _read_json(run_dir / "metrics.json") or {}
    if not (run_dir / "model.keras").is_file():
        raise LabError(_("The run in {folder} has no model.keras; train it again.").format(
            folder=run_dir.name))
    return Run(run_dir, arch, config, history, metrics, meta)


def rename_run(run_dir: Path, new_name: str) -> str:
    """Give a run a new display name, kept as typed in meta.json (its folder keeps its id)."""
    meta = _read_json(Path(run_dir) / "meta.json")
    if meta is None:
        raise LabError(_("Only a finished run can be renamed."))
    meta["name"] = clean_name(new_name)
    atomic_write_json(Path(run_dir) / "meta.json", meta)
    return meta["name"]


def delete_run(run_dir: Path) -> Path | None:
    """Move a run to its owner's trash (cnnlab.runs.trash), restorable for a while; returns
    where it lies now, or None when there was nothing to delete."""
    from cnnlab.runs.trash import move_to_trash

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        return None
    return move_to_trash(run_dir)


def versions() -> dict[str, str]:
    """The library versions a model was trained with, for reproducing it."""
    from importlib import metadata

    import cnnlab

    out = {"python": sys.version.split()[0], "cnnlab": cnnlab.__version__}
    for key, dists in (("tensorflow", ("tensorflow-cpu", "tensorflow")), ("keras", ("keras",)),
                       ("numpy", ("numpy",))):
        for dist in dists:
            try:
                out[key] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
    return out


def _now() -> str:
    """ISO 8601 in UTC to the microsecond, so two runs begun in one second still sort by age."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _read_json(path: Path) -> Any:
    """The parsed file, or None when it is missing or damaged."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _need_json(path: Path) -> Any:
    data = _read_json(path)
    if data is None:
        raise LabError(_("{name} is missing or is not valid JSON.").format(name=path.name))
    return data
