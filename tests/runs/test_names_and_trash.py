"""Issue 14 items 4 and 6: names kept as typed, apart from the folder; deleted runs restorable."""

import json

import pytest

from cnnlab.runs import store, trash
from cnnlab.runs.names import MAX_NAME, clean_name, markdown_escaped


@pytest.mark.parametrize("typed, kept", [
    ("lr=0.01, bs=64 #2", "lr=0.01, bs=64 #2"),
    ("My first CNN ✓", "My first CNN ✓"),
    ("  数字 · Ziffern  ", "数字 · Ziffern"),
    ("../../etc/passwd", "../../etc/passwd"),  # harmless: the folder is the run id
    ("two\nlines\x00", "two lines"),
    ("abc\u202edef", "abcdef"),  # no invisible reversal
    ("", "run"), (None, "run"), ("x" * 200, "x" * MAX_NAME),
])
def test_names_are_kept_as_typed_on_one_line(typed, kept):
    assert clean_name(typed) == kept


def test_markdown_characters_are_escaped_for_display():
    assert markdown_escaped("**bold** _x_ [a](b) :red[c]") == \
        r"\*\*bold\*\* \_x\_ \[a\]\(b\) \:red\[c\]"


def _run(tmp_path, name):
    path = tmp_path / "student-0001" / store.new_run_id()
    path.mkdir(parents=True)
    (path / "meta.json").write_text(json.dumps({"name": name, "created": "2026-01-01"}))
    return path


def test_rename_keeps_the_name_in_meta_and_not_in_the_folder(tmp_path):
    path = _run(tmp_path, "first")
    assert store.rename_run(path, "lr=0.01, bs=64 #2 ✓") == "lr=0.01, bs=64 #2 ✓"
    assert json.loads((path / "meta.json").read_text())["name"] == "lr=0.01, bs=64 #2 ✓"
    assert path.exists()  # same folder


def test_a_deleted_run_waits_in_the_trash_and_can_be_restored(tmp_path):
    path = _run(tmp_path, "kept ✓")
    store.delete_run(path)
    assert not path.exists() and store.list_runs(tmp_path, "student-0001") == []
    [item] = trash.list_trash(path.parent)
    assert item.name == "kept ✓"
    back = trash.restore(item.path)
    assert back == path and (path / "meta.json").is_file()
    assert [r.name for r in store.list_runs(tmp_path, "student-0001")] == ["kept ✓"]
    assert trash.list_trash(path.parent) == []
    with pytest.raises(store.LabError, match="no longer in the trash"):
        trash.restore(item.path)


def test_the_trash_is_emptied_after_keep_days(tmp_path):
    path = _run(tmp_path, "old")
    moved = trash.move_to_trash(path, now=1000.0)
    assert trash.list_trash(path.parent, now=1000.0 + 86400)  # a day later: still there
    assert trash.list_trash(path.parent, now=1000.0 + (trash.KEEP_DAYS + 1) * 86400) == []
    assert not moved.exists()
