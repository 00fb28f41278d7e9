"""BatchNormalization: rescales each channel to a steady range, so training is faster."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import LayerType, Shape, Step, dims, n
from cnnlab.i18n import N_, _


@dataclass(frozen=True)
class BatchNormalization(LayerType):
    """Normalizes each channel; gamma and beta train, the moving mean and variance do not."""

    type: ClassVar[str] = "BatchNormalization"
    keras_name: ClassVar[str] = "batch_normalization"
    explanation: ClassVar[str] = N_("rescales each channel to a steady range; trains faster")
    short: ClassVar[str] = "BatchNorm"
    color: ClassVar[str] = "#9467bd"
    needs_image: ClassVar[bool] = False

    def step(self, position: int, shape: Shape) -> Step:
        c = shape[-1]
        return Step(shape, 2 * c, 2 * c,
                    f"4 x {n(c)} = {n(4 * c)} ({n(2 * c)} trainable gamma/beta, "
                    f"{n(2 * c)} moving mean/variance)",
                    f"same as its input: {dims(shape)}", 0)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.BatchNormalization(name=name)

    def comment(self, row: Any) -> str:
        what = _("channels") if len(row.input_shape) == 3 else _("features")
        return _("normalizes each of the {n} {what}: {trainable} trainable (gamma, beta) + "
                 "{fixed} non-trainable (moving mean, variance) parameters").format(
                     n=f"{row.input_shape[-1]:,}", what=what,
                     trainable=f"{row.trainable_params:,}", fixed=f"{row.non_trainable_params:,}")
