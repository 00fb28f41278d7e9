"""How long "Draw & predict" takes per stroke: preprocess a canvas drawing + one model call.

    .venv/bin/python bench/bench_predict_latency.py [--runs 200] [--model PATH]

Uses models/default/model.keras when it exists, else a freshly built preset (--preset, cnn_a) (random
weights: the same arithmetic, so the same time). Goal: under 15 ms median on a laptop CPU.
predict_probabilities uses Keras' compiled `predict_on_batch`; for contrast this also times
an eager `model(x, training=False)` and `model.predict`, which the app avoids.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from cnnlab.drawing.predict import predict_probabilities  # noqa: E402
from cnnlab.drawing.preprocess import preprocess_digit  # noqa: E402


def canvas_drawing(size: int = 280) -> np.ndarray:
    """A '4' as streamlit-drawable-canvas returns it: (280, 280, 4) uint8, transparent black, white strokes."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    white = (255, 255, 255, 255)
    draw.line([(90, 50), (70, 160), (200, 160)], fill=white, width=18, joint="curve")
    draw.line([(170, 70), (165, 240)], fill=white, width=18)
    return np.asarray(img)


def load(path: Path | None, preset: str = "cnn_a"):
    """The model to time and a label saying which it is."""
    path = path or ROOT / "models" / "default" / "model.keras"
    if path.exists():
        from cnnlab.runs.model_file import load_model

        return load_model(path), str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    from cnnlab.training.build import build_model
    from cnnlab.design.presets import get_preset

    return build_model(get_preset(preset).arch, seed=0), f"{preset} preset (fresh, untrained)"


def timed(fn, runs: int) -> np.ndarray:
    """Milliseconds of each of `runs` calls, after 10 warm-up calls."""
    for _ in range(10):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def report(label: str, ms: np.ndarray) -> None:
    print(f"{label:<34} median {np.median(ms):7.2f} ms   p95 {np.percentile(ms, 95):7.2f} ms   "
          f"({len(ms)} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--model", type=Path, help="a .keras file (default models/default/model.keras)")
    parser.add_argument("--preset", default="cnn_a", help="preset to build when there is no model file")
    args = parser.parse_args()
    model, which = load(args.model, args.preset)
    canvas = canvas_drawing()
    x = preprocess_digit(canvas).model_input
    print(f"model: {which}, {model.count_params():,} parameters; canvas {canvas.shape} uint8")
    total = timed(lambda: predict_probabilities(model, preprocess_digit(canvas).model_input), args.runs)
    report("preprocess + predict (total)", total)
    report("  preprocess_digit only", timed(lambda: preprocess_digit(canvas), args.runs))
    report("  predict_probabilities only", timed(lambda: predict_probabilities(model, x), args.runs))
    report("  eager model(x, training=False)", timed(lambda: model(x, training=False), args.runs))
    report("  model.predict (avoided)", timed(lambda: model.predict(x, verbose=0), max(10, args.runs // 10)))
    verdict = "meets" if np.median(total) < 15 else "MISSES"
    print(f"goal: median under 15 ms -> {verdict} it ({np.median(total):.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
