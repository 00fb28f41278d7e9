"""Every page opens in a real browser without an error, and keeps the student's lab code."""

import re

import pytest

from tests.browser.helpers import wait_for_app

pytestmark = pytest.mark.browser

PAGES = {"": "CNN Lab", "convolution": "Convolution", "design": "Design", "train": "Train",
         "evaluate": "Evaluate", "draw": "Draw", "challenges": "Challenges", "teacher": "Teacher"}


@pytest.mark.parametrize("path, title", PAGES.items())
def test_page_opens_without_error(server, page, path, title):
    page.goto(f"{server['url']}/{path}")
    wait_for_app(page)
    assert title.lower() in page.locator("h1").first.inner_text().lower()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert re.search(r"[?&]lab=[A-Za-z0-9_-]{12,}", page.url), "the lab code should be in the URL"
