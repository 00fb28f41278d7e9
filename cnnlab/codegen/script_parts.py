"""The parts of the exported script around the model: data, preprocessing, compile, fit, evaluate.

The hyperparameters are read by duck typing (a TrainConfig, a dict of its fields, or None), so
this module does not need `cnnlab.training.config`. Keras' defaults are left out here too: an optimizer
at its default settings is written as its name, e.g. `optimizer="adam"`. The comments are in
the current language (cnnlab.i18n); the code lines are the same in every language.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from cnnlab.design import spec
from cnnlab.training.augmentation import (NOISE_SHARE, NOISE_STD, ROTATION_DEGREES, SHEAR,
                                         SHIFT_FRACTION, STROKE, ZOOM_FRACTION)
from cnnlab.training.loop import ONE_CYCLE_END, ONE_CYCLE_START, ONE_CYCLE_WARMUP
from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.text import dims

MNIST_SHAPE = (28, 28, 1)
DEFAULTS: dict[str, Any] = {"optimizer": "adam", "learning_rate": 1e-3, "momentum": 0.9,
                            "batch_size": 128, "epochs": 3, "validation_split": 0.1,
                            "label_format": "integer", "subset": None, "seed": 0,
                            "augment": False, "lr_schedule": "constant",
                            "precision": "float32"}
# Keras' own defaults of each optimizer's settings, and its class name.
_OPTIMIZERS = {"adam": ("Adam", {"learning_rate": 1e-3}),
               "rmsprop": ("RMSprop", {"learning_rate": 1e-3}),
               "sgd": ("SGD", {"learning_rate": 1e-2, "momentum": 0.0})}
_LOSSES = {"integer": "sparse_categorical_crossentropy", "one_hot": "categorical_crossentropy"}
_IDX_FILES = {"x_train": "train-images.idx3-ubyte.gz", "y_train": "train-labels.idx1-ubyte.gz",
              "x_test": "t10k-images.idx3-ubyte.gz", "y_test": "t10k-labels.idx1-ubyte.gz"}

_LOAD_IDX = '''\
def load_idx(path):
    """Read one gzip IDX file: a big-endian header (magic, one size per axis), then the bytes."""
    raw = gzip.decompress(pathlib.Path(path).read_bytes())
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)
'''


def read_config(config: Any) -> dict[str, Any]:
    """The checked training settings from a TrainConfig-like object, a dict or None."""
    if config is None or isinstance(config, dict):
        from cnnlab.training.config import TrainConfig  # checks every value, with friendly messages

        config = TrainConfig.from_dict(dict(config or {}))
    values = {key: getattr(config, key, default) for key, default in DEFAULTS.items()}
    if values["optimizer"] not in _OPTIMIZERS:
        raise LabError(_("{key} must be one of {choices}; got {value}.").format(
            key="optimizer", choices=", ".join(_OPTIMIZERS), value=repr(values["optimizer"])))
    if values["label_format"] not in _LOSSES:
        raise LabError(_("{key} must be one of {choices}; got {value}.").format(
            key="label_format", choices=", ".join(_LOSSES), value=repr(values["label_format"])))
    return values


def script_lines(arch: spec.Architecture, model_code: str, config: Any, data_path: str | None,
                 warnings: tuple[str, ...]) -> list[str]:
    """Every line of the script, top to bottom, with the model code in the middle."""
    if tuple(arch.input_shape) != MNIST_SHAPE:
        raise LabError(_("The script trains on MNIST's 28x28x1 digits, but this design's input "
                         "is {shape}. Set input_shape to [28, 28, 1].").format(
                             shape=dims(arch.input_shape, "x")))
    c = read_config(config)
    out = ['"""' + _("A convolutional network for the MNIST digits, exported from CNN Lab.")
           + '"""', ""]
    one_cycle = c["lr_schedule"] == "one_cycle"
    stdlib = (["gzip"] if data_path else []) + (["math"] if one_cycle else []) + \
        (["pathlib"] if data_path else [])
    out += [f"import {name}" for name in stdlib] + ([""] if stdlib else [])
    out += ["import keras", "import numpy as np"]
    out += (["import tensorflow as tf"] if c["augment"] else []) + ["from keras import layers", ""]
    if warnings:
        out.append("# " + _("CNN Lab's advice on this design:"))
        for warning in warnings:
            out += textwrap.wrap(warning, 96, initial_indent="# - ", subsequent_indent="#   ")
        out.append("")
    out += [f"keras.utils.set_random_seed({c['seed']})  # "
            + _("the same initial weights and shuffling on every run"), ""]
    out += _data(data_path, c)
    mixed = c["precision"] == "mixed_bfloat16"
    out += ["# " + _("3. The model")]
    if mixed:
        out.append('keras.config.set_dtype_policy("mixed_bfloat16")  # '
                   + _("the model's layers compute in bfloat16, their weights stay float32"))
    out.append(model_code.rstrip("\n"))
    if mixed:
        out.append('keras.config.set_dtype_policy("float32")  # '
                   + _("what is built after the model computes in float32 again"))
    out += ["model.summary()  # " + _("per layer: output shape (None is the batch axis) and "
                                      "parameters"), ""]
    out += _train(c)
    return out


def _data(data_path: str | None, c: dict[str, Any]) -> list[str]:
    out = ["# " + _("1. Data: 60,000 training and 10,000 test images of digits, 28x28 grey "
                    "pixels (0-255)")]
    if data_path:
        folder = json.dumps(str(data_path), ensure_ascii=False)  # a valid Python string literal
        out += [_LOAD_IDX, "", f"DATA = pathlib.Path({folder})"]
        out += [f'{key} = load_idx(DATA / "{name}")' for key, name in _IDX_FILES.items()]
    else:
        out.append("(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()")
    out += ["", "# " + _("2. Preprocessing: add the channel axis and scale the pixels to [0, 1]"),
            'x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255  '
            "# (60000, 28, 28) -> (60000, 28, 28, 1)",
            'x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255']
    if c["subset"] is not None:
        out.append(f"x_train, y_train = x_train[:{c['subset']}], y_train[:{c['subset']}]  "
                   + "# " + _("train on the first {n} images only (faster)").format(
                       n=f"{c['subset']:,}"))
    if c["label_format"] == "one_hot":
        out += ["y_train = keras.utils.to_categorical(y_train, 10)  "
                "# " + _("one-hot: digit 3 -> {vector}").format(
                    vector="[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]"),
                "y_test = keras.utils.to_categorical(y_test, 10)"]
    return out + [""]


def _train(c: dict[str, Any]) -> list[str]:
    loss = _LOSSES[c["label_format"]]
    why = (_("integer labels 0-9 vs. the predicted probabilities")
           if c["label_format"] == "integer" else _("one-hot labels vs. the predicted probabilities"))
    out = ["# " + _("4. Training setup: how to measure the error and how to reduce it")]
    out += _one_cycle(c) + ["model.compile(",
           f"    optimizer={optimizer_code(c)},",
           f'    loss="{loss}",  # {why}',
           '    metrics=["accuracy"],', ")", ""]
    out += ["# " + _("5. Training: each epoch shows every training image once, {n} at a "
                     "time").format(n=c["batch_size"])]
    split = c["validation_split"]
    if split:
        out.append("# " + _("(the last {share} of the training images are held out to check "
                            "for overfitting)").format(share=f"{split * 100:g}%"))
    out += _fit_augmented(c) if c["augment"] else [
        f"history = model.fit(x_train, y_train, batch_size={c['batch_size']}, "
        f"epochs={c['epochs']}" + (f", validation_split={split:g})" if split else ")")]
    out += ["", "# " + _("6. Evaluation on the 10,000 test images the model has never seen"),
            "test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)",
            'print(f"Test accuracy: {test_accuracy:.4f}")', ""]
    return out


def _fit_augmented(c: dict[str, Any]) -> list[str]:
    """Random transforms in the tf.data pipeline, so the model itself stays the designed one."""
    out = []
    fit = f"history = model.fit(train_data, epochs={c['epochs']}"
    if c["validation_split"]:
        out += [f"n_val = int(len(x_train) * {c['validation_split']:g})",
                "x_val, y_val = x_train[-n_val:], y_train[-n_val:]",
                "x_train, y_train = x_train[:-n_val], y_train[:-n_val]"]
        fit += ", validation_data=(x_val, y_val)"
    out += [
        *comment_lines(_("data augmentation, for training images only: digits slightly turned, "
                         "shifted, zoomed, slanted, written with thinner or thicker strokes and, "
                         "some of them, with faint noise"), 96).splitlines(),
        _augment_helpers(),
        "augment = keras.Sequential([",
        f"    layers.RandomRotation({ROTATION_DEGREES:g} / 360, fill_mode=\"constant\"),  # "
        + _("at most +-{degrees} degrees, as a fraction of a turn").format(
            degrees=f"{ROTATION_DEGREES:g}"),
        f"    layers.RandomTranslation({SHIFT_FRACTION:g}, {SHIFT_FRACTION:g}, "
        "fill_mode=\"constant\"),  # " + _("at most +-{share} of the size").format(
            share=f"{SHIFT_FRACTION * 100:g}%"),
        f"    layers.RandomZoom({ZOOM_FRACTION:g}, fill_mode=\"constant\"),  # "
        + _("at most +-{share}; new borders are black").format(
            share=f"{ZOOM_FRACTION * 100:g}%"),
        "])",
        "train_data = (tf.data.Dataset.from_tensor_slices((x_train, y_train))",
        "              .shuffle(len(x_train))  # " + _("a new order every epoch"),
        f"              .batch({c['batch_size']})",
        "              .map(lambda x, y: (speckle(slant(augment(restroke(x), training=True))), y)))"
        "  # " + _("new random transforms every batch"),
    ]
    return out + [fit + ")"]


def _one_cycle(c: dict[str, Any]) -> list[str]:
    """The one-cycle schedule as cnnlab.training.loop.learning_rate builds it: the same Keras
    CosineDecay, with the number of steps computed from the data the script trains on."""
    if c["lr_schedule"] != "one_cycle":
        return []
    split = c["validation_split"]
    kept = f" * {1 - split:g}" if split else ""  # the images left after the validation split
    rate = float(c["learning_rate"])
    return ["# " + _("one-cycle learning rate: from a tenth of the peak up to it over the first "
                     "quarter of the steps,"),
            "# " + _("then a cosine down to a hundredth of it; a higher peak, so fewer epochs are "
                     "needed"),
            f"steps = max(2, {c['epochs']} * math.ceil(len(x_train){kept} / {c['batch_size']}))"
            "  # " + _("batches in all epochs"),
            f"warmup = max(1, int(steps * {ONE_CYCLE_WARMUP:g}))",
            "learning_rate = keras.optimizers.schedules.CosineDecay(",
            f"    {rate!r} * {ONE_CYCLE_START:g}, decay_steps=steps - warmup, "
            f"alpha={ONE_CYCLE_END:g},",
            f"    warmup_target={rate!r}, warmup_steps=warmup)"]


def comment_lines(text: str, width: int) -> str:
    """`text` as '# ' comment lines of at most `width` characters (Chinese has no spaces to
    break at, so long runs are cut anywhere)."""
    return "".join(line + "\n" for line in textwrap.wrap(text, width, initial_indent="# ",
                                                         subsequent_indent="# "))


def _augment_helpers() -> str:
    """The slant, restroke and speckle helpers of the exported script, with their docstrings and
    comments in the student's language (the code is the same in every language)."""
    slant_doc = _("Slanted like italics: each row moves sideways by up to {shear} x its distance "
                  "from the middle.").format(shear=f"{SHEAR:g}")
    reads = _("for each output pixel, where to read: x_in = x_out + s * (y_out - 13.5), "
              "y_in = y_out")
    restroke_doc = _("Thinner or thicker strokes: -1 = eroded with a plus, +1 = dilated 3x3, "
                     "+{most} = half way to dilated twice; strengths drawn from -{most} to "
                     "+{most} (below -1: fully eroded).").format(most=f"{STROKE:g}")
    speckle_doc = _("Faint Gaussian noise on {share} of the images (standard deviation up to "
                    "{std}).").format(share=f"{NOISE_SHARE:.0%}", std=f"{NOISE_STD:g}")
    dilation = _("dilation: the brightest pixel of each 3x3 square")
    erosion = _("erosion: the darkest of a pixel and its 4 neighbours")
    return f'''\
def slant(x):
    """{slant_doc}"""
    s = tf.random.uniform([tf.shape(x)[0], 1], -{SHEAR:g}, {SHEAR:g})
    one, zero = tf.ones_like(s), tf.zeros_like(s)
    # {reads}
    reads = tf.concat([one, s, -13.5 * s, zero, one, zero, zero, zero], axis=1)
    return keras.ops.image.affine_transform(x, reads, fill_mode="constant")


def restroke(x):
    """{restroke_doc}"""
    s = tf.random.uniform([tf.shape(x)[0], 1, 1, 1], -{STROKE:g}, {STROKE:g})
    once = tf.nn.max_pool2d(x, 3, 1, "SAME")  # {dilation}
    twice = tf.nn.max_pool2d(once, 3, 1, "SAME")
    # {erosion}
    p = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
    neighbours = [x, p[:, :-2, 1:-1], p[:, 2:, 1:-1], p[:, 1:-1, :-2], p[:, 1:-1, 2:]]
    eroded = tf.reduce_min(tf.stack(neighbours), axis=0)
    thicker = tf.clip_by_value(s, 0.0, 1.0) * (once - x) + tf.clip_by_value(s - 1, 0.0, 1.0) * (twice - once)
    return x + thicker + tf.clip_by_value(-s, 0.0, 1.0) * (eroded - x)


def speckle(x):
    """{speckle_doc}"""
    n = tf.shape(x)[0]
    noisy = tf.random.uniform([n, 1, 1, 1]) < {NOISE_SHARE:g}
    std = tf.where(noisy, tf.random.uniform([n, 1, 1, 1], 0.0, {NOISE_STD:g}), 0.0)
    return tf.clip_by_value(x + tf.random.normal(tf.shape(x)) * std, 0.0, 1.0)

'''


def optimizer_code(c: dict[str, Any]) -> str:
    """`"adam"` at Keras' defaults, else the class with only the changed settings; with the
    one-cycle schedule, the `learning_rate` variable that `_one_cycle` defines."""
    name = c["optimizer"]
    cls, defaults = _OPTIMIZERS[name]
    wanted = {"learning_rate": float(c["learning_rate"])}
    if name == "sgd":
        wanted["momentum"] = float(c["momentum"])
    changed = {k: repr(v) for k, v in wanted.items() if v != defaults[k]}
    if c.get("lr_schedule") == "one_cycle":
        changed["learning_rate"] = "learning_rate"
    if not changed:
        return f'"{name}"'
    return f"keras.optimizers.{cls}(" + ", ".join(f"{k}={v}" for k, v in changed.items()) + ")"
