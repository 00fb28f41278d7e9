"""Train in a real browser: start a short training, watch it live, then find the run on Evaluate."""

import json
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (exceptions, open_page, page_text, select_options,
                                   start_training, wait_for_app, watch_training)

pytestmark = pytest.mark.browser

SUBSET, EPOCHS = 6000, 2  # 5,400 training images x 2 epochs: 43 batches an epoch, ~20 s in all


def test_train_watch_live_then_evaluate(server, page):
    lab = open_page(page, server["url"])  # "/" first: a fresh server starts there
    assert open_page(page, server["url"], "train", lab) == lab
    name = f"e2e live {secrets.token_hex(3)}"
    start_training(page, SUBSET, EPOCHS, name)
    watch = watch_training(page)

    # it was seen running, and its chart grew while it ran
    running = [r for r in watch.readings if r.running]
    assert running, f"the job was never seen running: {watch.readings}"
    assert len({r.status for r in running}) >= 2, "the progress line should change while it runs"
    drawn = [r.points for r in running if r.points]
    assert drawn and max(watch.final.points, *drawn) > min(drawn), (
        f"the live chart never grew: {[(round(r.seconds, 1), r.points) for r in watch.readings]}")
    assert watch.final.status.startswith("Done: test accuracy")
    assert re.search(r"\d+\.\d\d%", watch.final.status)  # cnnlab.text.percent
    assert name in page_text(page)
    assert not exceptions(page)

    # the run was saved in this student's folder, complete
    metas = [json.loads(p.read_text()) for p in (server["runs_dir"] / lab).glob("*/meta.json")]
    assert [m["name"] for m in metas] == [name]
    assert metas[0]["epochs_completed"] == EPOCHS and metas[0]["status"] == "complete"

    # "Evaluate this run" opens Evaluate on that run, keeping the lab code
    page.get_by_role("button", name="Evaluate this run").click()
    page.wait_for_url(re.compile(r"/evaluate\?(.*&)?lab="), timeout=60_000)
    wait_for_app(page)
    assert "evaluate" in page.locator("h1").first.inner_text().lower()
    assert f"lab={lab}" in page.url
    picker = page.get_by_role("combobox", name="Model to evaluate")
    expect(picker).to_have_value(re.compile(re.escape(name)), timeout=60_000)
    expect(page.get_by_text("Test accuracy").first).to_be_visible(timeout=60_000)
    assert not exceptions(page)

    # and Evaluate opened fresh from the address lists it too
    open_page(page, server["url"], "evaluate", lab)
    expect(page.get_by_role("combobox", name="Model to evaluate")).to_be_visible()
    assert any(name in option for option in select_options(page, "Model to evaluate"))
