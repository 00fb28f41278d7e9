"""The exported code builds exactly the designed model: checked against Keras, arithmetic and build_model.

The generated code names no layers, so the test maps Keras layers back to spec positions by
walking the graph: a tensor with one consumer is a one-layer position; a tensor with two
consumers starts a ResidualBlock, which runs to its Add and the ReLU after it.
"""

from __future__ import annotations

import ast
import io
import json
import math
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from cnnlab import i18n
from cnnlab.design import spec
from cnnlab.__main__ import main
from cnnlab.design.arithmetic import analyze
from cnnlab.training.build import build_model, keras_layers_by_position
from cnnlab.codegen.generate import effective_style, generate_model_code, generate_script
from cnnlab.codegen.script_parts import optimizer_code, read_config
from cnnlab.errors import LabError
from cnnlab.design.presets import PRESETS
from tests.strategies import valid_architectures

ROOT = Path(__file__).resolve().parents[2]
MNIST_DIR = ROOT / "data" / "mnist"
STYLES = ("sequential", "functional")


def exec_model(code: str, seed: int = 0):
    """Run the generated model code in a fresh namespace, with the seed build_model would use."""
    keras.utils.set_random_seed(seed)
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)
    return namespace["model"]


def spec_groups(model) -> list[list]:
    """The model's Keras layers grouped per spec position, in order, by following the graph."""
    consumers: dict[int, list] = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        inputs = layer.input if isinstance(layer.input, list) else [layer.input]
        for tensor in inputs:
            consumers.setdefault(id(tensor), []).append(layer)
    groups, tensor = [], model.inputs[0]
    while id(tensor) in consumers:
        users = consumers[id(tensor)]
        if len(users) == 1:
            assert not isinstance(users[0], keras.layers.Add)
            groups.append(users)
            tensor = users[0].output
            continue
        assert len(users) == 2, [u.name for u in users]  # main path + shortcut
        block, frontier, adds = [], list(users), []
        while frontier:
            layer = frontier.pop()
            if any(layer is seen for seen in block):
                continue
            block.append(layer)
            if isinstance(layer, keras.layers.Add):
                adds.append(layer)
            else:
                frontier += consumers.get(id(layer.output), [])
        assert len(adds) == 1
        (out,) = consumers[id(adds[0].output)]
        assert isinstance(out, keras.layers.ReLU)
        groups.append(block + [out])
        tensor = out.output
    assert tensor is model.outputs[0]
    return groups


def _count(variables) -> int:
    return sum(int(np.prod(v.shape)) for v in variables)


def group_stats(group: list) -> tuple:
    """(output shape, trainable, non-trainable) of one position; the last layer is its output."""
    shape = tuple(int(d) for d in group[-1].output.shape[1:])
    return (shape, sum(_count(l.trainable_weights) for l in group),
            sum(_count(l.non_trainable_weights) for l in group))


def signature(layer) -> str:
    """A layer's class and config without its name; a 1x1 conv's padding changes nothing."""
    config = dict(layer.get_config())
    config.pop("name")
    if config.get("kernel_size") == (1, 1):
        config.pop("padding")
    return type(layer).__name__ + json.dumps(config, sort_keys=True, default=str)


def assert_code_builds_design(arch: spec.Architecture, styles: tuple[str, ...] = STYLES) -> None:
    """Each style's model == analyze (shapes, params) == build_model (configs, predictions)."""
    summary = analyze(arch)
    expected = [(row.output_shape, row.trainable_params, row.non_trainable_params)
                for row in summary.layers]
    # clear_session's gc.collect takes ~0.2 s; resetting Keras' state is what matters here
    keras.backend.clear_session(free_memory=False)
    reference = build_model(arch, seed=0)
    parts = keras_layers_by_position(reference, arch)
    x = np.random.default_rng(1).random((2,) + arch.input_shape, dtype=np.float32)
    predicted = np.asarray(reference(x, training=False))
    for style in styles:
        code = generate_model_code(arch, style)
        assert keras_default_arguments(code) == []
        model = exec_model(code)
        groups = spec_groups(model)
        assert [group_stats(g) for g in groups] == expected, style
        assert model.count_params() == summary.total_params
        for position, group in enumerate(groups, start=1):
            assert sorted(map(signature, group)) == sorted(map(signature, parts[position])), \
                (style, position)
        # same weights (same seed, same creation order) and same wiring -> same predictions
        np.testing.assert_allclose(model(x, training=False), predicted, rtol=1e-5, atol=1e-5)


def keras_default_arguments(code: str) -> list[str]:
    """Every argument in the code that only restates a Keras default (none should)."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        func = ast.unparse(node.func)
        if not (func.startswith("layers.") or func == "residual_block"):
            continue
        kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords
              if isinstance(k.value, (ast.Constant, ast.Tuple))}
        values = [ast.literal_eval(a) for a in node.args if isinstance(a, (ast.Constant, ast.Tuple))]
        values += list(kw.values())
        found += [f"{func}: square pair {v}" for v in values
                  if isinstance(v, tuple) and len(v) == 2 and v[0] == v[1]]
        if kw.get("strides") in (1, (1, 1)) and "Pooling" not in func:
            found.append(f"{func}: strides=1")
        if kw.get("padding") == "valid" or kw.get("activation", "relu") in (None, "linear"):
            found.append(f"{func}: padding valid / no activation")
        if "Pooling" in func and node.args and "strides" in kw:
            if kw["strides"] == ast.literal_eval(node.args[0]):
                found.append(f"{func}: strides equal to the pool size")
        if kw.get("dilation_rate") in (1, (1, 1)) or kw.get("use_bias") is True:
            found.append(f"{func}: dilation_rate=1 / use_bias=True")
        if kw.get("depth_multiplier") == 1 or ("max_value" in kw and kw["max_value"] is None):
            found.append(f"{func}: depth_multiplier=1 / max_value=None")
        if func == "layers.ZeroPadding2D" and values in ([1], [(1, 1)]):
            found.append(f"{func}: padding 1 is the default")
        if func == "residual_block" and kw.get("kernel_size") in (3, (3, 3)):
            found.append("residual_block: kernel_size=3 is the helper's default")
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_architectures())
def test_random_designs_in_both_styles_build_the_designed_model(arch) -> None:
    assert_code_builds_design(arch)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_architectures(max_image_layers=8, mnist=True))
def test_random_mnist_designs_give_a_valid_script(arch) -> None:
    assert_code_builds_design(arch, ("functional",))
    script = generate_script(arch, "sequential", {"label_format": "one_hot", "subset": 100},
                             data_path=str(MNIST_DIR))
    compile(script, "<script>", "exec")
    assert keras_default_arguments(script) == []


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_in_both_styles(key: str) -> None:
    arch = PRESETS[key].arch
    assert_code_builds_design(arch)
    script = generate_script(arch)
    compile(script, key, "exec")
    assert "keras.datasets.mnist.load_data()" in script
    assert keras_default_arguments(script) == []


def test_layers_read_like_a_textbook() -> None:
    arch = spec.Architecture((spec.Conv2D(32, (3, 3), activation="relu"),
                              spec.Conv2D(8, (3, 5), (2, 1), "same"),
                              spec.MaxPooling2D((2, 2), (2, 2)), spec.AveragePooling2D((3, 3), (1, 1)),
                              spec.Flatten(), spec.Dropout(0.25), spec.Dense(10, "softmax")))
    code = generate_model_code(arch)
    for line in ('layers.Conv2D(32, 3, activation="relu"),',
                 'layers.Conv2D(8, (3, 5), strides=(2, 1), padding="same"),',
                 "layers.MaxPooling2D(2),", "layers.AveragePooling2D(3, strides=1),",
                 "layers.Dropout(0.25),", 'layers.Dense(10, activation="softmax"),',
                 "# 32 filters of 3x3, then relu: (28, 28, 1) -> (26, 26, 32), 320 parameters"):
        assert line in code, line
    functional = generate_model_code(arch, "functional")
    assert 'x = layers.Conv2D(32, 3, activation="relu")(inputs)' in functional
    assert 'outputs = layers.Dense(10, activation="softmax")(x)' in functional
    assert "model = keras.Model(inputs, outputs)" in functional


def test_a_residual_design_is_always_functional() -> None:
    arch = next(p.arch for p in PRESETS.values()
                if any(isinstance(layer, spec.ResidualBlock) for layer in p.arch.layers))
    assert effective_style(arch, "sequential") == "functional"
    asked_sequential = generate_model_code(arch, "sequential")
    assert "keras.Sequential(" not in asked_sequential
    assert "skip connection" in asked_sequential  # the comment says why
    assert asked_sequential.count("def residual_block(") == 1
    assert "x = residual_block(x, " in asked_sequential
    with pytest.raises(ValueError):
        effective_style(arch, "keras")


def test_training_settings_become_compile_and_fit() -> None:
    arch = PRESETS["recommended"].arch
    default = generate_script(arch)
    assert 'optimizer="adam",' in default
    assert 'loss="sparse_categorical_crossentropy"' in default
    assert "history = model.fit(x_train, y_train, batch_size=128, epochs=3, " \
           "validation_split=0.1)" in default
    assert "keras.utils.set_random_seed(0)" in default
    assert "[:" not in default  # no subset
    assert "set_dtype_policy" not in default  # float32, Keras' default
    custom = generate_script(arch, config={"optimizer": "sgd", "learning_rate": 0.05,
                                           "label_format": "one_hot", "subset": 2000,
                                           "validation_split": 0.0, "epochs": 7, "seed": 3})
    assert "optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)," in custom
    assert 'loss="categorical_crossentropy"' in custom
    assert "y_train = keras.utils.to_categorical(y_train, 10)" in custom
    assert "x_train, y_train = x_train[:2000], y_train[:2000]" in custom
    assert "history = model.fit(x_train, y_train, batch_size=128, epochs=7)" in custom
    assert "keras.utils.set_random_seed(3)" in custom


def test_optimizers_are_spelled_out_only_when_not_at_keras_defaults() -> None:
    def code(**settings) -> str:
        return optimizer_code(read_config(settings))

    assert code() == '"adam"'
    assert code(optimizer="rmsprop") == '"rmsprop"'
    assert code(optimizer="adam", learning_rate=3e-4) == "keras.optimizers.Adam(learning_rate=0.0003)"
    assert code(optimizer="sgd", learning_rate=0.01, momentum=0.0) == '"sgd"'
    assert code(optimizer="sgd", learning_rate=0.01) == "keras.optimizers.SGD(momentum=0.9)"
    # each written optimizer really has these settings in Keras
    for settings in ({"optimizer": "rmsprop", "learning_rate": 0.02},
                     {"optimizer": "sgd", "learning_rate": 0.001, "momentum": 0.5}):
        optimizer = eval(code(**settings), {"keras": keras})
        assert float(optimizer.learning_rate) == pytest.approx(settings["learning_rate"])
        if settings["optimizer"] == "sgd":
            assert optimizer.momentum == pytest.approx(settings["momentum"])


@pytest.mark.parametrize("split", [0.1, 0.0])
def test_the_scripts_one_cycle_is_the_schedule_cnnlab_trains_with(split: float) -> None:
    from cnnlab.training.config import TrainConfig
    from cnnlab.training.loop import learning_rate, split_indices

    config = TrainConfig(optimizer="sgd", learning_rate=0.02, lr_schedule="one_cycle",
                         batch_size=64, epochs=3, subset=1000, validation_split=split)
    script = generate_script(PRESETS["fast"].arch, config=config)
    assert "optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)," in script
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("steps = "))
    end = next(i for i, line in enumerate(lines) if "warmup_steps=warmup)" in line)
    names = {"math": math, "keras": keras, "x_train": np.zeros((1000, 28, 28, 1))}
    exec("\n".join(lines[start:end + 1]), names)
    train_rows, _ = split_indices(60_000, config, config.seed)
    ours = learning_rate(config, math.ceil(len(train_rows) / config.batch_size))
    theirs = names["learning_rate"]
    assert theirs.get_config() == ours.get_config()
    for step in (0, 5, 11, 12, 30, 47):
        assert float(theirs(step)) == pytest.approx(float(ours(step)), rel=1e-6)


def test_settings_can_be_any_object_with_the_fields() -> None:
    class Settings:
        optimizer, learning_rate, momentum, batch_size, epochs = "rmsprop", 0.01, 0.9, 64, 2
        validation_split, label_format, subset, seed, augment = 0.2, "integer", None, 0, False

    script = generate_script(PRESETS["recommended"].arch, config=Settings())
    assert "keras.optimizers.RMSprop(learning_rate=0.01)" in script
    assert "batch_size=64, epochs=2, validation_split=0.2)" in script
    with pytest.raises(LabError):
        generate_script(PRESETS["recommended"].arch, config={"optimizer": "adagrad"})


def test_invalid_designs_raise_the_friendly_error() -> None:
    too_small = spec.Architecture((spec.Conv2D(4, (5, 5)), spec.Flatten(), spec.Dense(10)),
                                  input_shape=(3, 3, 1))
    with pytest.raises(LabError, match="Layer 1"):
        generate_model_code(too_small)
    not_mnist = spec.Architecture((spec.Flatten(), spec.Dense(10)), input_shape=(32, 32, 3))
    compile(generate_model_code(not_mnist), "<model>", "exec")  # the model alone is fine
    with pytest.raises(LabError, match="28x28x1"):
        generate_script(not_mnist)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_generated_script_trains_and_evaluates(tmp_path: Path, lang: str) -> None:
    """One real run: bundled files, residual helper, one-hot labels, SGD, augmentation, mixed
    bfloat16, 500 images; with its comments in English, and in Chinese."""
    arch = spec.Architecture((spec.Conv2D(8, (3, 3), activation="relu"), spec.MaxPooling2D(),
                              spec.ResidualBlock(8, strides=(2, 2)), spec.Flatten(),
                              spec.Dense(10, "softmax")))
    config = {"optimizer": "sgd", "learning_rate": 0.05, "label_format": "one_hot",
              "subset": 500, "epochs": 1, "augment": True, "lr_schedule": "one_cycle",
              "precision": "mixed_bfloat16"}
    script = tmp_path / "cnn.py"
    with i18n.using(lang):
        script.write_text(generate_script(arch, "functional", config, data_path=str(MNIST_DIR)),
                          encoding="utf-8")
    assert ("# 4. 训练设置" in script.read_text(encoding="utf-8")) == (lang == "zh")
    assert 'keras.config.set_dtype_policy("mixed_bfloat16")' in script.read_text(encoding="utf-8")
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}  # the log level comes from tests/conftest.py
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    accuracy = [line for line in done.stdout.splitlines() if line.startswith("Test accuracy: ")]
    assert len(accuracy) == 1, done.stdout[-3000:]
    assert 0.0 <= float(accuracy[0].split(": ")[1]) <= 1.0
    # Keras' own model.summary() in the script agrees with the arithmetic
    assert f"Total params: {analyze(arch).total_params:,} " in done.stdout


def code_tokens(script: str) -> list[tuple[int, str]]:
    """The script's Python tokens without its comments and docstrings (which are in the
    student's language too)."""
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(script).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL) and not t.string.startswith('"""')]


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_chinese_comments_and_the_very_same_code(key: str) -> None:
    """The student's language changes the comments only: every code token stays the same."""
    config = {"augment": True, "subset": 1000, "label_format": "one_hot", "optimizer": "sgd",
              "precision": "mixed_bfloat16"}
    for style in STYLES:
        english = generate_script(PRESETS[key].arch, style, config)
        with i18n.using("zh"):
            chinese = generate_script(PRESETS[key].arch, style, config)
        compile(chinese, key, "exec")
        assert code_tokens(chinese) == code_tokens(english)
        comments = [t.string for t in tokenize.generate_tokens(io.StringIO(chinese).readline)
                    if t.type == tokenize.COMMENT]
        english_words = [c for c in comments if not re.search(r"[\u4e00-\u9fff]", c)
                         and re.search(r"[a-z]{4,}", c.replace("softmax", ""))]
        assert not english_words, english_words  # shapes, numbers and Keras names only


def test_cli_prints_the_script(tmp_path: Path, capsys) -> None:
    design = tmp_path / "design.json"
    design.write_text(PRESETS["recommended"].arch.to_json())
    settings = tmp_path / "settings.json"
    settings.write_text('{"epochs": 5}')
    assert main(["code", str(design), "--style", "functional", "--data-path", "/data/mnist",
                 "--config", str(settings)]) == 0
    out = capsys.readouterr().out
    compile(out, "<cli>", "exec")
    assert "inputs = keras.Input(shape=(28, 28, 1))" in out
    assert 'DATA = pathlib.Path("/data/mnist")' in out
    assert "epochs=5" in out


@pytest.mark.parametrize("content, message", [
    ('{"layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 30}, {"type": "Flatten"}]}',
     "Layer 1"),
    ('{"layers": [', "not valid JSON"),
    (None, "Cannot read"),
])
def test_cli_rejects_bad_designs_with_exit_2(tmp_path: Path, capsys, content, message) -> None:
    design = tmp_path / "design.json"
    if content is not None:
        design.write_text(content)
    assert main(["code", str(design)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and "Traceback" not in captured.err


def test_cli_as_a_module_and_codegen_stays_light(tmp_path: Path) -> None:
    design = tmp_path / "design.json"
    design.write_text('{"layers": [{"type": "Dense", "units": 10}]}')  # ends with an image
    done = subprocess.run([sys.executable, "-m", "cnnlab", "code", str(design)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Flatten" in done.stderr
    light = subprocess.run([sys.executable, "-c", "import sys, cnnlab.codegen.generate, cnnlab.commands.code;"
                            "print('keras' in sys.modules or 'tensorflow' in sys.modules)"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert light.stdout.strip() == "False", light.stderr


def test_the_scripts_augmentation_slants_restrokes_and_speckles_like_the_trainer() -> None:
    """The Train page's slant, stroke-width and noise changes are in the exported script too."""
    import keras
    import tensorflow as tf

    from cnnlab.training import mnist as mnist_data

    script = generate_script(PRESETS["recommended"].arch, config={"augment": True})
    assert ".map(lambda x, y: (speckle(slant(augment(restroke(x), training=True))), y))" in script
    helpers = script[script.index("def slant(x):"):script.index("augment = keras.Sequential")]
    namespace = {"tf": tf, "keras": keras}
    exec(helpers, namespace)  # noqa: S102 - our own generated code
    x = tf.constant(np.array(mnist_data.load_mnist().x_test[:32]), tf.float32)
    tf.random.set_seed(0)
    for name in ("slant", "restroke", "speckle"):
        out = np.asarray(namespace[name](x))
        assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1, name
        assert not np.allclose(out, x.numpy()), name
    slanted = np.asarray(namespace["slant"](x))
    assert 0.8 < slanted.sum() / x.numpy().sum() < 1.2  # rows move sideways, the ink stays
    restroked = np.asarray(namespace["restroke"](x)).sum(axis=(1, 2, 3)) / x.numpy().sum(axis=(1, 2, 3))
    assert restroked.min() < 0.8 and restroked.max() > 1.3  # some thinner, some thicker
