"""Run downloads: only model.keras and design.json, only real files inside the workspace."""

import os

import pytest

from cnnlab.errors import LabError
from cnnlab.runs.downloads import DOWNLOADS, download_name, mime_type, run_file_bytes


@pytest.fixture
def run(tmp_path):
    folder = tmp_path / "owner" / "20250101-000000-abcdef"
    folder.mkdir(parents=True)
    (folder / "model.keras").write_bytes(b"\x00model")
    (folder / "design.json").write_text('{"layers": []}')
    (folder / "config.json").write_text("{}")
    return folder


def test_reads_the_two_allowed_files(run, tmp_path):
    assert run_file_bytes(run, "model.keras") == b"\x00model"
    assert run_file_bytes(str(run), "design.json", root=tmp_path / "owner") == b'{"layers": []}'


@pytest.mark.parametrize("name", ["config.json", "../design.json", "/etc/passwd", "meta.json", ""])
def test_other_names_are_refused(run, name):
    with pytest.raises(LabError, match="Only model.keras and design.json"):
        run_file_bytes(run, name)


def test_a_run_outside_the_workspace_is_refused(run, tmp_path):
    other = tmp_path / "someone_else"
    other.mkdir()
    with pytest.raises(LabError, match="not in your workspace"):
        run_file_bytes(run, "model.keras", root=other)
    with pytest.raises(LabError, match="not in your workspace"):
        run_file_bytes(run / ".." / ".." / "owner" / run.name / "..", "model.keras",
                       root=tmp_path / "owner")


def test_missing_and_linked_files_are_refused(run, tmp_path):
    (run / "model.keras").unlink()
    with pytest.raises(LabError, match="no model.keras"):
        run_file_bytes(run, "model.keras")
    secret = tmp_path / "secret.json"
    secret.write_text("secret")
    (run / "design.json").unlink()
    os.symlink(secret, run / "design.json")
    with pytest.raises(LabError, match="no design.json"):
        run_file_bytes(run, "design.json")


def test_download_names_and_types():
    assert download_name("adam lr 0.001", "model.keras") == "adam_lr_0.001.keras"
    assert download_name("../x/y", "design.json").endswith(".design.json")
    assert "/" not in download_name("../x/y", "design.json")
    assert mime_type("design.json") == "application/json"
    assert set(DOWNLOADS) == {"model.keras", "design.json"}
    with pytest.raises(LabError):
        download_name("x", "meta.json")
