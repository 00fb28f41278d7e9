"""The design commands: summary (table and --json), presets, preset; friendly exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlab.__main__ import main
from cnnlab.design.arithmetic import analyze
from cnnlab.design.presets import PRESETS, get_preset

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _default_caps(monkeypatch, tmp_path):
    """Use the default caps, whatever classroom.toml or the environment say."""
    monkeypatch.setenv("CNNLAB_CONFIG", str(tmp_path / "none.toml"))


def _save(tmp_path: Path, key: str) -> str:
    path = tmp_path / f"{key}.json"
    path.write_text(get_preset(key).arch.to_json())
    return str(path)


@pytest.mark.parametrize("key, total", [("cnn_a", "104,202"), ("cnn_c", "225,034")])
def test_summary_table_reports_the_course_figures(tmp_path, capsys, key, total) -> None:
    assert main(["summary", _save(tmp_path, key)]) == 0
    out = capsys.readouterr().out
    assert f"Total params: {total}" in out
    summary = analyze(get_preset(key).arch)
    for row in summary.layers:
        assert f"{row.name} ({row.type})" in out and row.param_formula in out
    assert f"Multiply-adds per image: {summary.total_macs:,}" in out


def test_summary_json(tmp_path, capsys) -> None:
    assert main(["summary", _save(tmp_path, "resnet_small"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    summary = analyze(get_preset("resnet_small").arch)
    assert data["total_params"] == summary.total_params
    assert len(data["layers"]) == len(summary.layers)
    for got, row in zip(data["layers"], summary.layers):
        assert {"name", "type", "output_shape", "params", "trainable_params",
                "non_trainable_params", "receptive_field", "macs"} <= set(got)
        assert got["output_shape"] == list(row.output_shape) and got["params"] == row.params
        assert got["non_trainable_params"] == row.non_trainable_params


def test_summary_no_formulas(tmp_path, capsys) -> None:
    assert main(["summary", _save(tmp_path, "cnn_a"), "--no-formulas"]) == 0
    out = capsys.readouterr().out
    assert "      params: " not in out and "Total params: 104,202" in out


def test_summary_shows_warnings(tmp_path, capsys) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"layers": [{"type": "Flatten"}, {"type": "Dense", "units": 10}]}')
    assert main(["summary", str(path)]) == 0
    assert "Warnings:" in capsys.readouterr().out


@pytest.mark.parametrize("text, words", [
    ('{"layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 3}, '
     '{"type": "MaxPooling2D", "pool_size": 13}, {"type": "Conv2D", "filters": 4, '
     '"kernel_size": 3}, {"type": "Flatten"}, {"type": "Dense", "units": 10}]}',
     "Layer 3 (Conv2D 4 3x3 valid): its input is 2x2"),
    ('{"layers": [', "not valid JSON"),
    ('{"layers": [{"type": "Dense", "units": 100000}]}', "cap of 4,096 units"),
])
def test_summary_bad_design_exits_2_with_the_message(tmp_path, capsys, text, words) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    assert main(["summary", str(path)]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err and captured.out == ""


def test_summary_missing_file(tmp_path, capsys) -> None:
    assert main(["summary", str(tmp_path / "nope.json")]) == 2
    assert "Cannot read the design file" in capsys.readouterr().err


def test_presets_lists_every_key(capsys) -> None:
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(PRESETS)
    assert all(PRESETS[line.split()[0]].title in line for line in lines)


def test_preset_prints_loadable_json(capsys) -> None:
    assert main(["preset", "lenet5"]) == 0
    assert json.loads(capsys.readouterr().out) == get_preset("lenet5").arch.to_dict()


def test_unknown_preset_exits_2(capsys) -> None:
    assert main(["preset", "cnn_z"]) == 2
    assert "cnn_a" in capsys.readouterr().err


def test_preset_piped_into_summary_in_real_processes(tmp_path) -> None:
    """The documented shell use: `python -m cnnlab preset cnn_c | python -m cnnlab summary -`."""
    env = {"CNNLAB_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"}
    design = subprocess.run([sys.executable, "-m", "cnnlab", "preset", "cnn_c"], capture_output=True,
                            text=True, check=True, env=env, cwd=ROOT).stdout
    done = subprocess.run([sys.executable, "-m", "cnnlab", "summary", "-", "--json"], input=design,
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_params"] == 225_034
    bad = subprocess.run([sys.executable, "-m", "cnnlab", "summary", "-"], input="[]",
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert bad.returncode == 2 and "JSON object" in bad.stderr and "Traceback" not in bad.stderr
