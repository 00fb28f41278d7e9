"""Evaluate page with AppTest, on tiny models trained in the fixture and saved as real runs: the
shown scores equal cnnlab.evaluation.evaluate's, a confusion cell shows exactly its images, the comparison
lists the chosen runs, and a damaged model is a friendly message. No default model is needed:
CNNLAB_DEFAULT_MODEL_DIR points at a missing folder, or at a copy of a fixture run.
"""

import base64
import json
import os
import shutil

from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnnlab.evaluation import compare

from cnnlab.evaluation import cache as evalcache

from cnnlab.evaluation import page_text as evaluate_view

from cnnlab.evaluation import evaluate as evaluation


from cnnlab.runs import store as runs
from cnnlab.classroom.lab_codes import new_lab_code
from cnnlab.design.spec import Architecture
from tests.tiny_runs import DENSE, train_tiny_run

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "evaluate.py")
OWNER = new_lab_code()
CONV = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 6, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D"},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"}]})


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    train_tiny_run(root, OWNER, CONV, "tiny conv", validation_split=0.2)
    train_tiny_run(root, OWNER, DENSE, "dense only", validation_split=0.2)
    return root


def run_named(runs_dir: Path, name: str) -> Path:
    return next(r.path for r in runs.list_runs(runs_dir, OWNER) if r.name == name)


@pytest.fixture(scope="module")
def conv_eval(runs_dir):
    """The tiny conv run scored by cnnlab itself, on all 10,000 test images, without any cache."""
    return evaluation.evaluate_run(run_named(runs_dir, "tiny conv"), use_cache=False)


@pytest.fixture
def at(runs_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(runs_dir))
    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(tmp_path / "no_default_model"))
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["student_id"] = OWNER
    return app


def metrics_shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart(at: AppTest, key: str) -> dict | None:
    """The Plotly figure (as JSON) of the chart with this key, None when it is not shown."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    return None


def array(value) -> np.ndarray:
    """A Plotly JSON array: a plain list, or a typed array {"dtype", "bdata", "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape).astype(float)
    return np.array(value, dtype=float)


def compare_table(at: AppTest):
    """The comparison table: the page's last dataframe (st.dataframe has no key without
    on_select)."""
    table = at.dataframe[-1].value
    assert "Multiply-adds per image" in table.columns
    return table


def open_run(at: AppTest, run: Path) -> AppTest:
    at.session_state["selected_run"] = str(run)
    return at.run()


def test_a_fresh_start_without_runs_or_default_model_explains_what_to_do(at):
    at.session_state["student_id"] = new_lab_code()  # a student with no runs yet
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Evaluate a trained model"
    assert any("default model is not installed" in i.value for i in at.info)
    assert any("Train a model on the **Train** page" in i.value for i in at.info)
    assert at.selectbox(key="evaluate_run").options == [evaluate_view.DEFAULT_MISSING]
    assert not at.metric and not at.get("plotly_chart")


def test_the_scores_shown_are_cnnlabs_own_evaluation(at, runs_dir, conv_eval):
    run = run_named(runs_dir, "tiny conv")
    open_run(at, run)
    assert not at.exception and not at.error
    assert at.selectbox(key="evaluate_run").value == str(run)
    shown = metrics_shown(at)
    assert shown["Test accuracy"] == evaluate_view.percent(conv_eval.accuracy)
    assert shown["Test loss"] == f"{conv_eval.loss:.4f}"
    assert shown["Mistakes"] == f"{len(conv_eval.mistakes):,} of 10,000"
    table = at.dataframe[0].value
    assert list(table["Test images"]) == [f"{m.support:,}" for m in conv_eval.per_class]
    assert list(table["Recall"]) == [evaluate_view.percent(m.recall, 1)
                                     for m in conv_eval.per_class]
    figure = chart(at, "evaluate_confusion")
    mistakes = array(figure["data"][0]["z"])
    off = ~np.eye(10, dtype=bool)
    assert np.array_equal(mistakes[off], conv_eval.confusion[off])
    # the evaluation was cached beside the student's run for the next visit
    assert (run / evalcache.CACHE_FILE).is_file()


def test_choosing_a_confusion_cell_shows_exactly_its_images(at, runs_dir, conv_eval):
    open_run(at, run_named(runs_dir, "tiny conv"))
    t, p, count = evaluate_view.top_confusion(conv_eval.confusion)
    assert at.selectbox(key="evaluate_true").value == t
    assert at.selectbox(key="evaluate_pred").value == p
    # a cell beyond the shown limit (a diagonal one) and a small mistake cell
    off = conv_eval.confusion.astype(float) + np.eye(10) * 1e9
    small = np.unravel_index(np.argmin(np.where(off > 0, off, np.inf)), off.shape)
    for true_digit, predicted in ((3, 3), (int(small[0]), int(small[1]))):
        at.selectbox(key="evaluate_true").select(true_digit).run()
        at.selectbox(key="evaluate_pred").select(predicted).run()
        assert not at.exception
        expected = conv_eval.cell(true_digit, predicted)
        assert len(expected) == conv_eval.confusion[true_digit, predicted]
        shown = min(len(expected), evaluate_view.CELL_LIMIT)
        figure = chart(at, "evaluate_cell_images")
        captions = [a["text"] for a in figure["layout"]["annotations"]]
        assert captions == evaluate_view.cell_captions(expected[:shown], conv_eval.probs)
        sentence = evaluate_view.cell_text(true_digit, predicted, len(expected),
                                           conv_eval.per_class[true_digit].support, shown)
        assert sentence in [m.value for m in at.markdown]
        outline = chart(at, "evaluate_confusion")["layout"]["shapes"][0]
        assert (outline["x0"], outline["y0"]) == (predicted - 0.5, true_digit - 0.5)


def test_the_most_confidently_wrong_gallery_lists_the_top_mistakes(at, runs_dir, conv_eval):
    open_run(at, run_named(runs_dir, "tiny conv"))
    figure = chart(at, "evaluate_worst")
    captions = [a["text"] for a in figure["layout"]["annotations"]]
    top = conv_eval.mistakes[:evaluate_view.GALLERY_SIZE]
    assert captions == [evaluate_view.mistake_caption(m) for m in top]


def test_filters_are_shown_for_a_conv_model_and_explained_away_for_a_dense_one(at, runs_dir):
    open_run(at, run_named(runs_dir, "tiny conv"))
    grid = chart(at, "evaluate_filters")
    numbers = array(grid["data"][0]["customdata"])[..., 0]
    assert int(np.nanmax(numbers)) == 6  # one tile per filter
    assert any("edge or stroke detector" in m.value for m in at.markdown)
    open_run(at, run_named(runs_dir, "dense only"))
    assert not at.exception
    assert chart(at, "evaluate_filters") is None
    assert evaluate_view.NO_CONV_NOTE in [i.value for i in at.info]


def test_the_comparison_lists_the_chosen_runs_with_their_numbers(at, runs_dir):
    conv, dense = run_named(runs_dir, "tiny conv"), run_named(runs_dir, "dense only")
    open_run(at, conv)
    assert at.multiselect(key="evaluate_compare").value == [str(conv), str(dense)]
    expected = compare.compare_runs([runs.load_run(conv), runs.load_run(dense)])
    table = compare_table(at)
    assert table.to_dict("records") == evaluate_view.comparison_rows(expected)
    histories = chart(at, "evaluate_histories")
    assert [t["name"] for t in histories["data"]] == ["tiny conv", "dense only"]
    assert at.selectbox(key="evaluate_curve").value == "val_accuracy"
    assert [t["name"] for t in chart(at, "evaluate_size")["data"]] == ["tiny conv", "dense only"]
    at.multiselect(key="evaluate_compare").unselect(str(conv)).run()
    assert not at.exception
    assert list(compare_table(at)["Run"]) == ["dense only"]


def test_a_corrupt_model_shows_the_friendly_message_and_no_traceback(
        at, runs_dir, tmp_path, monkeypatch):
    run = run_named(runs_dir, "tiny conv")
    broken = tmp_path / "runs" / OWNER / run.name
    shutil.copytree(run, broken)
    (broken / evalcache.CACHE_FILE).unlink(missing_ok=True)
    (broken / "model.keras").write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path / "runs"))
    with pytest.raises(evaluation.LabError) as err:
        evaluation.evaluate_run(broken, use_cache=False)
    open_run(at, broken)
    assert not at.exception
    assert [e.value for e in at.error] == [str(err.value)]
    assert not at.metric
    assert compare_table(at)["Run"].tolist() == ["tiny conv"]


def test_the_default_model_is_evaluated_without_writing_into_its_folder(
        at, runs_dir, conv_eval, tmp_path, monkeypatch):
    default = tmp_path / "default"
    shutil.copytree(run_named(runs_dir, "tiny conv"), default)
    (default / evalcache.CACHE_FILE).unlink(missing_ok=True)
    monkeypatch.setenv("CNNLAB_DEFAULT_MODEL_DIR", str(default))
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="evaluate_run").value == str(default)
    assert metrics_shown(at)["Test accuracy"] == evaluate_view.percent(conv_eval.accuracy)
    assert not (default / evalcache.CACHE_FILE).exists()


def test_choosing_a_run_is_shared_with_the_other_pages(at, runs_dir):
    conv, dense = run_named(runs_dir, "tiny conv"), run_named(runs_dir, "dense only")
    at.run()
    assert not at.exception
    # without a default model the newest run is opened
    assert at.selectbox(key="evaluate_run").value == str(dense)
    at.selectbox(key="evaluate_true").select(1).run()
    at.selectbox(key="evaluate_run").set_value(str(conv)).run()
    assert at.session_state["selected_run"] == str(conv)
    assert not at.exception and at.metric
    # another run opens at its own most common mistake
    top = evaluate_view.top_confusion(evaluation.evaluate_run(conv).confusion)[:2]
    assert (at.selectbox(key="evaluate_true").value, at.selectbox(key="evaluate_pred").value) == top
    at.selectbox(key="evaluate_run").set_value(os.environ["CNNLAB_DEFAULT_MODEL_DIR"]).run()
    assert at.session_state["selected_run"] is None
    assert any("default model is not installed" in i.value for i in at.info)
