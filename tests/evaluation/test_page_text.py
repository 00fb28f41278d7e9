"""The Evaluate page's words and table rows: run choices, summaries, captions and comparisons."""

from pathlib import Path

import numpy as np

from cnnlab.evaluation import page_text as view
from cnnlab.evaluation import metrics
from cnnlab.design.arithmetic import analyze
from cnnlab.evaluation.compare import ComparisonRow, HistoryRow
from cnnlab.training.config import TrainConfig
from cnnlab.evaluation.metrics import Mistake
from cnnlab.design.presets import get_preset
from cnnlab.runs.store import RunInfo

DEFAULT = Path("/srv/models/default")


def info(run_id, status="complete", accuracy=0.98):
    return RunInfo(run_id, Path("/runs/me") / run_id, f"run {run_id}", status, "", accuracy)


def test_run_options_list_the_default_first_then_only_runs_with_a_model():
    runs = [info("c"), info("b", "interrupted", None), info("a", "cancelled", 0.5)]
    options = view.run_options(DEFAULT, runs)
    assert list(options) == [str(DEFAULT), "/runs/me/c", "/runs/me/a"]
    assert options[str(DEFAULT)] == view.DEFAULT_LABEL
    assert options["/runs/me/c"] == "run c · 98.00%"
    assert options["/runs/me/a"] == "run a · 50.00% · stopped early"
    assert view.run_options(DEFAULT, [], default_installed=False) == {
        str(DEFAULT): view.DEFAULT_MISSING}


def test_initial_choice_prefers_the_shared_run_then_the_default_then_the_newest_run():
    paths = [str(DEFAULT), "/runs/me/c", "/runs/me/a"]
    assert view.initial_choice(paths, "/runs/me/a", DEFAULT, True) == "/runs/me/a"
    assert view.initial_choice(paths, "/runs/me/deleted", DEFAULT, True) == str(DEFAULT)
    assert view.initial_choice(paths, None, DEFAULT, False) == "/runs/me/c"
    assert view.initial_choice([str(DEFAULT)], None, DEFAULT, False) == str(DEFAULT)


def test_design_and_settings_lines():
    arch = get_preset("recommended").arch
    line = view.design_line(arch)
    assert line.startswith("Conv2D 32 3x3 valid → MaxPooling2D 2x2")
    assert line.endswith(f"· {analyze(arch).total_params:,} parameters")
    meta = {"epochs_completed": 2, "data": {"train_samples": 18_000, "val_samples": 2_000},
            "timings": {"train_seconds": 65.2}}
    text = view.settings_line(TrainConfig(epochs=3, optimizer="sgd", learning_rate=0.01), meta)
    assert text == ("SGD with momentum at learning rate 0.01 · batches of 128 · 2 of 3 epochs · "
                    "18,000 training images, 2,000 held out for validation · 1:05 of training")
    assert "no validation hold-out" in view.settings_line(
        TrainConfig(epochs=1), {"epochs_completed": 1, "data": {"train_samples": 500}})
    assert view.settings_line(TrainConfig(augment=True), {}).endswith("with augmentation")
    mixed = TrainConfig(precision="mixed_bfloat16")
    assert view.settings_line(mixed, {"precision": "mixed_bfloat16"}).endswith(
        "computed in mixed bfloat16")
    assert "bfloat16" not in view.settings_line(mixed, {"precision": "float32"})  # fell back


def test_class_rows_and_the_summary_name_the_weakest_digit_and_commonest_mistake():
    y_true = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2])
    y_pred = np.array([0, 0, 1, 2, 2, 2, 2, 2, 1])
    cm = metrics.confusion_matrix(y_true, y_pred, n_classes=3)
    rows = view.class_rows(metrics.per_class(cm))
    assert rows[1] == {"Digit": "1", "Precision": "50.0%", "Recall": "33.3%", "F1": "40.0%",
                       "Test images": "3"}
    assert view.top_confusion(cm) == (1, 2, 2)
    text = view.class_summary(cm, metrics.per_class(cm))
    assert "hardest digit is **1** (F1 40.0%" in text
    assert "a **1** read as a **2** (2 images)" in text
    perfect = metrics.confusion_matrix(y_true, y_true, n_classes=3)
    assert view.top_confusion(perfect) == (0, 0, 0)
    assert view.class_summary(perfect, metrics.per_class(perfect)).startswith("Not a single")


def test_cell_text_counts_the_cell_and_says_when_only_some_are_shown():
    assert view.cell_text(4, 9, 12, 982, 12) == \
        "12 test images of a 4 were read as a 9 (1.2% of the 982 test 4s)."
    assert view.cell_text(4, 9, 1, 982, 1) == \
        "1 test image of a 4 was read as a 9 (0.1% of the 982 test 4s)."
    assert view.cell_text(4, 9, 0, 982, 0) == "No test image of a 4 was read as a 9."
    assert view.cell_text(8, 3, 1, 974, 1).startswith("1 test image of an 8 was read as a 3")
    assert view.cell_text(3, 3, 990, 1010, 40).endswith("read correctly (98.0% of the 1,010 "
                                                        "test 3s). Showing the first 40.")


def test_captions():
    assert view.mistake_caption(Mistake(5, 7, 2, 0.987)) == "7 → 2 (99%)"
    probs = np.array([[0.1, 0.9], [0.6, 0.4]])
    assert view.cell_captions(np.array([1, 0]), probs) == ["#1 · 60%", "#0 · 90%"]


def test_comparison_rows_format_every_column_and_dash_missing_values():
    rows = view.comparison_rows([ComparisonRow("cnn", 0.9912, 225_034, 2_631_040, 65.0, 3, 0.03,
                                               0.9905, 43.25),
                                 ComparisonRow("old", None, None, None, None, None)])
    assert rows[0] == {"Run": "cnn", "Test accuracy": "99.12%", "Test loss": "0.0300",
                       "Parameters": "225,034", "Multiply-adds per image": "2,631,040",
                       "Training time": "1:05", "Epochs": "3",
                       "Best accuracy after": "99.05% at 43.2 s"}
    assert set(rows[1].values()) == {"old", "–"}


def test_curve_choice_prefers_validation_accuracy_only_when_every_run_has_it():
    rows = [HistoryRow("a", 1, "val_accuracy", 0.9), HistoryRow("a", 1, "accuracy", 0.8),
            HistoryRow("b", 1, "accuracy", 0.7)]
    assert view.available_curves(rows) == ["val_accuracy", "accuracy"]
    assert view.default_curve(rows, ["a"]) == "val_accuracy"
    assert view.default_curve(rows, ["a", "b"]) == "accuracy"
    assert view.default_curve([HistoryRow("a", 1, "loss", 0.1)], ["a"]) == "loss"
    assert view.missing_curve_note(rows, ["a", "b"], "val_accuracy") == \
        "Not recorded for b (trained without a validation hold-out)."
    assert view.missing_curve_note(rows, ["a", "b"], "accuracy") is None


def test_the_confusion_matrix_as_a_table_is_the_charts_text_alternative():
    cm = np.array([[5, 1], [0, 1234]])
    assert view.confusion_rows(cm) == [{"True digit": "0", "0": "5", "1": "1"},
                                       {"True digit": "1", "0": "0", "1": "1,234"}]


def test_the_headline_sends_the_student_to_the_design_page_for_presets():
    from cnnlab.evaluation.page_text import HEADLINE

    assert "preset on the Design page" in HEADLINE  # presets are not on Train (issue 14.8)
