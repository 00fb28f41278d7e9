"""What the Evaluate page writes: run choices, one-line summaries, table rows, captions, sentences.

Plain functions of runs, evaluations and comparison rows (no Streamlit, no TensorFlow), so
every number and sentence the student reads is tested and the page stays thin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from cnnlab.evaluation.compare import ComparisonRow, HistoryRow
from cnnlab.design.overview import glance
from cnnlab.evaluation.metrics import ClassMetrics, Mistake
from cnnlab.runs.store import RunInfo
from cnnlab import text
from cnnlab.text import percent
from cnnlab.design.spec import Architecture
from cnnlab.training.page_text import clock
from cnnlab.i18n import N_, _, ngettext, sentences

DEFAULT_LABEL = N_("Default model (shipped with CNN Lab)")
DEFAULT_MISSING = N_("Default model (not installed on this server)")
GALLERY_SIZE = 24  # most confidently wrong images shown
CELL_LIMIT = 40  # images shown for one confusion-matrix cell
COMPARE_START = 5  # runs in the comparison at first: the evaluated one and the newest others
OPTIMIZER_NAMES = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": N_("SGD with momentum")}
CURVES = {"val_accuracy": N_("Validation accuracy"), "accuracy": N_("Training accuracy"),
          "val_loss": N_("Validation loss"), "loss": N_("Training loss")}
HEADLINE = N_("**What to look for:** in this course the dense baseline (Flatten → Dense, no "
            "convolution) ends near 97.8% test accuracy, while a small CNN reaches about 99.1%: "
            "less than half the mistakes. CNN A has about as many parameters as the dense "
            "baseline, so the gain comes from convolutions, not from size. Load the *Dense "
            "baseline* and a CNN preset on the Design page, train each on the Train page and "
            "see whether your runs agree.")
FILTERS_NOTE = N_("Each square is one learned 3×3 (or k×k) kernel of the first convolution, drawn "
                "red where the weight is positive and blue where it is negative, each scaled to "
                "its own largest weight. A kernel with red on one side and blue on the other "
                "responds to a change of brightness in that direction: an **edge or stroke "
                "detector**. Nobody programmed these: training found them.")
NO_CONV_NOTE = N_("This model's first layer is not a convolution (for a dense baseline it is "
                "Flatten → Dense), so it has no small filters to show: each hidden unit has one "
                "weight per pixel instead of a kernel that slides over the image.")


def a(digit: int) -> str:
    """A digit read aloud with its article: 'an 8', 'a 7' (in Chinese: '数字 8')."""
    return (_("an {digit}") if digit == 8 else _("a {digit}")).format(digit=digit)


def run_options(default_dir: Path, runs: Sequence[RunInfo],
                default_installed: bool = True) -> dict[str, str]:
    """Run folder -> label: the shipped default model first, then the usable runs, newest first."""
    options = {str(default_dir): _(DEFAULT_LABEL) if default_installed else _(DEFAULT_MISSING)}
    for info in runs:
        if info.has_model:
            stopped = " · " + _("stopped early") if info.status == "cancelled" else ""
            score = f" · {percent(info.test_accuracy)}" if info.test_accuracy is not None else ""
            options[str(info.path)] = f"{info.name}{score}{stopped}"
    return options


def initial_choice(options: Sequence[str], selected: str | None, default_dir: Path,
                   default_installed: bool) -> str:
    """The run chosen on another page, else the default model (the newest run if it is absent)."""
    if selected in options:
        return str(selected)
    if not default_installed and len(options) > 1:
        return [o for o in options if o != str(default_dir)][0]
    return str(default_dir)


def design_line(arch: Architecture) -> str:
    """The layers as one flow plus the parameter count."""
    info = glance(arch)
    params = (" · " + _("{n} parameters").format(n=f"{info.total_params:,}")
              if info.total_params is not None else "")
    return f"{info.flow}{params}"


def settings_line(config: Any, meta: Mapping[str, Any]) -> str:
    """How the run was trained, in one line: optimizer, step size, batches, epochs, data, time."""
    data = meta.get("data") or {}
    train = data.get("train_samples")
    val = data.get("val_samples")
    epochs = meta.get("epochs_completed")
    name = _(OPTIMIZER_NAMES.get(config.optimizer, config.optimizer))
    parts = [_("{optimizer} at learning rate {rate}").format(
                 optimizer=name, rate=f"{config.learning_rate:g}"),
             _("batches of {n}").format(n=config.batch_size)]
    if epochs is not None:
        parts.append(_("{done} of {planned} epochs").format(done=epochs, planned=config.epochs)
                     if epochs != config.epochs
                     else ngettext("{n} epoch", "{n} epochs", epochs).format(n=epochs))
    if train:
        held = (_(", {n} held out for validation").format(n=f"{val:,}") if val
                else _(", no validation hold-out"))
        parts.append(_("{n} training images{held}").format(n=f"{train:,}", held=held))
    if config.augment:
        parts.append(_("with augmentation"))
    if meta.get("precision") == "mixed_bfloat16":  # what it computed in, not what was asked
        parts.append(_("computed in mixed bfloat16"))
    seconds = (meta.get("timings") or {}).get("train_seconds")
    if seconds is not None:
        parts.append(_("{time} of training").format(time=clock(seconds)))
    return " · ".join(parts)


def mistakes_text(n_mistakes: int, n: int) -> str:
    return _("{mistakes} of {n}").format(mistakes=f"{n_mistakes:,}", n=f"{n:,}")


def class_rows(per_class: Iterable[ClassMetrics]) -> list[dict[str, str]]:
    """The per-digit table: precision, recall and F1 in percent, and how many test images."""
    return [{_("Digit"): str(m.digit), _("Precision"): percent(m.precision, 1),
             _("Recall"): percent(m.recall, 1), "F1": percent(m.f1, 1),
             _("Test images"): f"{m.support:,}"} for m in per_class]


def top_confusion(cm: np.ndarray) -> tuple[int, int, int]:
    """(true, predicted, count) of the most frequent mistake; (0, 0, 0) when there is none."""
    off = np.asarray(cm, dtype=np.int64).copy()
    np.fill_diagonal(off, -1)
    if off.size == 0 or off.max() <= 0:
        return 0, 0, 0
    t, p = np.unravel_index(int(np.argmax(off)), off.shape)  # first (lowest) on ties
    return int(t), int(p), int(off[t, p])


def class_summary(cm: np.ndarray, per_class: Sequence[ClassMetrics]) -> str:
    """Two sentences: the weakest digit and the most frequent confusion."""
    t, p, count = top_confusion(cm)
    if count == 0:
        return _("Not a single test image was misclassified.")
    present = [m for m in per_class if m.support > 0]
    worst = min(present, key=lambda m: (m.f1, m.digit))
    hardest = _("The hardest digit is **{digit}** (F1 {f1}: recall {recall}, precision "
                "{precision}).").format(digit=worst.digit, f1=percent(worst.f1, 1),
                                        recall=percent(worst.recall, 1),
                                        precision=percent(worst.precision, 1))
    common = ngettext("The most common mistake is {true} read as {predicted} ({n} image).",
                      "The most common mistake is {true} read as {predicted} ({n} images).",
                      count).format(true=a(t).replace(str(t), f"**{t}**"),
                                    predicted=a(p).replace(str(p), f"**{p}**"), n=f"{count:,}")
    return f"{hardest} {common}"


def cell_text(true_digit: int, predicted_digit: int, count: int, support: int, shown: int) -> str:
    """What the chosen confusion-matrix cell holds, and how much of it is shown."""
    share = (_(" ({share} of the {n} test {digit}s)").format(
        share=percent(count / support, 1), n=f"{support:,}", digit=true_digit) if support else "")
    true, predicted = a(true_digit), a(predicted_digit)
    if true_digit == predicted_digit:
        what = ngettext("{n} test image of {true} was read correctly{share}.",
                        "{n} test images of {true} were read correctly{share}.", count).format(
            n=f"{count:,}", true=true, share=share)
    elif count == 0:
        return _("No test image of {true} was read as {predicted}.").format(true=true,
                                                                           predicted=predicted)
    else:
        what = ngettext("{n} test image of {true} was read as {predicted}{share}.",
                        "{n} test images of {true} were read as {predicted}{share}.",
                        count).format(n=f"{count:,}", true=true, predicted=predicted, share=share)
    if shown < count:
        return sentences(what, _("Showing the first {n}.").format(n=f"{shown:,}"))
    return what


def mistake_caption(mistake: Mistake) -> str:
    """'7 → 2 (99%)': true digit, predicted digit, the probability given to the wrong digit."""
    return f"{mistake.true} → {mistake.predicted} ({percent(mistake.confidence, 0)})"


def cell_captions(indices: Sequence[int], probs: np.ndarray) -> list[str]:
    """'#1234 · 87%': the test image's index and the probability of the predicted digit."""
    p = np.asarray(probs)
    return [f"#{int(i)} · {percent(float(p[int(i)].max()), 0)}" for i in indices]


AGAINST = {"epoch": N_("epochs"), "seconds": N_("training seconds (faster is further left)")}


def comparison_rows(rows: Iterable[ComparisonRow]) -> list[dict[str, str]]:
    """The comparison table as display text, thousands separated; '–' where a value is missing."""
    def count(value: int | None) -> str:
        return "–" if value is None else text.count(value)
    return [{_("Run"): r.name, _("Test accuracy"): percent(r.test_accuracy),
             _("Test loss"): "–" if r.test_loss is None else f"{r.test_loss:.4f}",
             _("Parameters"): count(r.params), _("Multiply-adds per image"): count(r.macs),
             _("Training time"): clock(r.train_seconds), _("Epochs"): count(r.epochs),
             _("Best accuracy after"): seconds_to_best(r.best_accuracy, r.seconds_to_best)}
            for r in rows]


def seconds_to_best(accuracy: float | None, seconds: float | None) -> str:
    """'99.12% at 7.4 s': the best epoch's accuracy and the training seconds it took; '–'."""
    if accuracy is None:
        return "–"
    if seconds is None:
        return percent(accuracy)
    return _("{score} at {seconds} s").format(score=percent(accuracy), seconds=f"{seconds:.1f}")


def available_curves(rows: Iterable[HistoryRow]) -> list[str]:
    """The curves at least one run recorded, in CURVES order."""
    present = {r.metric for r in rows}
    return [c for c in CURVES if c in present]


def default_curve(rows: Sequence[HistoryRow], run_names: Sequence[str]) -> str:
    """Validation accuracy when every run has it, else training accuracy (runs without a hold-out),
    else the first curve there is."""
    with_val = {r.run for r in rows if r.metric == "val_accuracy"}
    if run_names and set(run_names) <= with_val:
        return "val_accuracy"
    curves = available_curves(rows)
    return "accuracy" if "accuracy" in curves or not curves else curves[0]


def missing_curve_note(rows: Sequence[HistoryRow], run_names: Sequence[str],
                       metric: str) -> str | None:
    """Which of the chosen runs have no points for `metric` (e.g. trained without validation)."""
    have = {r.run for r in rows if r.metric == metric}
    missing = [n for n in run_names if n not in have]
    if not missing:
        return None
    why = _(" (trained without a validation hold-out)") if metric.startswith("val_") else ""
    return _("Not recorded for {runs}{why}.").format(runs=", ".join(missing), why=why)


def confusion_rows(cm: np.ndarray) -> list[dict[str, str]]:
    """The confusion matrix as table rows (true digit, then one column per predicted digit): the
    chart's text alternative, which a screen reader reads cell by cell."""
    counts = np.asarray(cm, dtype=np.int64)
    return [{_("True digit"): str(t), **{str(p): f"{int(counts[t, p]):,}"
                                          for p in range(counts.shape[1])}}
            for t in range(counts.shape[0])]
