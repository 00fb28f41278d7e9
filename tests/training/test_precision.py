"""Mixed bfloat16 training: used only where the processor has bfloat16 units, computed in
bfloat16 while it trains, and handed back as the student's float32 design."""

import keras
import pytest

from cnnlab.training import loop as training
from cnnlab.training import mnist, precision
from cnnlab.training.build import build_model
from cnnlab.training.config import TrainConfig
from cnnlab.design.spec import Architecture
from cnnlab.errors import LabError

TINY = Architecture.from_dict({"layers": [
    {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"},
]})
ZEN4 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n"
OLD_CPU = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n"


def test_bfloat16_units_are_read_from_the_cpu_flags():
    assert precision.cpu_has_bfloat16(ZEN4)
    assert precision.cpu_has_bfloat16("flags : sse2 amx_bf16 amx_tile\n")
    assert not precision.cpu_has_bfloat16(OLD_CPU)
    assert not precision.cpu_has_bfloat16("")


def test_without_bfloat16_units_training_falls_back_to_float32(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda cpuinfo=None: False)
    monkeypatch.setattr(precision, "has_gpu", lambda: False)
    assert precision.effective_precision("mixed_bfloat16") == "float32"
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda cpuinfo=None: True)
    assert precision.effective_precision("mixed_bfloat16") == "mixed_bfloat16"
    assert precision.effective_precision("float32") == "float32"


def test_an_unknown_precision_is_refused_with_the_choices():
    with pytest.raises(LabError, match="float32, mixed_bfloat16"):
        TrainConfig(precision="float16")


def test_mixed_training_computes_in_bfloat16_and_returns_the_float32_design(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda cpuinfo=None: True)
    seen = []

    class Policy(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(self.model.dtype_policy.name)

    data = mnist.load_mnist()
    config = TrainConfig(epochs=2, subset=640, batch_size=32, validation_split=0.0, seed=3,
                         precision="mixed_bfloat16")
    result = training.train(TINY, config, data, callbacks=[Policy()])
    assert set(seen) == {"mixed_bfloat16"}  # the training itself ran mixed
    assert result.precision == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == "float32"  # the next job starts from float32
    model = result.model
    assert [layer.dtype_policy.name for layer in model.layers] == ["float32"] * len(model.layers)
    assert [layer.name for layer in model.layers] == [layer.name for layer in build_model(TINY).layers]
    scores = model.evaluate(data.x_test, data.y_test.astype("int32"), batch_size=256, verbose=0,
                            return_dict=True)
    assert result.test_accuracy == pytest.approx(scores["accuracy"], abs=1e-6)
    assert result.test_accuracy > 0.5  # it learned: chance is 0.1
