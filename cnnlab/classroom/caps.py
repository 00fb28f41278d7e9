"""The one gate every page and the trainer use: exact arithmetic plus this server's caps.

`analyze` says whether a design is possible; `check` also says whether this server will run
it, so a student cannot queue a 100-million-parameter model by editing JSON.
"""

from __future__ import annotations

from cnnlab.design import spec
from cnnlab.design.arithmetic import Summary, analyze
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.text import count
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits


def check(arch: spec.Architecture, limits: Limits = DEFAULT_LIMITS) -> Summary:
    """The design's Summary, or a LabError naming the layer, the cap and the fix."""
    if len(arch.layers) > limits.max_layers:
        raise LabError(_("This design has {n} layers, above this server's cap of {cap} layers; "
                         "remove some layers.").format(n=len(arch.layers), cap=limits.max_layers))
    for position, layer in enumerate(arch.layers, start=1):
        layer.check_caps(position, limits)  # each type caps its own fields (cnnlab.design.layers)
    summary = analyze(arch)
    for layer, row in zip(arch.layers, summary.layers):
        layer.check_output_caps(row, limits)  # caps that need the input's shape
    if summary.total_params > limits.max_params:
        biggest = max(summary.layers, key=lambda row: row.params)
        raise LabError(
            _("This design has {params} parameters, above this server's cap of {cap}; the "
              "largest layer is layer {position} ({label}, {layer_params}). Use fewer filters or "
              "units, or pool before Flatten.").format(
                  params=count(summary.total_params), cap=count(limits.max_params),
                  position=biggest.position, label=biggest.label,
                  layer_params=count(biggest.params)), layer=biggest.position)
    return summary
