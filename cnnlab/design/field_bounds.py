"""What to do with a number typed into a Design field outside the range the field accepts.

A browser's number box that refuses a value keeps showing it while the design silently keeps
the old one, so the field and the table disagree. Instead the page accepts any number, brings
it into range here, puts the corrected value back in the field and says so beside the layer.
"""

from __future__ import annotations


def bring_into_range(label: str, value: object, low: float,
                     high: float | None) -> tuple[object, str | None]:
    """(the value to keep, a sentence saying what was corrected, or None when it was fine).
    `high` None: no upper limit. Whole-number fields (int `low`) stay whole numbers."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value, None
    top = float("inf") if high is None else high
    if value != value:  # NaN
        return low, f"{label} must be a number; set to {low:g}."
    fixed = min(max(value, low), top)
    if isinstance(low, int) and not isinstance(fixed, int):
        fixed = int(fixed)
    if fixed == value:
        return value, None
    why = "the most this server allows" if value > top else "the least possible"
    span = f"{low:g} or more" if high is None else f"{low:g} to {high:g}"
    return fixed, f"{label} {value:g} is out of range ({span}); set to {fixed:g}, {why}."
