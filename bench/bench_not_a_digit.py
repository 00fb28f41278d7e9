"""How often does the Draw page say "this does not look like a digit", for non-digits and for digits?

Seeded non-digits (scribbles, typed letters, shapes, specks, two digits side by side, capital
letters drawn with the canvas pen: cnnlab.evaluation.non_digits, with seeds never used for
fitting) and real test digits redrawn with the canvas' pen at random widths, sizes and places
(cnnlab.evaluation.drawn) go through the Draw page's own steps: preprocess, the model, its
novelty statistics (cnnlab.drawing.novelty: fitted and saved beside the model first if
missing), cnnlab.drawing.doubt. Prints the share flagged per kind (higher is better; a speck
too small to count as ink is refused as an empty canvas, which counts as caught), each
pen-drawn letter's share, and the false-alarm rate on real digits (lower is better), with each
sign's share.

    .venv/bin/python bench/bench_not_a_digit.py [--model models/default] [--digits 1000] [--per-kind 100] [--per-letter 25]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from cnnlab.drawing.doubt import MAX_FILL, doubts  # noqa: E402
from cnnlab.drawing.novelty import NoveltyMeter  # noqa: E402
from cnnlab.drawing.predict import predict_probabilities  # noqa: E402
from cnnlab.drawing.preprocess import preprocess_digit  # noqa: E402
from cnnlab.errors import LabError  # noqa: E402
from cnnlab.evaluation.drawn import PEN_WIDTHS, centre_lines, random_drawing  # noqa: E402
from cnnlab.evaluation.drawn_letters import LETTERS, drawn_letter  # noqa: E402
from cnnlab.evaluation.non_digits import non_digits  # noqa: E402
from cnnlab.runs.model_file import load_model  # noqa: E402
from cnnlab.runs.novelty_file import stats_for_run  # noqa: E402
from cnnlab.paths import DEFAULT_MODEL_DIR  # noqa: E402
from cnnlab.training.mnist import load_mnist  # noqa: E402


def judge(model, meter, canvas) -> tuple[bool, str]:
    """(flagged, which sign) for one canvas, as the Draw page would decide."""
    try:
        steps = preprocess_digit(canvas)
    except LabError:
        return True, "empty"
    distance = meter.measure(steps.model_input) if meter is not None else None
    d = doubts(steps.final28, steps.cropped, predict_probabilities(model, steps.model_input), distance)
    sign = ("two pieces" if d.side_by_side else "fill" if d.fill > MAX_FILL
            else "far" if distance is not None and distance.far else "unsure") if d.doubtful else ""
    return d.doubtful, sign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(DEFAULT_MODEL_DIR / "model.keras"))
    parser.add_argument("--digits", type=int, default=1000)
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--per-letter", type=int, default=25)
    args = parser.parse_args()
    model = load_model(Path(args.model))
    data = load_mnist()
    start = time.perf_counter()
    stats = stats_for_run(Path(args.model).parent, model)
    meter = NoveltyMeter(model, stats)
    weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(stats.names, stats.combination.weights))
    print(f"novelty statistics ready in {time.perf_counter() - start:.1f} s: limit "
          f"{stats.threshold:.2f}, typical drawn digit {stats.typical:.2f}; weights {weights}")
    start = time.perf_counter()
    x = np.array(data.x_test[-args.digits:, :, :, 0])  # the last test digits: not the ones tuned on
    rng = np.random.default_rng(1)
    signs = Counter()
    for line in centre_lines(x):
        flagged, sign = judge(model, meter, random_drawing(line, int(rng.choice(PEN_WIDTHS)), rng))
        signs[sign] += flagged
    alarms = sum(signs.values())
    print(f"real digits (last {len(x):,} test digits, drawn with the canvas pen): "
          f"{alarms / len(x):.1%} wrongly doubted  ({dict(signs)})")
    for kind, canvases in non_digits(args.per_kind, np.array(data.x_test[:400, :, :, 0]), seed=7).items():
        verdicts = [judge(model, meter, c) for c in canvases]
        caught = Counter(sign for flagged, sign in verdicts if flagged)
        print(f"{kind:>12}: {sum(caught.values()) / len(verdicts):6.1%} caught  ({dict(caught)})")
    rng = np.random.default_rng(8)  # pen-drawn letters one by one: which ones pass for a digit
    by_letter = {char: np.mean([judge(model, meter, drawn_letter(rng, char))[0] for _ in range(args.per_letter)])
                 for char in LETTERS}
    print("drawn letters one by one: " + ", ".join(f"{c} {v:.0%}" for c, v in by_letter.items()))
    print(f"{time.perf_counter() - start:.1f} s (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
