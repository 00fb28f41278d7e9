"""ProgressTracker: throttled reports, throughput, ETA, bounded history; Progress JSON round trip."""

import json
import math

import pytest

from cnnlab.training.progress import Progress, ProgressTracker, finite


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def make(epochs=2, batches=10, samples=300, batch_size=32, every_s=0.5, max_points=2000):
    clock, reports = Clock(), []
    tracker = ProgressTracker(epochs, batches, samples, batch_size, reports.append, every_s=every_s,
                              max_points=max_points, clock=clock)
    return tracker, clock, reports


def run_epoch(tracker, clock, epoch, batches, step_s=0.1, val_s=0.0, loss=1.0):
    tracker.epoch_begin(epoch)
    for b in range(batches):
        clock.t += step_s
        tracker.batch_end(b, {"loss": loss, "accuracy": 0.5})
    clock.t += val_s
    tracker.epoch_end(epoch, {"loss": loss, "accuracy": 0.5, "val_loss": 2.0, "val_accuracy": 0.4})


def test_reports_are_throttled_but_epoch_ends_always_report():
    tracker, clock, reports = make(every_s=0.5)
    tracker.train_begin()
    run_epoch(tracker, clock, 0, 10, step_s=0.1)  # 1 s of batches: about 2 timed reports
    batch_reports = [r for r in reports[1:] if r.batch < 10]
    assert 1 <= len(batch_reports) <= 3
    assert reports[-1].epoch_history[-1]["epoch"] == 1
    assert reports[-1].epoch_history[-1]["val_accuracy"] == 0.4


def test_counts_throughput_and_eta_exclude_validation():
    tracker, clock, reports = make(epochs=2, batches=10, samples=300, batch_size=32)
    tracker.train_begin()
    run_epoch(tracker, clock, 0, 10, step_s=0.1, val_s=3.0)
    p = reports[-1]
    assert p.samples_seen == 300  # the last batch is partial: 9 * 32 + 12
    assert p.samples_per_sec == pytest.approx(300 / 1.0)  # validation's 3 s are not training
    # one epoch left: its 10 batches at 0.1 s plus one validation of about 3 s
    assert p.eta_s == pytest.approx(1.0 + 3.0)
    tracker.epoch_begin(1)
    clock.t += 0.6
    tracker.batch_end(4, {"loss": 0.5, "accuracy": 0.8})
    p = reports[-1]
    assert (p.epoch, p.batch, p.samples_seen) == (2, 5, 300 + 5 * 32)
    assert p.loss == 0.5 and p.accuracy == 0.8
    assert p.fraction == pytest.approx(15 / 20)


def test_batch_history_stays_bounded_and_spans_the_run():
    tracker, clock, reports = make(epochs=1, batches=5000, samples=5000 * 32, every_s=0.0, max_points=100)
    tracker.train_begin()
    run_epoch(tracker, clock, 0, 5000, step_s=0.01)
    points = reports[-1].batch_history
    assert len(points) <= 100
    steps = [p[0] for p in points]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert steps[0] <= 50 and steps[-1] == 5000


def test_a_cut_short_epoch_is_not_recorded_as_an_epoch():
    tracker, clock, reports = make(epochs=2, batches=10)
    tracker.train_begin()
    tracker.epoch_begin(0)
    for b in range(4):
        clock.t += 0.1
        tracker.batch_end(b, {"loss": 1.0, "accuracy": 0.5})
    tracker.epoch_end(0, {"loss": 1.0}, completed=False)
    assert reports[-1].epoch_history == ()
    assert tracker.batch == 4


def test_non_finite_values_become_none_and_json_round_trips():
    tracker, clock, reports = make(epochs=1, batches=2, every_s=0.0)
    tracker.train_begin()
    run_epoch(tracker, clock, 0, 2, loss=float("nan"))
    final = tracker.finish("done", test_loss=0.1, test_accuracy=0.9)
    assert final.loss is None and final.epoch_history[0]["loss"] is None
    assert final.eta_s is None and final.state == "done"
    text = json.dumps(final.to_dict(), allow_nan=False)
    assert Progress.from_dict(json.loads(text)) == final
    assert finite(float("inf")) is None and finite(3) == 3.0 and finite(None) is None


def test_fraction_of_an_empty_progress_is_zero():
    assert Progress().fraction == 0.0
    assert math.isclose(Progress(epoch=1, epochs=1, batch=5, batches_per_epoch=10).fraction, 0.5)


def test_epochs_record_elapsed_seconds_and_the_time_to_the_best_one():
    from cnnlab.training.progress import elapsed_seconds, time_to_best

    tracker, clock, _ = make()
    tracker.train_begin()
    run_epoch(tracker, clock, 0, 10, val_s=0.5)
    run_epoch(tracker, clock, 1, 10, val_s=0.5)
    history = tracker.last.epoch_history
    assert [e["elapsed_s"] for e in history] == pytest.approx([1.5, 3.0])
    epochs = [{"epoch": 1, "val_accuracy": 0.97, "seconds": 2.0},
              {"epoch": 2, "val_accuracy": 0.99, "seconds": 2.5},
              {"epoch": 3, "val_accuracy": 0.99, "seconds": 2.5}]
    best = time_to_best(epochs)  # old runs: no elapsed_s, so the epochs' seconds add up
    assert (best.epoch, best.accuracy, best.metric, best.elapsed_s) == (2, 0.99, "val_accuracy", 4.5)
    assert time_to_best([{"epoch": 1, "accuracy": 0.9, "val_accuracy": None, "elapsed_s": 7.0}]
                        ).elapsed_s == 7.0
    assert time_to_best([]) is None
    assert elapsed_seconds([{"seconds": 1.0}, {}, {"seconds": 1.0}]) == [1.0, None, None]
