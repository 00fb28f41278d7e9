"""`python -m cnnlab train DESIGN.json`: train a design in this terminal and save it as a run.

The same engine as the app (cnnlab.training.loop), without the queue: a progress bar, one line
per epoch, and a run folder at the end. Ctrl-C stops at the next batch and keeps the last
completed epoch; a second Ctrl-C aborts.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.training.config import (LABEL_FORMATS, LR_SCHEDULES, OPTIMIZERS, PRECISIONS,
                                    TrainConfig)
from cnnlab.training.progress import Progress

HELP = N_("Train a design (a JSON file or a preset key) on MNIST and save the trained run.")
_FLAGS = {"epochs": "epochs", "batch_size": "batch_size", "optimizer": "optimizer",
          "lr": "learning_rate", "momentum": "momentum", "subset": "subset", "seed": "seed",
          "label_format": "label_format", "validation_split": "validation_split",
          "augment": "augment", "lr_schedule": "lr_schedule",
          "precision": "precision"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("design", help=_("a design JSON file, - for stdin, or a preset key such as recommended"))
    parser.add_argument("--config", metavar="FILE", help=_("training settings as JSON; flags override it"))
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--optimizer", choices=OPTIMIZERS)
    parser.add_argument("--lr", type=float, help=_("learning rate (default 0.001)"))
    parser.add_argument("--lr-schedule", choices=LR_SCHEDULES,
                        help=_("constant (default), or one_cycle: warm up to --lr, then a cosine "
                               "down to a hundredth of it"))
    parser.add_argument("--precision", choices=PRECISIONS,
                        help=_("float32 (default), or mixed_bfloat16: layers compute in bfloat16, "
                               "about twice as fast on processors with bfloat16 units (float32 "
                               "is used where there are none)"))
    parser.add_argument("--momentum", type=float, help=_("SGD momentum (default 0.9)"))
    parser.add_argument("--subset", type=int, help=_("train on this many images (default: all 60,000)"))
    parser.add_argument("--augment", action="store_true", default=None,
                        help=_("data augmentation: randomly rotate, shift, zoom and slant training "
                               "images a little, thin or thicken their strokes, add faint noise"))
    parser.add_argument("--seed", type=int)
    parser.add_argument("--label-format", choices=LABEL_FORMATS)
    parser.add_argument("--validation-split", type=float, help=_("fraction held out (default 0.1)"))
    parser.add_argument("--out", metavar="DIR", help=_("write the run into DIR (e.g. models/default)"))
    parser.add_argument("--runs-dir", metavar="DIR", help=_("without --out: save under DIR/OWNER/<run id>"))
    parser.add_argument("--owner", default="local", help=_("workspace for the run without --out"))
    parser.add_argument("--name", help=_("the run's display name"))
    parser.add_argument("--threads", type=int, help=_("TensorFlow threads (default: all cores)"))
    parser.add_argument("--quiet", action="store_true", help=_("no progress bar, only the result"))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the run saved, 1 if stopped before any epoch; a LabError (a bad design or
    setting) becomes exit 2 in cnnlab.__main__."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    arch, label = _load_design(args.design)
    config = _config(args)
    from cnnlab.classroom.caps import check

    check(arch)
    config.check()
    from cnnlab.runs import store as runs
    from cnnlab.training.mnist import load_mnist
    from cnnlab.training.loop import train

    stop = {"asked": False}

    def on_sigint(signum: int, frame: Any) -> None:
        if stop["asked"]:
            raise KeyboardInterrupt
        stop["asked"] = True
        print("\n" + _("Stopping at the next batch (Ctrl-C again to abort)..."), file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    printer = _Printer(quiet=args.quiet)
    try:
        result = train(arch, config, load_mnist(), on_progress=printer, should_stop=lambda: stop["asked"],
                       threads=args.threads)
    finally:
        signal.signal(signal.SIGINT, previous)
    printer.close()
    if result.precision != config.precision:
        print(_("This processor has no bfloat16 units, so it trained in float32 (as fast as it "
                "can here)."), file=sys.stderr)
    if not result.has_model:
        print(_("Stopped before the first epoch finished; nothing was saved."), file=sys.stderr)
        return 1
    name = args.name or label
    if args.out:
        path = runs.write_run(Path(args.out), arch, config, result, name)
    else:
        base = Path(args.runs_dir) if args.runs_dir else runs.default_runs_dir()
        path = runs.save_run(base, args.owner, arch, config, result, name)
    print(_("test accuracy {accuracy}, test loss {loss}, {epochs} epoch(s), {seconds} s, "
            "{speed} images/s").format(accuracy=f"{result.test_accuracy:.4f}",
                                       loss=f"{result.test_loss:.4f}",
                                       epochs=result.epochs_completed,
                                       seconds=f"{result.train_seconds:.1f}",
                                       speed=f"{result.samples_per_sec:.0f}"))
    print(_("saved run: {path}").format(path=path))
    return 0


def _load_design(text: str) -> tuple[Any, str]:
    """A design from a file, stdin or a preset key, and a label for the run's name."""
    from cnnlab.design.spec import Architecture

    if text == "-":
        return Architecture.from_json(sys.stdin.read()), "design"
    path = Path(text)
    if path.is_file():
        try:
            return Architecture.from_json(path.read_text(encoding="utf-8")), path.stem
        except (OSError, UnicodeDecodeError) as exc:
            raise LabError(_("Cannot read the {what} file {path}: {reason}.").format(
                what=_("design"), path=repr(text), reason=exc)) from None
    from cnnlab.design.presets import PRESETS, get_preset

    if text in PRESETS:
        return get_preset(text).arch, text
    raise LabError(_("{name} is neither a design file nor a preset; give a JSON file or one of "
                     "{choices}.").format(name=repr(text), choices=", ".join(PRESETS)))


def _config(args: argparse.Namespace) -> TrainConfig:
    """TrainConfig from --config, then the flags given on the command line."""
    values: dict[str, Any] = {}
    if args.config:
        try:
            values = json.loads(Path(args.config).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LabError(_("Cannot read the {what} file {path}: {reason}.").format(
                what=_("settings"), path=repr(args.config), reason=exc)) from None
        if not isinstance(values, dict):
            raise LabError(_("Training settings must be a JSON object such as {example}.").format(
                example='{"epochs": 3}'))
    for flag, key in _FLAGS.items():
        if getattr(args, flag) is not None:
            values[key] = getattr(args, flag)
    return TrainConfig.from_dict(values)


class _Printer:
    """A one-line progress bar on stderr, redrawn in place, and one kept line per epoch."""

    def __init__(self, quiet: bool = False, width: int = 30) -> None:
        self.quiet, self.width, self.printed_epochs = quiet, width, 0
        self.tty = sys.stderr.isatty()

    def __call__(self, p: Progress) -> None:
        if self.quiet:
            return
        for row in p.epoch_history[self.printed_epochs:]:
            val = (f"  val_loss {row['val_loss']:.4f}  val_acc {row['val_accuracy']:.4f}"
                   if row.get("val_loss") is not None else "")
            self._line(f"epoch {row['epoch']}/{p.epochs}  loss {_f(row['loss'])}  acc "
                       f"{_f(row['accuracy'])}{val}  ({row['seconds']:.1f} s)\n")
            self.printed_epochs += 1
        if p.state == "training" and self.tty and p.batch < p.batches_per_epoch:
            done = int(self.width * p.batch / max(p.batches_per_epoch, 1))
            eta = f"ETA {p.eta_s:.0f} s" if p.eta_s is not None else ""
            self._line(f"\repoch {p.epoch}/{p.epochs} [{'=' * done}{' ' * (self.width - done)}] "
                       f"{p.batch}/{p.batches_per_epoch}  loss {_f(p.loss)}  acc {_f(p.accuracy)}  "
                       f"{p.samples_per_sec:.0f} img/s  {eta}   ")
        elif p.state == "evaluating":
            self._line("evaluating on the 10,000 test images...\n")

    def _line(self, text: str) -> None:
        if text.endswith("\n") and self.tty:
            text = "\r\033[K" + text  # replace the bar
        sys.stderr.write(text)
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\r\033[K")


def _f(value: float | None) -> str:
    return "  n/a " if value is None else f"{value:.4f}"
