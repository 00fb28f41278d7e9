"""`python -m cnnlab worker`: refuses clearly without a reachable Redis (the working worker is
tested with real jobs in tests/training/test_redis_queue.py)."""

from cnnlab.__main__ import main
from tests.redis_fixtures import free_port


def test_worker_needs_a_redis_url(capsys, monkeypatch):
    monkeypatch.delenv("CNNLAB_REDIS_URL", raising=False)
    assert main(["worker"]) == 2
    assert "give --redis URL" in capsys.readouterr().err


def test_worker_says_when_redis_cannot_be_reached(capsys):
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert main(["worker", "--redis", url]) == 2
    assert f"cannot reach Redis at {url}" in capsys.readouterr().err
