"""One convolution taken apart step by step, so the "Convolution explained" page only displays.

The page lets a student pick a small grid, a kernel, a stride and a padding, then slide
through the output cells; everything it shows (padded input, window, products, their sum
written out, the output filled so far, the size formulas) comes from `walkthrough(...)`,
which only calls cnnlab.convolution.by_hand, so what the page shows is what Keras' Conv2D computes.
No TensorFlow here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlab.convolution import by_hand as cv
from cnnlab.convolution.kernels import KERNELS, small_grid_example
from cnnlab.i18n import N_, _

BOX = N_("Box (all ones, k x k)")  # the one kernel whose size the student chooses
CUSTOM = N_("Custom 3x3")  # typed in by the student
BOX_SIZES = (2, 3, 4, 5)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def small_grids() -> dict[str, np.ndarray]:
    """A few tiny 0/1 pictures, each making some famous kernel light up in an obvious place."""
    vertical = np.zeros((6, 6), dtype=np.int64)
    vertical[:, 3:] = 1  # dark left, bright right: Sobel vertical fires on the boundary
    horizontal = np.zeros((6, 6), dtype=np.int64)
    horizontal[3:, :] = 1  # dark top, bright bottom: Sobel horizontal fires
    plus = np.zeros((7, 7), dtype=np.int64)
    plus[3, 1:6] = 1
    plus[1:6, 3] = 1  # a cross: the line detectors each find one stroke
    return {N_("X (7x7)"): small_grid_example(), N_("Vertical edge (6x6)"): _frozen(vertical),
            N_("Horizontal edge (6x6)"): _frozen(horizontal), N_("Plus (7x7)"): _frozen(plus)}


def kernel_names() -> list[str]:
    """The kernel menu: the classic 3x3 presets, then a box of any size, then the student's own."""
    return [*KERNELS, BOX, CUSTOM]


def box_kernel(size: int) -> np.ndarray:
    """A (size, size) kernel of ones: it adds up its window (the plain sum, not the mean)."""
    if not isinstance(size, (int, np.integer)) or not 1 <= size <= 7:
        raise ValueError(f"box kernel size must be a whole number from 1 to 7; got {size!r}")
    return _frozen(np.ones((int(size), int(size))))


def custom_kernel(values: object) -> np.ndarray:
    """A 3x3 kernel from the student's table; an emptied cell counts as 0."""
    array = np.array(values, dtype=np.float64)  # None -> nan
    if array.shape != (3, 3):
        raise ValueError(f"a custom kernel must be 3x3; got shape {array.shape}")
    array = np.where(np.isnan(array), 0.0, array)
    if not np.isfinite(array).all():
        raise ValueError("kernel values must be finite numbers")
    return _frozen(array)


def format_number(value: float) -> str:
    """Short and exact enough for a cell: 3, -1, 0.0625, 0.333 (never '3.0')."""
    if np.isnan(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3g}"


@dataclass(frozen=True, eq=False)
class Walkthrough:
    """A 2-D convolution of one small image, ready to be shown one output cell at a time."""

    image: np.ndarray  # (H, W) as given
    kernel: np.ndarray  # (kh, kw)
    stride: int
    padding: str  # "valid" or "same"
    padded: np.ndarray  # (H + top + bottom, W + left + right), zeros in the border
    pads: cv.Padding4  # (top, bottom, left, right)
    output: np.ndarray  # (out_h, out_w), the whole result (Keras' Conv2D without bias)

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.output.shape[0], self.output.shape[1]

    @property
    def n_steps(self) -> int:
        return self.output.size

    def position(self, step: int) -> tuple[int, int]:
        """(row, col) of the output cell computed at `step` (1-based, reading order)."""
        if not 1 <= step <= self.n_steps:
            raise ValueError(f"step must be from 1 to {self.n_steps}; got {step}")
        return divmod(step - 1, self.out_shape[1])

    def window(self, step: int) -> cv.Window:
        """Where the kernel sits at `step`, the numbers under it, their products and sum."""
        row, col = self.position(step)
        return cv.window_at(self.padded, self.kernel, row, col, self.stride)

    def highlight(self, step: int) -> tuple[int, int, int, int]:
        """(r0, c0, r1, c1), end exclusive: the window's cells in the padded image."""
        win = self.window(step)
        return win.top, win.left, win.top + self.kernel.shape[0], win.left + self.kernel.shape[1]

    def partial_output(self, step: int) -> np.ndarray:
        """The output with cells after `step` still empty (NaN), as if computed so far."""
        self.position(step)  # checks the step
        out = self.output.astype(np.float64).copy().ravel()
        out[step:] = np.nan
        return out.reshape(self.out_shape)

    def padding_note(self) -> str:
        """One sentence on the border: none for 'valid', else how many zeros on each side."""
        top, bottom, left, right = self.pads
        if self.padding == "valid":
            return _("'valid': no border, so the window must stay inside the image and the "
                     "output is smaller than the input.")
        if not any(self.pads):
            return _("'same': this kernel and stride need no border here.")
        return _("'same': Keras adds zeros ({top} top, {bottom} bottom, {left} left, {right} "
                 "right; any odd one goes bottom/right) so the output is ceil(input / stride) "
                 "wide.").format(top=top, bottom=bottom, left=left, right=right)

    def formulas(self) -> tuple[str, str]:
        """The output-size formula for the height and the width, with these numbers in it."""
        (h, w), (kh, kw) = self.image.shape, self.kernel.shape
        return (cv.output_size_formula(h, kh, self.stride, self.padding),
                cv.output_size_formula(w, kw, self.stride, self.padding))


def walkthrough(image: np.ndarray, kernel: np.ndarray, stride: int = 1,
                padding: str = "valid") -> Walkthrough:
    """Pad, convolve and keep everything; a LabError if the kernel does not fit ('valid')."""
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("the walkthrough shows one channel: image (H, W) and kernel (kh, kw)")
    for n, k in zip(image.shape, kernel.shape):
        cv.output_size(n, k, stride, padding)  # friendly error when it does not fit
    padded, pads = cv.pad(image, padding, kernel.shape, stride)
    output = cv.convolve2d(image, kernel, stride, padding)  # (H, W) -> (out_h, out_w)
    return Walkthrough(image, kernel, stride, padding, padded, pads, output)


def sum_expression(window: cv.Window, kernel: np.ndarray) -> str:
    """The cell's value written out: '1×0 + 0×(-1) + ... = 3' (input × weight, reading order)."""
    def term(x: float) -> str:
        text = format_number(x)
        return f"({text})" if x < 0 else text

    pairs = zip(np.ravel(window.patch), np.ravel(kernel))
    terms = " + ".join(f"{term(x)}×{term(w)}" for x, w in pairs)
    return f"{terms} = {format_number(window.total)}"


def feature_map(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: str = "valid",
                relu: bool = False) -> np.ndarray:
    """One filter over a digit: (28, 28) -> (out_h, out_w), optionally through ReLU as in Conv2D."""
    out = cv.convolve2d(image, kernel, stride, padding)
    return np.maximum(out, 0.0) if relu else out


def pooled(image: np.ndarray, pool_size: int = 2, strides: int | None = None,
           padding: str = "valid") -> dict[str, np.ndarray]:
    """Max and average pooling of the same map, side by side: {"max": ..., "average": ...}."""
    return {mode: cv.pool2d(image, pool_size, strides, padding, mode) for mode in ("max", "average")}
