"""How well a model reads digits that are shifted, turned, resized, slanted, restroked, blurred,
noisy or drawn with a mouse: accuracy on the test set under each transformation and strength.

The curves are what the invariance lab plots and what `python -m cnnlab robustness` prints.
Every condition transforms the same first `n_images` test digits (cnnlab.evaluation.transforms,
seeded where random) and the "drawn" family redraws the first `drawn_images` of them with the
canvas' pen (cnnlab.evaluation.drawn). The person-level range of each family is how much one
person's handwriting varies (about +-3 pixels, +-15 degrees, 0.8-1.2 times the size, thin to
thick strokes); a model that holds up scores well across it. Results are cached beside the run
in `robustness.json`, keyed by the model file's bytes and the test images, like the Evaluate
page's cache (cnnlab.evaluation.cache). Keras is imported only to run the model.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.evaluation import transforms

CACHE_FILE = "robustness.json"
FORMAT = 1  # bump when the conditions or the way they are computed change
N_IMAGES = 10_000  # the whole test set by default
DRAWN_IMAGES = 1_000  # digits redrawn per pen width (thinning and drawing cost ~10 ms each)


@dataclass(frozen=True)
class Family:
    """One kind of change, the strengths it is tried at, and how much handwriting varies by it."""

    key: str
    title: str  # English, marked with N_(): pages show _(fam.title)
    unit: str
    neutral: float | None  # the strength that leaves a digit unchanged (None: no such strength)
    strengths: tuple[float, ...]
    person: tuple[float, float] | None  # the range one person's handwriting spans, if it applies
    why: str  # English, marked with N_(): the CLI prints _(fam.why)


FAMILIES: tuple[Family, ...] = (
    Family("shift", N_("Shift"), N_("pixels"), 0, (1, 2, 3, 4, 5), (0, 3),
           N_("moved left, right, up or down (a quarter of the digits each way), whole pixels")),
    Family("rotate", N_("Rotation"), N_("degrees"), 0, (-30, -20, -15, -10, -5, 5, 10, 15, 20, 30), (-15, 15),
           N_("turned around the image centre; positive is counter-clockwise")),
    Family("scale", N_("Scale"), N_("times"), 1, (0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4), (0.8, 1.2),
           N_("made smaller or larger around the image centre")),
    Family("slant", N_("Slant"), N_("shear"), 0, (-0.4, -0.2, 0.2, 0.4), (-0.2, 0.2),
           N_("slanted like italics (positive leans right)")),
    Family("stroke", N_("Stroke width"), N_("-1 thin .. +2 very thick"), 0, (-1, -0.5, 0.5, 1, 1.5, 2), (-1, 1),
           N_("strokes eroded (negative) or dilated (positive) with a 3x3 neighbourhood")),
    Family("blur", N_("Blur"), N_("sigma (pixels)"), 0, (0.5, 1, 1.5, 2), None,
           N_("Gaussian blur, like an out-of-focus photo")),
    Family("noise", N_("Noise"), N_("standard deviation"), 0, (0.1, 0.2, 0.3, 0.4), None,
           N_("Gaussian noise added to every pixel (seeded)")),
    Family("drawn", N_("Drawn with the mouse"), N_("pen width (canvas pixels)"), None, (10, 18, 26, 34),
           (10, 34), N_("redrawn on the 280x280 canvas at a random size and place, then "
                        "prepared as the Draw page prepares a drawing")),
)
BY_KEY = {f.key: f for f in FAMILIES}


def transform(family: str, strength: float, x: np.ndarray, lines: np.ndarray | None = None) -> np.ndarray:
    """The test digits (N, 28, 28) under one condition; `lines` are their centre lines for "drawn"."""
    if family == "shift":
        s = int(strength)
        out = np.empty_like(x)
        for k, (dx, dy) in enumerate(((s, 0), (0, s), (-s, 0), (0, -s))):
            out[k::4] = transforms.shift(x[k::4], dx, dy)
        return out
    simple: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
        "rotate": transforms.rotate, "scale": transforms.scale, "slant": transforms.slant,
        "stroke": transforms.stroke, "blur": transforms.blur,
        "noise": lambda im, s: transforms.noise(im, s, seed=int(s * 1000))}
    if family in simple:
        return simple[family](x, strength)
    if family == "drawn":
        from cnnlab.evaluation.drawn import drawn_set

        return drawn_set(x, int(strength), seed=0, lines=lines)
    raise ValueError(f"unknown transformation family {family!r}")


def accuracies(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray,
               drawn_images: int = DRAWN_IMAGES,
               on_step: Callable[[str, float], None] = lambda f, s: None) -> dict[str, Any]:
    """{"clean": acc, "curves": {family: [[strength, acc], ...]}} for `predict` (images -> labels).

    Each curve includes the neutral strength (the clean accuracy) so it can be drawn through it.
    """
    x = transforms.as_batch(x)[0]
    y = np.asarray(y).astype(np.int64)
    clean = float(np.mean(predict(x) == y))
    curves: dict[str, list[list[float]]] = {}
    lines = None
    for fam in FAMILIES:
        points = []
        xs, ys = (x, y) if fam.key != "drawn" else (x[:drawn_images], y[:drawn_images])
        if fam.key == "drawn" and len(xs):
            from cnnlab.evaluation.drawn import centre_lines

            lines = centre_lines(xs)
        for s in fam.strengths:
            on_step(fam.key, s)
            points.append([float(s), float(np.mean(predict(transform(fam.key, s, xs, lines)) == ys))])
        if fam.neutral is not None:
            points.append([float(fam.neutral), clean])
        curves[fam.key] = sorted(points)
    return {"clean": clean, "curves": curves}


def person_level(curves: dict[str, list[list[float]]]) -> dict[str, float]:
    """Each family's worst accuracy within its person-level range (families without one left out)."""
    worst = {}
    for fam in FAMILIES:
        if fam.person is None or fam.key not in curves:
            continue
        lo, hi = fam.person
        inside = [acc for s, acc in curves[fam.key] if lo - 1e-9 <= s <= hi + 1e-9]
        if inside:
            worst[fam.key] = min(inside)
    return worst


def model_predictor(model: Any, batch_size: int = 1000) -> Callable[[np.ndarray], np.ndarray]:
    """images (N, 28, 28) -> predicted labels (N,), with the model in inference mode."""
    from cnnlab.evaluation.evaluate import predict_outputs

    def predict(images: np.ndarray) -> np.ndarray:
        return predict_outputs(model, np.asarray(images, np.float32)[..., None], batch_size).argmax(axis=1)

    return predict


def _key(raw: bytes, x: np.ndarray, y: np.ndarray, drawn_images: int) -> str:
    from cnnlab.evaluation import cache

    key = cache.cache_key(raw, x, y)
    return json.dumps({**key, "format": FORMAT, "drawn_images": drawn_images}, sort_keys=True)


def _sha(key: str) -> str | None:
    try:
        return json.loads(key).get("model_sha256")
    except (ValueError, AttributeError):
        return None


def _read_cache(path: Path) -> dict[str, Any]:
    try:
        stored = json.loads((path / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored if isinstance(stored, dict) else {}


def robustness_run(run_dir: str | Path, n_images: int = N_IMAGES, drawn_images: int = DRAWN_IMAGES,
                   use_cache: bool = True, data: Any = None, cache_only: bool = False,
                   on_step: Callable[[str, float], None] = lambda f, s: None) -> dict[str, Any] | None:
    """The robustness curves of a run folder's model.keras (or a .keras file), cached beside it.

    With `cache_only`, None instead of computing when the folder holds no results for this model.
    Returns {"clean", "curves", "person_level", "n_images", "drawn_images", "seconds", "cached"}.
    """
    from cnnlab.runs.atomic import atomic_write_bytes
    from cnnlab.runs.model_file import load_model_bytes

    if n_images < 1 or drawn_images < 0:
        raise LabError(_("Use at least 1 test image (and 0 or more drawn ones) for the "
                         "robustness curves."))
    path = Path(run_dir)
    model_path = path / "model.keras" if path.is_dir() else path
    if not model_path.is_file():
        raise LabError(_("There is no model at {path}: give a run folder holding model.keras (or "
                         "a .keras file); train a model first if you have none.").format(
                             path=path))
    if data is None:
        from cnnlab.training.mnist import load_mnist

        data = load_mnist()
    x, y = data.x_test[:n_images], data.y_test[:n_images]
    drawn_images = min(drawn_images, len(x))
    raw = model_path.read_bytes()
    key = _key(raw, x, y, drawn_images)
    stored = _read_cache(path) if path.is_dir() and use_cache else {}
    if key in stored:
        return {**stored[key], "cached": True}
    if cache_only:
        return None
    model = load_model_bytes(raw, name=model_path.name)
    start = time.perf_counter()
    result = accuracies(model_predictor(model), x, y, drawn_images, on_step)
    result.update(person_level=person_level(result["curves"]), n_images=len(x),
                  drawn_images=drawn_images, seconds=round(time.perf_counter() - start, 2))
    if path.is_dir():
        sha = json.loads(key)["model_sha256"]  # results of an older model in this folder go
        stored = {k: v for k, v in _read_cache(path).items() if _sha(k) == sha}
        stored[key] = result
        try:
            atomic_write_bytes(path / CACHE_FILE, json.dumps(stored).encode("utf-8"))
        except OSError:
            pass  # a folder we may not write to (a shared default model) just goes uncached
    return {**result, "cached": False}
