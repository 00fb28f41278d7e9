"""A real `streamlit run app.py` server on loopback and a real headless Chromium driving it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import TEACHER_PASSWORD, stop_process

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Offline-safe flags: without the background-networking ones Chromium keeps dialling out.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def _teacher_hash() -> str:
    from cnnlab.classroom.teacher_auth import hash_password

    return hash_password(TEACHER_PASSWORD)


TEACHER_PASSWORD_HASH = _teacher_hash()  # the browser tests' server opens its Teacher page with it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


def start_streamlit(runs_dir: Path, log_path: Path, env: dict[str, str] | None = None
                    ) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` exactly as the README starts it, on a free loopback port, not yet
    waited for; (the process, its URL). `env` adds settings (e.g. CNNLAB_REDIS_URL)."""
    port = _free_port()
    env = dict(os.environ, CNNLAB_RUNS_DIR=str(runs_dir), CNNLAB_MAX_WORKERS="2",
               TF_CPP_MIN_LOG_LEVEL="2", CNNLAB_TEACHER_PASSWORD_HASH=TEACHER_PASSWORD_HASH,
               **(env or {}))
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1"], cwd=REPO, env=env, stdout=log,
            stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def running_servers(count: int, runs_dir: Path, log_dir: Path, env: dict[str, str] | None = None):
    """`count` Streamlit processes sharing one runs folder (and whatever `env` shares), started
    together; yields [{"url", "runs_dir", "process"}, ...] once all are healthy."""
    started = [start_streamlit(runs_dir, log_dir / f"streamlit{i}.log", env) for i in range(count)]
    try:
        for process, url in started:
            _wait_healthy(url, process)
        yield [{"url": url, "runs_dir": runs_dir, "process": process} for process, url in started]
    finally:
        for process, _ in started:
            stop_process(process)


@contextlib.contextmanager
def running_server(runs_dir: Path, log_path: Path):
    """Start the app exactly as the README does (`streamlit run app.py`) on a free loopback port."""
    process, url = start_streamlit(runs_dir, log_path)
    try:
        _wait_healthy(url, process)
        yield {"url": url, "runs_dir": runs_dir, "process": process}
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the browser tests, with runs in a temporary folder."""
    with running_server(tmp_path_factory.mktemp("runs"),
                        tmp_path_factory.mktemp("log") / "streamlit.log") as info:
        yield info


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; CI must have it, a laptop without it skips."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; scripts/install-browser.sh should have installed it")
        pytest.skip("chromium is not installed (run scripts/install-browser.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
