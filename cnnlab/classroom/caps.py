"""The one gate every page and the trainer use: exact arithmetic plus this server's caps.

`analyze` says whether a design is possible; `check` also says whether this server will run
it, so a student cannot queue a 100-million-parameter model by editing JSON.
"""

from __future__ import annotations

from cnnlab.design import spec
from cnnlab.design.arithmetic import Summary, analyze
from cnnlab.errors import LabError
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits


def check(arch: spec.Architecture, limits: Limits = DEFAULT_LIMITS) -> Summary:
    """The design's Summary, or a LabError naming the layer, the cap and the fix."""
    if len(arch.layers) > limits.max_layers:
        raise LabError(f"This design has {len(arch.layers)} layers, above this server's cap of "
                          f"{limits.max_layers} layers; remove some layers.")
    for position, layer in enumerate(arch.layers, start=1):
        _check_layer(position, layer, limits)
    summary = analyze(arch)
    if summary.total_params > limits.max_params:
        biggest = max(summary.layers, key=lambda row: row.params)
        raise LabError(
            f"This design has {summary.total_params:,} parameters, above this server's cap of "
            f"{limits.max_params:,}; the largest layer is layer {biggest.position} "
            f"({biggest.label}, {biggest.params:,}). Use fewer filters or units, or pool "
            "before Flatten.", layer=biggest.position)
    return summary


def _check_layer(position: int, layer: spec.Layer, limits: Limits) -> None:
    """Caps on one layer's size: filters, units, kernel and pool sides."""
    where = f"Layer {position} ({layer.type})"
    filters = getattr(layer, "filters", None)
    if filters is not None and filters > limits.max_filters:
        raise LabError(f"{where}: {filters:,} filters is above this server's cap of "
                          f"{limits.max_filters:,} filters per layer; use fewer filters.", position)
    units = getattr(layer, "units", None)
    if units is not None and units > limits.max_units:
        raise LabError(f"{where}: {units:,} units is above this server's cap of "
                          f"{limits.max_units:,} units per layer; use fewer units.", position)
    for key in ("kernel_size", "pool_size"):
        size = getattr(layer, key, None)
        if size is not None and max(size) > limits.max_kernel:
            raise LabError(f"{where}: a {size[0]}x{size[1]} {key.replace('_', ' ')} is above "
                              f"this server's cap of {limits.max_kernel} pixels per side; use a "
                              "smaller one.", position)
