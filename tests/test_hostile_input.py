"""Issue 14 item 3: every parser of student input is bounded.

Hypothesis throws random and hostile JSON, bytes, images, names and lab codes at each entry
point (design import, design dicts, uploads, run and design names, ?lab=) and asserts that
each either succeeds or raises a LabError with a short message: never RecursionError,
TypeError, MemoryError or a message that echoes megabytes back.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlab.classroom import lab_codes
from cnnlab.classroom import workspace as ws_store
from cnnlab.classroom.limits import Limits
from cnnlab.design import spec
from cnnlab.design.bounded_json import read_bounded_json
from cnnlab.design.editing import read_design_file
from cnnlab.drawing.uploads import read_upload
from cnnlab.errors import LabError

LIMITS = Limits()
MAX_MESSAGE = 600
KEYS = ["type", "filters", "kernel_size", "strides", "padding", "activation", "units", "rate",
        "pool_size", "input_shape", "layers"]
scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats()
           | st.text(max_size=30) | st.sampled_from(list(spec.LAYER_TYPES) + list(spec.ACTIVATIONS)))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=30)
layer_like = st.fixed_dictionaries({"type": st.sampled_from(list(spec.LAYER_TYPES)) | json_values},
                                   optional={k: json_values for k in KEYS[1:9]})
designs = st.fixed_dictionaries({}, optional={"input_shape": json_values,
                                              "layers": st.lists(layer_like, max_size=4)
                                              | json_values})


def hostile_texts():
    """Hand-made attacks: deep brackets, long strings, huge numbers, odd encodings."""
    deep = "[" * 100_000 + "]" * 100_000
    return [deep, "{\"a\":" * 50_000 + "1" + "}" * 50_000, '{"layers": [' + '"x",' * 200_000 + '"x"]}',
            '{"input_shape": [28, 28, 1], "layers": [{"type": "' + "A" * 500_000 + '"}]}',
            '{"layers": [{"type": "Dense", "units": ' + "9" * 5000 + "}]}",
            '{"layers": [{"type": "Dense", "units": 1e999}]}', "\ufeff{}", '"\\ud800"', "NaN",
            '{"layers": [{"type": ["Conv2D"]}]}', '{"layers": [{"type": {"a": 1}}]}',
            "[" * 9 + "]" * 9, '"' + "\\\"" * 100_000 + '"']


def assert_friendly(call):
    """`call()` succeeds or raises a short LabError; anything else fails the test."""
    try:
        return call()
    except LabError as err:
        assert 0 < len(str(err)) <= MAX_MESSAGE, str(err)[:200]
        return None


@pytest.mark.parametrize("text", hostile_texts(), ids=range(len(hostile_texts())))
def test_hostile_design_files_get_a_friendly_message(text):
    assert assert_friendly(lambda: read_design_file(text.encode("utf-8", "surrogatepass"),
                                                    LIMITS)) is None


@settings(max_examples=150, deadline=None)
@given(designs)
def test_random_design_dicts_are_parsed_or_refused_in_words(data):
    arch = assert_friendly(lambda: spec.Architecture.from_dict(data))
    if arch is not None:  # anything accepted round-trips through its own JSON
        assert spec.Architecture.from_json(arch.to_json()) == arch


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_random_json_files_are_parsed_or_refused_in_words(value):
    text = json.dumps(value, allow_nan=True)
    assert_friendly(lambda: read_design_file(text.encode(), LIMITS))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_as_design_file_or_image(data):
    assert_friendly(lambda: read_design_file(data, LIMITS))
    assert_friendly(lambda: read_upload(data, "x.png", LIMITS))


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=8, max_size=400), st.text(max_size=300))
def test_damaged_png_headers_and_odd_file_names(tail, name):
    png = b"\x89PNG\r\n\x1a\n" + tail
    assert_friendly(lambda: read_upload(png, name, LIMITS))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.sampled_from(["", " ", "../x", "a" * 5000, "aaaaaaaaaaaa"]))
def test_any_lab_code_in_the_address_is_accepted_only_when_issued(tmp_path_factory, typed):
    runs = tmp_path_factory.getbasetemp() / "lab-fuzz"
    code = assert_friendly(lambda: lab_codes.check_known(runs, typed))
    assert code is None  # nothing was ever issued in this folder


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_design_name_is_kept_or_refused_in_words(name):
    kept = assert_friendly(lambda: ws_store.check_design_name(name))
    if kept is not None:
        assert kept == name.strip() and kept.isprintable()


def test_bounds_are_checked_before_parsing():
    with pytest.raises(LabError, match="nests brackets more than 8 deep"):
        read_bounded_json("[" * 10 + "]" * 10)
    with pytest.raises(LabError, match="at most 200"):
        read_bounded_json(json.dumps({"type": "x" * 201}))
    assert read_bounded_json('{"a": [[1, 2], "x"]}') == {"a": [[1, 2], "x"]}
