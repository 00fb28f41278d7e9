"""Feature maps, saliency and first-layer filters, checked against Keras and TensorFlow themselves."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab.drawing import look_inside as insight
from cnnlab.training.mnist import load_mnist
from tests.drawing.test_predict import tiny_model

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def digit():
    return load_mnist().x_test[0]


def test_feature_maps_are_every_conv_output_in_order(digit, tmp_path):
    model = tiny_model()
    maps = insight.feature_maps(model, digit)
    assert [m.layer_name for m in maps] == ["conv2d_1", "conv2d_4"]
    assert all(m.kind == "conv" for m in maps)
    for m in maps:
        layer = model.get_layer(m.layer_name)
        assert m.maps.shape == tuple(layer.output.shape[1:])
    first = model.get_layer("conv2d_1")(digit[None])  # the layer on its own
    np.testing.assert_allclose(maps[0].maps, np.asarray(first)[0], rtol=1e-5, atol=1e-6)
    with_pools = insight.feature_maps(model, digit, include_pooling=True)
    assert [m.layer_name for m in with_pools] == ["conv2d_1", "max_pooling2d_2", "conv2d_4"]
    # a Sequential model loaded from disk works too
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, compile=False)
    again = insight.feature_maps(loaded, digit)
    np.testing.assert_allclose(again[1].maps, maps[1].maps, rtol=1e-5, atol=1e-6)


def test_residual_blocks_show_their_output_not_their_insides(digit):
    from cnnlab.training.build import build_model
    from cnnlab.design.spec import Architecture, Conv2D, Dense, GlobalAveragePooling2D, ResidualBlock

    arch = Architecture((Conv2D(4, (3, 3), activation="relu"), ResidualBlock(4), ResidualBlock(8, strides=(2, 2)),
                         GlobalAveragePooling2D(), Dense(10, "softmax")))
    model = build_model(arch, seed=0)
    maps = insight.feature_maps(model, digit)
    assert [(m.layer_name, m.kind) for m in maps] == [
        ("conv2d_1", "conv"), ("residual_block_2_out", "residual"), ("residual_block_3_out", "residual")]
    assert maps[2].maps.shape == tuple(model.get_layer("residual_block_3_out").output.shape[1:]) == (13, 13, 8)
    assert insight.first_layer_filters(model).shape == (3, 3, 1, 4)


def test_models_without_convolutions_have_no_maps_or_filters(digit):
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    assert insight.feature_maps(model, digit) == []
    assert insight.first_layer_filters(model) is None


def test_first_layer_filters_are_the_layer_kernel():
    model = tiny_model()
    filters = insight.first_layer_filters(model)
    np.testing.assert_array_equal(filters, model.get_layer("conv2d_1").get_weights()[0])
    assert filters.shape == (3, 3, 1, 4)


def test_saliency_is_the_normalized_logit_gradient(digit):
    model = tiny_model("softmax")
    twin = tiny_model("linear")  # the same weights, no softmax: its outputs are the logits
    twin.set_weights(model.get_weights())
    probs = np.asarray(model(digit[None], training=False))[0]
    winner = int(probs.argmax())
    x = tf.convert_to_tensor(digit[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        logit = twin(x, training=False)[0, winner]
    expected = np.abs(np.asarray(tape.gradient(logit, x))[0, ..., 0])
    expected /= expected.max()
    ours = insight.saliency(model, digit)
    assert ours.shape == (28, 28) and ours.dtype == np.float32
    assert ours.min() >= 0 and np.isclose(ours.max(), 1)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(insight.saliency(twin, digit, winner), expected, rtol=1e-4, atol=1e-5)
    other = (winner + 1) % 10
    assert not np.allclose(insight.saliency(model, digit, other), ours)
    with pytest.raises(ValueError):
        insight.saliency(model, digit, 10)


def test_saliency_is_zero_where_the_model_cannot_look(digit):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Cropping2D(((0, 0), (0, 14))),  # keep only the left half: (28, 28) -> (28, 14)
        keras.layers.Conv2D(3, 3, activation="tanh"),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    sal = insight.saliency(model, digit)
    assert (sal[:, 14:] == 0).all()
    assert sal[:, :14].max() == 1


def test_an_inspector_builds_its_helper_models_once_and_matches_the_one_off_functions():
    model = _tiny_conv_model_for_inspector()
    x28 = np.random.default_rng(3).random((28, 28), dtype=np.float32)
    inspector = insight.Inspector(model)
    first = inspector.feature_maps(x28)
    extractor = inspector._extractors[False][1]
    second = inspector.feature_maps(x28)
    assert inspector._extractors[False][1] is extractor  # reused, not rebuilt
    for a, b, c in zip(first, second, insight.feature_maps(model, x28)):
        assert np.array_equal(a.maps, b.maps) and np.allclose(a.maps, c.maps)
    assert np.allclose(inspector.saliency(x28), insight.saliency(model, x28))


def _tiny_conv_model_for_inspector():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(3, 3, activation="relu"),
                             keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
