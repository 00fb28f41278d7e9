"""Issue 14 item 2: a design that cannot train on MNIST is refused before it is queued, in words."""

import pytest

from cnnlab.design.presets import PRESETS
from cnnlab.design.spec import (Activation, Architecture, Conv2D, Dense, Dropout, Flatten,
                                ReLU)
from cnnlab.errors import LabError
from cnnlab.training.queue import JobManager
from cnnlab.training.config import TrainConfig
from cnnlab.training.trainability import check_trainable, trainability_problem
from cnnlab.training.worker import failure_message

SEVEN = Architecture((Flatten(), Dense(7, "relu")))
COLOUR = Architecture((Flatten(), Dense(10, "softmax")), input_shape=(32, 32, 3))


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_can_train(key):
    assert trainability_problem(PRESETS[key].arch) is None


@pytest.mark.parametrize("arch, words", [
    (SEVEN, "The last layer gives 7 values, but MNIST has 10 classes"),
    (COLOUR, "expects 32x32x3 input images, but the MNIST digits are 28x28x1"),
    (Architecture((Flatten(), Dense(10, "relu"))), "The last layer uses relu"),
    (Architecture((Flatten(), Dense(10), ReLU())), "The last layer uses relu"),
    (Architecture((Conv2D(4, (3, 3)),)), "This design cannot be built"),
])
def test_each_reason_names_the_problem_and_the_fix(arch, words):
    problem = trainability_problem(arch)
    assert problem is not None and words in problem
    assert any(fix in problem for fix in ("Dense(10", "[28, 28, 1]", "Flatten", "softmax"))
    with pytest.raises(LabError) as refusal:
        check_trainable(arch)
    assert str(refusal.value) == problem


def test_linear_scores_and_a_final_dropout_are_trainable():
    assert trainability_problem(Architecture((Flatten(), Dense(10)))) is None
    assert trainability_problem(Architecture((Flatten(), Dense(10, "softmax"),
                                              Dropout(0.1)))) is None
    assert trainability_problem(Architecture((Flatten(), Dense(10),
                                              Activation("softmax")))) is None


def test_the_server_refuses_the_job_with_the_same_message(tmp_path):
    jm = JobManager(tmp_path, max_workers=1)
    try:
        for arch in (SEVEN, COLOUR):
            with pytest.raises(LabError) as refusal:
                jm.submit("student-0001", arch, TrainConfig(epochs=1, subset=100))
            assert str(refusal.value) == trainability_problem(arch)
        assert jm.jobs("student-0001") == []
    finally:
        jm.shutdown()


def test_a_crash_is_told_as_a_sentence_without_tensorflow_class_names():
    class InvalidArgumentError(Exception):
        pass

    message = failure_message(InvalidArgumentError("Graph execution error:"))
    assert "InvalidArgumentError" not in message and "Graph execution" not in message
    assert "your design" in message
