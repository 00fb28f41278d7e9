"""train(): the numbers it streams are Keras' own, stopping keeps the last completed epoch."""

import keras
import numpy as np
import pytest

from cnnlab.training import mnist

from cnnlab.training import loop as training
from cnnlab.training.build import build_model
from cnnlab.training.config import TrainConfig
from cnnlab.design.spec import Architecture

TINY = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"},
]})
CONFIG = TrainConfig(epochs=2, subset=320, batch_size=32, validation_split=0.1, seed=3)


@pytest.fixture(scope="module")
def data():
    return mnist.load_mnist()


@pytest.fixture(scope="module")
def trained(data):
    reports = []
    result = training.train(TINY, CONFIG, data, on_progress=reports.append, report_every_s=0.0)
    return result, reports


def test_streamed_epochs_are_keras_history(trained):
    result, reports = trained
    keras_history = result.model.history.history  # Keras' own History callback
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert [e[key] for e in result.history] == pytest.approx(keras_history[key], rel=1e-6)
    assert [e["epoch"] for e in result.history] == [1, 2]
    assert result.train_samples == 288 and result.val_samples == 32
    assert result.progress.samples_seen == 2 * 288
    assert result.progress.batches_per_epoch == 9 and result.progress.state == "done"
    assert not result.stopped and result.epochs_completed == 2
    assert result.params == build_model(TINY).count_params()


def test_the_finished_progress_gives_the_training_time_the_run_saves(trained):
    """The Done line's "trained for" and the runs table's training time are one number."""
    result, _ = trained
    assert result.progress.elapsed_s == result.train_seconds > 0


def test_reports_come_in_order_and_end_with_evaluation(trained):
    result, reports = trained
    states = [r.state for r in reports]
    assert states[0] == "training" and states[-1] == "evaluating"
    steps = [(r.epoch - 1) * r.batches_per_epoch + r.batch for r in reports]
    assert steps == sorted(steps)
    last_batch = [r for r in reports if r.state == "training"][-1]
    assert last_batch.batch_history[-1][1] == pytest.approx(result.history[-1]["loss"])


def test_test_metrics_are_keras_evaluate_on_the_test_set(trained, data):
    result, _ = trained
    scores = result.model.evaluate(data.x_test, data.y_test.astype("int32"), batch_size=256,
                                   verbose=0, return_dict=True)
    assert result.test_accuracy == pytest.approx(scores["accuracy"], abs=1e-6)
    assert result.test_loss == pytest.approx(scores["loss"], rel=1e-5)
    assert result.progress.test_accuracy == result.test_accuracy


def test_one_hot_labels_train_the_same_network(data, trained):
    config = CONFIG.replace(label_format="one_hot")
    result = training.train(TINY, config, data)
    assert isinstance(result.model.loss, keras.losses.CategoricalCrossentropy)
    # Same seed, same batches: categorical CE on one-hot labels equals sparse CE on integers.
    assert [e["loss"] for e in result.history] == pytest.approx(
        [e["loss"] for e in trained[0].history], rel=1e-3)
    assert training.format_labels(np.array([2, 0]), "one_hot").tolist() == [
        [0, 0, 1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]


def test_stop_in_the_second_epoch_keeps_the_first_epochs_weights(data):
    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                self.weights = self.model.get_weights()

    batches = {"n": 0}

    def should_stop():
        batches["n"] += 1
        return batches["n"] > 9 + 3  # epoch 1 has 9 batches; stop 3 batches into epoch 2

    snap = Snapshot()
    result = training.train(TINY, CONFIG, data, should_stop=should_stop, callbacks=[snap])
    assert result.stopped and result.epochs_completed == 1
    assert len(result.history) == 1 and result.progress.state == "cancelled"
    assert "1 of 2 epoch" in result.progress.message
    for kept, first in zip(result.model.get_weights(), snap.weights):
        np.testing.assert_array_equal(kept, first)
    assert result.test_accuracy is not None


def test_stop_before_any_epoch_completes_gives_no_model(data):
    result = training.train(TINY, CONFIG, data, should_stop=lambda: True)
    assert result.stopped and not result.has_model and result.epochs_completed == 0
    assert result.test_accuracy is None and "no model" in result.progress.message


def test_augmented_training_keeps_the_designed_model(data):
    config = CONFIG.replace(epochs=1, augment=True, validation_split=0.0)
    result = training.train(TINY, config, data)
    plain = build_model(TINY)
    assert [l.name for l in result.model.layers] == [l.name for l in plain.layers]
    assert result.model.count_params() == plain.count_params()
    assert result.val_samples == 0 and result.history[0]["val_loss"] is None
    assert 0.0 <= result.test_accuracy <= 1.0


def test_logits_designs_train_with_from_logits():
    logits = Architecture.from_dict({"layers": [{"type": "Flatten"}, {"type": "Dense", "units": 10}]})
    assert training.outputs_probabilities(TINY)
    assert not training.outputs_probabilities(logits)
    assert training.make_loss(logits, TrainConfig()).get_config()["from_logits"] is True
    after_dropout = Architecture.from_dict({"layers": [
        {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"},
        {"type": "Dropout", "rate": 0.1}]})
    assert training.outputs_probabilities(after_dropout)


@pytest.mark.parametrize("name, cls", [("adam", "Adam"), ("rmsprop", "RMSprop"), ("sgd", "SGD")])
def test_optimizers(name, cls):
    opt = training.make_optimizer(TrainConfig(optimizer=name, learning_rate=0.01, momentum=0.5))
    assert type(opt).__name__ == cls
    assert float(opt.learning_rate) == pytest.approx(0.01)
    if name == "sgd":
        assert opt.momentum == 0.5


def test_split_is_seeded_disjoint_and_complete():
    x = np.arange(100).reshape(100, 1)
    (xt, yt), (xv, yv) = training.split(x, x[:, 0], 0.2, seed=1)
    assert len(xv) == 20 and len(xt) == 80
    assert sorted(np.concatenate([xt[:, 0], xv[:, 0]]).tolist()) == list(range(100))
    assert training.split(x, x[:, 0], 0.2, seed=1)[1][0].tolist() == xv.tolist()
    assert training.split(x, x[:, 0], 0.0, seed=1)[1] is None


def test_split_indices_pick_the_same_images_as_subset_then_split():
    x = np.arange(1000).reshape(1000, 1)
    config = TrainConfig(subset=300, validation_split=0.2, seed=4)
    (xt, _), (xv, _) = training.split(*mnist.subset(x, x[:, 0], 300, seed=4), 0.2, seed=4)
    train_rows, val_rows = training.split_indices(1000, config, config.seed)
    assert x[train_rows].tolist() == xt.tolist() and x[val_rows].tolist() == xv.tolist()
    all_rows, none = training.split_indices(1000, config.replace(subset=None, validation_split=0.0), 0)
    assert none is None and all_rows.tolist() == list(range(1000))


def test_steps_per_execution_fit_the_time_target_and_the_epoch():
    # 1 MMAC per image, batch 128, 2 threads: ~19 ms per step -> 13 steps per quarter second
    assert training.choose_steps_per_execution(1_000_000, 128, 422, 2) == 13
    assert training.choose_steps_per_execution(1_000, 128, 1000, 2) == training.MAX_STEPS_PER_EXECUTION
    assert training.choose_steps_per_execution(1_000, 128, 422, 2) == 422 // 16  # 16 calls an epoch
    assert training.choose_steps_per_execution(1_000, 128, 9, 2) == 1  # short epochs: every batch
    assert training.choose_steps_per_execution(50_000_000, 256, 422, 1) == 1  # slow steps


def test_several_steps_per_execution_report_and_stop_between_executions(data):
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 1 + 3 + 1  # before fit, epoch 1's 3 calls, then 1 call into epoch 2

    reports = []
    result = training.train(TINY, CONFIG, data, on_progress=reports.append, report_every_s=0.0,
                            should_stop=should_stop, steps_per_execution=4)
    batches = [r.batch for r in reports if r.state == "training" and r.epoch == 1][1:]
    assert batches[:3] == [4, 8, 9]  # 9 batches: executions of 4, 4 and the last 1
    assert result.stopped and result.epochs_completed == 1 and calls["n"] == 6
    assert result.model.steps_per_execution == 4


def test_one_cycle_warms_up_then_anneals_and_the_model_stays_the_design(data):
    config = CONFIG.replace(lr_schedule="one_cycle", learning_rate=0.01, epochs=2)
    schedule = training.learning_rate(config, batches_per_epoch=10)  # 20 steps, 5 of warm-up
    rates = [float(schedule(step)) for step in (0, 5, 20)]
    assert rates == pytest.approx([0.001, 0.01, 0.0001], rel=1e-4)
    assert training.learning_rate(CONFIG, 10) == CONFIG.learning_rate
    result = training.train(TINY, config, data)
    assert [l.name for l in result.model.layers] == [l.name for l in build_model(TINY).layers]
    assert isinstance(result.model.optimizer._learning_rate, keras.optimizers.schedules.CosineDecay)
    assert [e["elapsed_s"] for e in result.history] == sorted(e["elapsed_s"] for e in result.history)
