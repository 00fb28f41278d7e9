"""Read and write .keras model files safely: a bad file is a friendly message, never a traceback.

Loading uses Keras' safe mode (no code in the file is run, so an uploaded model cannot
execute anything) and skips compiling, which the app never needs for predictions. Saving
writes an uncompiled copy, so the optimizer's state (twice the weights for Adam) stays out
of the file and it remains small enough to download and upload again.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from cnnlab.runs.atomic import atomic_replace_from, temp_path
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _, sentences

_FIX = N_("Re-download it or train again.")
# The command that reproduces models/default exactly (models/default/README.md).
DEFAULT_MODEL_COMMAND = ("python -m cnnlab train recommended --epochs 20 --lr 0.003 "
                         "--lr-schedule one_cycle --validation-split 0 --seed 0 --augment --out models/default "
                         "--name \"CNN Lab default model (recommended preset with augmentation)\"")
_MISSING = N_("The shipped default model is not installed on this server yet (models/default "
              "has no model.keras). Train a model on the **Train** page and pick it above, or "
              "ask your teacher to run `{command}`.")
DEFAULT_MODEL_MISSING = _MISSING.format(command=DEFAULT_MODEL_COMMAND)  # in English


def default_model_missing() -> str:
    """DEFAULT_MODEL_MISSING in the page's language."""
    return _(_MISSING).format(command=DEFAULT_MODEL_COMMAND)


def load_model(path: str | os.PathLike[str], max_bytes: int | None = None) -> Any:
    """The keras.Model in `path`; LabError if it is missing, too big, damaged or not a model."""
    path = Path(path)
    if not path.is_file():
        raise LabError(not_a_model(path.name, _("the file does not exist")))
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise LabError(too_big(path.name, size, max_bytes))
    problem = _zip_problem(path)
    if problem:
        raise LabError(not_a_model(path.name, problem))
    import keras

    if path.suffix != ".keras":  # Keras picks the format by extension
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "model.keras"
            copy.write_bytes(path.read_bytes())
            return _load(copy, path.name, keras)
    return _load(path, path.name, keras)


def load_model_bytes(data: bytes, name: str = "model.keras", max_bytes: int | None = None) -> Any:
    """Load an uploaded model from memory (written to a private temporary file first)."""
    if max_bytes is not None and len(data) > max_bytes:
        raise LabError(too_big(name, len(data), max_bytes))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        path.write_bytes(data)
        try:
            return load_model(path)
        except LabError as err:
            raise LabError(err.message.replace("model.keras", name, 1)) from None


def save_model(model: Any, path: str | os.PathLike[str], arch: Any = None) -> Path:
    """Atomically write `model` as an uncompiled .keras file (rebuilt from `arch` when given)."""
    path = Path(path)
    export = model
    if arch is not None:
        from cnnlab.training.build import build_model

        export = build_model(arch)  # same layers and names, but no optimizer to save
        export.set_weights(model.get_weights())
    tmp = temp_path(path.parent, path.name, suffix=".keras")
    try:
        export.save(tmp)
        return atomic_replace_from(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def check_mnist_model(model: Any) -> Any:
    """Refuse a model that does not take 28x28x1 images and give 10 scores."""
    try:
        inputs, outputs = tuple(model.inputs[0].shape[1:]), tuple(model.outputs[0].shape[1:])
    except (AttributeError, IndexError, TypeError):
        raise LabError(sentences(_("This model has no single input and output."),
                                 _(_FIX))) from None
    if inputs != (28, 28, 1) or outputs != (10,):
        raise LabError(_("This model takes {inputs} and gives {outputs}; CNN Lab needs a model "
                         "that takes 28x28x1 MNIST images and gives 10 digit scores.").format(
                             inputs=inputs, outputs=outputs))
    return model


def _zip_problem(path: Path) -> str | None:
    """Why the file cannot be a .keras archive (a zip with config.json), or None."""
    if path.stat().st_size == 0:
        return _("the file is empty")
    if not zipfile.is_zipfile(path):
        return _("it is not a zip archive; it may be truncated or another kind of file")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" not in names:
                return _("the archive has no config.json")
            if archive.testzip() is not None:
                return _("the archive is damaged")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return _("the archive is damaged: {error}").format(error=exc)
    return None


def _load(path: Path, shown: str, keras: Any) -> Any:
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:  # Keras raises many types for a bad file; the student sees one message
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise LabError(not_a_model(shown, reason)) from None


def not_a_model(name: str, reason: str) -> str:
    return sentences(_("{name} is not a Keras model file CNN Lab can read ({reason}).").format(
        name=name, reason=reason), _(_FIX))


def too_big(name: str, size: int, max_bytes: int) -> str:
    return _("{name} is {size} bytes, above this server's limit of {most} bytes "
             "(max_upload_bytes); use a smaller model.").format(
                 name=name, size=f"{size:,}", most=f"{max_bytes:,}")
