"""TrainConfig: defaults, JSON round trip, friendly refusals of bad values and of server caps."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from cnnlab.errors import LabError
from cnnlab.training.config import OPTIMIZERS, TrainConfig
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits


def test_defaults_are_the_documented_ones():
    c = TrainConfig()
    assert (c.optimizer, c.learning_rate, c.momentum, c.batch_size, c.epochs) == ("adam", 1e-3, 0.9, 128, 3)
    assert (c.validation_split, c.label_format, c.subset, c.seed, c.augment) == (0.1, "integer", None, 0, False)


@settings(max_examples=40, deadline=None)
@given(optimizer=st.sampled_from(OPTIMIZERS), lr=st.floats(1e-5, 1.0), batch=st.integers(1, 1024),
       epochs=st.integers(1, 30), split=st.floats(0, 0.5), fmt=st.sampled_from(["integer", "one_hot"]),
       subset=st.one_of(st.none(), st.integers(10, 60000)), augment=st.booleans())
def test_json_round_trip(optimizer, lr, batch, epochs, split, fmt, subset, augment):
    c = TrainConfig(optimizer=optimizer, learning_rate=lr, batch_size=batch, epochs=epochs,
                    validation_split=split, label_format=fmt, subset=subset, augment=augment)
    assert TrainConfig.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    assert c.check(DEFAULT_LIMITS) is c


def test_whole_numbers_from_json_are_accepted_for_float_settings():
    assert TrainConfig.from_dict({"learning_rate": 1, "validation_split": 0}).validation_split == 0.0


@pytest.mark.parametrize("changes, words", [
    ({"optimizer": "adamw"}, "optimizer must be one of adam, rmsprop, sgd"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"learning_rate": float("nan")}, "learning_rate"),
    ({"momentum": 1.0}, "momentum"),
    ({"batch_size": 0}, "batch_size must be a whole number of at least 1"),
    ({"batch_size": 3.5}, "batch_size"),
    ({"epochs": True}, "epochs"),
    ({"validation_split": 0.9}, "validation_split"),
    ({"label_format": "onehot"}, "label_format must be one of integer, one_hot"),
    ({"subset": 5}, "subset must be a whole number of at least 10"),
    ({"augment": "yes"}, "augment must be true or false"),
    ({"seed": -1}, "seed"),
])
def test_bad_values_are_friendly_errors(changes, words):
    with pytest.raises(LabError) as err:
        TrainConfig.from_dict(changes)
    assert words in str(err.value)


def test_unknown_keys_and_non_objects_are_refused():
    with pytest.raises(LabError, match="Unknown training setting.*epoch\\b"):
        TrainConfig.from_dict({"epoch": 3})
    with pytest.raises(LabError, match="JSON object"):
        TrainConfig.from_dict([3])


@pytest.mark.parametrize("changes, cap", [({"epochs": 6}, "max_epochs"),
                                          ({"batch_size": 65}, "max_batch_size"),
                                          ({"subset": 1001}, "max_subset"),
                                          ({}, "max_subset")])  # None means all 60,000 images
def test_caps_are_refused_naming_the_cap(changes, cap):
    limits = Limits(max_epochs=5, max_batch_size=64, max_subset=1000)
    config = TrainConfig(batch_size=32, epochs=2, subset=500).replace(**changes)
    if not changes:
        config = config.replace(subset=None)
    with pytest.raises(LabError, match=cap):
        config.check(limits)
    assert TrainConfig(epochs=5, batch_size=64, subset=1000).check(limits)


def test_the_learning_rate_schedule_is_checked_and_round_trips():
    from cnnlab.training.config import TrainConfig

    config = TrainConfig(lr_schedule="one_cycle")
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert TrainConfig.from_dict({}).lr_schedule == "constant"  # runs saved before it existed
    with pytest.raises(LabError, match="lr_schedule must be one of constant, one_cycle"):
        TrainConfig(lr_schedule="cyclic")
