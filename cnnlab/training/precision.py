"""Mixed bfloat16 precision: multiply in 16 bits where the processor has units for it, keep
the weights in float32, and hand back a plain float32 model.

bfloat16 keeps float32's 8 exponent bits and only 8 bits of mantissa, so a network's
activations and gradients fit without loss scaling, and a processor with bfloat16 dot-product
instructions (AVX512_BF16 or AMX on recent x86 CPUs, any recent GPU) does twice the
multiply-adds per cycle. Keras' "mixed_bfloat16" policy computes each layer in bfloat16 while
its weights stay float32 variables, so the updates lose nothing. On a processor without those
instructions bfloat16 is emulated and slower than float32, so `effective_precision` falls back.

Only the training runs mixed: `float32_model` rebuilds the student's design in float32 with
the trained weights, and that model is evaluated, saved and drawn on, so every number shown
afterwards is plain float32 Keras. Keras is imported inside the functions.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

from cnnlab.design.spec import Architecture

FLOAT32 = "float32"
MIXED_BFLOAT16 = "mixed_bfloat16"
BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")  # /proc/cpuinfo names of the instructions


def cpu_has_bfloat16(cpuinfo: str | None = None) -> bool:
    """True when the processor lists bfloat16 dot-product instructions (Linux /proc/cpuinfo)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return False  # not Linux, or hidden: assume the slow emulated path
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return any(flag in flags for flag in BFLOAT16_CPU_FLAGS)


def has_gpu() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def effective_precision(requested: str) -> str:
    """The precision training really uses: mixed bfloat16 only where it is fast (a GPU, or a
    CPU with bfloat16 instructions); float32 otherwise, and whenever float32 is asked for."""
    if requested == MIXED_BFLOAT16 and (cpu_has_bfloat16() or has_gpu()):
        return MIXED_BFLOAT16
    return FLOAT32


@contextlib.contextmanager
def layers_computing_in(precision: str) -> Iterator[None]:
    """Layers built inside compute in `precision` (Keras' global dtype policy, put back after:
    a worker process trains many students' models, one after another)."""
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def float32_model(model: Any, arch: Architecture) -> Any:
    """`model` itself when it computes in float32; else the same design built in float32 with
    its weights (mixed precision keeps them float32 already, so they copy exactly)."""
    if model.dtype_policy.name == FLOAT32:
        return model
    from cnnlab.training.build import build_model

    plain = build_model(arch)
    plain.set_weights(model.get_weights())
    return plain
