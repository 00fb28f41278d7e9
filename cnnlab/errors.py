"""The one error a student ever sees: a friendly message that names the problem and the fix."""

from __future__ import annotations


class DesignError(ValueError):
    """A design, file or request the app cannot use; `str(err)` is shown to the student as is.

    `layer` is the 1-based position of the offending layer, when there is one, so a page can
    show the message beside that layer.
    """

    def __init__(self, message: str, layer: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.layer = layer
