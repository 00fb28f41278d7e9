"""How well does a model read changed digits, and how long do the curves take? One table per run.

For each run folder (default: the shipped model) it computes the robustness curves afresh (no
cache): test accuracy with the digits shifted, rotated, scaled, slanted, thinned or thickened,
blurred, noisy and redrawn as the Draw page's canvas draws them, then prints the table, the
compute time and the goals of the shipped model: clean accuracy >= 99.3 % and >= 97 % at every
person-level strength (+-3 px, +-15 degrees, 0.8-1.2 times, thin to thick strokes, italic
+-0.2) and on the drawn digits.

    .venv/bin/python bench/bench_robustness.py [RUN_DIR ...] [--images 10000] [--drawn 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlab.commands.robustness import format_report  # noqa: E402
from cnnlab.evaluation.robustness import FAMILIES, robustness_run  # noqa: E402
from cnnlab.paths import DEFAULT_MODEL_DIR  # noqa: E402

GOAL_CLEAN, GOAL_PERSON = 0.993, 0.97


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", default=[str(DEFAULT_MODEL_DIR)])
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--drawn", type=int, default=1_000)
    args = parser.parse_args()
    for run in args.runs:
        result = robustness_run(run, n_images=args.images, drawn_images=args.drawn, use_cache=False)
        conditions = sum(len(f.strengths) for f in FAMILIES) + 1
        print(f"== {run}")
        print(format_report(result))
        print(f"compute time: {result['seconds']:.1f} s for {conditions} conditions "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        worst = result["person_level"]
        ok = result["clean"] >= GOAL_CLEAN and all(acc >= GOAL_PERSON for acc in worst.values())
        print(f"goal (clean >= {GOAL_CLEAN:.1%}, person-level >= {GOAL_PERSON:.0%}): "
              f"{'met' if ok else 'NOT met'}\n")


if __name__ == "__main__":
    main()
