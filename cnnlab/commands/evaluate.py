"""`python -m cnnlab evaluate RUN_DIR`: a saved model's test-set report in the terminal."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cnnlab.commands import cannot_read
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.text import display_width, pad, percent

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


_PER_DIGIT = (N_("digit"), N_("precision"), N_("recall"), "F1", N_("support"))


def _per_digit_table(per_class) -> str:
    """Precision, recall, F1 and support per digit, right-aligned under headers in the
    student's language (Chinese headers take two terminal columns per character)."""
    headers = [_(h) for h in _PER_DIGIT]
    rows = [[str(m.digit), f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}",
             str(m.support)] for m in per_class]
    widths = [max(display_width(h), 5, *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    return "\n".join(" ".join(pad(c, w, right=True) for c, w in zip(cells, widths))
                     for cells in [headers, *rows])


def format_report(ev, name: str = "", mistakes: int = 5) -> str:
    """The plain-text report: headline numbers, per-digit table, confusion matrix, mistakes."""
    timing = (_("cached results") if ev.cached else
              _("evaluated in {seconds} s").format(seconds=f"{ev.seconds:.2f}"))
    lines = [_("Run: {name}").format(name=name) if name else _("Run"),
             _("Test images: {n}  ({timing})").format(n=f"{ev.n:,}", timing=timing),
             _("Test accuracy: {accuracy}  ({right} right, {wrong} wrong)").format(
                 accuracy=percent(ev.accuracy), right=f"{ev.n - len(ev.mistakes):,}",
                 wrong=f"{len(ev.mistakes):,}"),
             _("Test loss: {loss}").format(loss=f"{ev.loss:.4f}")
             + ("  " + _("(outputs are logits; softmax applied)") if ev.from_logits else ""),
             "", _("Per digit (0/0 counts as 0):"),
             _per_digit_table(ev.per_class)]
    k = ev.confusion.shape[1]
    width = max(4, len(str(int(ev.confusion.max(initial=0)))) + 1)
    true = _("true")
    true_width = max(4, display_width(true))
    lines += ["", _("Confusion matrix (rows: true digit, columns: predicted):"),
              pad(true, true_width) + " " + "".join(f"{p:>{width}}" for p in range(k))]
    lines += [pad(str(t), true_width, right=True) + " " + "".join(f"{c:>{width}}" for c in row)
              for t, row in enumerate(ev.confusion.tolist())]
    if mistakes and ev.mistakes:
        lines += ["", _("Most confident mistakes (top {n}):").format(
            n=min(mistakes, len(ev.mistakes)))]
        lines += ["  " + _("test image #{index}: a {true}, predicted {predicted} with {confidence} "
                           "confidence").format(index=m.index, true=m.true, predicted=m.predicted,
                                                confidence=percent(m.confidence, 1))
                  for m in ev.mistakes[:mistakes]]
    return "\n".join(lines)
