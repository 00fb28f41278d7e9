"""A real, private redis-server and real `python -m cnnlab worker` processes for the tests.

`redis_server` starts Debian's redis-server (scripts/install-redis.sh) on 127.0.0.1 on a free
port, with its files in a temporary folder and no persistence, and stops it at the end of the
session. `rq_workers` starts two workers in their own processes on that server (each imports
TensorFlow once, so they are shared by every test that needs them). Without redis-server the
tests that use them are skipped, as the browser tests are without Chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cnnlab.paths import REPO_DIR
from cnnlab.training import redis_keys as keys

WORKER_QUEUE = keys.QUEUE  # what the app submits to


def wait_for(predicate, timeout=60.0, what="condition", every=0.05):
    """Poll `predicate` until it returns something true; fail naming `what` at the deadline."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


def start_redis(folder: Path) -> RedisServer:
    """redis-server on 127.0.0.1 on a free port (a few tries: another process may take it)."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (scripts/install-redis.sh installs it)")
    import redis

    folder.mkdir(parents=True, exist_ok=True)
    for _ in range(5):
        port = free_port()
        process = subprocess.Popen(
            [executable, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"redis://127.0.0.1:{port}/0"
        end = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < end:
            try:
                if redis.Redis.from_url(url, socket_timeout=1).ping():
                    return RedisServer(url, process)
            except redis.ConnectionError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    raise RuntimeError("could not start a private redis-server")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.process.terminate()
    server.process.wait(10)


@pytest.fixture()
def redis_url(redis_server):
    """The private server's URL, emptied for each test (the shared workers keep running)."""
    client = redis_server.client()
    for key in client.scan_iter("cnnlab:*"):
        client.delete(key)
    client.delete(f"rq:queue:{WORKER_QUEUE}")
    return redis_server.url


@dataclass
class Workers:
    """Worker processes and how to start more; `kill` ends one as the system would (-9)."""

    url: str
    runs_dir: Path
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    threads: int = 1  # TensorFlow threads per worker
    options: tuple[str, ...] = ()  # more `cnnlab worker` flags, e.g. ("--max-jobs", "3")
    queue: str = WORKER_QUEUE

    def start(self, name: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
        process = subprocess.Popen(
            [sys.executable, "-m", "cnnlab", "worker", "--redis", self.url, "--queue", self.queue,
             "--name", name, "--threads", str(self.threads), "--runs-dir", str(self.runs_dir),
             *self.options],
            cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def ready(self, names) -> bool:
        """All named workers are up and registered with RQ (a restarted one under its new pid)."""
        from rq import Worker

        import redis

        for name in names:
            if self.processes[name].poll() is not None:
                raise AssertionError(f"worker {name} exited: {self.log(name)[-2000:]}")
        registered = {w.name: w.pid for w in Worker.all(connection=redis.Redis.from_url(self.url))}
        return all(registered.get(name) == self.processes[name].pid for name in names)

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
            process.wait(10)


    def ensure(self, names) -> None:
        """Start the named workers that are not running (a test may have killed one)."""
        import redis

        for name in names:
            if name not in self.processes or self.processes[name].poll() is not None:
                # a killed worker's registration outlives it; RQ refuses a second worker by its name
                redis.Redis.from_url(self.url).delete(f"rq:worker:{name}")
                self.start(name)
        wait_for(lambda: self.ready(names), timeout=180, what=f"RQ workers {names} to start",
                 every=0.2)


@pytest.fixture(scope="session")
def _worker_pool(redis_server, tmp_path_factory):
    workers = Workers(redis_server.url, tmp_path_factory.mktemp("shared-runs"),
                      tmp_path_factory.mktemp("worker-logs"))
    yield workers
    workers.stop_all()


@pytest.fixture()
def rq_workers(_worker_pool, redis_url):
    """Two real workers on the app's queue, saving runs into a shared temporary runs folder;
    started once per session, and again if a test stopped one."""
    _worker_pool.ensure(["w1", "w2"])
    return _worker_pool
