"""The training settings a student picks, checked so a bad value is a friendly message, not a crash.

Kept apart from the design (cnnlab.design.spec) because the same network is trained many ways; both
are saved beside every trained model so a run can be repeated exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits

OPTIMIZERS = ("adam", "rmsprop", "sgd")
LABEL_FORMATS = ("integer", "one_hot")
LR_SCHEDULES = ("constant", "one_cycle")  # see cnnlab.training.loop.learning_rate
PRECISIONS = ("float32", "mixed_bfloat16")  # see cnnlab.training.precision
NUM_CLASSES = 10  # the digits 0-9


@dataclass(frozen=True)
class TrainConfig:
    """How to train: optimizer, step size, batches, epochs, data and labels. Checked on creation."""

    optimizer: str = "adam"  # adam | rmsprop | sgd (sgd uses `momentum`)
    learning_rate: float = 1e-3  # step size of each update; Keras' default for Adam
    momentum: float = 0.9  # only for sgd: how much of the last step carries over
    batch_size: int = 128  # images per weight update
    epochs: int = 3  # passes over the training images
    validation_split: float = 0.1  # fraction held out of training to watch for overfitting
    label_format: str = "integer"  # "integer": 7 with sparse CE; "one_hot": [0,..,1,..,0] with CE
    subset: int | None = None  # training images to use; None = all 60,000
    seed: int = 0  # initial weights, shuffling and the validation split repeat with the same seed
    augment: bool = False  # random small rotations, shifts and zooms of training images only
    lr_schedule: str = "constant"  # "one_cycle": warm up to learning_rate, then cosine down
    precision: str = "float32"  # "mixed_bfloat16": compute in bfloat16, keep float32 weights

    def __post_init__(self) -> None:
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("label_format", self.label_format, LABEL_FORMATS)
        _check_choice("lr_schedule", self.lr_schedule, LR_SCHEDULES)
        _check_choice("precision", self.precision, PRECISIONS)
        _check_number("learning_rate", self.learning_rate, low=0.0, high=10.0, open_low=True,
                      hint=_("such as 0.001"))
        _check_number("momentum", self.momentum, low=0.0, high=1.0, open_high=True,
                      hint=_("such as 0.9"))
        _check_number("validation_split", self.validation_split, low=0.0, high=0.5,
                      hint=_("a fraction such as 0.1 (0 means no validation)"))
        _check_int("batch_size", self.batch_size, 1)
        _check_int("epochs", self.epochs, 1)
        _check_int("seed", self.seed, 0)
        if self.subset is not None:
            _check_int("subset", self.subset, 10)
        if not isinstance(self.augment, bool):
            raise LabError(_("{key} must be true or false; got {value}.").format(
                key="augment", value=repr(self.augment)))

    def check(self, limits: Limits = DEFAULT_LIMITS) -> "TrainConfig":
        """Refuse settings above the server's caps, naming the cap; returns self for chaining."""
        caps = (("epochs", self.epochs, limits.max_epochs, "max_epochs"),
                ("batch_size", self.batch_size, limits.max_batch_size, "max_batch_size"),
                ("subset", self.subset or 60_000, limits.max_subset, "max_subset"))
        for key, value, cap, cap_name in caps:
            if value > cap:
                raise LabError(_("{key} = {value} is above this server's limit of {cap} "
                                 "({cap_name}); choose {cap} or less.").format(
                                     key=key, value=value, cap=cap, cap_name=cap_name))
        return self

    def train_images(self, available: int) -> int:
        """How many images training and validation share: the subset, or all that are available."""
        return available if self.subset is None else min(self.subset, available)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> "TrainConfig":
        """Parse the JSON shape; unknown keys and wrong types become LabError."""
        if not isinstance(data, dict):
            raise LabError(_("Training settings must be a JSON object such as {example}.").format(
                example='{"epochs": 3}'))
        allowed = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - allowed
        if unknown:
            raise LabError(_("Unknown training setting(s) {names}; allowed are {allowed}.").format(
                names=", ".join(sorted(unknown)), allowed=", ".join(sorted(allowed))))
        values = dict(data)
        for key in ("learning_rate", "momentum", "validation_split"):
            if isinstance(values.get(key), int) and not isinstance(values[key], bool):
                values[key] = float(values[key])  # JSON writes 0.0 as 0
        return cls(**values)

    def replace(self, **changes: Any) -> "TrainConfig":
        return dataclasses.replace(self, **changes)


def _check_choice(key: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise LabError(_("{key} must be one of {choices}; got {value}.").format(
            key=key, choices=", ".join(choices), value=repr(value)))


def _check_int(key: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise LabError(_("{key} must be a whole number of at least {low}; got {value}.").format(
            key=key, low=low, value=repr(value)))


def _check_number(key: str, value: Any, *, low: float, high: float, hint: str,
                  open_low: bool = False, open_high: bool = False) -> None:
    """A finite real in [low, high], with either end excluded when asked."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    if ok:
        ok = (value > low if open_low else value >= low) and (value < high if open_high else value <= high)
    if not ok:
        lo = (_("above {n}") if open_low else _("at least {n}")).format(n=f"{low:g}")
        hi = (_("below {n}") if open_high else _("at most {n}")).format(n=f"{high:g}")
        raise LabError(_("{key} must be a number {low} and {high}, {hint}; got {value}.").format(
            key=key, low=lo, high=hi, hint=hint, value=repr(value)))
