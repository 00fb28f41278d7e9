"""The Design page's editable layer list: plain dicts a widget can change, each with a stable id.

Widgets need a key that follows a layer when layers are inserted, removed or moved, so every
row carries a `uid` beside its spec fields; `architecture` strips it and lets `spec` check the
rest. Pairs are kept as [height, width] lists (never collapsed to one int) so an editor can
show both sides. Every function returns a new list and leaves its input alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cnnlab.design import spec
from cnnlab.design.layers import BY_TYPE
from cnnlab.design.arithmetic import LayerStats, Summary, analyze
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.classroom.limits import Limits
from cnnlab.classroom.caps import check

Row = dict[str, Any]
UID = "uid"


def new_row(kind: str, uid: int) -> Row:
    """A layer of type `kind` with its type's starting settings (the usual textbook choice)."""
    cls = BY_TYPE.get(kind)
    if cls is None:
        raise LabError(_("Unknown layer type {value}; choose one of {choices}.").format(
            value=repr(kind), choices=", ".join(BY_TYPE)))
    return layer_row(cls.from_json_dict({"type": kind, **cls.new}, 1), uid)


def layer_row(layer: spec.Layer, uid: int) -> Row:
    """One spec layer as an editable row: every field, pairs as [height, width] lists."""
    row: Row = {UID: uid, "type": layer.type}
    for f in dataclasses.fields(layer):
        value = getattr(layer, f.name)
        row[f.name] = list(value) if isinstance(value, tuple) else value
    return row


def rows_from_arch(arch: spec.Architecture, first_uid: int) -> list[Row]:
    """The design's layers as rows with ids first_uid, first_uid + 1, ..."""
    return [layer_row(layer, first_uid + i) for i, layer in enumerate(arch.layers)]


def architecture(rows: list[Row], input_shape: tuple[int, ...] = (28, 28, 1)) -> spec.Architecture:
    """The design the rows describe, or spec's LabError naming the layer (1-based)."""
    layers = [{k: v for k, v in row.items() if k != UID and v is not None} for row in rows]
    return spec.Architecture.from_dict({"input_shape": list(input_shape), "layers": layers})


def position_of(rows: list[Row], uid: int) -> int:
    """The 0-based index of the row with this id; ValueError if it is gone."""
    for index, row in enumerate(rows):
        if row[UID] == uid:
            return index
    raise ValueError(f"no layer with id {uid}")


def move(rows: list[Row], uid: int, step: int) -> list[Row]:
    """The rows with this layer moved `step` places (-1 up, +1 down), stopping at either end."""
    out = list(rows)
    index = position_of(out, uid)
    target = min(max(index + step, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


def remove(rows: list[Row], uid: int) -> list[Row]:
    """The rows without this layer."""
    index = position_of(rows, uid)
    return rows[:index] + rows[index + 1:]


def insert_after(rows: list[Row], uid: int | None, row: Row) -> list[Row]:
    """The rows with `row` placed after the layer `uid` (None: at the end)."""
    index = len(rows) if uid is None else position_of(rows, uid) + 1
    return rows[:index] + [row] + rows[index:]


def read_design_file(data: bytes, limits: Limits) -> spec.Architecture:
    """A design from an uploaded or pasted JSON file, checked against this server's caps.

    Too big, not UTF-8 text, not JSON, not a design, impossible or over a cap: a LabError
    saying which, so the page can keep the current design and show why.
    """
    if len(data) > limits.max_upload_bytes:
        raise LabError(_("This file is {size} bytes; a design file may be at most {most} bytes. "
                         "Export one from this page to see the expected format.").format(
                             size=f"{len(data):,}", most=f"{limits.max_upload_bytes:,}"))
    try:
        text = data.decode("utf-8-sig")  # tolerate the byte-order mark some editors write
    except UnicodeDecodeError:
        raise LabError(_("This file is not text (UTF-8). Upload the design.json file that the "
                         "Design page exports.")) from None
    arch = spec.Architecture.from_json(text)
    check(arch, limits)
    return arch


@dataclass(frozen=True)
class Attempt:
    """The rows as a checked design: arch and summary when valid, else the error to show.

    `before_error` holds the stats of the layers above the failing one, so an editor can
    still show their shapes while the student fixes the layer that does not fit.
    """

    arch: spec.Architecture | None
    summary: Summary | None
    error: LabError | None
    before_error: tuple[LayerStats, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(rows: list[Row], input_shape: tuple[int, ...], limits: Limits) -> Attempt:
    """Build and check the rows' design; a LabError is returned, never raised."""
    try:
        arch = architecture(rows, input_shape)
        return Attempt(arch, check(arch, limits), None)
    except LabError as err:
        return Attempt(None, None, err, _stats_before(rows, input_shape, err.layer))


def _stats_before(rows: list[Row], input_shape: tuple[int, ...],
                  position: int | None) -> tuple[LayerStats, ...]:
    """Stats of the layers above `position`; () when they are not a valid stack themselves."""
    if not position or position < 2:
        return ()
    try:
        head = architecture(rows[:position - 1], input_shape)
        # analyze wants a vector at the end; a trailing Flatten changes none of the rows above it
        tail = () if _ends_in_vector(head) else (spec.Flatten(),)
        summary = analyze(spec.Architecture(head.layers + tail, head.input_shape))
    except LabError:
        return ()
    return summary.layers[:position - 1]


def _ends_in_vector(arch: spec.Architecture) -> bool:
    try:
        analyze(arch)
    except LabError:
        return False
    return True
