"""Keep a run's test-set predictions beside it, so opening the Evaluate page again costs no inference.

One file per run, `evaluation.npz`: the probabilities, the labels and a JSON header holding the
cache key. The key is the model file's size and SHA-256 plus a fingerprint of the test images
and labels, so retraining into the same folder, or evaluating other data, never reuses stale
results. The file is replaced atomically; a damaged, foreign or stale one is simply ignored, and
a folder we may not write to (a shared default model) just goes uncached. Numpy only.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from cnnlab.runs.atomic import atomic_write_bytes

CACHE_FILE = "evaluation.npz"
FORMAT = 1  # bump when the stored fields change


def fingerprint(x: np.ndarray, y: np.ndarray) -> str:
    """SHA-256 of the images' and labels' bytes and shapes (about 20 ms for the 10,000 test images)."""
    digest = hashlib.sha256()
    for arr in (np.ascontiguousarray(x, dtype=np.float32), np.ascontiguousarray(y, dtype=np.int64)):
        digest.update(repr(arr.shape).encode())
        digest.update(memoryview(arr).cast("B"))
    return digest.hexdigest()


def cache_key(model_bytes: bytes, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """What the cached results depend on: these exact model file bytes and this exact data."""
    raw = bytes(model_bytes)
    return {"format": FORMAT, "model_bytes": len(raw),
            "model_sha256": hashlib.sha256(raw).hexdigest(), "data": fingerprint(x, y)}


def read(run_dir: Path, key: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]] | None:
    """(probs, y_true, header) when a valid cache for `key` exists, else None."""
    path = Path(run_dir) / CACHE_FILE
    try:
        with np.load(path, allow_pickle=False) as stored:
            header = json.loads(str(stored["header"]))
            probs, y = stored["probs"], stored["y_true"]
    except Exception:  # missing, or damaged (OSError, BadZipFile, KeyError, ...): no cache
        return None
    if not isinstance(header, dict) or header.get("key") != key:
        return None
    if probs.ndim != 2 or y.ndim != 1 or len(probs) != len(y):
        return None
    return probs, y, header


def write(run_dir: Path, key: dict[str, Any], probs: np.ndarray, y_true: np.ndarray,
          info: dict[str, Any]) -> bool:
    """Store the results atomically; False (and no file) when the folder is not writable."""
    header = json.dumps({**info, "key": key}, allow_nan=False)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, probs=np.asarray(probs, dtype=np.float32),
                        y_true=np.asarray(y_true, dtype=np.int64), header=np.array(header))
    try:
        atomic_write_bytes(Path(run_dir) / CACHE_FILE, buffer.getvalue())
    except OSError:
        return False
    return True
