"""`python -m cnnlab evaluate RUN_DIR`: a saved model's test-set report in the terminal."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cnnlab.commands import cannot_read
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.text import percent

HELP = N_("Evaluate a saved run (its folder, or a .keras file) on the 10,000 MNIST test images: "
          "accuracy, loss, per-digit precision/recall/F1, confusion matrix, confident mistakes.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", help=_("a run folder holding model.keras, or a .keras file"))
    parser.add_argument("--json", action="store_true", help=_("print the results as JSON"))
    parser.add_argument("--mistakes", type=int, default=5, metavar="N",
                        help=_("how many of the most confident mistakes to list (default 5)"))
    parser.add_argument("--no-cache", action="store_true",
                        help=_("run the model again even if the folder holds cached results"))
    parser.add_argument("--batch-size", type=int, default=1000, metavar="N",
                        help=_("images per model call (default 1000)"))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the report on stdout; a LabError becomes exit 2 in cnnlab.__main__."""
    from cnnlab.evaluation.evaluate import evaluate_run

    if args.mistakes < 0 or args.batch_size < 1:
        raise LabError(_("--mistakes must be 0 or more and --batch-size at least 1."))
    try:
        ev = evaluate_run(args.run_dir, batch_size=args.batch_size, use_cache=not args.no_cache)
    except OSError as exc:
        raise LabError(cannot_read(args.run_dir, exc)) from None
    if args.json:
        out = {"run": str(args.run_dir), "name": _run_name(Path(args.run_dir)),
               "cached": ev.cached, **ev.to_dict(mistakes=args.mistakes)}
        print(json.dumps(out, indent=2))
    else:
        print(format_report(ev, _run_name(Path(args.run_dir)), args.mistakes))
    return 0


def _run_name(path: Path) -> str:
    """The run's display name from meta.json, else the folder or file name."""
    try:
        return str(json.loads((path / "meta.json").read_text(encoding="utf-8"))["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return path.name


def format_report(ev, name: str = "", mistakes: int = 5) -> str:
    """The plain-text report: headline numbers, per-digit table, confusion matrix, mistakes."""
    lines = [f"Run: {name}" if name else "Run",
             f"Test images: {ev.n:,}" + ("  (cached results)" if ev.cached else
                                         f"  (evaluated in {ev.seconds:.2f} s)"),
             f"Test accuracy: {percent(ev.accuracy)}  ({ev.n - len(ev.mistakes):,} right, "
             f"{len(ev.mistakes):,} wrong)",
             f"Test loss: {ev.loss:.4f}" + ("  (outputs are logits; softmax applied)"
                                            if ev.from_logits else ""),
             "", "Per digit (0/0 counts as 0):",
             f"{'digit':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>7}"]
    lines += [f"{m.digit:>5} {m.precision:>9.3f} {m.recall:>7.3f} {m.f1:>6.3f} {m.support:>7}"
              for m in ev.per_class]
    k = ev.confusion.shape[1]
    width = max(4, len(str(int(ev.confusion.max(initial=0)))) + 1)
    lines += ["", "Confusion matrix (rows: true digit, columns: predicted):",
              "true " + "".join(f"{p:>{width}}" for p in range(k))]
    lines += [f"{t:>4} " + "".join(f"{c:>{width}}" for c in row)
              for t, row in enumerate(ev.confusion.tolist())]
    if mistakes and ev.mistakes:
        lines += ["", f"Most confident mistakes (top {min(mistakes, len(ev.mistakes))}):"]
        lines += [f"  test image #{m.index}: a {m.true}, predicted {m.predicted} with "
                  f"{percent(m.confidence, 1)} confidence" for m in ev.mistakes[:mistakes]]
    return "\n".join(lines)
