"""Live training progress: a JSON-ready snapshot, and the cheap tracker that makes one.

No Keras here: the tracker takes plain numbers, so a page can import `Progress` without
TensorFlow and the tracker can be tested without training. `cnnlab.training.loop` feeds it from a
Keras callback. The per-batch path only stores a counter and reads the clock; the work of a
report (copying histories, calling back) happens at most every `every_s` seconds.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any, Callable

STATES = ("queued", "starting", "training", "evaluating", "saving", "done", "cancelled", "failed",
          "interrupted")
Point = tuple[int, "float | None", "float | None"]  # (global step, loss, accuracy)


@dataclass(frozen=True)
class Progress:
    """Where a training job stands; `loss`/`accuracy` are Keras' running means over the epoch so far."""

    state: str = "queued"
    epoch: int = 0  # 1-based epoch being trained (or last trained)
    epochs: int = 0
    batch: int = 0  # batches done in this epoch
    batches_per_epoch: int = 0
    samples_seen: int = 0  # training images processed so far, all epochs
    samples_per_sec: float = 0.0  # training throughput, validation time excluded
    elapsed_s: float = 0.0
    eta_s: float | None = None  # estimated seconds left (None until there is a measurement)
    loss: float | None = None
    accuracy: float | None = None
    batch_history: tuple[Point, ...] = ()  # bounded: thinned out as training goes on
    epoch_history: tuple[dict[str, Any], ...] = ()  # epoch, loss, accuracy, val_loss, val_accuracy,
    # seconds (this epoch, validation included), elapsed_s (since training began, at its end)
    test_loss: float | None = None
    test_accuracy: float | None = None
    message: str | None = None  # a note for the student, e.g. why the job stopped

    @property
    def fraction(self) -> float:
        """Share of all training batches done, 0..1, for a progress bar."""
        total = self.epochs * self.batches_per_epoch
        done = max(self.epoch - 1, 0) * self.batches_per_epoch + self.batch
        return min(done / total, 1.0) if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["batch_history"] = [list(p) for p in self.batch_history]
        out["epoch_history"] = [dict(e) for e in self.epoch_history]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Progress":
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["batch_history"] = tuple(tuple(p) for p in data.get("batch_history", ()))
        values["epoch_history"] = tuple(dict(e) for e in data.get("epoch_history", ()))
        return cls(**values)

    def replace(self, **changes: Any) -> "Progress":
        return dataclasses.replace(self, **changes)


def finite(value: Any) -> float | None:
    """A JSON-safe float: None for missing, NaN or infinite values (a diverged run's loss)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class BestEpoch:
    """The epoch with the best accuracy and how long training took to get there."""

    epoch: int
    accuracy: float
    metric: str  # "val_accuracy", or "accuracy" (training) for a run without validation
    elapsed_s: float | None  # seconds from the start of training to the end of that epoch


def elapsed_seconds(epoch_history: Any) -> list[float | None]:
    """Training seconds at the end of each epoch: its `elapsed_s`, or for runs saved before
    that was recorded, the sum of the epochs' own `seconds` so far (None once one is missing)."""
    out: list[float | None] = []
    total: float | None = 0.0
    for e in epoch_history or ():
        seconds, elapsed = e.get("seconds"), e.get("elapsed_s")
        total = total + seconds if isinstance(seconds, (int, float)) and total is not None else None
        out.append(float(elapsed) if isinstance(elapsed, (int, float)) else total)
    return out


def time_to_best(epoch_history: Any) -> BestEpoch | None:
    """The first epoch reaching the run's best validation accuracy (training accuracy when there
    was no validation), with its elapsed seconds: what "faster to the same accuracy" compares."""
    epochs = [dict(e) for e in epoch_history or ()]
    metric = "val_accuracy" if any(e.get("val_accuracy") is not None for e in epochs) else "accuracy"
    best = None
    for e, elapsed in zip(epochs, elapsed_seconds(epochs)):
        value = e.get(metric)
        if isinstance(value, (int, float)) and (best is None or value > best.accuracy):
            best = BestEpoch(int(e.get("epoch", 0)), float(value), metric, elapsed)
    return best


class ProgressTracker:
    """Turns batch/epoch events into Progress reports, at most one every `every_s` seconds."""

    def __init__(self, epochs: int, batches_per_epoch: int, train_samples: int, batch_size: int,
                 on_progress: Callable[[Progress], None], every_s: float = 0.5,
                 max_points: int = 2000, clock: Callable[[], float] = time.monotonic) -> None:
        self.epochs, self.batches_per_epoch = epochs, batches_per_epoch
        self.train_samples, self.batch_size = train_samples, batch_size
        self.on_progress, self.every_s, self.max_points, self.clock = on_progress, every_s, max_points, clock
        self.points: list[Point] = []
        self.epoch_history: list[dict[str, Any]] = []
        self._gap = 1  # fewest steps between two kept points; doubles when the history is thinned
        self._start = self._epoch_start = self._last_batch_t = clock()
        self._next_report = self._start
        self._epoch = 0  # 0-based epoch in progress
        self._batch = 0
        self._in_epoch = False
        self._train_time = 0.0  # batch time of finished epochs (validation excluded)
        self._val_times: list[float] = []
        self._last: Progress = Progress(state="starting", epochs=epochs,
                                        batches_per_epoch=batches_per_epoch)

    # -- events --------------------------------------------------------------------------
    def train_begin(self) -> None:
        self._start = self._epoch_start = self._last_batch_t = self.clock()
        self._emit(self._snapshot("training", self._start))

    def epoch_begin(self, epoch: int) -> None:
        self._epoch, self._batch, self._in_epoch = epoch, 0, True
        self._epoch_start = self._last_batch_t = self.clock()

    def batch_end(self, batch: int, logs: dict[str, Any] | None) -> None:
        """The hot path: count, read the clock, and only report when one is due. With several
        steps per execution Keras may number an epoch's last, shorter execution past its end."""
        self._batch = min(batch + 1, self.batches_per_epoch)
        now = self._last_batch_t = self.clock()
        if now >= self._next_report or not self.points:  # the chart's first point goes at once
            self._record(logs)
            self._emit(self._snapshot("training", now, logs))

    def epoch_end(self, epoch: int, logs: dict[str, Any] | None, completed: bool = True) -> None:
        """Record a finished epoch (not one cut short by a stop) and report it at once."""
        now = self.clock()
        batch_time = self._last_batch_t - self._epoch_start
        self._train_time += batch_time
        self._val_times.append(now - self._last_batch_t)
        if completed:
            logs = logs or {}
            self._record(logs, force=True)
            self.epoch_history.append({
                "epoch": epoch + 1, "loss": finite(logs.get("loss")),
                "accuracy": finite(logs.get("accuracy")), "val_loss": finite(logs.get("val_loss")),
                "val_accuracy": finite(logs.get("val_accuracy")), "seconds": now - self._epoch_start,
                "elapsed_s": now - self._start})
        self._in_epoch = False
        self._emit(self._snapshot("training", now, logs))

    def finish(self, state: str, **extra: Any) -> Progress:
        """A final (or phase) report such as 'evaluating' or 'done'; always sent."""
        progress = self._snapshot(state, self.clock()).replace(eta_s=None, **extra)
        self._emit(progress)
        return progress

    @property
    def last(self) -> Progress:
        return self._last

    @property
    def batch(self) -> int:
        """Batches done in the current epoch."""
        return self._batch

    # -- internals -----------------------------------------------------------------------
    def _record(self, logs: dict[str, Any] | None, force: bool = False) -> None:
        step = self._epoch * self.batches_per_epoch + self._batch
        if not logs or (self.points and step - self.points[-1][0] < self._gap and not force):
            return
        if self.points and self.points[-1][0] == step:
            self.points.pop()
        self.points.append((step, finite(logs.get("loss")), finite(logs.get("accuracy"))))
        if len(self.points) > self.max_points:
            self.points = self.points[::2]  # keep every other point: still spans the whole run
            self._gap *= 2

    def _samples_seen(self) -> int:
        in_epoch = min(self._batch * self.batch_size, self.train_samples)
        return self._epoch * self.train_samples + in_epoch

    def _snapshot(self, state: str, now: float, logs: dict[str, Any] | None = None) -> Progress:
        elapsed = now - self._start
        # a finished epoch's batch time is already in _train_time
        in_epoch = self._last_batch_t - self._epoch_start if self._in_epoch else 0.0
        train_time = self._train_time + in_epoch
        seen = self._samples_seen()
        rate = seen / train_time if train_time > 0 else 0.0
        eta = None
        done_batches = self._epoch * self.batches_per_epoch + self._batch
        if done_batches and train_time > 0:
            left_batches = self.epochs * self.batches_per_epoch - done_batches
            val = sum(self._val_times) / len(self._val_times) if self._val_times else 0.0
            left_vals = self.epochs - len(self._val_times)
            eta = max(left_batches * train_time / done_batches + left_vals * val, 0.0)
        loss = finite(logs.get("loss")) if logs else self._last.loss
        acc = finite(logs.get("accuracy")) if logs else self._last.accuracy
        return Progress(state=state, epoch=self._epoch + 1, epochs=self.epochs, batch=self._batch,
                        batches_per_epoch=self.batches_per_epoch, samples_seen=seen,
                        samples_per_sec=rate, elapsed_s=elapsed, eta_s=eta, loss=loss, accuracy=acc,
                        batch_history=tuple(self.points), epoch_history=tuple(self.epoch_history))

    def _emit(self, progress: Progress) -> None:
        self._last = progress
        self._next_report = self.clock() + self.every_s
        self.on_progress(progress)
