"""MaxPooling2D: keeps the largest value of each window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cnnlab.design.layers.pooling import Pooling2D


@dataclass(frozen=True)
class MaxPooling2D(Pooling2D):
    """Keeps the largest value of each window; no parameters."""

    type: ClassVar[str] = "MaxPooling2D"
    keras_name: ClassVar[str] = "max_pooling2d"
    explanation: ClassVar[str] = "keeps the largest value of each window; shrinks the map, no weights"
    short: ClassVar[str] = "Max pool"
    color: ClassVar[str] = "#5cb85c"
    what: ClassVar[str] = "largest value"
