"""The class peak: N students press Train within a few seconds. How long until the last one sees a
live chart, and until the last run is saved, on the local worker pool and on Redis + RQ workers?

For each backend it submits N trainings of the course CNN (the recommended preset, a small
subset, 1 epoch by default) at seeded random moments within `--window` seconds, one student
each, through the same JobBackend the pages use, and polls every job as the Train page does.

    local:K  the embedded JobManager with max_workers=K (a fresh process per job: TensorFlow
             imported and MNIST loaded for every job)
    rq:K     a private redis-server and K `python -m cnnlab worker` processes (TensorFlow and
             MNIST loaded once per worker, started before the class arrives)

Printed per backend: time from the first submission until the last student's first live chart
and until the last run is saved; per job, the queue wait, the start-up (from a worker taking
the job to its first training batch) and the whole job; the worker start-up once per worker
(rq); the status-read latency a page pays each second (p50/p95 over all polls); the page
updates a student sees meanwhile: a web process of the class (`streamlit run`, on the same Redis
for rq) and a bare protocol client rerunning one student's pages in turn, one a second
(bench/load_test.py's Probe), p50/p95/max; peak memory of the trainings' tree (this script, its
workers, redis-server; not the web process). Then 60 students on paper for k machines like this
one, from the measured per-job time. `--leak-jobs 20` runs 20 tiny jobs on one RQ worker (never
restarted, --max-jobs 0) and prints its RSS after each and the growth per job.

    .venv/bin/python bench/bench_class_peak.py                         # 30 students
    .venv/bin/python bench/bench_class_peak.py --students 10 --backends local:2 rq:1 rq:2 rq:3
    .venv/bin/python bench/bench_class_peak.py --leak-jobs 20 --backends
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import psutil  # noqa: E402

from bench.load_test import Probe, start_server, stop_server  # noqa: E402
from cnnlab.classroom.lab_codes import issue  # noqa: E402
from cnnlab.classroom.limits import Limits  # noqa: E402
from cnnlab.design.presets import get_preset  # noqa: E402
from cnnlab.training import redis_keys as keys  # noqa: E402
from cnnlab.training.config import TrainConfig  # noqa: E402
from tests.redis_fixtures import Workers, start_redis, wait_for  # noqa: E402

LIMITS = Limits(max_queue=500, max_jobs_per_student=1)


@dataclass
class Sample:
    """What the poller saw of one job."""

    submitted: float
    job_id: str = ""
    first_chart: float | None = None  # first poll showing a training with per-batch points
    done: float | None = None
    state: str = "queued"
    started: float | None = None  # when a worker took it (the backend's own clock)
    training_at: float | None = None  # first training batch reported (rq: the worker's clock)
    run_dir: Path | None = None


@dataclass
class Outcome:
    name: str
    samples: list[Sample]
    poll_s: list[float] = field(default_factory=list)
    peak_rss: int = 0
    worker_startup_s: list[float] = field(default_factory=list)
    page_s: list[float] = field(default_factory=list)  # page reruns during the class
    page_errors: list[str] = field(default_factory=list)


def tree_rss(roots: list[int], leave_out: int | None = None) -> int:
    """Resident memory of these processes and all their children, in bytes, without the process
    `leave_out` and its children (the web process of the page probe)."""
    total, seen = 0, set()
    if leave_out is not None:
        try:
            left = psutil.Process(leave_out)
            seen = {leave_out, *(p.pid for p in left.children(recursive=True))}
        except psutil.NoSuchProcess:
            pass
    for pid in roots:
        try:
            proc = psutil.Process(pid)
            for p in [proc, *proc.children(recursive=True)]:
                if p.pid not in seen:
                    seen.add(p.pid)
                    total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def run_class(name: str, backend, owners: list[str], window: float, config: TrainConfig,
              seed: int, roots: list[int], probe: Probe | None = None) -> Outcome:
    """Submit one training per owner at random moments within `window` s and poll them to the
    end; `probe` (already warm) times page reruns meanwhile."""
    n = len(owners)
    arch = get_preset("recommended").arch
    rng = random.Random(seed)
    moments = sorted(rng.uniform(0, window) for _ in range(n))
    outcome = Outcome(name, [])
    lock = threading.Lock()
    t0 = time.time()
    stop = threading.Event()

    def submitter() -> None:
        for i, at in enumerate(moments):
            time.sleep(max(0.0, t0 + at - time.time()))
            sample = Sample(time.time())
            sample.job_id = backend.submit(owners[i], arch, config, f"peak {i}")
            with lock:
                outcome.samples.append(sample)

    def sampler() -> None:
        while not stop.is_set():
            outcome.peak_rss = max(outcome.peak_rss, tree_rss(roots, probe and probe.server_pid))
            stop.wait(0.5)

    threads = [threading.Thread(target=submitter), threading.Thread(target=sampler, daemon=True)]
    before = len(probe.times) if probe else 0
    for t in threads:
        t.start()
    while True:
        with lock:
            pending = [s for s in outcome.samples if s.done is None]
            count = len(outcome.samples)
        for s in pending:
            began = time.perf_counter()
            job = backend.status(s.job_id)
            outcome.poll_s.append(time.perf_counter() - began)
            now = time.time()
            s.state, s.started = job.state, job.started
            if s.training_at is None and job.progress.state == "training":
                s.training_at = now  # training began (rq: replaced by the worker's own clock)
            if s.first_chart is None and job.progress.state == "training" and job.progress.batch_history:
                s.first_chart = now
            if not job.active:
                s.done, s.run_dir = now, job.run_dir
        if count == n and all(s.done for s in outcome.samples):
            break
        time.sleep(0.2)
    stop.set()
    threads[0].join()
    if probe:
        outcome.page_s = [seconds for _, seconds in probe.times[before:]]
        outcome.page_errors = list(probe.errors)
    return outcome


@contextlib.contextmanager
def page_probe(runs_dir: Path, log: Path, redis_url: str | None, lab: str, enabled: bool):
    """A web process of the class and a bare protocol client rerunning `lab`'s pages in turn, one
    a second; yields the Probe once it has run every page once (imports paid), or None.
    Without Redis (local:K) the Train page is left out: that web process is not the bench's
    JobManager, so it could not show the class's jobs and would only start a worker of its own."""
    if not enabled:
        yield None
        return
    process, url = start_server(runs_dir, log, max_workers=1, redis_url=redis_url)
    probe = Probe(url, lab)
    probe.server_pid = process.pid  # not counted in the trainings' peak memory
    if redis_url is None:  # its Train page would start a warm worker of its own, and could not
        probe.PAGES = tuple(p for p in Probe.PAGES if p != "train")  # show the bench's jobs
    try:
        probe.start()
        wait_for(lambda: len(probe.times) >= len(probe.PAGES) or probe.errors, timeout=300,
                 what="the probe to open every page once", every=0.2)
        if probe.errors:
            raise RuntimeError(f"the page probe failed: {probe.errors}")
        yield probe
    finally:
        probe.stop()
        stop_server(process)


def rq_training_times(connection, samples: list[Sample]) -> None:
    """The worker's own record of when each job began training (more exact than a poll)."""
    for s in samples:
        value = connection.hget(keys.job_key(s.job_id), "training_at")
        s.training_at = float(value) if value else s.training_at


def report(out: Outcome, config: TrainConfig) -> dict:
    samples = out.samples
    t0 = min(s.submitted for s in samples)
    charts = [s.first_chart - t0 for s in samples if s.first_chart]
    saved = [s.done - t0 for s in samples]
    waits = [s.started - s.submitted for s in samples if s.started]
    startup = [(s.training_at or s.first_chart) - s.started for s in samples
               if s.started and (s.training_at or s.first_chart)]
    jobs = [s.done - s.started for s in samples if s.started]
    polls = sorted(out.poll_s)
    ok = sum(s.state == "done" for s in samples)
    print(f"\n== {out.name}: {len(samples)} students, recommended CNN, {config.subset} images x "
          f"{config.epochs} epoch(s)")
    print(f"  runs saved {ok}/{len(samples)}; last first live chart {max(charts, default=float('nan')):6.1f} s; "
          f"last run saved {max(saved):6.1f} s (from the first Start)")
    print(f"  per job: queue wait median {statistics.median(waits):5.1f} s max {max(waits):5.1f} s; "
          f"start-up (taken -> first batch) median {statistics.median(startup):5.2f} s "
          f"max {max(startup):5.2f} s; whole job median {statistics.median(jobs):5.1f} s")
    timings = [json.loads((s.run_dir / "meta.json").read_text())["timings"] for s in samples
               if s.run_dir and (s.run_dir / "meta.json").exists()]
    if timings:  # means, so that the parts add up to the whole
        fit = statistics.mean(t["train_seconds"] for t in timings)
        test = statistics.mean(t["eval_seconds"] for t in timings)
        begin = statistics.mean(startup)
        print(f"  where a job's time goes (means): start-up incl. build and compile {begin:.1f} s, "
              f"fit {fit:.1f} s, test-set evaluation {test:.1f} s, the rest (saving the run, "
              f"reporting) {statistics.mean(jobs) - begin - fit - test:.1f} s, whole job "
              f"{statistics.mean(jobs):.1f} s")
    if out.worker_startup_s:
        print(f"  worker start-up (once per worker, before the class): "
              f"{', '.join(f'{x:.1f}' for x in out.worker_startup_s)} s")
    p95 = _p95(polls)
    print(f"  status read per job (what a page pays each second): p50 {statistics.median(polls) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms over {len(polls)} reads")
    if out.page_s or out.page_errors:
        pages = sorted(out.page_s)
        print(f"  page updates meanwhile (one student's pages rerun in turn, one a second, on a web "
              f"process{' on the same Redis' if out.name.startswith('rq') else ''}): p50 "
              f"{statistics.median(pages):.2f} s, p95 {_p95(pages):.2f} s, max {pages[-1]:.2f} s "
              f"over {len(pages)} reruns" if pages else "  page updates meanwhile: none measured")
        for error in out.page_errors:
            print(f"  page probe error: {error}")
    print(f"  peak memory (this process + workers{' + redis' if out.name.startswith('rq') else ''}): "
          f"{out.peak_rss / 2**30:.2f} GiB")
    return {"job_s": statistics.median(jobs), "startup_s": statistics.median(startup),
            "last_saved": max(saved)}


def _p95(sorted_values: list[float]) -> float:
    return sorted_values[int(0.95 * (len(sorted_values) - 1))] if sorted_values else float("nan")


def bench_local(k: int, args, config: TrainConfig, runs_dir: Path, tmp: Path) -> Outcome:
    from cnnlab.training.queue import JobManager

    folder = runs_dir / f"local{k}"
    manager = JobManager(folder, max_workers=k, limits=LIMITS, worker_nice=0)
    owners = [issue(folder) for _ in range(args.students)]
    try:
        with page_probe(folder, tmp / f"streamlit-local{k}.log", None, owners[0],
                        args.pages) as probe:
            return run_class(f"local:{k}", manager, owners, args.window, config, args.seed,
                             [os.getpid()], probe)
    finally:
        manager.shutdown(timeout_s=30)


def bench_rq(k: int, args, config: TrainConfig, runs_dir: Path, tmp: Path) -> Outcome:
    from cnnlab.training.redis_queue import RedisJobs

    server = start_redis(tmp / f"redis{k}")
    workers = Workers(server.url, runs_dir / f"rq{k}", tmp / f"logs{k}",
                      threads=max(1, (os.cpu_count() or 1) // k))
    (tmp / f"logs{k}").mkdir()
    names = [f"w{i}" for i in range(1, k + 1)]
    try:
        began = time.perf_counter()
        workers.ensure(names)
        startup = [time.perf_counter() - began]  # all k started in parallel
        backend = RedisJobs(server.url, workers.runs_dir, LIMITS)
        roots = [os.getpid(), server.process.pid, *(p.pid for p in workers.processes.values())]
        owners = [issue(workers.runs_dir) for _ in range(args.students)]
        with page_probe(workers.runs_dir, tmp / f"streamlit-rq{k}.log", server.url, owners[0],
                        args.pages) as probe:
            out = run_class(f"rq:{k}", backend, owners, args.window, config, args.seed, roots,
                            probe)
        out.worker_startup_s = startup
        rq_training_times(backend.connection, out.samples)
        return out
    finally:
        workers.stop_all()
        server.process.terminate()
        server.process.wait(10)


def leak_check(jobs: int, tmp: Path) -> None:
    """One RQ worker, `jobs` tiny trainings one after another: its RSS after each."""
    from cnnlab.training.redis_queue import RedisJobs

    server = start_redis(tmp / "redis-leak")
    (tmp / "logs-leak").mkdir()
    workers = Workers(server.url, tmp / "runs-leak", tmp / "logs-leak",
                      options=("--max-jobs", "0"))  # never restarted: its own growth shows
    try:
        workers.ensure(["w1"])
        pid = workers.processes["w1"].pid
        backend = RedisJobs(server.url, workers.runs_dir, LIMITS)
        arch = get_preset("cnn_a").arch
        config = TrainConfig(epochs=1, subset=500, batch_size=64, validation_split=0.0)
        rss = [psutil.Process(pid).memory_info().rss]
        for i in range(jobs):
            job_id = backend.submit(f"leak{i}", arch, config.replace(seed=i), f"leak {i}")
            wait_for(lambda: not backend.status(job_id).active, timeout=300, what="a job")
            rss.append(psutil.Process(pid).memory_info().rss)
        mib = [r / 2**20 for r in rss]
        print(f"\n== worker RSS over {jobs} jobs (cnn_a, 500 images, 1 epoch, one worker)")
        print("  MiB before the first job and after each: " + " ".join(f"{m:.0f}" for m in mib))
        half = len(mib) // 2
        print(f"  growth from job {half} to job {jobs}: {mib[-1] - mib[half]:+.0f} MiB; "
              f"from job 1 to job {jobs}: {mib[-1] - mib[1]:+.0f} MiB, "
              f"{(mib[-1] - mib[1]) / max(1, jobs - 1):+.1f} MiB per job after the first")
    finally:
        workers.stop_all()
        server.process.terminate()
        server.process.wait(10)


def on_paper(students: int, job_s: float, window: float, startup_s: float) -> None:
    """60 students on k machines like this one (one worker each), from the measured job time."""
    print(f"\n== {students} students on paper: one worker per 2-core machine, {job_s:.1f} s per "
          f"job (measured, rq:1), {startup_s:.2f} s start-up per job, submissions over {window:g} s")
    for k in (1, 2, 3, 4, 6, 10, 20):
        rounds = math.ceil(students / k)  # jobs one worker trains one after another
        last_saved = max(rounds * job_s, window + job_s)
        last_chart = max((rounds - 1) * job_s, window) + startup_s + 0.5  # + the first report
        print(f"  {k:2d} machine(s): last first chart ~{last_chart:6.0f} s, last run saved ~{last_saved:6.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which they press Start")
    parser.add_argument("--subset", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backends", nargs="*", default=["local:2", "rq:1", "rq:2", "rq:3"])
    parser.add_argument("--leak-jobs", type=int, default=0, help="also run the RSS check with this many jobs")
    parser.add_argument("--paper", type=int, default=60, help="students for the on-paper figures")
    parser.add_argument("--no-pages", dest="pages", action="store_false",
                        help="skip the web process and its page probe")
    args = parser.parse_args()
    config = TrainConfig(epochs=args.epochs, subset=args.subset, batch_size=64, validation_split=0.0)
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores; load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        runs_dir = tmp / "runs"
        for spec in args.backends:
            kind, k = spec.split(":")
            out = (bench_local(int(k), args, config, runs_dir, tmp) if kind == "local"
                   else bench_rq(int(k), args, config, runs_dir, tmp))
            figures[spec] = report(out, config)
        if "rq:1" in figures:
            on_paper(args.paper, figures["rq:1"]["job_s"], args.window, figures["rq:1"]["startup_s"])
        if args.leak_jobs:
            leak_check(args.leak_jobs, tmp)
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
