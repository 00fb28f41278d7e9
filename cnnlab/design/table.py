"""The Design page's numbers as display rows: counts with thousands separators, units named.

`analyze` gives exact numbers; this module only words and formats them, so the page stays a
list of calls and the tests can check each cell against `analyze` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlab.design.arithmetic import LayerStats, Summary
from cnnlab.text import byte_text, count
from cnnlab.text import dims as shape_text  # '26 × 26 × 32', as everywhere on the pages
from cnnlab.i18n import N_, _, sentences

# Column names of the per-layer table, in order.
COLUMNS = (N_("No."), N_("Layer"), N_("Output shape"), N_("Parameters"),
           N_("How the parameters are counted"), N_("Receptive field"), N_("Multiply-adds"))


def nowrap(text: str) -> str:
    """The text with non-breaking spaces, so a table cell never splits '28 × 28 × 16'."""
    return text.replace(" ", "\u00a0")


def short_count(value: int) -> str:
    """A headline count that fits a small card: exact below a million, else '2.63 M'."""
    return count(value) if value < 1_000_000 else f"{value / 1e6:,.2f} M"


def receptive_text(stats: LayerStats, input_shape: tuple[int, ...]) -> str:
    """'5 × 5 pixels', or '... (whole image)' once one output sees the entire input."""
    rf = stats.receptive_field
    text = _("{h} × {w} pixels").format(h=rf[0], w=rf[1])
    if rf[0] >= input_shape[0] and rf[1] >= input_shape[1]:
        text += _(" (whole image)")
    return text


def _row(number: str, layer: str, shape: str, params: str, how: str, field: str,
         macs: str) -> dict[str, str]:
    return dict(zip([_(c) for c in COLUMNS], (number, layer, shape, params, how, field, macs)))


def table_rows(summary: Summary) -> list[dict[str, str]]:
    """One row for the input, one per layer, one for the totals; keys are COLUMNS."""
    rows = [_row("0", _("Input image"), nowrap(shape_text(summary.input_shape)), "0",
                 _("no weights"), nowrap(_("{h} × {w} pixels").format(h=1, w=1)), "0")]
    for s in summary.layers:
        params = count(s.params)
        if s.non_trainable_params:
            params += " " + _("({n} non-trainable)").format(n=count(s.non_trainable_params))
        rows.append(_row(str(s.position), f"{s.label} ({s.name})",
                         nowrap(shape_text(s.output_shape)), params, s.param_formula,
                         nowrap(receptive_text(s, summary.input_shape)), count(s.macs)))
    rows.append(_row("", _("Total"), "", count(summary.total_params),
                     _("{trainable} trainable + {fixed} non-trainable").format(
                         trainable=count(summary.trainable_params),
                         fixed=count(summary.non_trainable_params)),
                     "", count(summary.total_macs)))
    return rows


def shape_steps(summary: Summary) -> list[tuple[str, str, str]]:
    """(heading, shape formula, parameter formula) per layer, to show how each number arises."""
    return [(f"{s.position}. {s.label}: "
             f"{shape_text(s.input_shape)} → {shape_text(s.output_shape)}",
             s.shape_formula, s.param_formula) for s in summary.layers]


@dataclass(frozen=True)
class Total:
    """One headline number: its label, its formatted value and a sentence on what it means."""

    label: str
    value: str
    help: str


def totals(summary: Summary) -> list[Total]:
    """The headline numbers above the table."""
    return [
        Total(_("Parameters"), short_count(summary.total_params),
              _("Exactly {total}: {trainable} trainable (learned by gradient descent) + {fixed} "
                "non-trainable (BatchNormalization's moving mean and variance).").format(
                  total=count(summary.total_params), trainable=count(summary.trainable_params),
                  fixed=count(summary.non_trainable_params))),
        Total(_("Trainable"), short_count(summary.trainable_params),
              _("Exactly {n}: the weights and biases that training changes.").format(
                  n=count(summary.trainable_params))),
        Total(_("Multiply-adds"), short_count(summary.total_macs),
              _("Exactly {n}: the multiplications of the Conv2D and Dense kernels to classify "
                "one digit, a measure of how long one prediction takes.").format(
                  n=count(summary.total_macs))),
        Total(_("Activations"), byte_text(summary.total_activation_bytes),
              _("Memory of all layer outputs for one image, as float32 (4 bytes each); training "
                "also keeps them for the backward pass, times the batch size.")),
    ]


def baseline_ratio(params: int, baseline_params: int) -> float:
    """How many times the baseline's parameter count this design has."""
    if baseline_params <= 0:
        raise ValueError(f"baseline_params must be positive; got {baseline_params}")
    return params / baseline_params


def baseline_sentence(params: int, baseline_params: int) -> str:
    """A sentence comparing a design's parameter count with the dense baseline's."""
    ratio = baseline_ratio(params, baseline_params)
    how = _("Yours has about as many parameters as the baseline.")
    if ratio < 0.95:
        how = _("Yours has {ratio}× fewer parameters than the baseline.").format(
            ratio=f"{1 / ratio:,.1f}")
    elif ratio > 1.05:
        how = _("Yours has {ratio}× the parameters of the baseline.").format(ratio=f"{ratio:,.1f}")
    return sentences(_("Your design: {params} parameters. The dense baseline (Flatten → Dense "
                       "128 → Dense 10, no convolution): {baseline}.").format(
        params=count(params), baseline=count(baseline_params)), how)
