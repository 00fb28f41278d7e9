"""The shipped default model is the recommended preset, loads safely and is as accurate as it says."""

import json

import pytest

from cnnlab.evaluation.evaluate import evaluate_run
from cnnlab.training.mnist import load_mnist
from cnnlab.design.presets import get_preset
from cnnlab.runs.store import DEFAULT_MODEL_DIR, load_run
from cnnlab.design.spec import Architecture


def test_default_model_is_the_recommended_preset():
    shipped = Architecture.from_json((DEFAULT_MODEL_DIR / "design.json").read_text())
    assert shipped == get_preset("recommended").arch


def test_default_model_meets_the_accuracy_goal_on_the_real_test_set():
    run = load_run(DEFAULT_MODEL_DIR)
    evaluation = evaluate_run(DEFAULT_MODEL_DIR, load_mnist(), use_cache=False)
    assert evaluation.accuracy >= 0.992
    assert evaluation.accuracy == pytest.approx(run.metrics["test_accuracy"], abs=1e-4)
    assert evaluation.n == 10_000


def test_default_model_file_is_small():
    assert (DEFAULT_MODEL_DIR / "model.keras").stat().st_size < 2_000_000
    meta = json.loads((DEFAULT_MODEL_DIR / "meta.json").read_text())
    assert meta["status"] == "complete"
