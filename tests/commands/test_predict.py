"""`python -m cnnlab predict RUN_DIR IMAGE.png [--json]` end to end with a real saved model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from cnnlab.__main__ import main
from cnnlab.training.mnist import load_mnist
from cnnlab.drawing.preprocess import preprocess_digit
from tests.drawing.test_predict import tiny_model

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    model = tiny_model(seed=3)
    model.save(folder / "model.keras")
    return folder, model


def _digit_png(tmp_path, index: int = 0):
    digit = load_mnist().x_test[index, ..., 0]
    path = tmp_path / "digit.png"
    Image.fromarray((digit * 255).round().astype(np.uint8)).save(path)
    return path, digit


def test_json_output_matches_the_model(run_dir, tmp_path, capsys):
    folder, model = run_dir
    png, digit = _digit_png(tmp_path)
    assert main(["predict", str(folder), str(png), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    x = preprocess_digit((digit * 255).round().astype(np.uint8)).model_input
    expected = model.predict(x, verbose=0)[0]
    assert result["prediction"] == int(expected.argmax())
    np.testing.assert_allclose(result["probabilities"], expected, atol=2e-6)
    assert len(result["probabilities"]) == 10


def test_text_output_has_one_line_per_digit_with_a_bar(run_dir, tmp_path, capsys):
    folder, model = run_dir
    png, _ = _digit_png(tmp_path, 1)
    assert main(["predict", str(folder / "model.keras"), str(png)]) == 0  # the file itself works too
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("predicted digit: ")
    digit = int(lines[0].split()[2])
    assert [line.split()[0] for line in lines[1:]] == [str(d) for d in range(10)]
    bars = [line.count("#") for line in lines[1:]]
    percents = [float(line.split()[1].rstrip("%")) for line in lines[1:]]
    assert bars[digit] == max(bars) and percents[digit] == max(percents)
    assert all(abs(b - p / 100 * 40) <= 0.5 + 0.02 for b, p in zip(bars, percents))
    assert abs(sum(percents) - 100) < 1


def test_bad_image_and_bad_model_exit_2_with_the_message(run_dir, tmp_path, capsys):
    folder, _ = run_dir
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    assert main(["predict", str(folder), str(notes)]) == 2
    err = capsys.readouterr().err
    assert "notes.txt is not a PNG or JPEG image" in err and "Traceback" not in err

    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50)).save(blank)
    assert main(["predict", str(folder), str(blank)]) == 2
    assert "canvas is empty" in capsys.readouterr().err

    png, _ = _digit_png(tmp_path)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.keras").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["predict", str(broken), str(png)]) == 2
    assert "model.keras" in capsys.readouterr().err

    assert main(["predict", str(tmp_path / "missing"), str(png)]) == 2
    assert "no model.keras" in capsys.readouterr().err
    assert main(["predict", str(folder), str(tmp_path / "nope.png")]) == 2
    assert "Cannot read the image" in capsys.readouterr().err


def test_a_model_that_is_not_a_digit_classifier_is_refused(tmp_path, capsys):
    model = tiny_model(units=7)
    model.save(tmp_path / "model.keras")
    png, _ = _digit_png(tmp_path)
    assert main(["predict", str(tmp_path), str(png), "--json"]) == 2
    assert "10" in capsys.readouterr().err
