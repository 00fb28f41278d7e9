"""Read JSON a student typed or uploaded without letting its shape crash or stall the server.

Python's json module recurses once per nested bracket, so `[[[[...]]]]` a few thousand deep
(well under any upload cap) raises RecursionError, and a huge string or list is copied into
error messages and tables. Everything here is checked *before* the parser recurses or the
result is used: the size first, then the bracket depth by a flat scan that skips strings, then
the parsed value's string lengths and item counts. Every refusal is a LabError that says what
was too big and what to do instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _, sentences

MAX_BYTES = 1_000_000  # a design is a few KB; a teacher's handout well under this
MAX_DEPTH = 8  # a design nests 4 deep: {layers: [{kernel_size: [3, 3]}]}
MAX_STRING = 200  # layer types, paddings and activations are a few letters
MAX_ITEMS = 10_000  # every list and object entry together

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_FIX = N_("Export a design from the Design page to see the expected format.")


def read_bounded_json(text: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
                      max_string: int = MAX_STRING, max_items: int = MAX_ITEMS) -> Any:
    """Parse `text` as JSON within the bounds; anything over one is a LabError, never a crash."""
    if not isinstance(text, str):
        raise LabError(sentences(_("A design must be JSON text."), _(_FIX)))
    if len(text) > max_bytes:
        raise LabError(sentences(_("This JSON is {n} characters long; at most {most} are "
                                   "accepted.").format(n=f"{len(text):,}", most=f"{max_bytes:,}"),
                                 _(_FIX)))
    _check_depth(text, max_depth)
    try:
        value = json.loads(text)
    except (ValueError, TypeError, RecursionError) as exc:  # ValueError covers JSONDecodeError
        detail = str(exc)[:120]
        raise LabError(_("This is not valid JSON ({detail}). Check for a missing comma or "
                         "bracket, or export a design from the Design page.").format(
                             detail=detail)) from None
    _check_contents(value, max_string, max_items)
    return value


def quoted(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it, cut short: a message must not echo a whole upload back."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _check_depth(text: str, max_depth: int) -> None:
    """Count bracket nesting outside strings, without recursion, and stop at the first excess."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                raise LabError(sentences(_("This JSON nests brackets more than {depth} deep; a "
                                           "design needs at most 4 levels.").format(
                                               depth=max_depth), _(_FIX)))
        else:
            depth -= 1


def _check_contents(value: Any, max_string: int, max_items: int) -> None:
    """Walk the parsed value (depth already bounded) checking string lengths and item count."""
    pending, items = [value], 0
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if len(item) > max_string:
                raise LabError(sentences(_("A text value in this JSON is {n} characters long; at "
                                           "most {most} are accepted.").format(
                                               n=f"{len(item):,}", most=max_string), _(_FIX)))
        elif isinstance(item, dict):
            items += len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            items += len(item)
            pending.extend(item)
        if items > max_items:
            raise LabError(sentences(_("This JSON has more than {most} entries; a design has a "
                                       "few dozen.").format(most=f"{max_items:,}"), _(_FIX)))
