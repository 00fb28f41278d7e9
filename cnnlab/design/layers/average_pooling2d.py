"""AveragePooling2D: averages each window (LeNet-5's subsampling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cnnlab.design.layers.pooling import Pooling2D
from cnnlab.i18n import N_


@dataclass(frozen=True)
class AveragePooling2D(Pooling2D):
    """Averages each window; no parameters."""

    type: ClassVar[str] = "AveragePooling2D"
    keras_name: ClassVar[str] = "average_pooling2d"
    explanation: ClassVar[str] = N_("averages each window; shrinks the map, no weights")
    short: ClassVar[str] = "Avg pool"
    color: ClassVar[str] = "#7FCDB4"  # a lighter bluish green
    what: ClassVar[str] = N_("average")
    keeps_probabilities: ClassVar[bool] = True
