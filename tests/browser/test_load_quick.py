"""The class load test at CI size: 4 students in real Chromium, one of them training.

Runs bench/load_test.py's function (its own server, its own port and runs folder) and checks
what must hold at any speed: no session failed, every digit was read right, the training
finished and was saved under its student's lab code. Timings are printed, never asserted.
"""

import os
from pathlib import Path

import pytest

from bench.load_test import LoadConfig, format_report, run_load_test
from tests.browser.conftest import CHROMIUM

pytestmark = pytest.mark.browser

EVERY_ACTION = {"open Convolution", "convolution: stride", "convolution: padding",
                "convolution: test digit", "open Design", "design: pick preset",
                "design: load preset", "design: edit filters", "open Evaluate", "open Draw",
                "draw: digit", "draw: clear", "open Home", "open Train", "train: start"}


def test_quick_class_load():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; scripts/install-browser.sh should have installed it")
        pytest.skip("chromium is not installed (run scripts/install-browser.sh)")
    config = LoadConfig.quick()
    report = run_load_test(config, log=lambda line: None)
    print(format_report(report))

    assert report.failed_sessions == []
    assert report.wrong_digits == 0
    assert report.trainings_started == config.trainings
    assert report.trainings_done == config.trainings
    assert report.trainings_saved == config.trainings
    actions = report.by_action()
    assert EVERY_ACTION <= set(actions), f"missing: {EVERY_ACTION - set(actions)}"
    assert len(actions["open Home"]) == config.sessions * config.rounds
    assert report.probe and not report.probe_errors, report.probe_errors
    # generous sanity bound on the web server's memory after the students left (not a benchmark)
    assert report.rss_mb["server_after"] < 4096
