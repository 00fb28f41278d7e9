"""`python -m cnnlab train`: a tiny training writes a run that loads; bad input exits 2 kindly."""

import json

import numpy as np
import pytest

from cnnlab.runs import store as runs
from cnnlab.__main__ import main
from cnnlab.runs.model_file import load_model
from cnnlab.training.precision import effective_precision

DESIGN = {"layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
                     {"type": "MaxPooling2D"}, {"type": "Flatten"},
                     {"type": "Dense", "units": 10, "activation": "softmax"}]}


def test_trains_a_design_file_into_a_loadable_run(tmp_path, capsys):
    design = tmp_path / "mine.json"
    design.write_text(json.dumps(DESIGN))
    out = tmp_path / "out"
    code = main(["train", str(design), "--subset", "200", "--epochs", "1", "--batch-size", "32",
                 "--optimizer", "sgd", "--lr", "0.05", "--label-format", "one_hot", "--seed", "4",
                 "--out", str(out)])
    text = capsys.readouterr()
    assert code == 0 and f"saved run: {out}" in text.out
    assert "epoch 1/1" in text.err  # one line per epoch
    run = runs.load_run(out)
    assert run.name == "mine" and run.config.optimizer == "sgd" and run.config.learning_rate == 0.05
    assert run.config.label_format == "one_hot" and run.config.subset == 200
    assert run.meta["epochs_completed"] == 1 and 0 <= run.metrics["test_accuracy"] <= 1
    model = load_model(run.model_path)
    probs = model.predict(np.zeros((1, 28, 28, 1), "float32"), verbose=0)
    assert probs.shape == (1, 10) and abs(float(probs.sum()) - 1) < 1e-4


def test_a_preset_key_saves_under_the_runs_dir(tmp_path, capsys):
    code = main(["train", "dense_baseline", "--subset", "100", "--epochs", "1", "--quiet",
                 "--runs-dir", str(tmp_path), "--owner", "teacher", "--name", "baseline",
                 "--lr-schedule", "one_cycle", "--precision", "mixed_bfloat16"])
    assert code == 0
    [info] = runs.list_runs(tmp_path, "teacher")
    assert info.name == "baseline" and info.status == "complete"
    run = runs.load_run(info.path)
    assert run.config.lr_schedule == "one_cycle" and run.config.precision == "mixed_bfloat16"
    assert run.meta["precision"] == effective_precision("mixed_bfloat16")  # float32 without units


def test_a_processor_without_bfloat16_units_trains_in_float32_and_says_so(tmp_path, capsys,
                                                                          monkeypatch):
    from cnnlab.training import precision

    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda cpuinfo=None: False)
    monkeypatch.setattr(precision, "has_gpu", lambda: False)
    code = main(["train", "dense_baseline", "--subset", "100", "--epochs", "1", "--quiet",
                 "--out", str(tmp_path / "run"), "--precision", "mixed_bfloat16"])
    assert code == 0
    assert "no bfloat16 units, so it trained in float32" in capsys.readouterr().err
    assert runs.load_run(tmp_path / "run").meta["precision"] == "float32"


@pytest.mark.parametrize("args, words", [
    (["no_such_thing"], "neither a design file nor a preset"),
    (["cnn_a", "--epochs", "0"], "epochs must be a whole number of at least 1"),
    (["cnn_a", "--epochs", "999"], "max_epochs"),
    (["cnn_a", "--validation-split", "0.9"], "validation_split"),
])
def test_bad_input_exits_2_with_the_message(args, words, capsys):
    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and "Traceback" not in err


def test_an_impossible_design_exits_2(tmp_path, capsys):
    design = tmp_path / "bad.json"
    design.write_text(json.dumps({"layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 40}]}))
    assert main(["train", str(design)]) == 2
    assert "error: " in capsys.readouterr().err
