"""The design as the Keras code a student would write, to take the model home to their own notebook.

Two styles: "sequential" (`keras.Sequential([...])`, a list of layers) and "functional"
(`x = layer(x)`, one call per line). A skip connection cannot be written as a list, so a
design with a ResidualBlock is always written in the functional style, with a comment saying
why; `effective_style` tells a page which style it will get. Each layer type writes its own
line and comment (cnnlab.design.layers): Keras' defaults are left out and square pairs are
written as one int, so only the student's choices show. Keras is never imported here.

The comments are in the page's (or the CLI's) language; the code itself is the same in every
language, so a script runs the same wherever it was exported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnnlab.design import spec
from cnnlab.codegen.script_parts import comment_lines, script_lines
from cnnlab.i18n import N_, _

if TYPE_CHECKING:
    from cnnlab.design.arithmetic import Summary

STYLES = ("sequential", "functional")
_SKIP_NOTE = N_("keras.Sequential can only stack layers one after another; a skip connection "
                "(ResidualBlock) needs the functional style, so this model is written in it.")


def effective_style(arch: spec.Architecture, style: str) -> str:
    """The style the code will be in: "functional" whenever the design has a ResidualBlock."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
    return "functional" if has_residual(arch) else style


def has_residual(arch: spec.Architecture) -> bool:
    """True when a layer is a skip connection, which keras.Sequential cannot hold."""
    return not all(layer.sequential for layer in arch.layers)


def generate_model_code(arch: spec.Architecture, style: str = "sequential") -> str:
    """Runnable code, imports included, that defines `model`; LabError for an invalid design."""
    code = model_code(arch, style)
    gap = "\n\n" if code.startswith("def ") else "\n"  # PEP 8: two blank lines before a def
    return "import keras\nfrom keras import layers\n" + gap + code


def generate_script(arch: spec.Architecture, style: str = "sequential", config: object = None,
                    data_path: str | None = None) -> str:
    """A complete script: load MNIST, preprocess, build, compile, train and evaluate the design.

    `config` is a TrainConfig, a dict of its fields, or None for the defaults; `data_path` is a
    folder with MNIST's four gzip IDX files (default: Keras' download).
    """
    return "\n".join(script_lines(arch, model_code(arch, style), config, data_path,
                                  _summary(arch).warnings))


def model_code(arch: spec.Architecture, style: str = "sequential") -> str:
    """Only the model-building part: the residual helper if needed, then `model = ...`."""
    asked, style = style, effective_style(arch, style)
    rows = _summary(arch).layers
    entries = [("keras.Input(shape=" + repr(tuple(arch.input_shape)) + ")",
                _("{image} (the batch axis is left out)").format(
                    image=_input_words(arch.input_shape)))]
    entries += [(layer.code() if layer.sequential else "", layer.comment(row))
                for layer, row in zip(arch.layers, rows)]
    helpers = dict.fromkeys(layer.code_helper for layer in arch.layers if layer.code_helper)
    out = "".join(helper + "\n\n" for helper in helpers)
    if asked != style:
        out += comment_lines(_(_SKIP_NOTE), 80)
    if style == "sequential":
        return out + _sequential(entries)
    return out + _functional(arch, entries)


def _sequential(entries: list[tuple[str, str]]) -> str:
    lines = [f"    {call}," for call, _comment in entries]
    return "model = keras.Sequential([\n" + _with_comments(lines, entries, "    ") + "])\n"


def _functional(arch: spec.Architecture, entries: list[tuple[str, str]]) -> str:
    lines = [f"inputs = {entries[0][0]}"]
    last = len(arch.layers)
    for position, layer in enumerate(arch.layers, start=1):
        source = "inputs" if position == 1 else "x"
        target = "outputs" if position == last else "x"
        lines.append(f"{target} = {layer.functional_code(source)}")
    return _with_comments(lines, entries, "") + "model = keras.Model(inputs, outputs)\n"


def _with_comments(lines: list[str], entries: list[tuple[str, str]], indent: str) -> str:
    """The input line with its comment beside it; each layer with its comment on the line above."""
    out = f"{lines[0]}  # {entries[0][1]}\n"
    for line, (_call, comment) in zip(lines[1:], entries[1:]):
        out += f"{indent}# {comment}\n{line}\n"
    return out


def _input_words(shape: tuple[int, ...]) -> str:
    h, w, c = shape
    if c == 1:
        return _("one {h}x{w} grey image").format(h=h, w=w)
    return _("one {h}x{w} image with {c} channels").format(h=h, w=w, c=c)


def _summary(arch: spec.Architecture) -> "Summary":
    """The arithmetic of the design; its LabError is the friendly message for an invalid one."""
    from cnnlab.design.arithmetic import analyze

    return analyze(arch)
