"""The worker's main function, run in this process: its messages and its friendly failures."""

import multiprocessing
import threading

from cnnlab.runs import store as runs

from cnnlab.training import worker
from cnnlab.training.config import TrainConfig
from cnnlab.design.spec import Architecture

ARCH = Architecture.from_dict({"layers": [{"type": "Flatten"},
                                          {"type": "Dense", "units": 10, "activation": "softmax"}]})


def _run(spec, cancel=None):
    """worker_main in this process, with a reader thread so a full pipe cannot block it."""
    recv, send = multiprocessing.Pipe(duplex=False)
    out = []

    def read():
        try:
            while True:
                out.append(recv.recv())
        except EOFError:  # worker_main closed its end: all messages are in
            pass

    reader = threading.Thread(target=read)
    reader.start()
    worker.worker_main(spec, send, cancel or threading.Event())
    reader.join(60)
    return out


def _spec(tmp_path, config, design=None):
    run_dir = runs.begin_run(tmp_path, "alice", ARCH, config, name="w")
    return worker.JobSpec("j1", "w", design or ARCH.to_dict(), config.to_dict(), str(run_dir), 1), run_dir


def test_a_job_reports_progress_then_finishes_with_a_complete_run(tmp_path):
    config = TrainConfig(epochs=1, subset=200, batch_size=50)
    spec, run_dir = _spec(tmp_path, config)
    messages = _run(spec)
    kinds = [k for k, _ in messages]
    assert kinds[0] == "progress" and kinds[-1] == "finished" and "failed" not in kinds
    states = [p["state"] for k, p in messages if k == "progress"]
    assert states[0] == "starting" and "training" in states and states[-1] == "saving"
    final = messages[-1][1]
    assert final["run_dir"] == str(run_dir) and final["stopped"] is False
    assert final["progress"]["test_accuracy"] is not None
    assert runs.list_runs(tmp_path, "alice")[0].status == "complete"


def test_a_job_cancelled_before_its_first_epoch_leaves_no_run(tmp_path):
    spec, run_dir = _spec(tmp_path, TrainConfig(epochs=1, subset=200))
    cancel = threading.Event()
    cancel.set()
    messages = _run(spec, cancel)
    assert messages[-1][0] == "finished" and messages[-1][1]["run_dir"] is None
    assert messages[-1][1]["stopped"] is True and not run_dir.exists()


def test_a_bad_design_fails_with_the_friendly_message(tmp_path):
    spec, _ = _spec(tmp_path, TrainConfig(epochs=1, subset=200), design={"layers": []})
    kind, message = _run(spec)[-1]
    assert kind == "failed" and "non-empty list of layers" in message


def test_failure_and_death_messages_are_in_words():
    assert "ran out of memory" in worker.failure_message(MemoryError())
    crash = worker.failure_message(ValueError("boom\nmore"))
    assert "ValueError" not in crash and "boom" not in crash and "your design" in crash
    assert "killed by signal 9" in worker.death_message(-9)
    assert "exit code 1" in worker.death_message(1)
