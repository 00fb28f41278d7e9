"""Atomic writes: a reader sees the old file or the new one, never a mix, and no temp files stay."""

import json
import os

import pytest

from cnnlab.runs import atomic
def _visible(directory):
    return sorted(p.name for p in directory.iterdir())


def test_writes_bytes_text_and_json_and_leaves_no_temp_files(tmp_path):
    atomic.atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    atomic.atomic_write_text(tmp_path / "b.txt", "h\u00e9llo")
    atomic.atomic_write_json(tmp_path / "c.json", {"x": [1, 2.5, None]})
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "h\u00e9llo"
    assert json.loads((tmp_path / "c.json").read_text()) == {"x": [1, 2.5, None]}
    assert _visible(tmp_path) == ["a.bin", "b.txt", "c.json"]
    assert (tmp_path / "a.bin").stat().st_mode & 0o777 == atomic.FILE_MODE


def test_replaces_an_existing_file(tmp_path):
    target = tmp_path / "f.json"
    atomic.atomic_write_json(target, {"v": 1})
    atomic.atomic_write_json(target, {"v": 2})
    assert json.loads(target.read_text()) == {"v": 2}
    assert _visible(tmp_path) == ["f.json"]


def test_a_failed_replace_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "f.txt"
    atomic.atomic_write_text(target, "old")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        atomic.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _visible(tmp_path) == ["f.txt"]


def test_json_refuses_nan_so_files_stay_portable(tmp_path):
    with pytest.raises(ValueError):
        atomic.atomic_write_json(tmp_path / "n.json", {"loss": float("nan")})
    assert _visible(tmp_path) == []


def test_replace_from_a_temp_path_made_by_another_writer(tmp_path):
    tmp = atomic.temp_path(tmp_path, "model.keras", suffix=".keras")
    assert atomic.is_temp_name(tmp.name) and tmp.name.endswith(".keras")
    tmp.write_bytes(b"zip")
    atomic.atomic_replace_from(tmp, tmp_path / "model.keras")
    assert _visible(tmp_path) == ["model.keras"]
    assert not atomic.is_temp_name("model.keras")
