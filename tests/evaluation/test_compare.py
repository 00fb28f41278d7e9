"""compare_runs and history_table on small stand-in runs (real saved runs: test_cli_evaluate)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cnnlab.evaluation import compare
from cnnlab.design.arithmetic import analyze
from cnnlab.design.spec import Architecture

TINY = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 2, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D"},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"}]})
DENSE = Architecture.from_dict({"layers": [
    {"type": "Flatten"}, {"type": "Dense", "units": 16, "activation": "relu"},
    {"type": "Dense", "units": 10, "activation": "softmax"}]})


@dataclass
class FakeRun:
    arch: Any
    metrics: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    history: Any = None
    path: Path | None = None


def test_params_equal_keras_and_macs_equal_analyze():
    from cnnlab.training.build import build_model

    runs = [FakeRun(TINY, meta={"name": "tiny"}), FakeRun(DENSE, meta={"name": "dense"})]
    rows = compare.compare_runs(runs)
    for run, row in zip(runs, rows):
        assert row.params == build_model(run.arch).count_params()
        assert row.macs == analyze(run.arch).total_macs > 0
    assert [r.name for r in rows] == ["tiny", "dense"]


def test_values_come_from_metrics_meta_and_config():
    run = FakeRun(TINY, metrics={"test_accuracy": 0.91, "test_loss": 0.3, "train_seconds": 12.5,
                                 "epochs_completed": 2},
                  meta={"name": "a"}, config={"epochs": 5})
    row = compare.compare_runs([run])[0]
    assert (row.test_accuracy, row.test_loss, row.train_seconds, row.epochs) == (0.91, 0.3, 12.5, 2)
    assert row.to_dict()["name"] == "a"


def test_epochs_fall_back_to_history_then_config_and_missing_is_none():
    hist = {"loss": [1.0, 0.5, 0.4], "accuracy": [0.5, 0.8, 0.9]}
    assert compare.compare_runs([FakeRun(TINY, history=hist, config={"epochs": 9})])[0].epochs == 3
    row = compare.compare_runs([FakeRun(TINY, config={"epochs": 9})])[0]
    assert row.epochs == 9 and row.test_accuracy is None and row.train_seconds is None


def test_names_are_unique_and_fall_back_to_the_directory():
    runs = [FakeRun(TINY, meta={"name": "same"}), FakeRun(TINY, meta={"name": "same"}),
            FakeRun(TINY, path=Path("/runs/alice/20240101-abc"))]
    assert compare.unique_names(runs) == ["same", "same (2)", "20240101-abc"]


def test_history_table_accepts_both_shapes_and_drops_missing_values():
    keras_style = {"loss": [1.0, 0.5], "val_loss": [1.2, float("nan")], "accuracy": [0.6, 0.8]}
    epoch_style = [{"epoch": 1, "loss": 0.9, "accuracy": 0.7, "val_loss": None, "seconds": 3.0},
                   {"epoch": 2, "loss": 0.4, "accuracy": 0.9, "val_loss": 0.5, "seconds": 3.0}]
    rows = compare.history_table([FakeRun(TINY, meta={"name": "k"}, history=keras_style),
                                  FakeRun(TINY, meta={"name": "e"}, history=epoch_style)])
    got = {(r.run, r.epoch, r.metric): r.value for r in rows}
    assert got[("k", 2, "loss")] == 0.5 and got[("k", 1, "val_loss")] == 1.2
    assert ("k", 2, "val_loss") not in got  # NaN dropped
    assert ("e", 1, "val_loss") not in got and got[("e", 2, "val_loss")] == 0.5
    assert not any(r.metric == "seconds" for r in rows)  # not a learning curve
    assert len(rows) == 5 + 5
    assert rows[0]._asdict() == {"run": "k", "epoch": 1, "metric": "loss", "value": 1.0}


def test_history_table_selected_metrics_and_empty():
    run = FakeRun(TINY, history={"loss": [1.0], "accuracy": [0.5]})
    assert [r.metric for r in compare.history_table([run], metrics=["accuracy"])] == ["accuracy"]
    assert compare.history_table([FakeRun(TINY)]) == []
    with pytest.raises(ValueError):
        compare.history_table([FakeRun(TINY, history=[1.0, 2.0])])


def test_runs_py_history_shape_is_read():
    hist = {"epochs": [{"epoch": 1, "loss": 0.9, "accuracy": 0.6, "val_loss": None, "seconds": 1.0},
                       {"epoch": 2, "loss": 0.5, "accuracy": 0.8, "val_loss": None, "seconds": 1.0}],
            "batches": [[1, 2.3, 0.1], [2, 2.1, 0.2], [3, 1.9, 0.3]], "batches_per_epoch": 2}
    run = FakeRun(TINY, meta={"name": "r", "timings": {"train_seconds": 4.5}}, history=hist)
    row = compare.compare_runs([run])[0]
    assert row.epochs == 2 and row.train_seconds == 4.5
    assert [(r.epoch, r.metric) for r in compare.history_table([run])] == [
        (1, "loss"), (1, "accuracy"), (2, "loss"), (2, "accuracy")]


def test_real_saved_runs_and_their_list_rows(tmp_path):
    from cnnlab.runs import store as runs
    from tests.evaluation.test_evaluate import make_run

    first = make_run(tmp_path, name="first", seed=0)
    second = make_run(tmp_path, name="second", seed=1)
    loaded = [runs.load_run(first), runs.load_run(second)]
    rows = compare.compare_runs(loaded)
    for run, row in zip(loaded, rows):
        assert row.name == run.meta["name"]
        assert row.test_accuracy == run.metrics["test_accuracy"] is not None
        assert row.test_loss == run.metrics["test_loss"]
        assert row.params == run.meta["params"]  # Keras' count_params at training time
        assert row.train_seconds == run.meta["timings"]["train_seconds"]
        assert row.epochs == 1
    curves = compare.history_table(loaded)
    assert {(r.run, r.epoch) for r in curves} == {("first", 1), ("second", 1)}
    assert {r.metric for r in curves} == {"loss", "accuracy"}  # no validation in these runs
    assert all(r.value == run.history["epochs"][0][r.metric]
               for run in loaded for r in curves if r.run == run.meta["name"])
    # The run list rows (no design inside) still give accuracy, params and time.
    info_rows = compare.compare_runs(runs.list_runs(tmp_path, "student"))
    by_name = {r.name: r for r in info_rows}
    for row in rows:
        other = by_name[row.name]
        assert (other.test_accuracy, other.params, other.train_seconds, other.epochs) == (
            row.test_accuracy, row.params, row.train_seconds, row.epochs)


def test_time_to_best_accuracy_and_accuracy_against_training_seconds():
    from cnnlab.plots.evaluation import history_overlay

    hist = {"epochs": [{"epoch": 1, "accuracy": 0.95, "val_accuracy": 0.97, "seconds": 4.0,
                        "elapsed_s": 4.0},
                       {"epoch": 2, "accuracy": 0.99, "val_accuracy": 0.991, "seconds": 3.5,
                        "elapsed_s": 7.5}]}
    old = [{"epoch": 1, "accuracy": 0.9, "seconds": 10.0}, {"epoch": 2, "accuracy": 0.95}]
    runs = [FakeRun(TINY, meta={"name": "fast"}, history=hist),
            FakeRun(TINY, meta={"name": "old"}, history=old)]
    fast, slow = compare.compare_runs(runs)
    assert (fast.best_accuracy, fast.seconds_to_best) == (0.991, 7.5)
    assert (slow.best_accuracy, slow.seconds_to_best) == (0.95, None)  # epoch 2 has no time
    seconds = compare.epoch_seconds(runs)
    assert seconds == {"fast": {1: 4.0, 2: 7.5}, "old": {1: 10.0}}
    figure = history_overlay(compare.history_table(runs), "accuracy", names=["fast", "old"],
                             seconds=seconds)
    assert [list(t.x) for t in figure.data] == [[4.0, 7.5], [10.0]]
    assert figure.layout.xaxis.title.text == "training seconds"
    by_epoch = history_overlay(compare.history_table(runs), "accuracy", names=["fast", "old"])
    assert [list(t.x) for t in by_epoch.data] == [[1, 2], [1, 2]]
