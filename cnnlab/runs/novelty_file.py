"""A run's novelty statistics (cnnlab.drawing.novelty), kept beside its model as novelty.npz.

Fitting them takes a few seconds, so the first Draw page that needs them fits them once and
saves them (atomically) for every later visit and server restart; the shipped default model
has its file committed. The file names the sha256 of the model.keras it was fitted for, so a
retrained or replaced model never uses another model's statistics: they are fitted again, and
a VERSION, so a file in an older format (version 1 held one layer's statistics and a distance
limit, no weights) is fitted again too instead of being misread. A run directory that cannot
be written (a read-only install) still gets its statistics, kept in memory by the caller.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from cnnlab.drawing.combination import Combination
from cnnlab.drawing.novelty import FIXED_SIGNS, Clouds, NoveltyStats
from cnnlab.runs.atomic import atomic_write_bytes

FILE_NAME = "novelty.npz"
MODEL_NAME = "model.keras"
VERSION = 2  # 2: digit clouds of several layers and the weights of the signs (Dec 2026)


def fingerprint(model_path: str | os.PathLike[str]) -> str:
    """The sha256 of a model file: which model a statistics file belongs to."""
    digest = hashlib.sha256()
    with open(model_path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_stats(run_dir: str | os.PathLike[str], stats: NoveltyStats) -> Path:
    """Write the statistics into run_dir/novelty.npz in one step (the precisions as float32)."""
    clouds = {}
    for i, layer_clouds in enumerate(stats.clouds):
        clouds[f"means_{i}"] = layer_clouds.means
        clouds[f"precision_{i}"] = layer_clouds.precision.astype(np.float32)
    c = stats.combination
    buffer = io.BytesIO()
    np.savez(buffer, version=VERSION, layers=np.array(stats.layers), **clouds, centre=c.centre,
             scale=c.scale, weights=c.weights, bias=c.bias, floor=c.floor,
             threshold=stats.threshold, typical=stats.typical, fingerprint=stats.fingerprint)
    return atomic_write_bytes(Path(run_dir) / FILE_NAME, buffer.getvalue())


def load_stats(run_dir: str | os.PathLike[str], model_fingerprint: str) -> NoveltyStats | None:
    """The saved statistics if they belong to the model with this fingerprint and are in this
    VERSION's format; None if missing, damaged, older or fitted for another model."""
    path = Path(run_dir) / FILE_NAME
    try:
        with np.load(path, allow_pickle=False) as saved:
            if int(saved["version"]) != VERSION or str(saved["fingerprint"]) != model_fingerprint:
                return None
            layers = tuple(str(name) for name in saved["layers"])
            clouds = tuple(Clouds(np.asarray(saved[f"means_{i}"], np.float64),
                                  np.asarray(saved[f"precision_{i}"], np.float64)) for i in range(len(layers)))
            combination = Combination(np.asarray(saved["centre"], np.float64),
                                      np.asarray(saved["scale"], np.float64),
                                      np.asarray(saved["weights"], np.float64), float(saved["bias"]),
                                      np.asarray(saved["floor"], np.float64))
            if len(combination.weights) != len(layers) + len(FIXED_SIGNS):
                return None
            return NoveltyStats(layers, clouds, combination, float(saved["threshold"]),
                                float(saved["typical"]), model_fingerprint)
    except (OSError, ValueError, KeyError, EOFError, TypeError):
        return None


def stats_for_run(run_dir: str | os.PathLike[str], model: Any) -> NoveltyStats:
    """The run's statistics: from novelty.npz, or fitted now and saved there for next time."""
    from cnnlab.evaluation.novelty_fit import fit_novelty  # MNIST and drawing: only when fitting

    run_dir = Path(run_dir)
    model_fingerprint = fingerprint(run_dir / MODEL_NAME)
    stats = load_stats(run_dir, model_fingerprint)
    if stats is None:
        stats = fit_novelty(model, model_fingerprint)
        try:
            save_stats(run_dir, stats)
        except OSError:  # read-only: the caller keeps them in memory for this process
            pass
    return stats
