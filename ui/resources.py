"""Per-server shared resources, created once and shared read-only by every student's session.

Streamlit's own spinner for a cached call ("Running _model(...)") is English and names our
function, so every cache here has show_spinner=False; loading a model, the one slow step a
student waits for, is wrapped in an `st.spinner` with the student's words instead (Streamlit
shows it only after half a second, so a cache hit shows nothing). Never call `model()` or
`inspector()` from inside another cached function: the spinner is an element.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cnnlab.classroom.settings import Settings, load_settings
from cnnlab.i18n import _


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The teacher's settings (classroom.toml + environment), read once per server."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def job_manager():
    """The one training queue of this server: jobs run in worker processes, never in a rerun.

    With `redis_url` set, the queue is on Redis and shared by every web process of the class;
    the trainings run on `python -m cnnlab worker` processes. Otherwise: this server's own pool.
    """
    config = settings()
    if config.redis_url:
        from cnnlab.training.redis_queue import RedisJobs

        return RedisJobs(config.redis_url, config.runs_dir, limits=config.limits)
    from cnnlab.training.queue import JobManager

    return JobManager(config.runs_dir, max_workers=config.max_workers, limits=config.limits,
                      worker_nice=config.worker_nice)


@st.cache_resource(show_spinner=False)
def mnist():
    """The bundled MNIST, loaded once per server (read-only arrays)."""
    from cnnlab.training.mnist import load_mnist

    return load_mnist()


@st.cache_resource(max_entries=8, show_spinner=False)
def _model(path: str, mtime: float):
    from cnnlab.runs.model_file import load_model

    settle_keras()  # every model the server loads goes through here
    return load_model(Path(path))


@st.cache_resource(max_entries=8, show_spinner=False)
def _inspector(path: str, mtime: float):
    from cnnlab.drawing.look_inside import Inspector

    return Inspector(_model(path, mtime))


@st.cache_resource(max_entries=8, show_spinner=False)
def _novelty_meter(path: str, mtime: float):
    from cnnlab.drawing.novelty import NoveltyMeter
    from cnnlab.runs.novelty_file import stats_for_run

    model = _model(path, mtime)
    try:
        return NoveltyMeter(model, stats_for_run(Path(path).parent, model))
    except ValueError:  # no Dense layer, or one too wide to fit a spread for: not measured
        return None


def _key(run_dir: str | Path) -> tuple[str, float]:
    """The model file and its modification time, so a retrained run is never served stale."""
    path = Path(run_dir) / "model.keras"
    return str(path), path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner=False)
def settle_keras() -> bool:
    """Import Keras once per server, keep its state between script runs and gc.freeze() it.

    Once Keras is imported, Streamlit 1.67 calls keras.backend.clear_session() after every
    script run of every session (script_runner._clean_problem_modules): a full garbage
    collection plus TensorFlow's kernel cache emptied, about a sixth of the server's CPU under
    a class's load, and the compiled kernels of every cached model thrown away. The server only
    loads saved models and predicts (models are built in training workers), and Keras keeps
    its naming state per thread, so there is nothing to clear: the hook is switched off.
    Freezing TensorFlow's objects keeps the garbage collections that remain short.
    """
    import gc

    import keras  # noqa: F401
    from streamlit.runtime.scriptrunner import script_runner

    script_runner._clean_problem_modules = _clean_nothing
    gc.freeze()
    return True


def _clean_nothing() -> None:
    """Stands in for Streamlit's per-run Keras/matplotlib cleanup (see settle_keras)."""


def model(run_dir: str | Path):
    """A run's Keras model, loaded once and kept in a small LRU cache (8 models) for all sessions."""
    with st.spinner(_("Loading the model…")):
        return _model(*_key(run_dir))


def inspector(run_dir: str | Path):
    """The feature-map and saliency helper of a run's model, built once per model like the model."""
    with st.spinner(_("Loading the model…")):
        return _inspector(*_key(run_dir))


def novelty_meter(run_dir: str | Path):
    """How unlike the digits a run's model learned a drawing is (cnnlab.drawing.novelty), or
    None for a model it cannot measure. The first call per model may fit the statistics (about
    ten seconds) and save them beside the model; later ones read them."""
    with st.spinner(_("Measuring how real digits look to this model (once per model, about "
                      "ten seconds)…")):
        return _novelty_meter(*_key(run_dir))


@st.cache_resource(show_spinner=False)
def database():
    """The classroom database (challenges, submissions, teacher logins), upgraded to the newest
    migration once per server process."""
    from cnnlab.classroom.db.engine import database_url, open_database

    config = settings()
    return open_database(database_url(config.database_url, config.runs_dir))
