"""What every layer type defines, and the field checks and window arithmetic they share.

A layer type is a frozen dataclass (its fields are the JSON keys, named as Keras names its
arguments) that subclasses `LayerType` and fills in its class attributes and methods: how it
reads in one line, its output shape and parameters with the formulas, its Keras layer(s), its
line of generated code, and what the Design page's editor and picture need. Keras is imported
only inside the methods that build a model, so importing a layer type stays cheap.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from cnnlab.design.windows import Pair, check_fits, spatial_formula
from cnnlab.design.bounded_json import quoted
from cnnlab.errors import LabError
from cnnlab.text import ASCII, count as n, dims as _dims, size
from cnnlab.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from cnnlab.classroom.limits import Limits
    from cnnlab.design.arithmetic import LayerStats

Shape = tuple[int, ...]
PADDINGS = ("valid", "same")
# Activations offered by name; every one is a name Keras accepts.
ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "linear", "elu", "gelu", "swish")
NO_WEIGHTS = "no weights = 0"


def dims(shape: Shape) -> str:
    """A shape inside a formula: '26 x 26 x 32'."""
    return _dims(shape, ASCII)


# ---- fields: what a key accepts, checked and normalized by its kind ----

@dataclass(frozen=True)
class Field:
    """One setting of a layer type: its JSON key, the kind of value, how the editor shows it.

    `kind` decides both the check and the widget: "count" (a whole number >= 1), "window"
    (a kernel or pool [height, width]), "stride", "dilation", "border" (zero rows/columns, >= 0),
    "padding", "activation", "rate" (a fraction in [0, 1)), "flag" (true/false) and "limit"
    (an optional positive number). `label` is the editor's label and widget-key prefix;
    `cap` names the classroom Limits attribute that bounds it; `written_at_default=False`
    leaves the key out of exported JSON while it has Keras' default value.
    """

    name: str
    kind: str
    label: str
    help: str
    cap: str | None = None
    written_at_default: bool = True


PAIR_KINDS = ("window", "stride", "dilation", "border")
FILTERS = Field("filters", "count", N_("filters"),
                N_("How many kernels this layer learns: the number of output channels."),
                cap="max_filters")
KERNEL = Field("kernel_size", "window", N_("kernel"),
               N_("Height x width of each kernel (the window it looks at)."), cap="max_kernel")
STRIDES = Field("strides", "stride", N_("stride"),
                N_("How many pixels the window moves each step; 2 halves the map."))
PADDING = Field("padding", "padding", N_("padding"),
                N_("valid: no border, the map shrinks by kernel - 1. same: a zero border keeps the "
                "size (only the stride shrinks it)."))
ACTIVATION = Field("activation", "activation", N_("activation"),
                   N_("The function applied to every output; relu for hidden layers, softmax for "
                   "the last one."))
DEPTH_MULTIPLIER = Field("depth_multiplier", "count", N_("depth ×"),
                         N_("How many kernels each input channel gets; 1 keeps the channel count."),
                         cap="max_filters", written_at_default=False)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def layer_where(position: int, type_name: str) -> str:
    """'Layer 3 (Conv2D)': where a message about a layer starts, in the page's language."""
    return _("Layer {position} ({type})").format(position=position, type=type_name)


def _pair(where: str, position: int, key: str, value: Any, low: int) -> Pair:
    pair = (value, value) if _is_int(value) else value
    if (not isinstance(pair, (list, tuple)) or len(pair) != 2
            or not all(_is_int(v) for v in pair)):
        raise LabError(_("{where}: {key} must be a whole number or a [height, width] pair; "
                         "got {value}.").format(where=where, key=key, value=quoted(value)),
                       position)
    if min(pair) < low:
        raise LabError(_("{where}: {key} must be at least {low}; got {value}.").format(
            where=where, key=key, low=low, value=quoted(value)), position)
    return (int(pair[0]), int(pair[1]))


def _count(where: str, position: int, key: str, value: Any) -> int:
    if not _is_int(value) or value < 1:
        raise LabError(_("{where}: {key} must be a whole number of at least 1; got "
                         "{value}.").format(where=where, key=key, value=quoted(value)), position)
    return value


def _rate(where: str, position: int, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise LabError(_("{where}: {key} must be a fraction from 0 up to (not including) 1, such "
                         "as 0.25; got {value}.").format(where=where, key=key, value=quoted(value)),
                       position)
    return float(value)


def _padding(where: str, position: int, key: str, value: Any) -> str:
    if value not in PADDINGS:
        raise LabError(_("{where}: {key} must be 'valid' (no border) or 'same' (keep the size); "
                         "got {value}.").format(where=where, key=key, value=quoted(value)),
                       position)
    return value


def _activation(where: str, position: int, key: str, value: Any) -> str:
    value = "linear" if value is None else value
    if value not in ACTIVATIONS:
        raise LabError(_("{where}: unknown activation {value}; choose one of {choices}.").format(
            where=where, value=quoted(value), choices=", ".join(ACTIVATIONS)), position)
    return value


def _flag(where: str, position: int, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise LabError(_("{where}: {key} must be true or false; got {value}.").format(
            where=where, key=key, value=quoted(value)), position)
    return value


def _limit(where: str, position: int, key: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise LabError(_("{where}: {key} must be a positive number such as 6, or null for no "
                         "limit; got {value}.").format(where=where, key=key, value=quoted(value)),
                       position)
    return float(value)


CHECKS: dict[str, Callable[[str, int, str, Any], Any]] = {
    "count": _count, "rate": _rate, "padding": _padding, "activation": _activation,
    "flag": _flag, "limit": _limit,
    "window": lambda w, p, k, v: _pair(w, p, k, v, 1),
    "stride": lambda w, p, k, v: _pair(w, p, k, v, 1),
    "dilation": lambda w, p, k, v: _pair(w, p, k, v, 1),
    "border": lambda w, p, k, v: _pair(w, p, k, v, 0),
}


# ---- what one layer does to the tensor ----

@dataclass(frozen=True)
class Step:
    """One layer's arithmetic; `windows` are its (kernel extent, stride) pairs for the receptive field."""

    output_shape: Shape
    trainable: int
    non_trainable: int
    param_formula: str
    shape_formula: str
    macs: int  # multiply-adds of the layer's kernels per image
    windows: tuple[tuple[Pair, Pair], ...] = ()
    mixes_all: bool = False  # every output sees the whole input (GAP, Dense on a vector)


def same_shape(shape: Shape) -> Step:
    """A layer that changes neither the shape nor has weights (Dropout, activations)."""
    return Step(shape, 0, 0, NO_WEIGHTS, f"same as its input: {dims(shape)}", 0)


def sliding(position: int, label: str, shape: Shape, kernel: Pair, strides: Pair, padding: str,
            what: str = N_("kernel")) -> tuple[Pair, str]:
    """(height, width) after a window slides over the input, and the formula that gives it."""
    hw = check_fits(position, label, shape[:2], kernel, strides, padding, what)
    return hw, spatial_formula(shape[:2], kernel, strides, padding)


def pair_code(value: Pair) -> str:
    """A (h, w) pair as a student types it: `3` when square, else `(3, 5)`."""
    return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"


def window_code(strides: Pair, default_strides: Pair, padding: str) -> list[str]:
    """The strides and padding arguments, each left out at Keras' default."""
    out = [] if strides == default_strides else [f"strides={pair_code(strides)}"]
    return out + ([] if padding == "valid" else [f'padding="{padding}"'])


def window_words(strides: Pair, padding: str, default: Pair = (1, 1)) -> str:
    """', stride 2, zero-padded' for a code comment; empty at the defaults."""
    words = "" if strides == default else _(", stride {n}").format(n=pair_code(strides))
    return words + (_(", zero-padded") if padding == "same" else "")


def stride_label(strides: Pair) -> str:
    """' stride 2x2' for a layer's one-line label; empty at stride 1."""
    return "" if strides == (1, 1) else f" stride {size(strides)}"


def depthwise_code(layer: Any) -> list[str]:
    """The arguments after the kernel of a depthwise or separable convolution, defaults left out."""
    args = window_code(layer.strides, (1, 1), layer.padding)
    if layer.depth_multiplier != 1:
        args.append(f"depth_multiplier={layer.depth_multiplier}")
    return args + activation_code(layer.activation)


def activation_code(name: str) -> list[str]:
    return [] if name == "linear" else [f'activation="{name}"']


def activation_words(name: str) -> str:
    return "" if name == "linear" else _(", then {name}").format(name=name)


def saving(params: int, conv_params: int) -> str:
    """How a cheaper convolution compares with a Conv2D of the same output shape."""
    if params == conv_params:
        return f"the same as a Conv2D of the same shape ({n(conv_params)}): one input channel"
    if params < conv_params:
        return (f"a Conv2D of the same shape needs {n(conv_params)}: "
                f"{n(conv_params - params)} fewer ({conv_params / params:,.1f}x less)")
    return f"a Conv2D of the same shape needs {n(conv_params)}: {n(params - conv_params)} more"


class LayerType:
    """The contract of a layer type. Subclasses are frozen dataclasses; see layers/__init__.py."""

    type: ClassVar[str]  # the JSON "type", Keras' class name
    keras_name: ClassVar[str]  # Keras' snake-case name prefix, e.g. "conv2d"
    fields: ClassVar[tuple[Field, ...]] = ()  # the JSON keys in dataclass order
    new: ClassVar[dict[str, Any]] = {}  # a freshly inserted layer's fields (pairs as lists)
    explanation: ClassVar[str]  # one plain sentence for the editor
    editor_note: ClassVar[str] = ""  # a caption under the editor's widgets
    short: ClassVar[str]  # the picture's label prefix, e.g. "Conv"
    color: ClassVar[str] = "#888888"  # the picture's box colour
    needs_image: ClassVar[bool] = True  # False: also works on a vector
    sequential: ClassVar[bool] = True  # False: a skip connection, needs Keras' functional API
    code_helper: ClassVar[str] = ""  # a function the generated code defines before the model
    keeps_probabilities: ClassVar[bool] = False  # a softmax output stays a probability vector

    # ---- spec: reading and checking ----

    @classmethod
    def from_json_dict(cls, raw: dict[str, Any], position: int) -> "LayerType":
        """The layer from its JSON dict (with "type"), every key and value checked."""
        where = layer_where(position, cls.type)
        allowed = {f.name for f in cls.fields}
        unknown = set(raw) - allowed - {"type"}
        if unknown:
            hint = (_("allowed keys are {keys}").format(keys=", ".join(sorted(allowed)))
                    if allowed else _("it takes no keys"))
            raise LabError(_("{where}: unknown key(s) {keys}; {hint}.").format(
                where=where, keys=quoted(", ".join(sorted(unknown))), hint=hint), position)
        defaults = {f.name: f for f in dataclasses.fields(cls)}
        missing = [f.name for f in cls.fields
                   if defaults[f.name].default is dataclasses.MISSING and f.name not in raw]
        if missing:
            raise LabError(_("{where}: missing {keys}; this layer needs it.").format(
                where=where, keys=", ".join(missing)), position)
        values = {}
        for f in cls.fields:
            if f.name not in raw:
                continue
            value = raw[f.name]
            if value is None and defaults[f.name].default is None:
                values[f.name] = None  # an optional key left unset, e.g. pooling strides
            else:
                values[f.name] = CHECKS[f.kind](where, position, f.name, value)
        layer = cls(**values)
        layer.check(where, position)
        return layer

    def check(self, where: str, position: int) -> None:
        """Rules between fields (e.g. Keras cannot dilate and stride at once); none by default."""

    def to_json_dict(self) -> dict[str, Any]:
        """The layer as JSON: its fields, square pairs collapsed to one int."""
        out: dict[str, Any] = {"type": self.type}
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        for f in self.fields:
            value = getattr(self, f.name)
            if value is None or (not f.written_at_default and value == defaults[f.name]):
                continue  # unset, or a default the student never chose
            if isinstance(value, tuple):
                value = value[0] if value[0] == value[1] else list(value)
            out[f.name] = value
        return out

    def describe(self) -> str:
        """A short human label, e.g. 'Conv2D 32 3x3 valid'."""
        return self.type

    def picture_label(self) -> str:
        """The label above its box in the network picture, e.g. 'Conv 32'."""
        return self.short

    # ---- arithmetic ----

    def check_input(self, position: int, shape: Shape, made_vector: str) -> None:
        """Reject a vector input when this layer needs an image (`made_vector` says why it is one)."""
        if self.needs_image and len(shape) == 1:
            raise LabError(
                _("Layer {position} ({label}): its input is a vector of {numbers}, not an image "
                  "({why}). Convolution and pooling need an image (height x width x channels): "
                  "move the Flatten (or GlobalAveragePooling2D) after the last convolution or "
                  "pooling layer.").format(position=position, label=self.describe(),
                                           numbers=numbers(shape[0]), why=made_vector),
                layer=position)

    def step(self, position: int, shape: Shape) -> Step:
        """Output shape, parameters with formulas, multiply-adds and receptive-field windows."""
        raise NotImplementedError

    def check_caps(self, position: int, limits: "Limits") -> None:
        """This server's caps on the layer's own fields (counts and window sides)."""
        where = layer_where(position, self.type)
        for f in self.fields:
            value, cap = getattr(self, f.name), getattr(limits, f.cap) if f.cap else None
            if cap is None or value is None:
                continue
            words = f.name.replace("_", " ")
            if f.kind == "count" and value > cap and words.endswith("s"):  # filters, units
                raise LabError(_("{where}: {value} {words} is above this server's cap of {cap} "
                                 "{words} per layer; use fewer {words}.").format(
                                     where=where, value=f"{value:,}", words=words, cap=f"{cap:,}"),
                               position)
            if f.kind == "count" and value > cap:  # e.g. a depth multiplier
                raise LabError(_("{where}: a {words} of {value} is above this server's cap of "
                                 "{cap}; use a smaller {words}.").format(
                                     where=where, value=f"{value:,}", words=words, cap=f"{cap:,}"),
                               position)
            if f.kind in PAIR_KINDS and max(value) > cap:
                raise LabError(_("{where}: a {size} {words} is above this server's cap of {cap} "
                                 "pixels per side; use a smaller one.").format(
                                     where=where, size=size(value), words=words, cap=cap),
                               position)

    def check_output_caps(self, row: "LayerStats", limits: "Limits") -> None:
        """Caps that need the input shape (e.g. channels a depth multiplier makes); none by default."""

    def makes_probabilities(self) -> bool:
        """True when its output is a softmax (the loss then takes probabilities, not logits)."""
        return getattr(self, "activation", None) == "softmax"

    # ---- Keras ----

    def keras_layer(self, name: str) -> Any:
        """The one Keras layer this becomes (Keras imported here, never at module level)."""
        raise NotImplementedError

    def apply(self, x: Any, name: str) -> Any:
        """Apply the layer to the Keras tensor `x` (several layers for a block)."""
        return self.keras_layer(name)(x)

    def keras_parts(self, name: str) -> tuple[str, ...]:
        """The names of the Keras layers it becomes, in order; its output is the last present."""
        return (name,)

    # ---- generated code ----

    def code(self) -> str:
        """The Keras call, e.g. `layers.Conv2D(32, 3, activation="relu")`; defaults left out."""
        return f"layers.{self.type}({', '.join(self.code_args())})"

    def code_args(self) -> list[str]:
        return []

    def functional_code(self, source: str) -> str:
        """The right-hand side of `x = ...` in the functional style."""
        return f"{self.code()}({source})"

    def comment(self, row: "LayerStats") -> str:
        """What the code line does, with the shape change and the parameters."""
        raise NotImplementedError


def numbers(amount: int) -> str:
    return ngettext("{n} number", "{n} numbers", amount).format(n=f"{amount:,}")


def change(row: "LayerStats") -> str:
    """'(28, 28, 1) -> (26, 26, 32)' for a code comment."""
    return f"{row.input_shape} -> {row.output_shape}"


def params_words(row: "LayerStats") -> str:
    return _("{n} parameters").format(n=f"{row.params:,}")


def what_then(what: str, details: str) -> str:
    """'32 filters of 3x3, then relu: (28, 28, 1) -> ...': a comment's words, then its numbers."""
    return _("{what}: {details}").format(what=what, details=details)


def with_params(row: "LayerStats") -> str:
    """'(28, 28, 1) -> (26, 26, 32), 320 parameters': the end of a layer's code comment."""
    return _("{change}, {params}").format(change=change(row), params=params_words(row))


def no_params(row: "LayerStats") -> str:
    """'(26, 26, 32) -> (13, 13, 32), no parameters': the end of a weightless layer's comment."""
    return _("{change}, no parameters").format(change=change(row))
