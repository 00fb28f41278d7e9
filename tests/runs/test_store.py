"""Run folders: safe names, round trip, and no half-written run ever looks complete."""

import json
import multiprocessing
import os
import signal
import time

import numpy as np
import pytest

from cnnlab.paths import REPO_DIR
from cnnlab.runs import store as runs
from cnnlab.training.build import build_model
from cnnlab.errors import LabError
from cnnlab.training.config import TrainConfig
from cnnlab.training.progress import Progress
from cnnlab.design.spec import Architecture
from cnnlab.training.loop import TrainResult

ARCH = Architecture.from_dict({"layers": [{"type": "Flatten"},
                                          {"type": "Dense", "units": 10, "activation": "softmax"}]})
CONFIG = TrainConfig(epochs=2, subset=100)


def fake_result(stopped=False, model=True):
    """A TrainResult with a real (untrained) model, so saving needs no training."""
    history = ({"epoch": 1, "loss": 1.5, "accuracy": 0.6, "val_loss": 1.6, "val_accuracy": 0.5,
                "seconds": 0.4},)
    progress = Progress(state="done", epoch=1, epochs=2, batch=3, batches_per_epoch=3,
                        batch_history=((3, 1.5, 0.6),), epoch_history=history,
                        test_loss=1.4, test_accuracy=0.61)
    return TrainResult(model=build_model(ARCH, seed=1) if model else None, progress=progress,
                       stopped=stopped, epochs_completed=1, precision="float32", test_loss=1.4,
                       test_accuracy=0.61, train_seconds=1.25, eval_seconds=0.5,
                       samples_per_sec=240.0, train_samples=90, val_samples=10, params=7850)


@pytest.mark.parametrize("raw, clean", [
    ("../../etc", "etc"), ("a/b\\c", "a_b_c"), ("", "run"), (None, "run"), ("   ", "run"),
    ("..", "run"), ("My CNN (v2)", "My CNN (v2)"), ("x" * 200, "x" * runs.MAX_NAME),
    ("Versuch \u00fc", "Versuch \u00fc"), ("a\x00b\nc", "a_b_c"),
])
def test_sanitize_name(raw, clean):
    assert runs.sanitize_name(raw) == clean


@pytest.mark.parametrize("bad", ["", "../x", "a/b", ".hidden", "..", "a b", "x" * 65, None, 5])
def test_owner_ids_must_already_be_safe(bad):
    with pytest.raises(LabError, match="workspace id"):
        runs.check_owner(bad)


def test_owner_ids_like_lab_codes_are_accepted():
    from cnnlab.classroom.lab_codes import new_lab_code

    code = new_lab_code()
    assert runs.check_owner(code) == code and runs.check_owner("cli") == "cli"


def test_save_list_load_round_trip(tmp_path):
    path = runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result(), name="../first")
    assert path.parent == tmp_path / "alice"
    assert sorted(p.name for p in path.iterdir()) == sorted(
        ["model.keras", "design.json", "config.json", "history.json", "metrics.json", "meta.json"])
    assert [p.name for p in (tmp_path / "alice").iterdir()] == [path.name]  # no temp folder left
    [info] = runs.list_runs(tmp_path, "alice")
    # the name is kept as typed (it is only data in meta.json; the folder is the run id)
    assert (info.name, info.status, info.test_accuracy, info.params) == ("../first", "complete", 0.61, 7850)
    assert info.train_seconds == 1.25 and info.epochs_completed == 1
    run = runs.load_run(path)
    assert run.arch == ARCH and run.config == CONFIG and run.metrics["test_loss"] == 1.4
    assert run.history["epochs"][0]["val_accuracy"] == 0.5 and run.history["batches"] == [[3, 1.5, 0.6]]
    assert run.meta["versions"]["keras"] and run.meta["timings"]["samples_per_sec"] == 240.0
    assert runs.list_runs(tmp_path, "bob") == []


def test_saved_model_is_the_models_weights(tmp_path):
    from cnnlab.runs.model_file import load_model

    result = fake_result()
    path = runs.save_run(tmp_path, "alice", ARCH, CONFIG, result)
    loaded = load_model(path / "model.keras")
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), result.model.predict(x, verbose=0), rtol=1e-6)


def test_cancelled_runs_are_listed_as_cancelled_and_newest_first(tmp_path):
    old = runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result(), name="old")
    meta = json.loads((old / "meta.json").read_text())
    meta["created"] = "2000-01-01T00:00:00+00:00"
    (old / "meta.json").write_text(json.dumps(meta))
    runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result(stopped=True), name="new")
    assert [(r.name, r.status) for r in runs.list_runs(tmp_path, "alice")] == [
        ("new", "cancelled"), ("old", "complete")]


def test_runs_saved_within_one_second_still_list_newest_first(tmp_path):
    names = [f"run {i}" for i in range(5)]
    for name in names:  # five saves take far less than a second
        runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result(), name=name)
    assert [r.name for r in runs.list_runs(tmp_path, "alice")] == names[::-1]


def test_a_begun_run_without_meta_is_interrupted_or_running(tmp_path):
    path = runs.begin_run(tmp_path, "alice", ARCH, CONFIG, name="live")
    [info] = runs.list_runs(tmp_path, "alice")
    assert (info.name, info.status, info.test_accuracy) == ("live", "interrupted", None)
    assert runs.list_runs(tmp_path, "alice", running=[path])[0].status == "running"
    with pytest.raises(LabError, match="incomplete"):
        runs.load_run(path)
    runs.write_run(path, ARCH, CONFIG, fake_result())  # the worker finishes it
    [info] = runs.list_runs(tmp_path, "alice")
    assert (info.name, info.status) == ("live", "complete")


def test_a_failed_save_leaves_nothing_that_looks_like_a_run(tmp_path, monkeypatch):
    from cnnlab.runs import model_file as modelfile
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(modelfile, "save_model", broken)
    with pytest.raises(OSError):
        runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result())
    assert list((tmp_path / "alice").iterdir()) == []
    with pytest.raises(ValueError, match="no model"):
        runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result(model=False))


def test_damaged_files_give_friendly_errors(tmp_path):
    path = runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result())
    (path / "design.json").write_text("{not json")
    with pytest.raises(LabError, match="cannot be read: design.json"):
        runs.load_run(path)
    (path / "meta.json").write_text("")
    assert runs.list_runs(tmp_path, "alice")[0].status == "interrupted"


def test_rename_and_delete(tmp_path):
    path = runs.save_run(tmp_path, "alice", ARCH, CONFIG, fake_result(), name="a")
    assert runs.rename_run(path, "b/../c") == "b/../c"
    assert runs.list_runs(tmp_path, "alice")[0].name == "b/../c"
    runs.delete_run(path)  # into the trash (a hidden folder), out of the list
    assert runs.list_runs(tmp_path, "alice") == []
    assert [p.name for p in (tmp_path / "alice").iterdir()] == [".trash"]


def test_default_runs_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLAB_RUNS_DIR", str(tmp_path))
    assert runs.default_runs_dir() == tmp_path
    monkeypatch.delenv("CNNLAB_RUNS_DIR")
    assert runs.default_runs_dir() == REPO_DIR / "models" / "runs"


def _save_slowly(runs_dir, run_dir, ready):
    """Child process: start writing the model, signal, then hang mid-file until killed."""
    from cnnlab.runs import model_file as modelfile
    def half_then_hang(model, path, arch=None):
        with open(path.parent / ".model.keras.partial.tmp", "wb") as handle:
            handle.write(b"PK\x03\x04 half a zip")
            handle.flush()
            ready.set()
            time.sleep(600)

    modelfile.save_model = half_then_hang
    if run_dir:
        runs.write_run(run_dir, ARCH, CONFIG, fake_result())
    else:
        runs.save_run(runs_dir, "alice", ARCH, CONFIG, fake_result())


@pytest.mark.parametrize("begun", [True, False])
def test_a_process_killed_mid_save_leaves_no_complete_looking_run(tmp_path, begun):
    run_dir = runs.begin_run(tmp_path, "alice", ARCH, CONFIG, name="k") if begun else None
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_save_slowly, args=(tmp_path, run_dir, ready))
    child.start()
    try:
        assert ready.wait(120)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
    listed = runs.list_runs(tmp_path, "alice")
    if begun:
        assert [(r.run_id, r.status) for r in listed] == [(run_dir.name, "interrupted")]
        assert not (run_dir / "meta.json").exists()
    else:
        assert listed == []  # the half-written run is a hidden temporary folder
