"""MaxPooling2D: keeps the largest value of each window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cnnlab.design.layers.pooling import Pooling2D
from cnnlab.i18n import N_


@dataclass(frozen=True)
class MaxPooling2D(Pooling2D):
    """Keeps the largest value of each window; no parameters."""

    type: ClassVar[str] = "MaxPooling2D"
    keras_name: ClassVar[str] = "max_pooling2d"
    explanation: ClassVar[str] = N_("keeps the largest value of each window; shrinks the map, no weights")
    short: ClassVar[str] = "Max pool"
    color: ClassVar[str] = "#009E73"  # Okabe-Ito bluish green
    what: ClassVar[str] = N_("largest value")
