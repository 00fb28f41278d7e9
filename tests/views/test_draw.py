"""Draw & predict with AppTest: model choice, prompts, friendly errors, and the page's prediction
equals the model's own (a tiny model trained in the fixture, saved as a real run).

AppTest cannot draw on the canvas component, so images go in through the page's file uploader
(the "Upload a photo" input), which runs the same read_upload -> preprocess -> predict path.
"""

import io
import os
import shutil
import sys

from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from cnnlab.drawing import grid
from cnnlab.drawing import look_inside as insight

from cnnlab.training import mnist

from cnnlab.runs import store as runs
from cnnlab.errors import LabError
from cnnlab.classroom.lab_codes import new_lab_code
from cnnlab.drawing.uploads import read_upload
from cnnlab.runs.model_file import DEFAULT_MODEL_MISSING, load_model
from cnnlab.drawing.predict import predict_probabilities, top_k
from cnnlab.drawing.preprocess import EMPTY_MESSAGE, EMPTY_UPLOAD_MESSAGE, preprocess_digit
from cnnlab.design.spec import Architecture
from cnnlab.text import percent
from tests.tiny_runs import DENSE, train_tiny_run

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "draw.py")
OWNER = new_lab_code()
CONV = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D"},
    {"type": "Conv2D", "filters": 20, "kernel_size": 3, "activation": "relu"},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"}]})


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    train_tiny_run(root, OWNER, CONV, "tiny conv")
    train_tiny_run(root, OWNER, DENSE, "dense only")
    return root


def run_named(runs_dir: Path, name: str) -> Path:
    return next(r.path for r in runs.list_runs(runs_dir, OWNER) if r.name == name)


@pytest.fixture
def at(runs_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(runs_dir))
    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(tmp_path / "no_default_model"))
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.session_state["student_id"] = OWNER
    return app


def png(image: np.ndarray, size: int = 140) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).resize((size, size), Image.NEAREST).save(buf, "PNG")
    return buf.getvalue()


def mnist_png(index: int = 0) -> bytes:
    return png((mnist.load_mnist().x_test[index, :, :, 0] * 255).astype(np.uint8))


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.run()
    at.radio(key="draw_source").set_value("Upload a photo").run()
    return at.file_uploader(key="draw_upload").upload(name, data, "image/png").run()


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_a_fresh_start_renders_the_canvas_prompt_and_explains_the_missing_default_model(at):
    at.run()
    assert not at.exception
    assert at.title[0].value == "Draw & predict"
    assert EMPTY_MESSAGE in [i.value for i in at.info]
    assert DEFAULT_MODEL_MISSING in [w.value for w in at.warning]  # the one message
    assert not at.metric  # nothing is predicted before anything is drawn
    assert at.selectbox(key="draw_model").value == os.environ["CNNLAB_DEFAULT_MODEL_DIR"]


def test_an_uploaded_mnist_digit_is_predicted_as_the_model_itself_predicts(at, runs_dir):
    run = run_named(runs_dir, "tiny conv")
    at.session_state["selected_run"] = str(run)
    data = mnist_png(0)
    upload(at, "seven.png", data)
    assert not at.exception and not at.error
    assert at.selectbox(key="draw_model").value == str(run)  # the run chosen elsewhere
    probs = predict_probabilities(load_model(run / "model.keras"),
                                  preprocess_digit(read_upload(data, "seven.png")).model_input)
    shown = metrics(at)
    for rank, (digit, p) in zip(("1st", "2nd", "3rd"), top_k(probs, 3)):
        assert shown[f"{rank} choice"] == (str(digit), f"{p:.1%}")
    assert shown["1st choice"][0] == str(int(np.argmax(probs)))


def test_a_digit_entered_with_the_keyboard_grid_is_prepared_and_predicted_like_a_drawing(
        at, runs_dir):
    """No mouse: switch cells on row by row; the same preprocessing and prediction follow."""
    run = run_named(runs_dir, "tiny conv")
    at.session_state["selected_run"] = str(run)
    at.run()
    at.radio(key="draw_source").set_value("Keyboard").run()
    assert EMPTY_MESSAGE in [i.value for i in at.info] and not at.metric  # an empty grid
    at.button_group(key="draw_grid_example").set_value("7").run()  # start from the example 7
    rows = grid.pattern_rows(grid.EXAMPLES["7"])
    assert [at.button_group(key=f"draw_grid_row_{r}").value for r in range(grid.ROWS)] == rows
    rows[6] = [3, 4]  # and edit it: one more cell on the last row
    at.button_group(key="draw_grid_row_6").set_value([3, 4]).run()
    assert not at.exception and not at.error
    image = grid.grid_image(grid.cells_from_rows(rows))
    probs = predict_probabilities(load_model(run / "model.keras"),
                                  preprocess_digit(image).model_input)
    shown = metrics(at)
    for rank, (digit, p) in zip(("1st", "2nd", "3rd"), top_k(probs, 3)):
        assert shown[f"{rank} choice"] == (str(digit), f"{p:.1%}")
    table = at.table[0].value  # the chart's text alternative: all ten probabilities
    assert list(table["Probability"]) == [f"{p:.1%}" for p in probs]


def test_the_network_view_shows_every_convolution_and_the_toggle_hides_it(at, runs_dir):
    run = run_named(runs_dir, "tiny conv")
    at.session_state["selected_run"] = str(run)
    data = mnist_png(1)
    upload(at, "digit.png", data)
    x28 = preprocess_digit(read_upload(data, "digit.png")).final28
    layers = insight.feature_maps(load_model(run / "model.keras"), x28)
    assert [layer.maps.shape[2] for layer in layers] == [4, 20]
    text = " ".join(m.value for m in at.markdown)
    for layer in layers:
        assert layer.layer_name in text
    assert "first 16 of its 20 maps" in text and "all 4 maps" in text
    charts = len(at.get("plotly_chart"))  # bars, steps, final 28x28, saliency, one grid per layer
    assert charts == 4 + len(layers)
    at.toggle(key="draw_insight").set_value(False).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3
    assert not any(layer.layer_name in m.value for m in at.markdown for layer in layers)


def test_a_model_without_convolutions_says_it_has_no_feature_maps(at, runs_dir):
    at.session_state["selected_run"] = str(run_named(runs_dir, "dense only"))
    upload(at, "digit.png", mnist_png(2))
    assert not at.exception and at.metric
    assert any("no convolution layers" in i.value for i in at.info)


def test_the_default_model_is_used_when_no_run_is_selected(at, runs_dir, monkeypatch):
    run = run_named(runs_dir, "tiny conv")
    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(run))
    data = mnist_png(3)
    upload(at, "digit.png", data)
    # no warning about the model (a tiny model may be unsure, which the page says honestly)
    assert not at.exception and all("does not look like a digit" in w.value for w in at.warning)
    probs = predict_probabilities(load_model(run / "model.keras"),
                                  preprocess_digit(read_upload(data, "digit.png")).model_input)
    assert metrics(at)["1st choice"][0] == str(int(np.argmax(probs)))


def test_an_empty_picture_shows_the_prompt_instead_of_a_prediction(at, runs_dir):
    at.session_state["selected_run"] = str(run_named(runs_dir, "tiny conv"))
    upload(at, "blank.png", png(np.zeros((28, 28), np.uint8)))
    assert not at.exception and not at.error
    # an upload is not a canvas: the prompt speaks of the image (issue 14.8)
    assert [i.value for i in at.info] == [EMPTY_UPLOAD_MESSAGE]
    assert not at.metric
    upload(at, "tiny.png", png(np.full((3, 3), 255, np.uint8)))
    assert not at.exception and "canvas" not in " ".join(i.value for i in at.info)


def test_a_file_that_is_not_an_image_shows_the_friendly_error(at, runs_dir):
    at.session_state["selected_run"] = str(run_named(runs_dir, "tiny conv"))
    upload(at, "notes.png", b"this is a text file, not a picture")
    with pytest.raises(LabError) as err:
        read_upload(b"this is a text file, not a picture", "notes.png")
    assert not at.exception
    assert [e.value for e in at.error] == [str(err.value)]
    assert not at.metric


def test_a_corrupt_model_file_shows_the_friendly_message_and_still_prepares_the_digit(
        at, runs_dir, tmp_path, monkeypatch):
    run = run_named(runs_dir, "tiny conv")
    broken = tmp_path / "runs" / OWNER / run.name
    shutil.copytree(run, broken)
    (broken / "model.keras").write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    with pytest.raises(LabError) as err:
        load_model(broken / "model.keras")
    at.session_state["selected_run"] = str(broken)
    upload(at, "digit.png", mnist_png(4))
    assert not at.exception
    assert at.selectbox(key="draw_model").value == str(broken)
    assert str(err.value) in [w.value for w in at.warning]
    assert not at.metric
    assert len(at.get("plotly_chart")) == 2  # the preparation steps still show


def test_a_selected_run_that_no_longer_exists_falls_back_to_the_default_model(at, tmp_path):
    at.session_state["selected_run"] = str(tmp_path / "deleted_run")
    at.run()
    assert not at.exception
    assert at.selectbox(key="draw_model").value == os.environ["CNNLAB_DEFAULT_MODEL_DIR"]
    assert at.selectbox(key="draw_model").options[0].startswith("Default model")


def test_choosing_a_model_is_shared_with_the_other_pages(at, runs_dir):
    run = run_named(runs_dir, "dense only")
    at.run()
    labels = at.selectbox(key="draw_model").options
    for info in runs.list_runs(runs_dir, OWNER):
        assert f"{info.name} ({percent(info.test_accuracy)} test accuracy)" in labels
    at.selectbox(key="draw_model").set_value(str(run)).run()
    assert at.session_state["selected_run"] == str(run)
    at.selectbox(key="draw_model").set_value(os.environ["CNNLAB_DEFAULT_MODEL_DIR"]).run()
    assert at.session_state["selected_run"] is None
    assert not at.exception


def test_clear_gives_a_new_empty_canvas(at):
    at.run()
    assert at.session_state["draw_canvas_count"] == 0
    at.button(key="draw_clear").click().run()
    assert at.session_state["draw_canvas_count"] == 1
    assert EMPTY_MESSAGE in [i.value for i in at.info]
    assert not at.exception


def test_reruns_keep_keras_state_for_every_session(monkeypatch, tmp_path):
    """Streamlit would call keras.backend.clear_session() after each run (a full garbage
    collection and TensorFlow's kernel cache thrown away); the server switches that off."""
    import keras

    cleared = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: cleared.append(1))
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path))
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.session_state["student_id"] = OWNER
    app.run()
    app.run()
    assert not app.exception and "keras" in sys.modules  # the shipped model was loaded
    assert cleared == []


def test_two_digits_get_the_does_not_look_like_a_digit_message(at, monkeypatch):
    from cnnlab.evaluation import drawn, non_digits
    from cnnlab.paths import DEFAULT_MODEL_DIR

    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(DEFAULT_MODEL_DIR))
    lines = drawn.centre_lines(mnist.load_mnist().x_test[:8, :, :, 0])
    pair = non_digits.two_digits(np.random.default_rng(3), lines)
    buf = io.BytesIO()
    Image.fromarray(pair).save(buf, "PNG")
    upload(at, "pair.png", buf.getvalue())
    assert not at.exception and at.metric  # the guess is still shown, with the doubt above it
    assert any(w.value.startswith("**This does not look like a digit.**") and "more than one digit"
               in w.value for w in at.warning)
    assert "How CNN Lab tells a digit from something else" in [e.label for e in at.expander]
    explained = [m.value for m in at.markdown if "Mahalanobis" in m.value]
    assert explained and "This drawing:" in explained[0] and "the limit:" in explained[0]


def test_a_letter_is_doubted_because_it_is_far_from_every_digit(at, monkeypatch):
    from cnnlab.paths import DEFAULT_MODEL_DIR

    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(DEFAULT_MODEL_DIR))
    letter = np.zeros((280, 280), np.uint8)
    letter[40:240, 50:80] = letter[40:240, 200:230] = letter[125:155, 50:230] = 255  # an H
    buf = io.BytesIO()
    Image.fromarray(letter).save(buf, "PNG")
    upload(at, "h.png", buf.getvalue())
    assert not at.exception and at.metric
    assert any("looks like no digit it learned" in w.value for w in at.warning), [w.value for w in at.warning]
