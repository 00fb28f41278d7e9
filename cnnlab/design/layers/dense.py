"""Dense: every output sees every input; the classifier at the end of a CNN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (ACTIVATION, Field, LayerType, Shape, Step, activation_code,
                                       activation_words, dims, n, what_then, with_params)
from cnnlab.i18n import N_, _

UNITS = Field("units", "count", N_("units"), N_("Number of neurons: the length of the output vector."),
              cap="max_units")


@dataclass(frozen=True)
class Dense(LayerType):
    """A fully connected layer; on a (H, W, C) input it acts on the last axis only."""

    units: int
    activation: str = "linear"

    type: ClassVar[str] = "Dense"
    keras_name: ClassVar[str] = "dense"
    fields: ClassVar[tuple[Field, ...]] = (UNITS, ACTIVATION)
    new: ClassVar[dict[str, Any]] = {"units": 128, "activation": "relu"}
    explanation: ClassVar[str] = N_("every output sees every input: the classifier at the end")
    short: ClassVar[str] = "Dense"
    color: ClassVar[str] = "#D55E00"  # Okabe-Ito vermillion
    needs_image: ClassVar[bool] = False

    def describe(self) -> str:
        return f"Dense {self.units}"

    def picture_label(self) -> str:
        return f"{self.short} {self.units}"

    def step(self, position: int, shape: Shape) -> Step:
        """units x (inputs + 1); on a (H, W, C) input the same weights act at every position."""
        inputs, units = shape[-1], self.units
        params = units * (inputs + 1)
        formula = f"{n(units)} x ({n(inputs)} + 1) = {n(params)}"
        if len(shape) == 1:
            return Step((units,), params, 0, formula, f"units = {n(units)}", inputs * units,
                        mixes_all=True)
        out = shape[:-1] + (units,)  # (H, W, C) -> (H, W, units): only the last axis changes
        return Step(out, params, 0, formula + f" (shared by all {shape[0]} x {shape[1]} positions)",
                    f"acts on the last axis only: {dims(out)}",
                    shape[0] * shape[1] * inputs * units)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.Dense(self.units, activation=self.activation, name=name)

    def code_args(self) -> list[str]:
        return [str(self.units)] + activation_code(self.activation)

    def comment(self, row: Any) -> str:
        if len(row.input_shape) == 3:
            who = _("{n} neurons at each pixel, over its {channels} channels").format(
                n=f"{self.units:,}", channels=f"{row.input_shape[-1]:,}")
        else:
            who = _("{n} neurons, each sees all {inputs} inputs").format(
                n=f"{self.units:,}", inputs=f"{row.input_shape[0]:,}")
        act = (_(", then softmax (probabilities that sum to 1)") if self.activation == "softmax"
               else activation_words(self.activation))
        return what_then(f"{who}{act}", with_params(row))
