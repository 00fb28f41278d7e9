"""Sliding-window size arithmetic (Conv2D and pooling), with the formula a student can check.

Keras' rules, per axis:  valid: out = floor((in - k) / s) + 1   same: out = ceil(in / s)
(`same` pads with zeros so that only the stride shrinks the map).
"""

from __future__ import annotations

from cnnlab.errors import LabError
from cnnlab.i18n import _

Pair = tuple[int, int]


def window_out(size: int, kernel: int, stride: int, padding: str) -> int:
    """Output length along one axis; zero or negative when a valid window does not fit."""
    if padding == "same":
        return -(-size // stride)  # ceil(size / stride)
    return (size - kernel) // stride + 1


def window_formula(size: int, kernel: int, stride: int, padding: str) -> str:
    """The arithmetic for one axis with the numbers filled in, e.g. 'floor((28 + 2*0 - 3) / 1) + 1 = 26'."""
    out = window_out(size, kernel, stride, padding)
    if padding == "same":
        return f"ceil({size} / {stride}) = {out}"
    return f"floor(({size} + 2*0 - {kernel}) / {stride}) + 1 = {out}"


def spatial_out(hw: Pair, kernel: Pair, strides: Pair, padding: str) -> Pair:
    """(height, width) after a window of `kernel` moving by `strides`."""
    return (window_out(hw[0], kernel[0], strides[0], padding),
            window_out(hw[1], kernel[1], strides[1], padding))


def spatial_formula(hw: Pair, kernel: Pair, strides: Pair, padding: str) -> str:
    """'out = ...' once when both axes agree, else 'height: out = ...; width: out = ...'."""
    h = window_formula(hw[0], kernel[0], strides[0], padding)
    w = window_formula(hw[1], kernel[1], strides[1], padding)
    if h == w:
        return f"out = {h}"
    return f"height: out = {h}; width: out = {w}"


def check_fits(position: int, label: str, hw: Pair, kernel: Pair, strides: Pair, padding: str,
               what: str) -> Pair:
    """The output (h, w), or a LabError naming the layer, the cause and the fix."""
    out = spatial_out(hw, kernel, strides, padding)
    if min(out) >= 1:
        return out
    shown = f"{max(out[0], 0)}x{max(out[1], 0)}"
    raise LabError(
        _("Layer {position} ({label}): its input is {input}, so the output would be {output} "
          "(the {window} {what} does not fit). Use padding='same' or a smaller {what}, or remove "
          "a pooling layer earlier.").format(
              position=position, label=label, input=f"{hw[0]}x{hw[1]}", output=shown,
              window=f"{kernel[0]}x{kernel[1]}", what=_(what)), layer=position)

