"""The Design page's editable rows: round trip to the spec, stable ids, moves, file import."""

import pytest
from hypothesis import given, settings

from cnnlab.design import spec
from cnnlab.design.layers import BY_TYPE
from cnnlab.design.editing import (architecture, attempt, insert_after, move, new_row,
                                read_design_file, remove, rows_from_arch)
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.classroom.limits import Limits
from cnnlab.design.presets import PRESETS, get_preset
from tests.strategies import valid_architectures


@settings(max_examples=40, deadline=None)
@given(valid_architectures())
def test_rows_round_trip_to_the_same_architecture(arch):
    rows = rows_from_arch(arch, first_uid=10)
    assert [r["uid"] for r in rows] == list(range(10, 10 + len(arch.layers)))
    assert architecture(rows, arch.input_shape) == arch


@pytest.mark.parametrize("kind", list(BY_TYPE))
def test_every_new_layer_is_a_valid_spec_layer(kind):
    row = new_row(kind, 1)
    layer = spec.parse_layer({k: v for k, v in row.items() if k != "uid" and v is not None}, 1)
    assert layer.type == kind
    assert BY_TYPE[kind].explanation


def test_new_row_rejects_unknown_types_and_copies_defaults():
    with pytest.raises(LabError, match="Unknown layer type"):
        new_row("Conv3D", 1)
    a, b = new_row("Conv2D", 1), new_row("Conv2D", 2)
    a["kernel_size"][0] = 7
    assert b["kernel_size"] == [3, 3]


def test_move_insert_remove_keep_ids_and_leave_the_input_alone():
    rows = rows_from_arch(get_preset("cnn_a").arch, 1)
    before = [r["uid"] for r in rows]
    moved = move(rows, 1, +1)
    assert [r["uid"] for r in moved] == [2, 1] + before[2:]
    assert [r["uid"] for r in rows] == before
    assert [r["uid"] for r in move(rows, 1, -1)] == before  # already at the top
    assert [r["uid"] for r in move(rows, before[-1], +1)] == before  # already at the bottom
    inserted = insert_after(rows, 1, new_row("Dropout", 99))
    assert [r["uid"] for r in inserted][:3] == [1, 99, 2]
    assert insert_after(rows, None, new_row("Dropout", 99))[-1]["uid"] == 99
    assert [r["uid"] for r in remove(rows, 2)] == [1] + before[2:]
    with pytest.raises(ValueError):
        remove(rows, 12345)


def test_attempt_returns_errors_with_the_layer():
    rows = rows_from_arch(get_preset("cnn_a").arch, 1)
    ok = attempt(rows, (28, 28, 1), Limits())
    assert ok.ok and ok.summary.total_params == 104_202
    rows[4]["kernel_size"] = [7, 7]
    bad = attempt(rows, (28, 28, 1), Limits())
    assert not bad.ok and bad.error.layer == 5 and bad.arch is None
    assert not attempt([], (28, 28, 1), Limits()).ok
    capped = attempt(rows_from_arch(get_preset("cnn_a").arch, 1), (28, 28, 1),
                     Limits(max_filters=64))
    assert capped.error.layer == 5 and "cap" in str(capped.error)


@pytest.mark.parametrize("key", list(PRESETS))
def test_read_design_file_accepts_exported_presets(key):
    arch = get_preset(key).arch
    assert read_design_file(arch.to_json().encode(), Limits()) == arch
    assert read_design_file(b"\xef\xbb\xbf" + arch.to_json().encode(), Limits()) == arch


@pytest.mark.parametrize("data, words", [
    (b"x" * 101, "at most 100 bytes"),
    (b"\xff\xfe", "not text"),
    (b"[1, 2", "not valid JSON"),
    (b'{"layers": []}', "non-empty"),
    (b'{"layers": [{"type": "Flatten"}, {"type": "Flatten"}]}', "Layer 2"),
])
def test_read_design_file_explains_bad_files(data, words):
    with pytest.raises(LabError, match=words):
        read_design_file(data, Limits(max_upload_bytes=100))


def test_a_failing_layer_still_gets_the_shapes_above_it():
    rows = rows_from_arch(get_preset("cnn_a").arch, 1)
    rows[4]["kernel_size"] = [7, 7]  # layer 5 no longer fits its 5x5 input
    result = attempt(rows, (28, 28, 1), Limits())
    expected = [s.output_shape for s in analyze(get_preset("cnn_a").arch).layers[:4]]
    assert [s.output_shape for s in result.before_error] == expected
    rows = rows_from_arch(get_preset("cnn_a").arch, 1) + [new_row("Conv2D", 99)]  # after Dense
    result = attempt(rows, (28, 28, 1), Limits())
    assert result.error.layer == 8
    assert result.before_error == analyze(get_preset("cnn_a").arch).layers
    assert attempt(rows_from_arch(get_preset("cnn_a").arch, 1)[:1] + [new_row("Flatten", 5)] * 2,
                   (28, 28, 1), Limits()).before_error[0].output_shape == (26, 26, 32)
