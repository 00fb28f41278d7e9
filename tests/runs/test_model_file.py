"""Model files: a round trip keeps predictions; anything else is a LabError, never a traceback."""

import io
import zipfile

import keras
import numpy as np
import pytest

from cnnlab.runs import model_file as modelfile
from cnnlab.training.build import build_model
from cnnlab.errors import LabError
from cnnlab.design.spec import Architecture

ARCH = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 2, "kernel_size": 3, "activation": "relu"},
    {"type": "Flatten"}, {"type": "Dense", "units": 10, "activation": "softmax"}]})
MESSAGE = "is not a Keras model file CNN Lab can read"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    model = build_model(ARCH, seed=2)
    path = tmp_path_factory.mktemp("m") / "model.keras"
    modelfile.save_model(model, path, ARCH)
    return model, path


def test_round_trip_keeps_predictions_and_layer_names(saved):
    model, path = saved
    loaded = modelfile.load_model(path)
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert modelfile.check_mnist_model(loaded) is loaded
    assert list(path.parent.iterdir()) == [path]  # no temp file left


def test_saving_leaves_the_optimizer_state_out(tmp_path):
    model = build_model(ARCH, seed=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.train_on_batch(np.zeros((2, 28, 28, 1), "float32"), np.array([1, 2]))
    model.save(tmp_path / "with_optimizer.keras")
    modelfile.save_model(model, tmp_path / "slim.keras", ARCH)
    slim = modelfile.load_model(tmp_path / "slim.keras")
    for a, b in zip(slim.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert (tmp_path / "slim.keras").stat().st_size < 0.6 * (tmp_path / "with_optimizer.keras").stat().st_size


def _zip(**files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name.replace("_", "."), text)
    return buffer.getvalue()


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"hello, I am a text file", "not a zip archive"),
    (_zip(readme_txt="hi"), "no config.json"),
    (_zip(config_json="{not json"), ""),
    (_zip(config_json='{"class_name": "Nope", "config": {}}'), ""),
])
def test_foreign_files_are_refused_kindly(tmp_path, content, reason):
    path = tmp_path / "upload.keras"
    path.write_bytes(content)
    with pytest.raises(LabError) as err:
        modelfile.load_model(path)
    assert MESSAGE in str(err.value) and reason in str(err.value)
    assert "Re-download it or train again." in str(err.value)


def test_truncated_and_missing_files_are_refused(saved, tmp_path):
    _, path = saved
    cut = tmp_path / "cut.keras"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(LabError, match=MESSAGE):
        modelfile.load_model(cut)
    with pytest.raises(LabError, match="does not exist"):
        modelfile.load_model(tmp_path / "nothing.keras")


def test_size_cap_and_bytes_upload(saved):
    _, path = saved
    data = path.read_bytes()
    with pytest.raises(LabError, match="max_upload_bytes"):
        modelfile.load_model(path, max_bytes=100)
    with pytest.raises(LabError, match="max_upload_bytes"):
        modelfile.load_model_bytes(data, max_bytes=100)
    assert modelfile.load_model_bytes(data, "mine.keras").count_params() == build_model(ARCH).count_params()
    with pytest.raises(LabError, match="^mine.keras " + MESSAGE):
        modelfile.load_model_bytes(b"junk", "mine.keras")


def test_a_file_with_another_extension_still_loads(saved, tmp_path):
    _, path = saved
    other = tmp_path / "download.zip"
    other.write_bytes(path.read_bytes())
    assert modelfile.load_model(other).count_params() == build_model(ARCH).count_params()


def test_safe_mode_refuses_code_in_the_file(tmp_path):
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Lambda(lambda t: t * 2)(keras.layers.Flatten()(inputs))
    path = tmp_path / "lambda.keras"
    keras.Model(inputs, outputs).save(path)
    with pytest.raises(LabError, match=MESSAGE):
        modelfile.load_model(path)


def test_non_mnist_models_are_refused():
    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, keras.layers.Dense(10)(keras.layers.Flatten()(inputs)))
    with pytest.raises(LabError, match="28x28x1"):
        modelfile.check_mnist_model(model)


def test_the_missing_default_model_message_gives_the_command_that_made_it():
    """The command the message tells a teacher to run is the one models/default/README.md documents."""
    from cnnlab.paths import DEFAULT_MODEL_DIR
    from cnnlab.runs.model_file import DEFAULT_MODEL_COMMAND, DEFAULT_MODEL_MISSING

    readme = " ".join((DEFAULT_MODEL_DIR / "README.md").read_text().replace("\\\n", " ").split())
    assert DEFAULT_MODEL_COMMAND in readme
    assert DEFAULT_MODEL_COMMAND in DEFAULT_MODEL_MISSING
