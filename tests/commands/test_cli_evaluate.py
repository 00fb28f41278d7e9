"""`python -m cnnlab evaluate RUN_DIR [--json]` on a tiny saved run, and on broken ones."""

import os

import json
import shutil
import subprocess
import sys

import pytest

from cnnlab.__main__ import main
from tests.evaluation.test_evaluate import make_run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("runs"), name="my tiny run")


def test_json_output_matches_the_saved_keras_metrics(run_dir, capsys):
    assert main(["evaluate", str(run_dir), "--json", "--mistakes", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    saved = json.loads((run_dir / "metrics.json").read_text())
    assert out["name"] == "my tiny run" and out["n"] == 10_000
    assert out["accuracy"] == pytest.approx(saved["test_accuracy"], abs=1e-6)
    assert out["loss"] == pytest.approx(saved["test_loss"], rel=1e-4)
    assert sum(map(sum, out["confusion"])) == 10_000
    assert len(out["mistakes"]) == 3 and out["n_mistakes"] >= 3
    assert "probs" not in out


def test_text_report_lists_every_digit_and_the_mistakes(run_dir, capsys):
    assert main(["evaluate", str(run_dir)]) == 0
    text = capsys.readouterr().out
    saved = json.loads((run_dir / "metrics.json").read_text())
    assert f"Test accuracy: {saved['test_accuracy']:.2%}" in text
    assert "Run: my tiny run" in text
    lines = text.splitlines()
    matrix_start = lines.index("Confusion matrix (rows: true digit, columns: predicted):") + 2
    rows = [list(map(int, line.split())) for line in lines[matrix_start:matrix_start + 10]]
    assert [r[0] for r in rows] == list(range(10))
    assert sum(sum(r[1:]) for r in rows) == 10_000
    assert "Most confident mistakes (top 5):" in text
    assert text.count("test image #") == 5


def test_second_run_reports_cached_results(run_dir, capsys):
    main(["evaluate", str(run_dir), "--json"])
    first = json.loads(capsys.readouterr().out)
    main(["evaluate", str(run_dir), "--json"])
    second = json.loads(capsys.readouterr().out)
    assert second["cached"] and second["accuracy"] == first["accuracy"]
    main(["evaluate", str(run_dir), "--json", "--no-cache"])
    assert not json.loads(capsys.readouterr().out)["cached"]


def test_missing_run_exits_2_with_a_message(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "nope")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "error: There is no run" in captured.err


def test_bad_options_exit_2(run_dir, capsys):
    assert main(["evaluate", str(run_dir), "--mistakes", "-1"]) == 2
    assert "--mistakes" in capsys.readouterr().err


def test_corrupt_model_exits_2_in_a_real_process(run_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(run_dir, broken)
    (broken / "model.keras").write_bytes(b"garbage, not a zip")
    (broken / "evaluation.npz").unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-m", "cnnlab", "evaluate", str(broken)],
                          capture_output=True, text=True, timeout=300,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert proc.returncode == 2, proc.stderr
    assert "model.keras is not a Keras model file" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
