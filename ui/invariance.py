"""Streamlit glue for the invariance lab: the models to compare, their answers on one changed
digit, and their robustness curves computed once per model file for the whole server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from cnnlab.classroom.settings import Settings
from cnnlab.drawing.predict import predict_probabilities
from cnnlab.errors import LabError
from cnnlab.i18n import _
from ui import draw as draw_glue
from ui import resources

MODELS_KEY = "invariance_models"
LAST_DRAWING_KEY = "draw_last_digit"  # the Draw page keeps its last prepared 28x28 digit here
PAGE_IMAGES, PAGE_DRAWN = 2_000, 200  # test digits per condition on the page, digits redrawn per pen
MAX_MODELS = 4


def pick_models(config: Settings, owner: str) -> dict[str, str]:
    """A multiselect of up to four models (the shipped one and the student's runs): path -> label."""
    options = draw_glue.model_options(config, owner)
    default = [p for p in options if (Path(p) / "model.keras").is_file()][:2]
    kept = [p for p in st.session_state.get(MODELS_KEY, default) if p in options]
    st.session_state[MODELS_KEY] = kept
    chosen = st.multiselect(_("Models to compare"), list(options), format_func=options.get,
                            key=MODELS_KEY, max_selections=MAX_MODELS,
                            help=_("The shipped model and your runs: try a dense baseline "
                                   "against a CNN, or the same design trained with and without "
                                   "augmentation."))
    return {p: options[p] for p in chosen}


def answers(models: dict[str, str], original: np.ndarray, changed: np.ndarray
            ) -> list[tuple[str, np.ndarray | None, np.ndarray | None, str | None]]:
    """(label, probabilities on the original, on the changed digit, problem) per model."""
    out = []
    for path, label in models.items():
        try:
            model = resources.model(path)
            out.append((label, predict_probabilities(model, original),
                        predict_probabilities(model, changed), None))
        except (LabError, OSError) as err:
            out.append((label, None, None, str(err)))
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def _curves(path: str, mtime_ns: int) -> dict[str, Any]:
    from cnnlab.evaluation.robustness import robustness_run

    resources.settle_keras()
    return robustness_run(path, n_images=PAGE_IMAGES, drawn_images=PAGE_DRAWN, data=resources.mnist())


def _mtime(path: str) -> int:
    try:
        return (Path(path) / "model.keras").stat().st_mtime_ns
    except OSError:
        return 0


def cached_curves(path: str) -> dict[str, Any] | None:
    """The curves when the run's robustness.json already holds them, else None (nothing computed)."""
    from cnnlab.evaluation.robustness import robustness_run

    try:
        return robustness_run(path, n_images=PAGE_IMAGES, drawn_images=PAGE_DRAWN,
                              data=resources.mnist(), cache_only=True)
    except (LabError, OSError):
        return None


def curves(path: str) -> dict[str, Any]:
    """Compute (or fetch) a model's curves; LabError for a missing or broken model."""
    return _curves(path, _mtime(path))
