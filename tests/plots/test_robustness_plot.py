"""The robustness curves: one chart per family, one line per model, the person-level range shaded."""

import json

from cnnlab.evaluation.robustness import FAMILIES
from cnnlab.plots.robustness import robustness_curves
from cnnlab.paths import DEFAULT_MODEL_DIR


def test_one_line_per_model_per_family_and_the_person_ranges_shaded():
    result = next(iter(json.loads((DEFAULT_MODEL_DIR / "robustness.json").read_text()).values()))
    fig = robustness_curves({"a": result, "b": result})
    assert len(fig.data) == 2 * len(FAMILIES)
    assert [t.name for t in fig.data if t.showlegend] == ["a", "b"]  # one legend entry per model
    rotate = next(t for t in fig.data if t.name == "a" and "Rotation" in t.hovertemplate)
    assert list(rotate.x) == [s for s, _ in result["curves"]["rotate"]]
    assert list(rotate.y) == [100 * a for _, a in result["curves"]["rotate"]]
    ranges = sorted((s.x0, s.x1) for s in fig.layout.shapes)
    assert ranges == sorted(f.person for f in FAMILIES if f.person is not None)
