"""The two files of a run a student may download: the trained model and the design it came from.

Only these names are served, from a real file directly inside the run folder (no links, no
paths), so a download button can never be turned into a way to read other files.
"""

from __future__ import annotations

from pathlib import Path

from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.runs.store import sanitize_name

DOWNLOADS = {"model.keras": ("application/octet-stream", ".keras"),
             "design.json": ("application/json", ".design.json")}


def run_file_bytes(run_dir: Path | str, name: str, root: Path | str | None = None) -> bytes:
    """The bytes of `name` (model.keras or design.json) in `run_dir`, which must lie in `root`."""
    if name not in DOWNLOADS:
        first, second = DOWNLOADS
        raise LabError(_("Only {first} and {second} can be downloaded from a run; not "
                         "{name}.").format(first=first, second=second, name=repr(name)))
    folder = Path(run_dir)
    if root is not None:
        base, resolved = Path(root).resolve(), folder.resolve()
        if resolved == base or base not in resolved.parents:
            raise LabError(_("That run is not in your workspace."))
    path = folder / name
    if path.is_symlink() or not path.is_file():
        raise LabError(_("This run has no {name} (it may have been deleted or not finished).").format(
            name=name))
    return path.read_bytes()


def download_name(run_name: str, name: str) -> str:
    """The file name offered to the browser, e.g. 'adam lr 0.001.keras' -> 'adam_lr_0.001.keras'."""
    if name not in DOWNLOADS:
        raise LabError(only_these())
    return sanitize_name(run_name).replace(" ", "_") + DOWNLOADS[name][1]


def mime_type(name: str) -> str:
    if name not in DOWNLOADS:
        raise LabError(only_these())
    return DOWNLOADS[name][0]


def only_these() -> str:
    first, second = DOWNLOADS
    return _("Only {first} and {second} can be downloaded from a run.").format(
        first=first, second=second)
