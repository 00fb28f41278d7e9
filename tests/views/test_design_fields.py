"""Issue 14 item 5: an out-of-range number in a Design field is corrected in the field itself,
said so beside the layer, and the design (and its table) follow the field."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnlab.classroom.limits import Limits
from cnnlab.design.field_bounds import bring_into_range

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "design.py")


pytestmark = pytest.mark.usefixtures("fresh_server")


def test_bring_into_range_says_what_it_did():
    assert bring_into_range("stride", 2, 1, 8) == (2, None)
    fixed, note = bring_into_range("stride", 30, 1, 8)
    assert fixed == 8 and "stride 30 is out of range (1 to 8); set to 8" in note
    assert bring_into_range("kernel", -3, 1, 28)[0] == 1
    assert bring_into_range("rate", 1.5, 0.0, 0.95)[0] == 0.95
    assert bring_into_range("max value", -1.0, 0.0, None)[1].startswith(
        "max value -1 is out of range (0 or more)")
    assert bring_into_range("padding", "same", 1, 8) == ("same", None)


@pytest.mark.parametrize("field, typed, kept, row_field", [
    ("stride_h", 30, 8, "strides"),
    ("kernel_h", -3, 1, "kernel_size"),
    ("filters", 100_000, Limits().max_filters, "filters"),
])
def test_an_out_of_range_value_is_corrected_at_the_field(field, typed, kept, row_field):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    first = at.session_state["design_layers"][0]
    assert first["type"] == "Conv2D"
    uid = first["uid"]
    at.number_input(key=f"design_{uid}_{field}").set_value(typed).run()
    assert not at.exception
    assert at.number_input(key=f"design_{uid}_{field}").value == kept  # the field agrees
    row = at.session_state["design_layers"][0]
    value = row[row_field][0] if isinstance(row[row_field], list) else row[row_field]
    assert value == kept  # ... with the design
    assert any(f"{typed:g} is out of range" in w.value for w in at.warning)
    at.run()  # said once; the corrected value stays
    assert not any("out of range" in w.value for w in at.warning)
    assert at.number_input(key=f"design_{uid}_{field}").value == kept
