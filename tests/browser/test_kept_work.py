"""Issue 14 item 1 in a real browser: a loaded design survives F5 and the bookmark opened in
another browser (its own cookies and session), because it is kept on the server."""

import pytest
from playwright.sync_api import expect

from cnnlab.design.arithmetic import analyze
from cnnlab.design.presets import PRESETS
from tests.browser.helpers import exceptions, open_page, wait_for_app

pytestmark = pytest.mark.browser
LENET = PRESETS["lenet5"]
LENET_PARAMS = f"{analyze(LENET.arch).total_params:,}"


def _shows_lenet(page) -> None:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Parameters").first
    expect(metric).to_contain_text(LENET_PARAMS, timeout=60_000)
    assert not exceptions(page)


def test_a_loaded_design_survives_reload_and_another_browser(server, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = first.new_page()
        lab = open_page(page, server["url"], "design")
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Start from a preset")
        box.locator('[role="combobox"], input').first.click()
        page.get_by_role("option", name=LENET.title).click()
        page.get_by_role("button", name="Load preset").click()
        _shows_lenet(page)

        page.reload()
        wait_for_app(page)
        _shows_lenet(page)

        bookmark = other.new_page()
        assert open_page(bookmark, server["url"], "design", lab) == lab
        _shows_lenet(bookmark)
    finally:
        first.close()
        other.close()
