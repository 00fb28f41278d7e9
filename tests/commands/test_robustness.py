"""`python -m cnnlab robustness RUN_DIR [--json]` on a tiny saved run: every family, cached, friendly errors."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json

import pytest

from cnnlab.__main__ import main
from cnnlab.evaluation import robustness
from tests.evaluation.test_evaluate import make_run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("runs"), name="tiny for robustness")


def test_json_lists_every_family_and_strength_then_comes_from_the_cache(run_dir, capsys):
    assert main(["robustness", str(run_dir), "--json", "--images", "60", "--drawn", "8"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_images"] == 60 and out["drawn_images"] == 8 and out["cached"] is False
    for fam in robustness.FAMILIES:
        strengths = [s for s, _ in out["curves"][fam.key]]
        expected = sorted(fam.strengths + (() if fam.neutral is None else (fam.neutral,)))
        assert strengths == pytest.approx(expected)
        # accuracies are fractions of 60 (or 8 drawn) images
        n = 8 if fam.key == "drawn" else 60
        assert all(abs(acc * n - round(acc * n)) < 1e-6 for _, acc in out["curves"][fam.key])
    neutral = dict(map(tuple, out["curves"]["rotate"]))[0.0]
    assert neutral == out["clean"]
    assert set(out["person_level"]) == {"shift", "rotate", "scale", "slant", "stroke", "drawn"}
    assert (run_dir / robustness.CACHE_FILE).is_file()
    assert main(["robustness", str(run_dir), "--json", "--images", "60", "--drawn", "8"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["cached"] is True and again["curves"] == out["curves"]


def test_text_report_marks_person_level_strengths(run_dir, capsys):
    assert main(["robustness", str(run_dir), "--images", "60", "--drawn", "8"]) == 0
    text = capsys.readouterr().out
    assert "Test images: 60 (8 redrawn per pen width); cached results" in text
    assert "Rotation (degrees)" in text and "Drawn with the mouse" in text
    assert "      15 *" in text and "      30   " in text
    assert "Worst accuracy within person-level strengths: shift" in text


def test_missing_run_is_a_friendly_error(tmp_path, capsys):
    assert main(["robustness", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: There is no model at") and "Traceback" not in err
