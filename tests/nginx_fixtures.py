"""A private nginx on loopback in front of several Streamlit processes, set up as deploy/nginx.conf.

The config is generated from the deployed file itself: its `upstream cnnlab` block (sticky by
the routing cookie, `hash ... consistent`) with the test's ports in place of 8501-8504, its two
`map` blocks and its `location /` block (websocket upgrade, `proxy_next_upstream`, the cookie),
inside a plain-HTTP server on 127.0.0.1. Only TLS is left out, and with it the cookie's `Secure`
flag (a browser drops a Secure cookie sent over plain HTTP). So a test through this nginx tests
what a school deploys. nginx runs in the foreground as a single process (no master/worker
split: no user switch, no root needed) with every file in a temporary folder, and is stopped
after. Debian's nginx comes from scripts/install-nginx.sh; without it the tests skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from cnnlab.paths import REPO_DIR
from tests.redis_fixtures import free_port, wait_for

DEPLOY_CONF = REPO_DIR / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def block(text: str, header: str) -> str:
    """The block `header { ... }` of an nginx config, braces included (nested ones counted)."""
    start = text.index(header + " {")
    depth = 0
    for end in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[start:end + 1]
    raise ValueError(f"unbalanced braces after {header!r} in {DEPLOY_CONF}")


def loopback_config(ports: list[int], listen: int, folder: Path, deployed: str | None = None) -> str:
    """deploy/nginx.conf's upstream, maps and location, on 127.0.0.1:`listen` over plain HTTP,
    sending to the Streamlit processes on `ports`; every file nginx writes under `folder`."""
    deployed = DEPLOY_CONF.read_text() if deployed is None else deployed
    upstream = block(deployed, "upstream cnnlab")
    kept = [line for line in upstream.splitlines() if not re.match(r"\s*server \S+;", line)]
    upstream = "\n".join(kept[:-1] + [f"    server 127.0.0.1:{port};" for port in ports] + [kept[-1]])
    maps = [block(deployed, "map $cookie_cnnlab_route $cnnlab_route"),
            block(deployed, "map $http_upgrade $connection_upgrade")]
    location = block(deployed, "location /").replace(" Secure;", "")
    body_size = re.search(r"client_max_body_size \S+;", deployed).group(0)
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
master_process off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 512; }}
http {{
    access_log {folder / 'access.log'};
{temp}
{upstream}
{chr(10).join(maps)}
server {{
    listen 127.0.0.1:{listen};
    {body_size}
    {location}
}}
}}
"""


@contextmanager
def running_nginx(ports: list[int], folder: Path) -> Iterator[str]:
    """nginx in front of the Streamlit processes on `ports`; yields its http://127.0.0.1:PORT
    once a health check passes through it, and stops it after."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (scripts/install-nginx.sh installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    listen = free_port()
    config = folder / "nginx.conf"
    config.write_text(loopback_config(ports, listen, folder))
    log = open(folder / "stderr.log", "wb")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"),
                                "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{listen}"
    try:
        wait_for(lambda: _healthy(url, process, folder), timeout=30, what="nginx to answer",
                 every=0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _healthy(url: str, process: subprocess.Popen, folder: Path) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"nginx exited: {(folder / 'error.log').read_text(errors='replace')}")
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
