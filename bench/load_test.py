"""Load test: a whole class on one CNN Lab server, in real headless Chromium and bare clients.

Starts `streamlit run app.py` on loopback (its own port, runs in a temporary folder), then
drives N concurrent students through the pages while some of them train. B of them are
contexts of one headless Chromium; the others speak Streamlit's websocket protocol directly
(same page runs and widget changes, checked, but no rendering and no drawing), so the
machine's CPU goes to the server rather than to twenty Chromium pages.

  every student, each round: Convolution (stride, padding, test digit), Design (pick and load a
  preset, edit the first layer's filters), Evaluate, Draw (Chromium: draw a digit, check the
  answer, Clear), Home; the first T students (Chromium ones first) start a small training on
  Train, come back to it each round, and at the end wait for it to finish (a bare client
  reruns the Train page every second, as a browser's live panel does).

Page-update latency = from an action (a click on a sidebar page link, a widget change) until the
content that action must produce shows AND the run it asked for has finished (and, in Chromium,
the page has settled). Prints p50/p95 overall, per kind of student and per action; the server's
own latency (a probe client rerunning each page); CPU seconds of the server, its training
workers and the browsers; the server's RSS (the web server alone, the workers separately) at
start, after a warm-up, at peak and after the sessions closed; failed sessions; and whether
every training finished and was saved. See bench/README.md.

    .venv/bin/python bench/load_test.py                  # 20 students (2 in Chromium), 4 trainings
    .venv/bin/python bench/load_test.py --quick          # 4 students (2 in Chromium), 1 training
    .venv/bin/python bench/load_test.py --browsers 20 --json out.json --keep /tmp/load

The browsers run on the same machine as the server, so on a small machine they compete with it
for the CPU (a real class's browsers run on the students' own computers): compare runs on the
same machine only.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from cnnlab.classroom.lab_codes import issue  # noqa: E402
from tests.browser.helpers import (CANVAS, DIGIT_STROKES, IDLE_JS, TRAINING_JS,  # noqa: E402
                                   job_headline, parse_choice, reading_from, stop_process,
                                   training_ended)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 900}
CONV_GRID, CONV_KERNEL = "X (7x7)", "X shape"  # the Convolution page's starting picture/kernel
DRAWN = ("7", "1", "0")


@dataclass(frozen=True)
class LoadConfig:
    """How big the class is and how each student behaves."""

    sessions: int = 20
    browsers: int = 2  # students in real Chromium; the others speak the websocket protocol
    trainings: int = 4  # the first `trainings` students (Chromium ones first) each start one
    rounds: int = 2  # tours of the pages per student
    train_subset: int = 4000
    train_epochs: int = 2
    max_workers: int | None = None  # trainings at once on the server; None: all of them
    think_s: tuple[float, float] = (1.0, 3.0)  # a student's pause between two actions
    ramp_s: float = 5.0  # students arrive spread over this many seconds
    action_timeout_s: float = 90.0  # an action slower than this fails its session
    retry_after_s: float = 10.0  # an action that sent no request at all by then is done again
    train_timeout_s: float = 900.0
    settle_s: float = 10.0  # wait after the sessions closed before the last RSS reading
    warmup: bool = True  # one student opens every page first (imports, caches), as a teacher would
    browser_nice: int = 10  # run the browsers at this nice level (they stand in for the students'
    #                        own computers, so they should not take the server's CPU)
    server_options: tuple[str, ...] = ()  # extra `streamlit run` options, "runner.postScriptGC=true"
    seed: int = 0
    redis_workers: int = 0  # 0: the server trains in its own processes (JobManager); N: on a
    #                        private redis-server with N `python -m cnnlab worker` processes

    @classmethod
    def quick(cls) -> "LoadConfig":
        """A CI-sized run: 4 students, 1 training, 1 round."""
        return cls(sessions=4, browsers=2, trainings=1, rounds=1, train_subset=2000, train_epochs=1,
                   think_s=(0.2, 0.6), ramp_s=2.0, settle_s=3.0)


@dataclass
class Timing:
    action: str
    seconds: float  # in the browser: action -> expected content shown and the run finished
    session: int
    at: float  # seconds since the load started
    server_s: float | None = None  # on the wire: first rerun request sent -> last run finished
    kind: str = "browser"  # browser | protocol (a bare websocket client, no rendering)


@dataclass(frozen=True)
class RoundTrip:
    """One script (or fragment) run seen on the websocket: request sent -> 'finished' received."""

    sent: float
    finished: float
    fragment: bool

    @property
    def seconds(self) -> float:
        return self.finished - self.sent


@dataclass
class SessionResult:
    index: int
    lab: str = ""
    trains: bool = False
    run_name: str = ""
    timings: list[Timing] = field(default_factory=list)
    error: str | None = None
    wrong_digits: list[str] = field(default_factory=list)
    training_done: bool = False
    round_trips: list[RoundTrip] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)  # actions the page dropped, made again
    kind: str = "browser"  # browser: a Chromium context; protocol: a bare websocket client


@dataclass
class LoadReport:
    config: LoadConfig
    machine: dict[str, Any]
    seconds: float
    timings: list[Timing]
    first_loads: list[float]  # the first full page load of each student (not in the latency)
    failed_sessions: list[tuple[int, str]]
    wrong_digits: int
    trainings_started: int
    trainings_done: int  # seen "Done" on the Train page
    trainings_saved: int  # complete run folders with the expected name, under the right lab code
    rss_mb: dict[str, float]
    warmup_s: float | None
    round_trips: list[RoundTrip] = field(default_factory=list)
    probe: list[tuple[str, float]] = field(default_factory=list)  # (page, seconds) server alone
    probe_errors: list[str] = field(default_factory=list)
    cpu_s: dict[str, float] = field(default_factory=dict)
    retried: list[str] = field(default_factory=list)  # "student 3: draw: digit", made again

    def probe_times(self, page: str | None = None) -> list[float]:
        return sorted(t for p, t in self.probe if page in (None, p))

    @property
    def latencies(self) -> list[float]:
        return [t.seconds for t in self.timings]

    def server_times(self, fragment: bool = False) -> list[float]:
        """Every script run's round trip on the wire (or every fragment run's), sorted."""
        return sorted(t.seconds for t in self.round_trips if t.fragment == fragment)

    def percentile(self, q: float, action: str | None = None, kind: str | None = None) -> float:
        return _percentile(self.latencies_of(action, kind), q)

    def latencies_of(self, action: str | None = None, kind: str | None = None) -> list[float]:
        """The sorted latencies of this action (all when None) for this kind of student."""
        return sorted(t.seconds for t in self.timings
                      if action in (None, t.action) and kind in (None, t.kind))

    def _server(self, action: str, q: float) -> float:
        return _server_of([t for t in self.timings if t.kind == "browser"], action, q)

    def timeline(self, window_s: float = 30.0) -> list[dict[str, float]]:
        """p50/p95 of the actions begun in each window of the load: is the tail the start-up
        rush (every student's first page, four TensorFlow imports) or the steady state?"""
        windows: dict[int, list[float]] = {}
        for t in self.timings:
            windows.setdefault(int(t.at // window_s), []).append(t.seconds)
        return [{"from_s": w * window_s, "actions": len(v), "p50": _percentile(sorted(v), 50),
                 "p95": _percentile(sorted(v), 95)} for w, v in sorted(windows.items())]

    def by_action(self) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for t in self.timings:
            out.setdefault(t.action, []).append(t.seconds)
        return out

    def to_dict(self) -> dict[str, Any]:
        wire = [t for t in self.timings if t.kind == "browser" and t.server_s is not None]
        return {"config": dataclasses.asdict(self.config), "machine": self.machine,
                "seconds": round(self.seconds, 1),
                "latency_s": {"all": _stats(self.latencies_of()),
                              "browser": _stats(self.latencies_of(kind="browser")),
                              "browser_on_the_wire": _stats(sorted(t.server_s for t in wire)),
                              "protocol": _stats(self.latencies_of(kind="protocol"))},
                "by_action": {a: {"browser": _stats(self.latencies_of(a, "browser")),
                                  "browser_on_the_wire": _stats(sorted(
                                      t.server_s for t in wire if t.action == a)),
                                  "protocol": _stats(self.latencies_of(a, "protocol"))}
                              for a in sorted(self.by_action())},
                "probe_s": {"all": _stats(self.probe_times()), "errors": self.probe_errors,
                            "by_page": {page: _stats(self.probe_times(page))
                                        for page in sorted({p for p, _ in self.probe})}},
                "timeline": self.timeline(),
                "cpu_s": self.cpu_s,
                "first_load_s": _stats(sorted(self.first_loads)),
                "failed_sessions": self.failed_sessions, "wrong_digits": self.wrong_digits,
                "retried_actions": self.retried,
                "trainings": {"started": self.trainings_started, "done": self.trainings_done,
                              "saved": self.trainings_saved},
                "rss_mb": self.rss_mb, "warmup_s": self.warmup_s}


def _stats(sorted_values: list[float]) -> dict[str, float]:
    return {"p50": _percentile(sorted_values, 50), "p95": _percentile(sorted_values, 95),
            "max": sorted_values[-1] if sorted_values else float("nan"),
            "count": len(sorted_values)}


def _server_of(timings: list[Timing], action: str, q: float) -> float:
    return _percentile(sorted(t.server_s for t in timings
                              if t.action == action and t.server_s is not None), q)


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


# ---------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(runs_dir: Path, log_path: Path, max_workers: int,
                 options: tuple[str, ...] = (), redis_url: str | None = None
                 ) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port, runs in `runs_dir`; waits until healthy.
    `options` are extra Streamlit options as "section.name=value"; with `redis_url` the server
    queues its trainings there (CNNLAB_REDIS_URL) instead of training them itself."""
    extra = []
    for option in options:
        name, _, value = option.partition("=")
        extra += [f"--{name.strip()}", value.strip()]
    port = _free_port()
    env = dict(os.environ, CNNLAB_RUNS_DIR=str(runs_dir), CNNLAB_MAX_WORKERS=str(max_workers),
               TF_CPP_MIN_LOG_LEVEL="2")
    if redis_url:
        env["CNNLAB_REDIS_URL"] = redis_url
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *extra],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("streamlit did not become healthy in 90 s")


def start_redis_workers(work: Path, runs_dir: Path, count: int):
    """A private redis-server and `count` RQ workers saving into `runs_dir`, started by the same
    code as the tests' (tests/redis_fixtures.py); (server, workers), both up and registered."""
    from tests.redis_fixtures import Workers, start_redis

    if shutil.which("redis-server") is None:
        raise RuntimeError("redis-server is not installed; scripts/install-redis.sh installs it")
    server = start_redis(work / "redis")
    workers = Workers(server.url, runs_dir, work)
    try:
        workers.ensure([f"load-w{i}" for i in range(1, count + 1)])
    except BaseException:
        stop_redis_workers(server, workers)
        raise
    return server, workers


def stop_redis_workers(server, workers) -> None:
    workers.stop_all()
    server.process.terminate()
    server.process.wait(10)


def stop_server(process: subprocess.Popen) -> None:
    stop_process(process, timeout_s=30)


class MemorySampler:
    """Samples the server's RSS and, separately, the summed RSS of its child processes (the
    training workers); also adds up the CPU time of the server, its workers and the browsers."""

    def __init__(self, pid: int, every_s: float = 0.25, worker_pids: tuple[int, ...] = ()) -> None:
        import psutil

        self._psutil = psutil
        self.process = psutil.Process(pid)
        # RQ workers are not the server's children; they and their work-horses count as its workers
        self.worker_roots = [psutil.Process(p) for p in worker_pids]
        self.every_s = every_s
        self.peak_server = self.peak_children = self.peak_total = 0
        self.max_children = 0
        self._cpu: dict[str, dict[int, float]] = {"server": {}, "workers": {}, "browsers": {}}
        self._cpu_start: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def sample(self) -> tuple[int, int, int]:
        """(server RSS bytes, children RSS bytes, number of children)."""
        psutil = self._psutil
        server = self.process.memory_info().rss
        self._cpu["server"][self.process.pid] = _cpu_seconds(self.process)
        children = 0
        kids = self.process.children(recursive=True)
        for root in self.worker_roots:
            try:
                kids += [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        for child in kids:
            try:
                children += child.memory_info().rss
                self._cpu["workers"][child.pid] = _cpu_seconds(child)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        server_tree = {self.process.pid, *(k.pid for k in kids)}
        for other in psutil.Process().children(recursive=True):  # Playwright's driver, Chromium
            if other.pid not in server_tree:
                try:
                    self._cpu["browsers"][other.pid] = _cpu_seconds(other)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
        return server, children, len(kids)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used since start(), per group (processes that ended count as last seen)."""
        return {group: round(sum(pids.values()) - self._cpu_start.get(group, 0.0), 1)
                for group, pids in self._cpu.items()}

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                server, children, count = self.sample()
            except self._psutil.NoSuchProcess:
                return
            self.peak_server = max(self.peak_server, server)
            self.peak_children = max(self.peak_children, children)
            self.peak_total = max(self.peak_total, server + children)
            self.max_children = max(self.max_children, count)
            self._stop.wait(self.every_s)

    def start(self) -> None:
        self.sample()
        self._cpu_start = {group: sum(pids.values()) for group, pids in self._cpu.items()}
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


def _main_thread_priority() -> None:
    """Give this thread the main thread's nice level back.

    --browser-nice lowers the thread that drives Chromium, and threads it starts inherit that;
    the bare protocol students and the probe stand for other computers' clients, so they run
    at the server's priority, never slowed down with the browsers."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       os.getpriority(os.PRIO_PROCESS, os.getpid()))
    except OSError:  # raising a priority needs root: they stay at the browsers' level
        pass


def _cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


class Probe:
    """A bare Streamlit protocol client (no browser) that reruns a page now and then and times
    request -> "script finished": the server's own latency under load, without any rendering.

    Runs in its own thread and event loop, so the browsers' work never delays its readings.
    """

    PAGES = ("", "convolution", "design", "evaluate", "draw", "train")

    def __init__(self, url: str, lab: str, every_s: float = 1.0) -> None:
        self.url, self.lab, self.every_s = url, lab, every_s
        self.times: list[tuple[str, float]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="protocol-probe")

    def _run(self) -> None:
        _main_thread_priority()
        asyncio.run(self._main())

    async def _main(self) -> None:
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        query = f"lab={self.lab}"
        try:
            async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=self.url,
                                          max_size=None) as socket:
                turn = 0
                while not self._stop.is_set():
                    page = self.PAGES[turn % len(self.PAGES)]
                    turn += 1
                    request = BackMsg()
                    request.rerun_script.query_string = query
                    request.rerun_script.page_name = page
                    start = time.monotonic()
                    await socket.send(request.SerializeToString())
                    while True:
                        message = ForwardMsg()
                        message.ParseFromString(await asyncio.wait_for(socket.recv(), 120))
                        if (message.WhichOneof("type") == "script_finished"
                                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                            break
                    self.times.append((page or "home", time.monotonic() - start))
                    await asyncio.sleep(self.every_s)
        except Exception as exc:  # noqa: BLE001 - reported, never fatal to the load test
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=150)


# ---------------------------------------------------------------------------- expectations
def conv_formula(stride: int, padding: str) -> str:
    """The height formula the Convolution page shows for its starting grid and kernel."""
    from cnnlab.convolution import walkthrough as wt
    from cnnlab.convolution.kernels import KERNELS

    walk = wt.walkthrough(wt.small_grids()[CONV_GRID], KERNELS[CONV_KERNEL].weights, stride,
                          padding)
    return walk.formulas()[0]


def preset_params() -> dict[str, tuple[str, str]]:
    """Preset key -> (its title, its "Parameters" figure as the Design page shows it), for the
    presets whose first layer has filters (so the filters edit applies)."""
    from cnnlab.design.arithmetic import analyze
    from cnnlab.design.table import totals
    from cnnlab.design.presets import PRESETS

    return {key: (p.title, totals(analyze(p.arch))[0].value) for key, p in PRESETS.items()
            if hasattr(p.arch.layers[0], "filters")}


def params_with_first_filters(preset: str, filters: int) -> str:
    """The "Parameters" figure after the first layer of `preset` gets `filters` filters."""
    from cnnlab.design.arithmetic import analyze
    from cnnlab.design.table import totals
    from cnnlab.design.presets import get_preset

    arch = get_preset(preset).arch
    layers = (dataclasses.replace(arch.layers[0], filters=filters),) + tuple(arch.layers[1:])
    return totals(analyze(dataclasses.replace(arch, layers=layers)))[0].value


METRIC_JS = """([label, value]) => Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
    .some(m => { const l = m.innerText.split('\\n').map(s => s.trim()).filter(s => s);
                 return l[0] === label && (value === null || l[1] === value); })"""
METRIC_VALUE_JS = """(label) => { for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const l = m.innerText.split('\\n').map(s => s.trim()).filter(s => s);
    if (l[0] === label) return l[1]; } return null; }"""
CHECKED_JS = """(key) => { const i = document.querySelector('.st-key-' + key + ' input:checked');
    return i ? i.closest('label').innerText.trim() : null; }"""


# ---------------------------------------------------------------------------- one student
class Student:
    """One student's browser context and the timed actions it performs."""

    def __init__(self, index: int, browser, url: str, config: LoadConfig, t0: float,
                 presets: dict[str, tuple[str, str]]) -> None:
        self.index, self.browser, self.url, self.config, self.t0 = index, browser, url, config, t0
        self.presets = presets
        self.rng = random.Random(config.seed * 1000 + index)
        self.result = SessionResult(index, trains=index < config.trainings)
        self.timeout_ms = config.action_timeout_s * 1000
        self.page = None
        self.step = "start"
        self.shots_dir: Path | None = None  # where a failed session leaves a screenshot
        self._outstanding: list[tuple[float, bool]] = []  # rerun requests not yet finished
        self.requests: list[float] = []  # when each rerun request was sent
        self.finishes: list[float] = []  # when each run's "finished" arrived

    # -- the websocket: when each script run was asked for and when it finished ------------
    def watch_socket(self, socket) -> None:
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, str):
            return
        message = BackMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a message of ours: ignore it
            return
        if message.WhichOneof("type") == "rerun_script":
            now = time.monotonic()
            self.requests.append(now)
            self._outstanding.append((now, bool(message.rerun_script.fragment_id)))

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str) or not self._outstanding:
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001
            return
        if (message.WhichOneof("type") == "script_finished"
                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
            now = time.monotonic()
            self.finishes.append(now)
            # a request sent while a run was going ends that run early and folds into the next
            sent, fragment = self._outstanding[0]
            self.result.round_trips.append(RoundTrip(sent, now, fragment))
            self._outstanding.clear()

    # -- plumbing -----------------------------------------------------------------------
    async def idle(self) -> None:
        await self.page.wait_for_function(IDLE_JS, timeout=self.timeout_ms)

    async def timed(self, action: str, do: Callable[[], Awaitable[Any]],
                    expect: Callable[[], Awaitable[Any]], retry: bool = True,
                    settle: bool = True) -> float:
        """Run `do`, wait for `expect`, for a script run asked for after `do` began to have
        finished (seen on the websocket) and for the page to settle; record the seconds.
        settle=False: the Train page with a job running reruns its live view every second and
        under load never settles, so there the finished run and the content are enough."""
        self.step = action
        start = time.monotonic()
        deadline = start + self.config.action_timeout_s
        await do()
        for _ in range(2 if retry else 0):  # an input the page dropped (no request sent) again
            if await self._until(lambda: self._request_since(start), self.config.retry_after_s):
                break
            self.result.retried.append(action)
            await do()
        await expect()
        if not await self._until(lambda: self._finished_since(start), deadline - time.monotonic()):
            raise TimeoutError(f"no script run asked for after the action finished within "
                               f"{self.config.action_timeout_s:g} s")
        if settle:
            await self.idle()
        end = time.monotonic()
        first = self._request_since(start)
        server = max(f for f in self.finishes if f <= end) - first if first else None
        self.result.timings.append(Timing(action, end - start, self.index, start - self.t0,
                                          server))
        await self.check()
        return end - start

    def _request_since(self, start: float) -> float | None:
        return next((r for r in self.requests if r >= start), None)

    def _finished_since(self, start: float) -> bool:
        first = self._request_since(start)
        return first is not None and any(f >= first for f in self.finishes)

    @staticmethod
    async def _until(condition: Callable[[], Any], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    async def check(self) -> None:
        """No exception box, and the lab code is still in the address."""
        errors = await self.page.locator('[data-testid="stException"]').all_inner_texts()
        if errors:
            raise RuntimeError(f"the page shows an exception: {errors[0][:300]}")
        if self.result.lab and f"lab={self.result.lab}" not in self.page.url:
            raise RuntimeError(f"the lab code left the address: {self.page.url}")

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.config.think_s))

    async def visible(self, locator) -> None:
        await locator.first.wait_for(state="visible", timeout=self.timeout_ms)

    async def nav(self, link: str, heading: str, content=None, settle: bool = True) -> None:
        """Click a page in the sidebar; done when its heading (and `content`) show."""
        page = self.page

        async def expect() -> None:
            await self.visible(page.get_by_role("heading", name=heading, level=1))
            if content is not None:
                await self.visible(content())

        await self.timed(f"open {link}",
                         lambda: page.locator('[data-testid="stSidebarNavLink"]').filter(
                             has_text=link).first.click(timeout=self.timeout_ms), expect,
                         settle=settle)

    async def open_tab(self, context) -> None:
        """A new tab in this student's browser context, its websocket watched."""
        self.page = await context.new_page()
        self.page.set_default_timeout(self.timeout_ms)
        self.page.on("websocket", self.watch_socket)

    # -- the pages ----------------------------------------------------------------------
    async def first_load(self) -> float:
        self.step = "first load"
        start = time.monotonic()
        await self.page.goto(f"{self.url}/", timeout=self.timeout_ms)
        await self.visible(self.page.get_by_text("Your lab code"))
        await self.idle()
        match = re.search(r"[?&]lab=([A-Za-z0-9_-]{12,64})", self.page.url)
        if not match:
            raise RuntimeError(f"no lab code in {self.page.url}")
        self.result.lab = match.group(1)
        return time.monotonic() - start

    async def convolution(self) -> None:
        page = self.page
        await self.nav("Convolution", "Convolution explained",
                       lambda: page.locator('.st-key-conv_stride input[type="range"]'))
        await self.think()
        slider = page.locator('.st-key-conv_stride input[type="range"]')
        stride = int(await slider.input_value())
        padding = await page.evaluate(CHECKED_JS, "conv_padding") or "valid"
        new_stride = 3 if stride == 1 else 1  # its ends: End/Home give the same value twice

        async def move() -> None:  # press() focuses the slider itself, then sends the key
            await slider.press("End" if new_stride > stride else "Home")

        formula = conv_formula(new_stride, padding)
        await self.timed("convolution: stride", move,
                         lambda: self.visible(page.get_by_text(formula)))
        await self.think()
        new_padding = "same" if padding == "valid" else "valid"
        formula = conv_formula(new_stride, new_padding)
        await self.timed("convolution: padding",
                         lambda: page.locator(".st-key-conv_padding").get_by_text(
                             new_padding, exact=True).click(timeout=self.timeout_ms),
                         lambda: self.visible(page.get_by_text(formula)))
        await self.think()
        box = page.locator(".st-key-conv_digit input")
        digit = self.rng.randrange(1, 10_000)
        if await box.input_value() == str(digit):
            digit -= 1

        async def type_digit() -> None:
            await box.fill(str(digit))
            await box.press("Tab")

        await self.timed("convolution: test digit", type_digit,
                         lambda: self.visible(page.get_by_text(f"Test digit #{digit}:")))

    async def design(self) -> None:
        page = self.page
        await self.nav("Design", "Design your CNN",
                       lambda: page.get_by_role("button", name="Load preset"))
        await self.think()
        shown = await page.evaluate(METRIC_VALUE_JS, "Parameters")
        choices = [k for k, (_, params) in self.presets.items() if params != shown]
        key = self.rng.choice(choices)
        title, params = self.presets[key]
        combo = page.get_by_role("combobox", name="Start from a preset")
        option = page.get_by_role("option", name=title, exact=True)

        async def pick() -> None:
            from playwright.async_api import TimeoutError as PlaywrightTimeout

            # A rerun that lands just after the click redraws the select and closes its list,
            # so the option never shows: close and open the list again, as a student would.
            deadline = time.monotonic() + self.config.action_timeout_s
            while True:
                try:
                    await combo.click(timeout=self.config.retry_after_s * 1000)
                    await option.click(timeout=self.config.retry_after_s * 1000)
                    return
                except PlaywrightTimeout:
                    if time.monotonic() > deadline:
                        raise
                    self.result.retried.append("design: open the preset list")
                    await page.keyboard.press("Escape")

        async def picked() -> None:
            await page.wait_for_function("([s, v]) => document.querySelector(s)?.value === v",
                                         arg=['.st-key-design_preset input', title],
                                         timeout=self.timeout_ms)

        await self.timed("design: pick preset", pick, picked)
        await self.think()
        await self.timed("design: load preset",
                         lambda: page.get_by_role("button", name="Load preset").click(
                             timeout=self.timeout_ms),
                         lambda: page.wait_for_function(METRIC_JS, arg=["Parameters", params],
                                                        timeout=self.timeout_ms))
        await self.think()
        box = page.locator('[class*="st-key-design_"][class*="_filters"] input').first
        await box.wait_for(timeout=self.timeout_ms)
        current = int(await box.input_value())
        filters = self.rng.choice([f for f in (8, 12, 16, 24, 48) if f != current])
        params = params_with_first_filters(key, filters)

        async def edit() -> None:
            await box.fill(str(filters))
            await box.press("Tab")

        await self.timed("design: edit filters", edit,
                         lambda: page.wait_for_function(METRIC_JS, arg=["Parameters", params],
                                                        timeout=self.timeout_ms))

    async def evaluate(self) -> None:
        page = self.page
        await self.nav("Evaluate", "Evaluate a trained model",
                       lambda: page.locator('[data-testid="stMetric"]').filter(
                           has_text="Test accuracy"))

    async def draw(self, round_index: int) -> None:
        page = self.page
        await self.nav("Draw", "Draw & predict", lambda: page.locator(CANVAS))
        await self.think()
        digit = DRAWN[(self.index + round_index) % len(DRAWN)]
        canvas = page.locator(CANVAS).first
        await canvas.scroll_into_view_if_needed()
        box = await canvas.bounding_box()

        async def stroke() -> None:
            for line in DIGIT_STROKES[digit]:
                await page.mouse.move(box["x"] + line[0][0], box["y"] + line[0][1])
                await page.mouse.down()
                for (xa, ya), (xb, yb) in zip(line, line[1:]):
                    for i in range(1, 11):
                        await page.mouse.move(box["x"] + xa + (xb - xa) * i / 10,
                                              box["y"] + ya + (yb - ya) * i / 10)
                await page.mouse.up()

        metric = page.locator('[data-testid="stMetric"]').filter(has_text="1st choice")
        await self.timed("draw: digit", stroke, lambda: self.visible(metric))
        answer, _ = parse_choice(await metric.first.inner_text())
        if answer != digit:
            self.result.wrong_digits.append(f"drew {digit}, read {answer}")
        await self.think()

        async def cleared() -> None:
            await metric.first.wait_for(state="detached", timeout=self.timeout_ms)
            await self.visible(page.locator(CANVAS))

        await self.timed("draw: clear",
                         lambda: page.get_by_role("button", name="Clear").click(
                             timeout=self.timeout_ms), cleared)

    async def home(self) -> None:
        await self.nav("Home", "CNN Lab", lambda: self.page.get_by_text("Your lab code"))

    async def train_page(self) -> None:
        await self.nav("Train", "Train your CNN",
                       lambda: self.page.get_by_role("button", name="Start training"),
                       settle=False)

    async def start_training(self) -> None:
        page = self.page
        await self.train_page()
        await self.think()
        self.result.run_name = f"load {self.index} {secrets.token_hex(2)}"
        for role, label, value in (("spinbutton", "Training images", self.config.train_subset),
                                   ("spinbutton", "Epochs", self.config.train_epochs),
                                   ("textbox", "Run name (optional)", self.result.run_name)):
            box = page.get_by_role(role, name=label, exact=True)
            await box.fill(str(value))
            await box.press("Tab")
        await self.timed("train: start",
                         lambda: page.get_by_role("button", name="Start training").click(
                             timeout=self.timeout_ms),
                         lambda: self.visible(
                             page.get_by_role("button", name="Stop training").or_(
                                 page.get_by_text("Done: test accuracy"))), retry=False,
                         settle=False)

    async def wait_training(self) -> None:
        """On the Train page, read the live panel until this student's job is done."""
        self.step = "wait for training"
        deadline = time.monotonic() + self.config.train_timeout_s
        while time.monotonic() < deadline:
            reading = reading_from(await self.page.evaluate(TRAINING_JS), 0.0)
            if training_ended(reading.status):
                self.result.training_done = True
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"the training did not finish in {self.config.train_timeout_s:g} s")

    # -- a whole session ----------------------------------------------------------------
    async def run(self, first_loads: list[float]) -> SessionResult:
        await asyncio.sleep(self.rng.uniform(0, self.config.ramp_s))
        context = await self.browser.new_context(viewport=VIEWPORT)
        try:
            await self.open_tab(context)
            first_loads.append(await self.first_load())
            if self.result.trains:
                await self.think()
                await self.start_training()
            for round_index in range(self.config.rounds):
                for step in (self.convolution, self.design, self.evaluate):
                    await self.think()
                    await step()
                await self.think()
                await self.draw(round_index)
                if self.result.trains:
                    await self.think()
                    await self.train_page()
                await self.think()
                await self.home()
            if self.result.trains:
                await self.think()
                await self.train_page()
                await self.wait_training()
        except Exception as exc:  # noqa: BLE001 - any failure fails this session, reported
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            self.result.error = f"{self.step}: {type(exc).__name__}: {message[:300]}"
            if self.shots_dir is not None and self.page is not None:
                try:
                    shot = self.shots_dir / f"failed-student-{self.index}.png"
                    await self.page.screenshot(path=str(shot), full_page=True, timeout=30_000)
                    self.result.error += f" (screenshot: {shot})"
                except Exception:  # noqa: BLE001 - the screenshot is only a bonus
                    pass
        finally:
            await context.close()
        return self.result


class PageRun:
    """What one script run of a page sent back: its widgets, headings, code, metrics, charts."""

    def __init__(self) -> None:
        self.widgets: dict[str, str] = {}  # widget id -> element kind, in page order
        self.labels: dict[str, str] = {}  # widget id -> its label
        self.alerts: list[str] = []  # st.info / success / warning / error texts
        self.headings: list[str] = []
        self.code: list[str] = []
        self.markdown: list[str] = []
        self.metrics: dict[str, str] = {}  # label -> value
        self.charts: list[str] = []  # Plotly figure JSON
        self.exceptions: list[str] = []

    def add(self, element) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        widget_id = getattr(body, "id", "") if kind != "plotly_chart" else ""
        if widget_id:
            self.widgets[widget_id] = kind
            self.labels[widget_id] = getattr(body, "label", "")
        if kind == "heading":
            self.headings.append(body.body)
        elif kind == "code":
            self.code.append(body.code_text)
        elif kind == "markdown":
            self.markdown.append(body.body)
        elif kind == "metric":
            self.metrics[body.label] = body.body
        elif kind == "plotly_chart":
            self.charts.append(body.spec)
        elif kind == "alert":
            self.alerts.append(body.body)
        elif kind == "exception":
            self.exceptions.append(f"{body.type}: {body.message}")

    def widget(self, key_suffix: str) -> str:
        """The id of the first widget whose key ends with `key_suffix`."""
        found = next((w for w in self.widgets if w.endswith(key_suffix)), None)
        if found is None:
            raise RuntimeError(f"no widget with a key ending in {key_suffix!r} on this page")
        return found

    def button(self, label: str) -> str:
        """The id of the first button (form buttons have no key) with this label."""
        found = next((w for w, text in self.labels.items() if text == label), None)
        if found is None:
            raise RuntimeError(f"no button {label!r} on this page")
        return found


class ProtocolStudent:
    """A student without a browser: speaks Streamlit's websocket protocol and makes the same
    page runs as a Chromium student (pages, widget changes, checks of what comes back), so the
    server gets a class's load while this machine's CPU stays free for it. Draws no digit."""

    def __init__(self, index: int, url: str, config: LoadConfig, t0: float,
                 presets: dict[str, tuple[str, str]], lab: str) -> None:
        self.index, self.url, self.config, self.t0, self.presets = index, url, config, t0, presets
        self.rng = random.Random(config.seed * 1000 + index)
        self.result = SessionResult(index, trains=index < config.trainings, kind="protocol")
        self.result.lab = lab  # issued by the server's registry: made-up codes are refused
        self.socket = None
        self.page = ""
        self.step = "start"
        self.last: PageRun | None = None

    async def rerun(self, page: str, states=()) -> PageRun:
        """Ask for a run of `page` with these widget changes; collect what it sends back."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        request = BackMsg()
        request.rerun_script.query_string = f"lab={self.result.lab}"
        request.rerun_script.page_name = page
        request.rerun_script.widget_states.widgets.extend(states)
        await self.socket.send(request.SerializeToString())
        run = PageRun()
        deadline = time.monotonic() + self.config.action_timeout_s
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(self.socket.recv(),
                                                           deadline - time.monotonic()))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                run.add(message.delta.new_element)
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    run = PageRun()
                    continue
                self.page = page
                self.last = run
                return run

    async def timed(self, action: str, page: str, states=(),
                    check: Callable[[PageRun], str | None] = lambda run: None) -> PageRun:
        self.step = action
        start = time.monotonic()
        run = await self.rerun(page, states)
        seconds = time.monotonic() - start
        self.result.timings.append(Timing(action, seconds, self.index, start - self.t0, seconds,
                                          "protocol"))
        if run.exceptions:
            raise RuntimeError(f"the page shows an exception: {run.exceptions[0][:300]}")
        problem = check(run)
        if problem:
            raise RuntimeError(problem)
        return run

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.config.think_s))

    async def open(self, link: str, page: str, heading: str,
                   check: Callable[[PageRun], str | None] = lambda run: None) -> PageRun:
        def checked(run: PageRun) -> str | None:
            if not any(heading in h for h in run.headings):
                return f"no heading {heading!r} on {page or 'home'}: {run.headings[:3]}"
            return check(run)

        return await self.timed(f"open {link}", page, (), checked)

    @staticmethod
    def state(widget_id: str, **value):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=widget_id)
        for name, v in value.items():
            if name == "double_array_value":
                state.double_array_value.data.extend(v)
            else:
                setattr(state, name, v)
        return state

    # -- the pages ----------------------------------------------------------------------
    async def convolution(self) -> None:
        run = await self.open("Convolution", "convolution", "Convolution explained",
                              lambda r: None if any(c.startswith("out =") for c in r.code)
                              else "no output-size formula")
        for action, stride, padding in (("convolution: stride", 3, "valid"),
                                        ("convolution: padding", 3, "same")):
            await self.think()
            formula = conv_formula(stride, padding)
            states = [self.state(run.widget("-conv_stride"), double_array_value=[stride]),
                      self.state(run.widget("-conv_padding"), string_value=padding)]
            run = await self.timed(action, "convolution", states,
                                   lambda r, f=formula: None if f in r.code
                                   else f"expected {f!r}, got {[c for c in r.code if c.startswith('out')]}")
        await self.think()
        digit = self.rng.randrange(1, 10_000)
        await self.timed("convolution: test digit", "convolution",
                         [self.state(run.widget("-conv_digit"), double_value=float(digit))],
                         lambda r: None if any(f"Test digit #{digit}:" in c for c in r.charts)
                         else f"no chart of test digit #{digit}")

    async def design(self) -> None:
        run = await self.open("Design", "design", "Design your CNN",
                              lambda r: None if "Parameters" in r.metrics else "no Parameters")
        await self.think()
        choices = [k for k, (_, params) in self.presets.items()
                   if params != run.metrics["Parameters"]]
        key = self.rng.choice(choices)
        title, params = self.presets[key]
        from cnnlab.design.presets import PRESETS

        explanation = PRESETS[key].explanation
        run = await self.timed("design: pick preset", "design",
                               [self.state(run.widget("-design_preset"), string_value=title)],
                               lambda r: None if any(explanation[:40] in m for m in r.markdown)
                               else f"the caption of {key} is not shown")
        await self.think()
        run = await self.timed("design: load preset", "design",
                               [self.state(run.widget("-design_load_preset"), trigger_value=True)],
                               lambda r: None if r.metrics.get("Parameters") == params
                               else f"Parameters {r.metrics.get('Parameters')} != {params}")
        await self.think()
        filters = self.rng.choice((8, 12, 16, 24, 48))
        params = params_with_first_filters(key, filters)
        await self.timed("design: edit filters", "design",
                         [self.state(run.widget("_filters"), double_value=float(filters))],
                         lambda r: None if r.metrics.get("Parameters") == params
                         else f"Parameters {r.metrics.get('Parameters')} != {params}")

    async def train_page(self) -> PageRun:
        return await self.open("Train", "train", "Train your CNN")

    async def start_training(self) -> None:
        """Fill the Train form (subset, epochs, a run name) and submit it, as one form run."""
        run = await self.train_page()
        await self.think()
        self.result.run_name = f"load {self.index} {secrets.token_hex(2)}"
        states = [self.state(run.widget("-train_subset"), double_value=float(self.config.train_subset)),
                  self.state(run.widget("-train_epochs"), double_value=float(self.config.train_epochs)),
                  self.state(run.widget("-train_name"), string_value=self.result.run_name),
                  self.state(run.button("Start training"), trigger_value=True)]
        await self.timed("train: start", "train", states,
                         lambda r: None if job_headline(r.alerts)
                         else f"no training shown: {r.alerts[:2]}")

    async def wait_training(self) -> None:
        """Rerun the Train page every second (a browser's live panel runs a fragment as often)
        until this student's job is done."""
        self.step = "wait for training"
        deadline = time.monotonic() + self.config.train_timeout_s
        while time.monotonic() < deadline:
            if training_ended(job_headline((await self.rerun("train")).alerts)):
                self.result.training_done = True
                return
            await asyncio.sleep(1.0)
        raise RuntimeError(f"the training did not finish in {self.config.train_timeout_s:g} s")

    async def run(self) -> SessionResult:
        import websockets

        await asyncio.sleep(self.rng.uniform(0, self.config.ramp_s))
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        try:
            async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=self.url,
                                          max_size=None) as socket:
                self.socket = socket
                await self.rerun("")  # the first visit, like a browser's first load (not timed)
                if self.result.trains:
                    await self.think()
                    await self.start_training()
                for round_index in range(self.config.rounds):
                    await self.think()
                    await self.convolution()
                    await self.think()
                    await self.design()
                    await self.think()
                    await self.open("Evaluate", "evaluate", "Evaluate a trained model",
                                    lambda r: None if "Test accuracy" in r.metrics
                                    else "no Test accuracy")
                    await self.think()
                    await self.open("Draw", "draw", "Draw & predict")
                    if self.result.trains:
                        await self.think()
                        await self.train_page()
                    await self.think()
                    await self.open("Home", "", "CNN Lab",
                                    lambda r: None if self.result.lab in r.code
                                    else "the lab code is not shown")
                if self.result.trains:
                    await self.think()
                    await self.wait_training()
        except Exception as exc:  # noqa: BLE001 - any failure fails this session, reported
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            self.result.error = f"{self.step}: {type(exc).__name__}: {message[:300]}"
        return self.result


async def _warmup(browser, url: str, config: LoadConfig) -> None:
    """One visit of every page (TensorFlow import, default model, its evaluation), as a teacher
    checking the server would; it also leaves Streamlit's legacy folder mode by opening "/"."""
    student = Student(-1, browser, url, dataclasses.replace(config, think_s=(0, 0), ramp_s=0,
                                                            action_timeout_s=300),
                      time.monotonic(), preset_params())
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        await student.open_tab(context)
        await student.first_load()
        await student.evaluate()
        await student.draw(0)
        await student.convolution()
        await student.design()
        await student.home()
    finally:
        await context.close()


async def _drive(url: str, config: LoadConfig, sampler: MemorySampler, rss: dict[str, float],
                 log: Callable[[str], None], shots_dir: Path | None, probe: Probe,
                 new_lab: Callable[[], str]) -> tuple[list[SessionResult], list[float], float | None]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warmup_s = None
            if config.warmup:
                start = time.monotonic()
                await _warmup(browser, url, config)
                warmup_s = time.monotonic() - start
                log(f"warm-up (every page once): {warmup_s:.1f} s")
                server, children, _ = sampler.sample()
                rss["server_warm"] = server / 2**20
            presets = preset_params()
            t0 = time.monotonic()
            first_loads: list[float] = []
            students = [Student(i, browser, url, config, t0, presets)
                        for i in range(config.browsers)]
            for student in students:
                student.shots_dir = shots_dir
            bare = [ProtocolStudent(i, url, config, t0, presets, new_lab())
                    for i in range(config.browsers, config.sessions)]
            log(f"{config.sessions} students ({config.browsers} in Chromium), "
                f"{config.trainings} training, {config.rounds} round(s)…")
            probe.start()
            bare_results: dict[str, Any] = {}

            def drive_bare() -> None:  # their own loop: Playwright's events never delay them
                _main_thread_priority()

                async def all_of_them():
                    return await asyncio.gather(*(b.run() for b in bare))

                bare_results["value"] = asyncio.run(all_of_them())

            bare_thread = threading.Thread(target=drive_bare, name="protocol-students")
            bare_thread.start()
            try:
                results = await asyncio.gather(*(s.run(first_loads) for s in students))
            finally:
                await asyncio.to_thread(bare_thread.join)
                probe.stop()
            results = list(results) + list(bare_results.get("value", []))
        finally:
            await browser.close()
    return list(results), first_loads, warmup_s


def _saved_runs(runs_dir: Path, results: list[SessionResult]) -> int:
    """Trainings whose run folder is complete (meta.json, model.keras) with the expected name,
    under the lab code of the student who started it."""
    saved = 0
    for r in results:
        if not r.trains or not r.run_name:
            continue
        for meta_file in (runs_dir / r.lab).glob("*/meta.json"):
            meta = json.loads(meta_file.read_text())
            if (meta.get("name") == r.run_name and meta.get("status") == "complete"
                    and (meta_file.parent / "model.keras").is_file()):
                saved += 1
                break
    return saved


def run_load_test(config: LoadConfig = LoadConfig(), log: Callable[[str], None] = print,
                  keep_dir: Path | None = None) -> LoadReport:
    """Start a server, drive the class through it, stop it; the figures as a LoadReport."""
    import psutil

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium is not installed at {CHROMIUM}")
    if not (config.trainings <= config.sessions and config.browsers <= config.sessions):
        raise ValueError("need trainings <= sessions and browsers <= sessions")
    work = Path(keep_dir) if keep_dir else Path(tempfile.mkdtemp(prefix="cnnlab-load-"))
    runs_dir = work / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    max_workers = config.max_workers or max(1, config.trainings)
    machine = {"cpus": os.cpu_count(), "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
               "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
               "max_workers": max_workers}
    queue = (start_redis_workers(work, runs_dir, config.redis_workers)
             if config.redis_workers else None)
    machine["redis_workers"] = config.redis_workers
    try:
        process, url = start_server(runs_dir, work / "streamlit.log", max_workers,
                                    config.server_options, queue[0].url if queue else None)
    except BaseException:
        if queue:
            stop_redis_workers(*queue)
        raise
    sampler = MemorySampler(process.pid, worker_pids=tuple(
        p.pid for p in queue[1].processes.values()) if queue else ())
    probe = Probe(url, issue(runs_dir))
    rss: dict[str, float] = {}
    try:
        server, children, _ = sampler.sample()
        rss["server_start"] = server / 2**20
        sampler.start()
        start = time.monotonic()
        outcome: dict[str, Any] = {}

        def drive() -> None:  # its own thread and event loop: safe beside a sync Playwright
            if config.browser_nice:
                os.nice(config.browser_nice)  # this thread only: the driver and Chromium inherit it
            try:
                outcome["value"] = asyncio.run(_drive(url, config, sampler, rss, log,
                                                     work if keep_dir else None, probe,
                                                     lambda: issue(runs_dir)))
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                outcome["error"] = exc

        thread = threading.Thread(target=drive, name="load-test")
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        results, first_loads, warmup_s = outcome["value"]
        seconds = time.monotonic() - start
        time.sleep(config.settle_s)  # sessions closed; let the server drop them
        sampler.stop()
        server, children, count = sampler.sample()
        cpu = sampler.cpu_seconds()
        rss.update(server_peak=sampler.peak_server / 2**20,
                   children_peak=sampler.peak_children / 2**20,
                   total_peak=sampler.peak_total / 2**20, max_child_processes=sampler.max_children,
                   server_after=server / 2**20, children_after=children / 2**20)
    finally:
        sampler.stop()
        stop_server(process)
        if queue:
            stop_redis_workers(*queue)
    timings = [t for r in results for t in r.timings]
    failed = [(r.index, r.error) for r in results if r.error]
    failed += [(r.index, "; ".join(r.wrong_digits)) for r in results
               if r.wrong_digits and not r.error]
    report = LoadReport(config, machine, seconds, timings, first_loads, failed,
                        sum(len(r.wrong_digits) for r in results),
                        sum(1 for r in results if r.trains and r.run_name),
                        sum(1 for r in results if r.training_done),
                        _saved_runs(runs_dir, results), {k: round(v, 1) for k, v in rss.items()},
                        warmup_s, [t for r in results for t in r.round_trips], probe.times,
                        probe.errors, cpu,
                        [f"student {r.index}: {a}" for r in results for a in r.retried])
    if keep_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _trainers(config: LoadConfig, machine: dict) -> str:
    """Who trains: the server's own processes, or the RQ workers on a private Redis."""
    if config.redis_workers:
        return f"on Redis + RQ, {config.redis_workers} worker(s)"
    return f"{machine['max_workers']} at once"


def format_report(report: LoadReport) -> str:
    """The figures as a few lines of text."""
    c, rss, m = report.config, report.rss_mb, report.machine
    nice = "".join(f", {what} at nice {level}" for what, level in
                   (("browsers", c.browser_nice),) if level)
    nice += "".join(f", --{option}" for option in c.server_options)

    def line(values: list[float]) -> str:
        return (f"p50 {_percentile(values, 50):.2f} s, p95 {_percentile(values, 95):.2f} s, "
                f"max {values[-1] if values else float('nan'):.2f} s ({len(values)} actions)")

    wire = sorted(t.server_s for t in report.timings
                  if t.kind == "browser" and t.server_s is not None)
    lines = [f"CNN Lab load test: {c.sessions} students ({c.browsers} in Chromium, "
             f"{c.sessions - c.browsers} bare protocol clients), {c.trainings} trainings "
             f"({c.train_subset:,} images x {c.train_epochs} epochs, "
             f"{_trainers(c, m)}), "
             f"{c.rounds} round(s), think {c.think_s[0]:g}-{c.think_s[1]:g} s; "
             f"{m['cpus']} CPUs (load {m['load_avg_at_start']} at start){nice}; "
             f"{report.seconds:.0f} s",
             "",
             "page-update latency (action -> expected content shown, run finished):",
             f"  all students            {line(report.latencies_of())}",
             f"  in Chromium             {line(report.latencies_of(kind='browser'))}",
             f"    same, on the wire     {line(wire)}",
             f"  bare protocol clients   {line(report.latencies_of(kind='protocol'))}",
             f"  server alone (probe)    {line(report.probe_times())}"
             + (f"; errors: {report.probe_errors}" if report.probe_errors else ""),
             ]
    lines += ["p95 by when the action began: " + ", ".join(
                  f"{w['from_s']:.0f}-{w['from_s'] + 30:.0f} s {w['p95']:.1f} s ({w['actions']})"
                  for w in report.timeline(30.0)),
              f"first full page load in Chromium: {line(sorted(report.first_loads))}",
              "CPU seconds used during the load: " + ", ".join(
                  f"{group} {seconds:,.0f}" for group, seconds in report.cpu_s.items())
              + f" (the machine had {m['cpus']} x {report.seconds:.0f} = "
                f"{m['cpus'] * report.seconds:,.0f})",
              "",
              f"{'action':25s} {'Chromium n':>10s} {'p50':>6s} {'p95':>6s} {'max':>6s} "
              f"{'wire p95':>8s} {'bare n':>7s} {'p50':>6s} {'p95':>6s}"]
    for action in sorted(report.by_action(), key=lambda a: -report.percentile(95, a)):
        chromium = report.latencies_of(action, "browser")
        bare = report.latencies_of(action, "protocol")
        lines.append(f"{action:25s} {len(chromium):10d} {_percentile(chromium, 50):5.2f}s "
                     f"{_percentile(chromium, 95):5.2f}s "
                     f"{chromium[-1] if chromium else float('nan'):5.2f}s "
                     f"{report._server(action, 95):7.2f}s {len(bare):7d} "
                     f"{_percentile(bare, 50):5.2f}s {_percentile(bare, 95):5.2f}s")
    lines += ["",
              "server RSS (the web server alone): "
              f"start {rss.get('server_start', 0):.0f} MB, after warm-up "
              f"{rss.get('server_warm', float('nan')):.0f} MB, peak {rss['server_peak']:.0f} MB, "
              f"{c.settle_s:g} s after the sessions closed {rss['server_after']:.0f} MB",
              f"training workers: peak {rss['children_peak']:.0f} MB in all "
              f"({rss['max_child_processes']:.0f} processes at most), after "
              f"{rss['children_after']:.0f} MB; server + workers peak {rss['total_peak']:.0f} MB",
              f"failed sessions: {len(report.failed_sessions)}"
              + "".join(f"\n  student {i}: {e}" for i, e in report.failed_sessions),
              f"wrongly read digits: {report.wrong_digits}; inputs the page dropped and the "
              f"student made again: {len(report.retried)}"
              + (f" ({', '.join(report.retried[:6])})" if report.retried else ""),
              f"trainings: {report.trainings_started} started, {report.trainings_done} seen done, "
              f"{report.trainings_saved} saved complete under the right lab code"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, help="students at once (default 20)")
    parser.add_argument("--browsers", type=int,
                        help="how many of the students use Chromium (default 2); the others "
                             "are bare websocket clients that make the same page runs")
    parser.add_argument("--trainings", type=int, help="students who train (default 4)")
    parser.add_argument("--rounds", type=int, help="tours of the pages per student (default 2)")
    parser.add_argument("--quick", action="store_true",
                        help="CI size: 4 students, 1 training, 1 round (other options override)")
    parser.add_argument("--subset", type=int, help="training images per training")
    parser.add_argument("--epochs", type=int, help="epochs per training")
    parser.add_argument("--max-workers", type=int,
                        help="trainings at once on the server (default: all of them)")
    parser.add_argument("--think", type=float, nargs=2, metavar=("MIN", "MAX"),
                        help="seconds a student pauses between actions")
    parser.add_argument("--browser-nice", type=int, default=10, metavar="N",
                        help="run the browsers at nice N (they stand in for the students' own "
                             "computers; 10 keeps them from taking the server's CPU)")
    parser.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra `streamlit run` option, e.g. runner.postScriptGC=true "
                             "(repeatable)")
    parser.add_argument("--no-warmup", action="store_true",
                        help="measure a cold server (the first students pay for TensorFlow's import)")
    parser.add_argument("--settle", type=float, metavar="SECONDS",
                        help="wait this long after the sessions closed before the last RSS "
                             "reading (default 10; Streamlit keeps a closed session 2 minutes)")
    parser.add_argument("--redis", type=int, default=0, metavar="N",
                        help="train on a private redis-server with N RQ worker processes "
                             "(CNNLAB_REDIS_URL) instead of in the server's own processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep the runs and the server log in this folder")
    args = parser.parse_args(argv)
    config = LoadConfig.quick() if args.quick else LoadConfig()
    changes: dict[str, Any] = {"seed": args.seed, "warmup": not args.no_warmup,
                               "browser_nice": args.browser_nice,
                               "server_options": tuple(args.server_option),
                               "redis_workers": args.redis}
    for name in ("sessions", "browsers", "trainings", "rounds"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.subset:
        changes["train_subset"] = args.subset
    if args.epochs:
        changes["train_epochs"] = args.epochs
    if args.max_workers:
        changes["max_workers"] = args.max_workers
    if args.think:
        changes["think_s"] = tuple(args.think)
    if args.settle is not None:
        changes["settle_s"] = args.settle
    config = dataclasses.replace(config, **changes)
    if config.browsers > config.sessions:
        config = dataclasses.replace(config, browsers=config.sessions)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    report = run_load_test(config, keep_dir=args.keep)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report.to_dict(), indent=2))
    ok = not report.failed_sessions and report.trainings_saved == report.trainings_started
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
