"""A bookmarked page opened first on a freshly started server still gets app.py's navigation."""

import pytest

from cnnlab.classroom.lab_codes import issue
from tests.browser.conftest import running_server
from tests.browser.helpers import wait_for_app

pytestmark = pytest.mark.browser


def test_first_visit_to_a_deep_link_uses_the_apps_navigation(browser, tmp_path):
    with running_server(tmp_path / "runs", tmp_path / "streamlit.log") as server:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server['url']}/draw?lab={issue(server['runs_dir'])}")
        wait_for_app(page)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        context.close()
    # st.navigation's titles, not file names, and no entry for app.py itself.
    assert "Draw & predict" in nav and "Convolution explained" in nav
    assert "app" not in nav.split()
