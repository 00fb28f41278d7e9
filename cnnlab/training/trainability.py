"""Can this design train on MNIST? One check, run before a job is queued (Train page and server).

A design can be valid (every shape fits) and still be impossible to train on MNIST: it expects
32x32 colour images, or its last layer gives 7 numbers where the loss needs one score for each
of the 10 digits. Keras would only say so deep inside training, as a TensorFlow error; here the
reason is found at once, in words about the design, with the fix. No TensorFlow is imported.
"""

from __future__ import annotations

from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.i18n import _

MNIST_SHAPE = (28, 28, 1)
CLASSES = 10
# Activations the loss can take: softmax gives probabilities, linear gives logits (from_logits).
OUTPUT_ACTIVATIONS = ("softmax", "linear")


def trainability_problem(arch: spec.Architecture) -> str | None:
    """Why `arch` cannot train on MNIST, with the fix; None when it can."""
    shape = tuple(arch.input_shape)
    if shape != MNIST_SHAPE:
        h, w, c = shape
        return _("This design expects {h}x{w}x{c} input images, but the MNIST digits are 28x28x1 "
                 "(grey, one channel). Start from a preset, or import the design with "
                 '"input_shape": [28, 28, 1].').format(h=h, w=w, c=c)
    try:
        summary = analyze(arch)
    except LabError as err:
        return _("This design cannot be built: {error} Fix it on the Design page.").format(
            error=err.message)
    out = tuple(summary.output_shape)
    if len(out) != 1:
        dims = "x".join(str(d) for d in out)
        return _("This design ends with a {dims} volume, but the loss needs one score per digit "
                 "(10 values). Add Flatten (or GlobalAveragePooling2D), then Dense(10, softmax), "
                 "at the end.").format(dims=dims)
    if out[0] != CLASSES:
        return _("The last layer gives {n} values, but MNIST has 10 classes (the digits 0 to 9). "
                 "Make the last layer Dense(10) with softmax.").format(n=f"{out[0]:,}")
    last = next((layer for layer in reversed(arch.layers) if not layer.keeps_probabilities),
                None)
    if last is None or last.makes_probabilities():
        return None
    activation = "relu" if last.type == "ReLU" else getattr(last, "activation", None)
    if activation is not None and activation not in OUTPUT_ACTIVATIONS:
        return _("The last layer uses {activation}, but the loss needs one free score per digit. "
                 "Use softmax (probabilities) or linear (scores) on the last Dense(10).").format(
                     activation=activation)
    return None


def check_trainable(arch: spec.Architecture) -> None:
    """Raise the LabError the Train page shows when `arch` cannot train on MNIST."""
    problem = trainability_problem(arch)
    if problem is not None:
        raise LabError(problem)
