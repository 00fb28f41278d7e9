"""The one error a student or teacher ever sees: a friendly message that names the problem and the fix."""

from __future__ import annotations


class LabError(ValueError):
    """Anything CNN Lab cannot use, said so that a person can fix it; `str(err)` is shown as is.

    One type for every source: a design, a training setting, an uploaded image or model file, a
    saved run, the bundled MNIST files and the teacher's settings. `layer` is the 1-based
    position of the offending layer, when there is one, so a page can show the message beside it.
    """

    def __init__(self, message: str, layer: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.layer = layer
