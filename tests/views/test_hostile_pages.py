"""Issue 14 item 3 on the page: a hostile pasted design leaves a working Design page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnlab.design.presets import get_preset

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "design.py")


pytestmark = pytest.mark.usefixtures("fresh_server")


@pytest.mark.parametrize("pasted, words", [
    ("[" * 60_000 + "]" * 60_000, "nests brackets more than"),
    ('{"layers": [{"type": "' + "B" * 5000 + '"}]}', "at most 200 are accepted"),
    ('{"layers": [{"type": ["Conv2D"]}]}', "unknown layer type"),
])
def test_a_hostile_paste_is_refused_in_words_and_the_design_stays(pasted, words):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.text_area(key="design_paste").input(pasted)
    at.button(key="design_use_paste").click().run()
    assert not at.exception
    assert any(words in e.value and len(e.value) < 600 for e in at.error)
    assert at.session_state["design"] == get_preset("recommended").arch
    assert at.table  # the rest of the page is still drawn
