"""The Design page's table rows and headline numbers: each cell is analyze()'s number, formatted."""

import pytest
from hypothesis import given, settings

from cnnlab.design.arithmetic import analyze
from cnnlab.design.table import (COLUMNS, baseline_ratio, baseline_sentence, byte_text, count,
                                 nowrap, shape_steps, shape_text, short_count, table_rows,
                                 totals)
from cnnlab.design.presets import PRESETS, get_preset
from tests.strategies import valid_architectures


def _int(text: str) -> int:
    return int(text.split(" ")[0].replace(",", ""))


@pytest.mark.parametrize("key", list(PRESETS))
def test_rows_carry_analyze_numbers_for_every_preset(key):
    summary = analyze(get_preset(key).arch)
    rows = table_rows(summary)
    assert len(rows) == len(summary.layers) + 2  # input, layers, total
    assert all(tuple(row) == COLUMNS for row in rows)
    assert rows[0]["Output shape"] == nowrap(shape_text(summary.input_shape))
    for row, stats in zip(rows[1:-1], summary.layers):
        assert row["No."] == str(stats.position)
        assert stats.label in row["Layer"] and stats.name in row["Layer"]
        assert row["Output shape"] == nowrap(shape_text(stats.output_shape))
        assert _int(row["Parameters"]) == stats.params
        assert row["How the parameters are counted"] == stats.param_formula
        assert _int(row["Multiply-adds"]) == stats.macs
        assert row["Receptive field"].startswith(
            nowrap(f"{stats.receptive_field[0]} × {stats.receptive_field[1]} pixels"))
    total = rows[-1]
    assert _int(total["Parameters"]) == summary.total_params
    assert _int(total["Multiply-adds"]) == summary.total_macs
    assert sum(_int(r["Parameters"]) for r in rows[1:-1]) == summary.total_params


@settings(max_examples=25, deadline=None)
@given(valid_architectures())
def test_rows_match_analyze_on_random_designs(arch):
    summary = analyze(arch)
    rows = table_rows(summary)
    assert [_int(r["Parameters"]) for r in rows[1:-1]] == [s.params for s in summary.layers]
    assert [r["Output shape"] for r in rows[1:-1]] == [nowrap(shape_text(s.output_shape))
                                                      for s in summary.layers]


def test_cnn_a_has_the_course_numbers_with_separators():
    rows = table_rows(analyze(get_preset("cnn_a").arch))
    assert rows[-1]["Parameters"] == "104,202"
    assert rows[1]["Output shape"] == "26\u00a0×\u00a026\u00a0×\u00a032"  # never split


def test_non_trainable_parameters_are_named():
    summary = analyze(get_preset("resnet_small").arch)
    rows = table_rows(summary)
    block = next(r for r, s in zip(rows[1:], summary.layers) if s.type == "ResidualBlock")
    assert "non-trainable" in block["Parameters"]
    assert f"{summary.non_trainable_params:,} non-trainable" in rows[-1][
        "How the parameters are counted"]


def test_whole_image_receptive_field_is_said_in_words():
    summary = analyze(get_preset("cnn_a").arch)
    rows = table_rows(summary)
    assert "whole\u00a0image" not in rows[1]["Receptive field"]
    assert "whole\u00a0image" in rows[-2]["Receptive field"]  # the final Dense sees every pixel


def test_totals_and_shape_steps():
    summary = analyze(get_preset("recommended").arch)
    by_label = {t.label: t for t in totals(summary)}
    assert by_label["Parameters"].value == count(summary.total_params)
    assert by_label["Trainable"].value == count(summary.trainable_params)
    assert by_label["Multiply-adds"].value == short_count(summary.total_macs)
    assert by_label["Activations"].value == byte_text(summary.total_activation_bytes)
    steps = shape_steps(summary)
    assert len(steps) == len(summary.layers)
    assert steps[0][1] == summary.layers[0].shape_formula
    assert steps[0][2] == summary.layers[0].param_formula
    first = summary.layers[0]
    assert f"{shape_text(first.input_shape)} → {shape_text(first.output_shape)}" in steps[0][0]


def test_big_headline_counts_are_shortened_but_exact_in_the_help():
    summary = analyze(get_preset("resnet_small").arch)  # about 10 million multiply-adds
    macs = {t.label: t for t in totals(summary)}["Multiply-adds"]
    assert summary.total_macs >= 10_000_000
    assert macs.value == f"{summary.total_macs / 1e6:,.2f} M"
    assert f"Exactly {summary.total_macs:,}" in macs.help
    assert short_count(999_999) == "999,999"
    assert short_count(1_234_567) == "1.23 M"


@pytest.mark.parametrize("size, text", [(0, "0 B"), (1023, "1,023 B"), (1024, "1.0 KB"),
                                        (1536, "1.5 KB"), (3 * 1024 ** 2, "3.0 MB")])
def test_byte_text(size, text):
    assert byte_text(size) == text


def test_shape_text():
    assert shape_text((26, 26, 32)) == "26 × 26 × 32"
    assert shape_text((12544,)) == "12,544"


def test_baseline_comparison():
    assert baseline_ratio(50, 100) == 0.5
    assert "2.0× fewer parameters than" in baseline_sentence(50, 100)
    assert "4.0× the parameters of" in baseline_sentence(400, 100)
    assert "about as many parameters as" in baseline_sentence(101, 100)
    assert "1,000" in baseline_sentence(1000, 100)
    with pytest.raises(ValueError):
        baseline_ratio(10, 0)
