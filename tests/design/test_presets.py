"""Presets: every one is valid, builds in Keras with the same counts, and the course's figures hold."""

from __future__ import annotations

import keras
import pytest

from cnnlab.design.arithmetic import analyze
from cnnlab.training.build import build_model
from cnnlab.errors import LabError
from cnnlab.design.presets import PRESETS, Preset, get_preset
from cnnlab.design.spec import Architecture, ResidualBlock
from cnnlab.classroom.caps import check
from tests.design.test_arithmetic_vs_keras import assert_matches_keras

REQUIRED = ("recommended", "dense_baseline", "cnn_a", "cnn_b", "cnn_c", "cnn_d", "lenet5",
            "vgg_small", "resnet_small", "alexnet_small")


def test_the_required_presets_exist_with_text() -> None:
    assert set(REQUIRED) <= set(PRESETS)
    for key, preset in PRESETS.items():
        assert isinstance(preset, Preset) and preset.key == key
        assert preset.title and len(preset.explanation) > 80


@pytest.mark.parametrize("key", list(PRESETS))
def test_preset_is_valid_without_warnings_and_matches_keras(key: str) -> None:
    arch = get_preset(key).arch
    summary = check(arch)
    assert summary.warnings == ()
    assert summary.output_shape == (10,)
    assert Architecture.from_json(arch.to_json()) == arch
    assert_matches_keras(arch)


@pytest.mark.parametrize("key, published", [("cnn_a", 104_202), ("cnn_c", 225_034)])
def test_course_figures(key: str, published: int) -> None:
    arch = get_preset(key).arch
    keras.backend.clear_session()
    from_keras = build_model(arch).count_params()
    assert analyze(arch).total_params == from_keras
    assert from_keras == published  # the course's published number


def test_resnet_small_has_a_projection_and_an_identity_block() -> None:
    rows = analyze(get_preset("resnet_small").arch).layers
    blocks = [r for r in rows if r.type == "ResidualBlock"]
    assert any("projection" in r.param_formula for r in blocks)
    assert any("identity" in r.param_formula for r in blocks)
    assert all(r.non_trainable_params > 0 for r in blocks)


def test_recommended_is_cheap_enough_for_a_cpu() -> None:
    rec = analyze(get_preset("recommended").arch)
    assert rec.total_macs <= analyze(get_preset("cnn_d").arch).total_macs / 3
    assert not any(isinstance(l, ResidualBlock) for l in get_preset("recommended").arch.layers)


def test_unknown_preset_lists_the_names() -> None:
    with pytest.raises(LabError, match="no preset named 'cnn_z'.*cnn_a.*resnet_small"):
        get_preset("cnn_z")


def test_the_fast_preset_spends_the_multiply_adds_it_says():
    from cnnlab.design.arithmetic import analyze

    preset = get_preset("fast")
    summary = analyze(preset.arch)
    macs = [row.macs for row in summary.layers if row.macs]
    assert f"{summary.total_macs:,}" in preset.explanation
    for value in macs:
        assert f"{value:,}" in preset.explanation
        assert f"{round(100 * value / summary.total_macs)}%" in preset.explanation or value < summary.total_macs / 100
    recommended = analyze(get_preset("recommended").arch)
    assert f"{round(100 * summary.total_macs / recommended.total_macs)}%" in preset.explanation
    assert len(preset.arch.layers) < len(get_preset("recommended").arch.layers)
