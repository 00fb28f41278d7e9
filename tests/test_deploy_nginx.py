"""deploy/nginx.conf as the failover browser test runs it (tests/nginx_fixtures.py): the generated
loopback config keeps the deployed routing (sticky hash, websocket upgrade, next upstream on
error) with the test's ports, and nginx itself accepts it (`nginx -t`)."""

import subprocess
from pathlib import Path

import pytest

from tests.nginx_fixtures import DEPLOY_CONF, NGINX, block, loopback_config


def test_the_loopback_config_is_the_deployed_routing_with_the_tests_ports(tmp_path):
    text = loopback_config([9101, 9102], 9100, tmp_path)
    upstream = block(text, "upstream cnnlab")
    assert "server 127.0.0.1:9101;" in upstream and "server 127.0.0.1:9102;" in upstream
    assert ":8501" not in text and "hash $cnnlab_route consistent;" in upstream
    assert block(DEPLOY_CONF.read_text(), "location /").replace(" Secure;", "") in text
    assert "listen 127.0.0.1:9100;" in text and "ssl" not in text and "Secure" not in text
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (scripts/install-nginx.sh installs it)")
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                            "-c", str(config)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
