"""Where the repository's shipped files live, found from this package's own location."""

from __future__ import annotations

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
MNIST_DIR = REPO_DIR / "data" / "mnist"  # the four bundled gzip IDX files
DEFAULT_MODEL_DIR = REPO_DIR / "models" / "default"  # the shipped pretrained model
DEFAULT_RUNS_DIR = REPO_DIR / "models" / "runs"  # students' runs unless the teacher sets runs_dir
