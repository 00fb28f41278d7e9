"""Prepare the data: the real MNIST digits from the files in the repo, checked and cached.

The machines a class runs on often have no internet, so the four gzip IDX files ship in
`data/mnist/`; nothing is ever downloaded.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.paths import MNIST_DIR

FILES = {
    "x_train": "train-images.idx3-ubyte.gz",
    "y_train": "train-labels.idx1-ubyte.gz",
    "x_test": "t10k-images.idx3-ubyte.gz",
    "y_test": "t10k-labels.idx1-ubyte.gz",
}


@dataclass(frozen=True)
class Mnist:
    """Images (N, 28, 28, 1) float32 in [0, 1] and integer labels (N,) uint8; read-only arrays."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def read_idx(raw: bytes) -> np.ndarray:
    """Decode an IDX file: big-endian magic (0x0801 labels, 0x0803 images), sizes, then uint8 data."""
    if len(raw) < 8 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise LabError(_("This is not an MNIST IDX file of unsigned bytes (bad magic number)."))
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != int(np.prod(dims)):
        raise LabError(_("MNIST IDX file is truncated: expected {expected} values, found "
                         "{found}.").format(expected=int(np.prod(dims)), found=data.size))
    return data.reshape(dims)


def _expected_sums(directory: Path) -> dict[str, str]:
    """SHA-256 of each decompressed file, from SHA256SUMS.txt beside them."""
    sums = {}
    for line in (directory / "SHA256SUMS.txt").read_text().splitlines():
        digest, _, name = line.strip().partition("  ")
        if name:
            sums[name.strip()] = digest
    return sums


def load_from_dir(directory: Path, verify: bool = True) -> Mnist:
    """Read and (optionally) checksum the four files in `directory`."""
    sums = _expected_sums(directory) if verify else {}
    arrays = {}
    for key, filename in FILES.items():
        raw = gzip.decompress((directory / filename).read_bytes())
        expected = sums.get(filename.removesuffix(".gz"))
        if verify and hashlib.sha256(raw).hexdigest() != expected:
            raise LabError(_("{name} does not match its SHA-256 checksum; the MNIST files are "
                             "damaged. Restore data/mnist/ from the repository.").format(
                                 name=filename))
        arrays[key] = read_idx(raw)
    return _as_mnist(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"])


def _as_mnist(x_train, y_train, x_test, y_test) -> Mnist:
    """Scale to [0, 1] and add the channel axis: (N, 28, 28) uint8 -> (N, 28, 28, 1) float32."""
    def images(x: np.ndarray) -> np.ndarray:
        out = (x.astype(np.float32) / 255.0)[..., np.newaxis]
        out.setflags(write=False)  # shared by every session: nobody may change it
        return out

    def labels(y: np.ndarray) -> np.ndarray:
        out = np.asarray(y, dtype=np.uint8).copy()
        out.setflags(write=False)
        return out

    return Mnist(images(x_train), labels(y_train), images(x_test), labels(y_test))


@functools.lru_cache(maxsize=1)
def load_mnist(directory: str | None = None) -> Mnist:
    """The whole data set, cached per process, from the bundled files (never downloaded)."""
    path = Path(directory) if directory else MNIST_DIR
    missing = [name for name in FILES.values() if not (path / name).exists()]
    if missing:
        raise LabError(_("The MNIST files {names} are missing from {path}. They ship with CNN "
                         "Lab: restore them with `git checkout data/mnist`.").format(
                             names=", ".join(missing), path=path))
    return load_from_dir(path)


def subset(x: np.ndarray, y: np.ndarray, size: int | None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A random, class-mixed subset of `size` examples (all of them when size is None or too large)."""
    if size is None or size >= len(x):
        return x, y
    if size < 1:
        raise ValueError(f"subset size must be at least 1, got {size}")
    index = np.random.default_rng(seed).permutation(len(x))[:size]
    index.sort()
    return x[index], y[index]
