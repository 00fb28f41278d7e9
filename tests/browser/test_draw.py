"""Draw & predict in a real browser: mouse strokes on the canvas are read by the shipped model."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import clear_canvas, draw_digit, exceptions, open_page, title

pytestmark = pytest.mark.browser


def test_drawn_digits_are_read_by_the_default_model(server, page):
    lab = open_page(page, server["url"])  # "/" first: a fresh server starts there
    assert open_page(page, server["url"], "draw", lab) == lab
    assert "draw" in title(page).lower()
    # a student without runs gets the shipped model
    expect(page.get_by_role("combobox", name="Model")).to_have_value(re.compile("^Default model"))
    read = {}
    for digit in ("1", "7", "0"):
        read[digit], probability = draw_digit(page, digit)
        assert probability.endswith("%")
        assert not exceptions(page)
        clear_canvas(page)
    assert read == {"1": "1", "7": "7", "0": "0"}
    assert page.locator('[data-testid="stMetric"]').count() == 0, "Clear empties the prediction"
