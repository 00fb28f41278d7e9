"""Put several saved runs side by side: what each cost (params, MACs, seconds) and what it bought.

Runs are duck-typed so this works on `cnnlab.runs.store.Run`, on `cnnlab.runs.store.RunInfo` (no design, so
params come from its own field) and on small stand-ins in tests: a run has `.arch` (an
Architecture) and any of `.metrics`, `.meta` (its "timings" too), `.config` (dicts or objects)
and `.history`: runs.py's {"epochs": [per-epoch dicts], ...}, Keras-style {"loss": [...], ...}
or a list of per-epoch dicts.
Values a run does not record come out as None rather than failing the whole table. Numpy-free
and Keras-free: parameters and MACs come from `cnnlab.design.arithmetic.analyze`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, NamedTuple, Sequence

from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.training.progress import elapsed_seconds, time_to_best

CURVES = ("loss", "accuracy", "val_loss", "val_accuracy")  # the learning curves worth overlaying


@dataclass(frozen=True)
class ComparisonRow:
    """One run in the comparison table; None where the run did not record the value."""

    name: str
    test_accuracy: float | None
    params: int | None
    macs: int | None  # multiply-adds per image
    train_seconds: float | None
    epochs: int | None  # epochs actually completed
    test_loss: float | None = None
    best_accuracy: float | None = None  # best validation (else training) accuracy of an epoch
    seconds_to_best: float | None = None  # training seconds until the end of that epoch

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class HistoryRow(NamedTuple):
    """One point of one learning curve, long form, ready for a Plotly line chart."""

    run: str
    epoch: int  # 1-based
    metric: str  # e.g. "val_accuracy"
    value: float


def _field(source: Any, key: str) -> Any:
    """`source[key]` or `source.key`, None when absent."""
    if source is None:
        return None
    if isinstance(source, dict):
        return source.get(key)
    return getattr(source, key, None)


def _lookup(run: Any, keys: Sequence[str],
            where: Sequence[str] = ("metrics", "meta", "config", "timings")) -> Any:
    """The first non-None value of any of `keys` on the run itself or in its metrics/meta/config."""
    sources = {w: _field(run, w) for w in where}
    if "timings" in sources and sources["timings"] is None:
        sources["timings"] = _field(_field(run, "meta"), "timings")  # runs.py: meta["timings"]
    for source in (run, *sources.values()):
        for key in keys:
            value = _field(source, key)
            if value is not None and not callable(value):
                return value
    return None


def _number(value: Any, kind: type) -> Any:
    """`value` as int/float, None when missing or not a number (a diverged run's NaN stays NaN)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


def run_name(run: Any) -> str:
    """A label for the run: its name, else its id, else its directory name."""
    value = _lookup(run, ("name", "run_id", "id"), where=("meta", "metrics"))
    if value is None and _field(run, "path") is not None:
        value = getattr(_field(run, "path"), "name", None) or str(_field(run, "path"))
    return str(value) if value is not None else "run"


def unique_names(runs: Sequence[Any]) -> list[str]:
    """Run names made unique by appending " (2)", " (3)" ... so legends never merge two runs."""
    seen: dict[str, int] = {}
    out = []
    for run in runs:
        name = run_name(run)
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def epoch_records(history: Any) -> list[dict[str, Any]]:
    """Per-epoch dicts with a 1-based "epoch", from either history shape."""
    if not history:
        return []
    if isinstance(history, dict) and isinstance(history.get("epochs"), (list, tuple)):
        history = history["epochs"]  # runs.py's history.json
    if isinstance(history, dict):  # Keras History.history: metric -> list of per-epoch values
        length = max((len(v) for v in history.values() if isinstance(v, (list, tuple))), default=0)
        return [{"epoch": i + 1, **{k: v[i] for k, v in history.items()
                                    if isinstance(v, (list, tuple)) and i < len(v)}}
                for i in range(length)]
    records = []
    for i, record in enumerate(history, start=1):
        if not isinstance(record, dict):
            raise ValueError(f"history entries must be dicts of metric values, got {record!r}")
        records.append({**record, "epoch": int(record.get("epoch") or i)})
    return records


def compare_runs(runs: Iterable[Any]) -> list[ComparisonRow]:
    """One row per run, in the order given."""
    runs = list(runs)
    rows = []
    for run, name in zip(runs, unique_names(runs)):
        params, macs = _number(_lookup(run, ("params",)), int), None
        arch = _field(run, "arch")
        if arch is not None:
            try:
                summary = analyze(arch)
                params, macs = summary.total_params, summary.total_macs
            except LabError:
                pass  # a design from an older version that no longer checks: leave the cost blank
        epochs = _number(_lookup(run, ("epochs_completed",)), int)
        if epochs is None:
            epochs = len(epoch_records(_field(run, "history"))) or _number(
                _lookup(run, ("epochs",)), int)
        best = time_to_best(epoch_records(_field(run, "history")))
        rows.append(ComparisonRow(
            name=name,
            test_accuracy=_number(_lookup(run, ("test_accuracy",)), float),
            params=params, macs=macs,
            train_seconds=_number(_lookup(run, ("train_seconds",)), float),
            epochs=epochs,
            test_loss=_number(_lookup(run, ("test_loss",)), float),
            best_accuracy=None if best is None else best.accuracy,
            seconds_to_best=None if best is None else best.elapsed_s))
    return rows


def history_table(runs: Iterable[Any], metrics: Sequence[str] = CURVES) -> list[HistoryRow]:
    """Long-form learning curves of every run; missing or non-finite values are left out."""
    runs = list(runs)
    out = []
    for run, name in zip(runs, unique_names(runs)):
        for record in epoch_records(_field(run, "history")):
            for metric in metrics:
                value = _number(record.get(metric), float)
                if value is not None and value == value and abs(value) != float("inf"):
                    out.append(HistoryRow(name, record["epoch"], metric, value))
    return out


def epoch_seconds(runs: Iterable[Any]) -> dict[str, dict[int, float]]:
    """Per run name, the training seconds at the end of each epoch (epochs without a recorded
    time are left out): the x axis for "accuracy against training seconds"."""
    runs = list(runs)
    out = {}
    for run, name in zip(runs, unique_names(runs)):
        records = epoch_records(_field(run, "history"))
        out[name] = {r["epoch"]: s for r, s in zip(records, elapsed_seconds(records)) if s is not None}
    return out
