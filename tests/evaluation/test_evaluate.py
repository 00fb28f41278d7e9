"""evaluate_model agrees with Keras' own model.evaluate and is internally consistent."""

import json

import numpy as np
import pytest

from cnnlab.evaluation import evaluate as evaluation

from cnnlab.evaluation import metrics

from cnnlab.training import mnist
from cnnlab.training.build import build_model
from cnnlab.errors import LabError
from cnnlab.design.spec import Architecture

SMALL = {"layers": [
    {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"},
]}


def _design(head_activation="softmax"):
    data = {"layers": [dict(l) for l in SMALL["layers"]]}
    data["layers"][-1]["activation"] = head_activation
    return Architecture.from_dict(data)


@pytest.fixture(scope="module")
def data():
    d = mnist.load_mnist()
    x_train, y_train = mnist.subset(d.x_train, d.y_train, 300, seed=1)
    x_test, y_test = mnist.subset(d.x_test, d.y_test, 500, seed=2)
    return x_train, y_train.astype("int32"), x_test, y_test.astype("int32")


def _trained(data, head_activation, from_logits):
    import keras

    x_train, y_train, _, _ = data
    model = build_model(_design(head_activation), seed=3)
    model.compile(optimizer="adam", metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits))
    model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def softmax_model(data):
    return _trained(data, "softmax", False)


@pytest.fixture(scope="module")
def logits_model(data):
    return _trained(data, "linear", True)


def test_matches_keras_evaluate_for_a_softmax_model(data, softmax_model):
    _, _, x_test, y_test = data
    ev = evaluation.evaluate_model(softmax_model, x_test, y_test, batch_size=128)
    keras_scores = softmax_model.evaluate(x_test, y_test, batch_size=128, verbose=0,
                                          return_dict=True)
    assert not ev.from_logits
    assert ev.accuracy == pytest.approx(keras_scores["accuracy"], abs=1e-6)
    assert ev.loss == pytest.approx(keras_scores["loss"], rel=1e-4)
    # The probabilities are the model's own predictions.
    np.testing.assert_allclose(ev.probs, softmax_model.predict(x_test, verbose=0), atol=1e-5)


def test_matches_keras_evaluate_for_a_logits_model(data, logits_model):
    _, _, x_test, y_test = data
    ev = evaluation.evaluate_model(logits_model, x_test, y_test)
    keras_scores = logits_model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    assert ev.from_logits
    assert ev.accuracy == pytest.approx(keras_scores["accuracy"], abs=1e-6)
    assert ev.loss == pytest.approx(keras_scores["loss"], rel=1e-4)
    np.testing.assert_allclose(ev.probs.sum(axis=1), 1.0, atol=1e-5)


def test_internal_consistency(data, softmax_model):
    _, _, x_test, y_test = data
    ev = evaluation.evaluate_model(softmax_model, x_test, y_test, batch_size=77)
    assert ev.n == len(y_test) == ev.confusion.sum()
    assert ev.accuracy == pytest.approx(np.trace(ev.confusion) / ev.n)
    assert ev.accuracy == pytest.approx(np.mean(ev.y_pred == y_test))
    assert len(ev.mistakes) == ev.n - np.trace(ev.confusion)
    assert [m.support for m in ev.per_class] == np.bincount(y_test, minlength=10).tolist()
    confidences = [m.confidence for m in ev.mistakes]
    assert confidences == sorted(confidences, reverse=True)
    for m in ev.mistakes[:5]:
        assert y_test[m.index] == m.true and ev.y_pred[m.index] == m.predicted != m.true
        assert m.index in ev.cell(m.true, m.predicted)
    with pytest.raises(ValueError):
        ev.probs[0, 0] = 1.0  # read-only


def test_batch_size_does_not_change_the_result(data):
    _, _, x_test, y_test = data
    model = build_model(_design(), seed=5)  # untrained: only consistency matters
    a = evaluation.evaluate_model(model, x_test[:200], y_test[:200], batch_size=200)
    b = evaluation.evaluate_model(model, x_test[:200], y_test[:200], batch_size=7)
    np.testing.assert_allclose(a.probs, b.probs, atol=1e-6)
    assert (a.confusion == b.confusion).all()


def test_to_dict_is_json_and_small(data, softmax_model):
    import json

    _, _, x_test, y_test = data
    ev = evaluation.evaluate_model(softmax_model, x_test, y_test)
    d = json.loads(json.dumps(ev.to_dict(mistakes=3)))
    assert d["n"] == len(y_test) and d["accuracy"] == ev.accuracy
    assert d["confusion"] == ev.confusion.tolist()
    assert len(d["mistakes"]) == min(3, len(ev.mistakes)) and d["n_mistakes"] == len(ev.mistakes)
    assert [r["support"] for r in d["per_class"]] == [m.support for m in ev.per_class]
    assert "probs" not in d


def test_cross_entropy_matches_keras_loss_functions():
    import keras

    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 10)).astype("float32") * 3
    y = rng.integers(0, 10, size=50)
    probs = evaluation.softmax(logits)
    probs[0] = 0.0
    probs[0, 3] = 1.0  # a saturated row exercises the clipping
    for outputs, from_logits in ((logits, True), (probs.astype("float32"), False)):
        fn = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
        expected = float(fn(y, outputs))
        assert evaluation.cross_entropy(outputs, y, from_logits) == pytest.approx(expected, rel=1e-5)


def test_wrong_output_width_and_input_shape_are_friendly():
    y = np.arange(10)
    with pytest.raises(LabError, match="10 units"):
        evaluation.from_outputs(np.full((10, 5), 0.2), y)
    with pytest.raises(LabError, match="NaN"):
        evaluation.from_outputs(np.full((10, 10), np.nan), y)
    model = build_model(Architecture.from_dict({"input_shape": [14, 14, 1], "layers": [
        {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]}), seed=0)
    with pytest.raises(LabError, match="input_shape"):
        evaluation.evaluate_model(model, np.zeros((3, 28, 28, 1)), np.zeros(3, int))


def test_probabilities_detection():
    assert evaluation.looks_like_probabilities(np.array([[0.2, 0.8], [1.0, 0.0]]))
    assert not evaluation.looks_like_probabilities(np.array([[0.2, 0.7]]))
    assert not evaluation.looks_like_probabilities(np.array([[-0.5, 1.5]]))
    assert metrics.accuracy(evaluation.from_outputs(np.eye(10), np.arange(10)).confusion) == 1.0


# --- evaluate_run on real saved runs -------------------------------------------------------

def make_run(runs_dir, name="tiny", seed=0, head_activation="softmax"):
    """Train the small design for 1 epoch on 300 images and save it as a real run folder."""
    from cnnlab.runs import store as runs
    from cnnlab.training import loop as training
    from cnnlab.training.config import TrainConfig

    arch = _design(head_activation)
    config = TrainConfig(epochs=1, subset=300, validation_split=0.0, batch_size=32, seed=seed)
    result = training.train(arch, config, mnist.load_mnist())
    return runs.save_run(runs_dir, "student", arch, config, result, name=name)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("runs"))


@pytest.fixture()
def fresh_run(run_dir, tmp_path):
    """A private copy of the saved run, so cache tests never see each other's files."""
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    (copy / "evaluation.npz").unlink(missing_ok=True)
    return copy


def _small_data(n=400):
    d = mnist.load_mnist()
    x, y = mnist.subset(d.x_test, d.y_test, n, seed=4)
    return mnist.Mnist(d.x_train, d.y_train, x, y)


def test_evaluate_run_matches_keras_numbers_saved_by_training(fresh_run):
    saved = json.loads((fresh_run / "metrics.json").read_text())
    ev = evaluation.evaluate_run(fresh_run)  # the full 10,000 test images, as training used
    assert ev.n == 10_000 and not ev.cached
    assert ev.accuracy == pytest.approx(saved["test_accuracy"], abs=1e-6)
    assert ev.loss == pytest.approx(saved["test_loss"], rel=1e-4)


def test_second_call_uses_the_cache_and_gives_the_same_answer(fresh_run):
    data = _small_data()
    first = evaluation.evaluate_run(fresh_run, data)
    assert (fresh_run / "evaluation.npz").is_file() and not first.cached
    second = evaluation.evaluate_run(fresh_run, data)
    assert second.cached
    np.testing.assert_array_equal(first.probs, second.probs)
    assert (first.loss, first.accuracy, first.from_logits) == (second.loss, second.accuracy,
                                                               second.from_logits)
    assert (first.confusion == second.confusion).all() and first.mistakes == second.mistakes
    assert not evaluation.evaluate_run(fresh_run, data, use_cache=False).cached


def test_cache_is_not_used_for_other_data_or_a_changed_model(fresh_run):
    from cnnlab.runs.model_file import save_model

    data = _small_data()
    before = evaluation.evaluate_run(fresh_run, data)
    other = evaluation.evaluate_run(fresh_run, _small_data(200))
    assert not other.cached and other.n == 200
    # Retrain into the same folder: new weights, so the cache must not be reused.
    save_model(build_model(_design(), seed=99), fresh_run / "model.keras")
    after = evaluation.evaluate_run(fresh_run, data)
    assert not after.cached
    assert not np.allclose(after.probs, before.probs)


def test_logits_run_keeps_its_loss_through_the_cache(tmp_path):
    run = make_run(tmp_path, head_activation="linear")
    saved = json.loads((run / "metrics.json").read_text())
    first = evaluation.evaluate_run(run)
    second = evaluation.evaluate_run(run)
    assert first.from_logits and second.from_logits and second.cached
    assert first.loss == second.loss == pytest.approx(saved["test_loss"], rel=1e-4)
    assert second.accuracy == pytest.approx(saved["test_accuracy"], abs=1e-6)


def test_damaged_cache_is_ignored_and_replaced(fresh_run):
    data = _small_data()
    (fresh_run / "evaluation.npz").write_bytes(b"not a zip")
    ev = evaluation.evaluate_run(fresh_run, data)
    assert not ev.cached
    assert evaluation.evaluate_run(fresh_run, data).cached


def test_unwritable_folder_still_evaluates(fresh_run, monkeypatch):
    from cnnlab.evaluation import cache as evalcache
    def refuse(path, data):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(evalcache, "atomic_write_bytes", refuse)
    ev = evaluation.evaluate_run(fresh_run, _small_data())
    assert ev.n == 400 and not (fresh_run / "evaluation.npz").exists()


def test_a_keras_file_path_works_without_a_cache(fresh_run):
    ev = evaluation.evaluate_run(fresh_run / "model.keras", _small_data())
    assert ev.n == 400 and not (fresh_run / "evaluation.npz").exists()


def test_missing_or_corrupt_models_are_friendly(fresh_run, tmp_path):
    with pytest.raises(LabError, match="no run"):
        evaluation.evaluate_run(tmp_path / "nope")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LabError, match="no model.keras"):
        evaluation.evaluate_run(empty)
    (fresh_run / "model.keras").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(LabError, match="model.keras"):
        evaluation.evaluate_run(fresh_run, _small_data())
