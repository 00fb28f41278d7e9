"""Test-wide settings, set once before any test module imports TensorFlow.

TensorFlow's C++ log level is read when TensorFlow is first imported, so it is set here, at
the top of the first file pytest loads; every test (and every subprocess a test starts, which
inherits the environment) then runs without TensorFlow's start-up chatter.

Hypothesis draws the same examples on every run: a property test that explores freshly each
run can fail on CI with an example no run here ever saw (TensorFlow's CPU kernels have rare
shape-dependent quirks); derandomized, a green run here is a green run there, and a failure
can be reproduced.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from hypothesis import settings  # noqa: E402

settings.register_profile("cnnlab", derandomize=True, database=None)
settings.load_profile("cnnlab")

# a private redis-server and real RQ workers, for the tests of the Redis + RQ training queue
pytest_plugins = ["tests.redis_fixtures"]

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def class_runs(tmp_path_factory):
    """Two tiny real runs (a dense one and a small CNN), trained once for the whole test session;
    tests copy them under their students' lab codes with tests.tiny_runs.copy_run.

    Each is evaluated once on the full test set here, so its evaluation cache (keyed by the
    model's bytes and the test images) travels with every copy: a server that measures a
    submitted copy reads that cache instead of importing TensorFlow.
    """
    from cnnlab.evaluation.evaluate import evaluate_run
    from tests.tiny_runs import CONV, DENSE, train_tiny_run

    runs_dir = tmp_path_factory.mktemp("class-runs")
    runs = {"dense": train_tiny_run(runs_dir, "template-owner", DENSE, "dense"),
            "conv": train_tiny_run(runs_dir, "template-owner", CONV, "conv")}
    for path in runs.values():
        evaluate_run(path)
    return runs
