"""Issue 10 item 3 in a real browser: two `streamlit run` processes behind nginx configured from
deploy/nginx.conf (tests/nginx_fixtures.py), both on the same Redis (real RQ workers train) and
the same runs folder. A student opens the app through nginx, gets a lab code and starts a
training; then the process that serves them is killed (-9). The page reconnects through nginx
to the other process and still shows their lab code, their running (or by then finished) job
with its name, and, once it is done, their saved run."""

from __future__ import annotations

import secrets

import psutil
import pytest

from tests.browser.conftest import running_servers
from tests.browser.helpers import (exceptions, lab_code, open_page, page_text, read_training,
                                   start_training, wait_idle)
from tests.nginx_fixtures import running_nginx
from tests.redis_fixtures import wait_for

pytestmark = pytest.mark.browser


def websocket_holders(servers: list[dict]) -> list[dict]:
    """The Streamlit processes that hold an open connection from nginx on their port: nginx
    opens a connection per plain request and closes it, so between page loads only the
    student's websocket stays open, on the process that serves them."""
    holders = []
    for server in servers:
        port = int(server["url"].rsplit(":", 1)[1])
        if server["process"].poll() is None and any(
                c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port
                for c in psutil.Process(server["process"].pid).net_connections(kind="tcp")):
            holders.append(server)
    return holders


def shows_job(page, name: str) -> bool:
    """The Train page lists the job by name with a live or finished headline, nothing failed."""
    reading = read_training(page, 0.0)
    if "stopped unexpectedly" in reading.status or exceptions(page):
        raise AssertionError(f"the job failed or the page raised: {reading.status}")
    return name in page_text(page) and reading.status.startswith(("Epoch", "Starting", "Done"))


@pytest.mark.timeout(240)
def test_a_student_keeps_lab_code_runs_and_job_when_their_process_dies(rq_workers, page, tmp_path):
    shared = {"CNNLAB_REDIS_URL": rq_workers.url,
              "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}  # the same for every process
    with running_servers(2, rq_workers.runs_dir, tmp_path, shared) as servers, \
            running_nginx([int(s["url"].rsplit(":", 1)[1]) for s in servers],
                          tmp_path / "nginx") as url:
        lab = open_page(page, url)  # "/" through nginx: a lab code issued by one process
        assert open_page(page, url, "train", lab) == lab
        name = f"failover {secrets.token_hex(3)}"
        start_training(page, 3000, 2, name)  # ~20 s on an RQ worker: it runs on after the kill
        wait_for(lambda: shows_job(page, name), timeout=60, what="the job on the page", every=0.2)
        wait_idle(page)
        (serving,) = wait_for(lambda: websocket_holders(servers) or None, timeout=20,
                              what="the process holding the student's websocket")
        (other,) = [s for s in servers if s is not serving]

        serving["process"].kill()  # its machine gone: no goodbye to the browser
        serving["process"].wait(10)

        # the page reconnects through nginx to the other process, which reruns it
        wait_for(lambda: websocket_holders(servers) == [other], timeout=60,
                 what="the websocket to reach the other process", every=0.2)
        wait_for(lambda: shows_job(page, name), timeout=60, what="the job after reconnecting",
                 every=0.2)
        wait_idle(page)
        assert lab_code(page) == lab and f"lab={lab}" in page.url

        # the job goes on on the worker; once done, the other process lists the saved run
        wait_for(lambda: read_training(page, 0.0).status.startswith("Done"), timeout=120,
                 what="the training to finish", every=0.25)
        wait_idle(page)
        assert name in page_text(page) and not exceptions(page)
        (meta,) = (rq_workers.runs_dir / lab).glob("*/meta.json")
        assert name in meta.read_text()
        assert websocket_holders(servers) == [other]
