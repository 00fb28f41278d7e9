"""Training speed in one run, side by side: what a student waits for, and how close to the CPU's limit.

Prints one table with
  (a) epoch throughput of cnnlab's training (cnnlab.training.loop.train: steps per execution,
      tf.data gathered from the MNIST arrays, live progress and stop polling), in float32 and
      in mixed bfloat16 (cnnlab.training.precision; float32 again where the processor has no
      bfloat16 units), against a plain `model.fit` with all of Keras' defaults (batches of 32,
      float32, one step per call: the issue's baseline) and with ours' batch size (128); same
      design, images and threads. Each figure is the median epoch after the first (tracing
      left out), and the median of --rounds interleaved repeats: one epoch on a virtual
      machine can take twice as long as the next;
  (b) wall time from Start to 99.0 % test accuracy for the recommended design (Adam 0.001,
      constant, float32) and for the fast preset with its recipe (cnnlab.training.recipes.FAST,
      mixed bfloat16), the float32 model the run saves scored after every epoch: the start-up
      through the JobManager (c) plus the training seconds until the first epoch whose test
      accuracy reaches the target (test evaluations timed apart, not counted);
  (c) first-chart latency: Start (JobManager.submit) until the job's first live chart point,
      through a warm worker and, for comparison, through a cold one (--no-cold to skip);
  (d) the physical bound: each design's FLOPs per epoch (2 FLOPs per multiply-add, forward
      plus backward = 3x the forward multiply-adds of cnnlab.design.arithmetic) against
      the measured FLOP/s, and the FLOP/s of a large matrix product in float32 and in
      bfloat16 on the same threads (what the CPU can do at best).

    .venv/bin/python bench/bench_training_speed.py [--subset 20000] [--epochs 4] [--rounds 3] [--no-cold]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlab.classroom.limits import Limits  # noqa: E402
from cnnlab.design.arithmetic import analyze  # noqa: E402
from cnnlab.design.presets import get_preset  # noqa: E402
from cnnlab.training import recipes  # noqa: E402
from cnnlab.training.config import TrainConfig  # noqa: E402
from cnnlab.training.precision import MIXED_BFLOAT16, effective_precision  # noqa: E402

THREADS = os.cpu_count() or 1


def epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []
            self.steps_per_execution = 1

        def on_epoch_begin(self, epoch, logs=None):
            self.steps_per_execution = int(self.model.steps_per_execution)
            self._t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t)

    return EpochTimer()


def steady_seconds(timer) -> float:
    """The median epoch after the first (which also traces the model)."""
    return float(statistics.median(timer.seconds[1:] or timer.seconds))


def plain_fit_epoch_s(arch, config, data, batch_size: int | None) -> float:
    """The steady epoch's seconds of a bare model.fit with Keras' defaults (numpy in, shuffle);
    `batch_size` None is Keras' default too (32)."""
    from cnnlab.training import loop
    from cnnlab.training.build import build_model
    from cnnlab.training.mnist import subset

    x, y = subset(data.x_train, data.y_train, config.subset, seed=config.seed)
    model = build_model(arch, seed=config.seed)
    model.compile(optimizer="adam", loss=loop.make_loss(arch, config), metrics=["accuracy"])
    timer = epoch_timer()
    model.fit(x, y.astype("int32"), batch_size=batch_size, epochs=config.epochs,
              shuffle=True, verbose=0, callbacks=[timer])
    return steady_seconds(timer)


def ours_epoch_s(arch, config, data) -> tuple[float, int]:
    """The steady epoch's seconds of cnnlab's train() (in `config.precision`), and the steps per
    execution it chose."""
    from cnnlab.training import loop

    timer = epoch_timer()
    result = loop.train(arch, config, data, threads=THREADS, callbacks=[timer],
                        on_progress=lambda p: p.to_dict())  # what a worker sends
    return steady_seconds(timer), timer.steps_per_execution


def time_to_accuracy(arch, config, data, target: float) -> tuple[float | None, int | None, float]:
    """Training seconds until the first epoch with test accuracy >= target (evaluations excluded)."""
    import keras

    from cnnlab.training import loop

    class TestEveryEpoch(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.eval_s, self.reached, self.best = 0.0, None, 0.0

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            begin = time.perf_counter()
            train_s = begin - self.start - self.eval_s
            plain = loop.evaluation_model(self.model, arch, config)  # as the run would save it
            acc = plain.evaluate(data.x_test, data.y_test.astype("int32"), batch_size=1000,
                                 verbose=0, return_dict=True)["accuracy"]
            self.eval_s += time.perf_counter() - begin
            self.best = max(self.best, acc)
            print(f"    epoch {epoch + 1}: {train_s:6.1f} s of training, test accuracy {acc:.4f}",
                  flush=True)
            if self.reached is None and acc >= target:
                self.reached = (train_s, epoch + 1)
                self.model.stop_training = True

    probe = TestEveryEpoch()
    loop.train(arch, config, data, threads=THREADS, callbacks=[probe])
    seconds, epoch = probe.reached or (None, None)
    return seconds, epoch, probe.best


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def first_chart_latency(warm: bool, arch, config) -> tuple[float, float | None]:
    """Seconds from JobManager.submit to the job's first live chart point (one free worker),
    and the resident memory of the idle warm worker that took it (MB; None for a cold one)."""
    from cnnlab.training.queue import JobManager

    with tempfile.TemporaryDirectory() as runs:
        jm = JobManager(Path(runs), max_workers=1, warm=warm, limits=Limits(max_subset=60_000))
        try:
            if warm:
                deadline = time.monotonic() + 600
                while time.monotonic() < deadline:
                    with jm._lock:
                        for worker in jm._idle:
                            worker.poll()
                        ready = [w for w in jm._idle if w.ready]
                        if ready:
                            break
                    time.sleep(0.05)
            idle_mb = rss_mb(ready[0].process.pid) if warm else None
            start = time.monotonic()
            job = jm.submit("bench", arch, config, "bench")
            while not jm.status(job).progress.batch_history:
                if jm.status(job).state not in ("queued", "running"):
                    raise RuntimeError(f"the job ended early: {jm.status(job).error}")
                time.sleep(0.01)
            return time.monotonic() - start, idle_mb
        finally:
            jm.shutdown(timeout_s=5)


def matmul_flops(n: int = 2048, repeats: int = 10, dtype: str = "float32") -> float:
    """FLOP/s of an n x n matrix product in `dtype` on this process's threads: the CPU's ceiling."""
    import tensorflow as tf

    a = tf.cast(tf.random.normal((n, n)), dtype)
    tf.linalg.matmul(a, a).numpy()
    start = time.perf_counter()
    for _ in range(repeats):
        out = tf.linalg.matmul(a, a)
    out.numpy()
    return 2 * n ** 3 * repeats / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=20_000, help="images for the throughput test")
    parser.add_argument("--epochs", type=int, default=4, help="epochs for the throughput test")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved repeats of the throughput test (medians are printed)")
    parser.add_argument("--target", type=float, default=0.99)
    parser.add_argument("--max-epochs", type=int, default=5, help="for the recommended design")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-worker latency")
    parser.add_argument("--skip-training", action="store_true",
                        help="only (c) and the matmul ceiling of (d): no (a) or (b)")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {THREADS} CPU cores", flush=True)

    from cnnlab.training.loop import configure_threads
    from cnnlab.training.mnist import load_mnist

    configure_threads(THREADS)
    data = load_mnist()
    mixed = effective_precision(MIXED_BFLOAT16)  # float32 where the processor lacks the units
    # (b): each design as a student trains it: the recommended one with the Train page's
    # defaults (float32), the fast one with its recipe (mixed bfloat16 where it is fast here).
    designs = {"recommended": (get_preset("recommended").arch, TrainConfig(
                   epochs=args.max_epochs, validation_split=0.0)),
               "fast": (get_preset("fast").arch, TrainConfig(**recipes.FAST))}
    rows = {}
    for name, (arch, recipe) in ([] if args.skip_training else designs.items()):
        macs = analyze(arch).total_macs
        print(f"\n{name}: {macs:,} multiply-adds per image", flush=True)
        quick = TrainConfig(epochs=args.epochs, subset=args.subset, batch_size=recipe.batch_size,
                            validation_split=0.0)
        rounds = []  # interleaved, so a slow spell of the machine hits all three alike
        for _ in range(args.rounds):
            default = plain_fit_epoch_s(arch, quick, data, None)
            plain = plain_fit_epoch_s(arch, quick, data, quick.batch_size)
            ours32, spe = ours_epoch_s(arch, quick, data)
            ours = ours_epoch_s(arch, quick.replace(precision=MIXED_BFLOAT16), data)[0]
            rounds.append((default, plain, ours32, ours))
            print(f"  (a) epoch of {args.subset:,}: plain fit {default:.2f} s (batch 32), "
                  f"{plain:.2f} s (batch {quick.batch_size}); ours {ours32:.2f} s in float32, "
                  f"{ours:.2f} s in {mixed} (steps per execution {spe})", flush=True)
        default_s, plain_s, ours32_s, ours_s = (statistics.median(c) for c in zip(*rounds))
        reached_s, epoch, best = time_to_accuracy(arch, recipe, data, args.target)
        rows[name] = dict(macs=macs, plain=args.subset / plain_s, ours=args.subset / ours_s,
                          default=args.subset / default_s,
                          ours32=args.subset / ours32_s,
                          spe=spe, reached_s=reached_s, epoch=epoch, best=best,
                          flops_epoch=6 * macs * 60_000)
    quick = TrainConfig(epochs=1, subset=12_000)
    warm_s, idle_mb = first_chart_latency(True, designs["recommended"][0], quick)
    cold_s = None if args.no_cold else first_chart_latency(False, designs["recommended"][0],
                                                           quick)[0]
    ceiling = matmul_flops()
    mixed_ceiling = matmul_flops(dtype="bfloat16") if mixed != "float32" else ceiling

    print(f"\n{'':40s}" + "".join(f"{n:>16s}" for n in rows), flush=True)
    def line(label, fmt):
        print(f"{label:40s}" + "".join(f"{fmt(r):>16s}" for r in rows.values()))
    line("multiply-adds per image", lambda r: f"{r['macs']:,}")
    line("(a) plain model.fit, all defaults (batch 32)", lambda r: f"{r['default']:,.0f}")
    line("(a) plain model.fit, batch 128, images/s", lambda r: f"{r['plain']:,.0f}")
    line("(a) cnnlab train() float32, images/s", lambda r: f"{r['ours32']:,.0f}")
    line(f"(a) cnnlab train() {mixed}, images/s", lambda r: f"{r['ours']:,.0f}")
    line(f"(a) {mixed} vs all defaults", lambda r: f"{r['ours'] / r['default']:.2f}x")
    line("(a) float32 vs plain at batch 128", lambda r: f"{r['ours32'] / r['plain']:.2f}x")
    line(f"(a) {mixed} vs plain at batch 128", lambda r: f"{r['ours'] / r['plain']:.2f}x")
    line("    steps per execution", lambda r: str(r["spe"]))
    line("(b) training s to test >= target", lambda r: "not reached" if r["reached_s"] is None
         else f"{r['reached_s']:.1f} (ep {r['epoch']})")
    line("(b) + warm start-up = Start->target", lambda r: "–" if r["reached_s"] is None
         else f"{r['reached_s'] + warm_s:.1f} s")
    line("    best test accuracy", lambda r: f"{r['best']:.4f}")
    line("(d) GFLOP per 60k-image epoch", lambda r: f"{r['flops_epoch'] / 1e9:,.0f}")
    line("(d) measured GFLOP/s, float32", lambda r: f"{6 * r['macs'] * r['ours32'] / 1e9:.1f}")
    line("(d) share of the float32 matmul ceiling",
         lambda r: f"{6 * r['macs'] * r['ours32'] / ceiling:.0%}")
    line(f"(d) measured GFLOP/s, {mixed}", lambda r: f"{6 * r['macs'] * r['ours'] / 1e9:.1f}")
    line(f"(d) share of the {mixed.split('_')[-1]} matmul ceiling",
         lambda r: f"{6 * r['macs'] * r['ours'] / mixed_ceiling:.0%}")
    print(f"(c) first chart point after Start: warm worker {warm_s:.2f} s"
          + ("" if cold_s is None else f", cold worker {cold_s:.2f} s"))
    print(f"    an idle warm worker holds {idle_mb:,.0f} MB resident (TensorFlow + MNIST)")
    print(f"(d) matmul ceiling on {THREADS} threads: {ceiling / 1e9:.1f} GFLOP/s in float32, "
          f"{mixed_ceiling / 1e9:.1f} GFLOP/s in {mixed.split('_')[-1]}")
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
