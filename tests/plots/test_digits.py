"""The Draw & predict figures: probability bars, digit heatmaps, the step strip, feature-map
mosaics and the saliency overlay carry the right data, colours and titles."""

import numpy as np
import plotly.graph_objects as go
import pytest

from cnnlab.training.mnist import load_mnist
from cnnlab.plots import digits
from cnnlab.drawing.preprocess import preprocess_digit


@pytest.fixture(scope="module")
def steps():
    x = load_mnist().x_test[0, :, :, 0]
    canvas = np.kron((x * 255).astype(np.uint8), np.ones((10, 10), np.uint8))  # (280, 280)
    return preprocess_digit(canvas)


def test_probability_bars_show_percent_and_highlight_the_winner():
    probs = np.random.default_rng(0).dirichlet(np.ones(10))
    fig = digits.probability_bars(probs)
    bar = fig.data[0]
    assert isinstance(bar, go.Bar)
    assert list(bar.x) == [str(d) for d in range(10)]
    np.testing.assert_allclose(bar.y, probs * 100)
    winner = int(np.argmax(probs))
    assert bar.marker.color[winner] == digits.WINNER
    assert [c for i, c in enumerate(bar.marker.color) if i != winner] == [digits.OTHERS] * 9
    assert bar.text[winner] == f"{probs[winner] * 100:.1f}%"
    assert fig.layout.yaxis.title.text == "probability (%)"
    assert fig.layout.xaxis.title.text == "digit"


def test_probability_bars_hide_labels_of_negligible_digits_and_refuse_wrong_shapes():
    probs = np.zeros(10)
    probs[3] = 1.0
    fig = digits.probability_bars(probs)
    assert [t for t in fig.data[0].text if t] == ["100.0%"]
    with pytest.raises(ValueError):
        digits.probability_bars(np.ones(9) / 9)


def test_image_heatmap_is_white_on_black_with_row_zero_on_top():
    image = np.random.default_rng(1).random((28, 28)).astype(np.float32)
    fig = digits.image_heatmap(image, "What the model sees")
    heat = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), image)
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)
    assert heat.colorscale[0][1] == "#000000" and heat.colorscale[-1][1] == "#ffffff"
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.title.text == "What the model sees"
    with pytest.raises(ValueError):
        digits.image_heatmap(np.zeros((1, 28, 28)))


def test_for_display_averages_whole_blocks_and_leaves_small_images_alone():
    image = np.arange(280 * 200, dtype=np.float32).reshape(280, 200)
    small = digits.for_display(image, max_side=112)
    factor = int(np.ceil(280 / 112))
    assert small.shape == (-(-280 // factor), -(-200 // factor))  # whole blocks, the last padded
    np.testing.assert_allclose(small[0, 0], image[:factor, :factor].mean())
    tiny = np.ones((20, 15), np.float32)
    np.testing.assert_array_equal(digits.for_display(tiny), tiny)


def test_preprocessing_strip_shows_each_step_on_its_own_square_axes(steps):
    fig = digits.preprocessing_strip(steps)
    assert len(fig.data) == 4
    np.testing.assert_array_equal(np.asarray(fig.data[2].z), steps.fitted20)
    np.testing.assert_array_equal(np.asarray(fig.data[3].z), steps.final28)
    np.testing.assert_array_equal(np.asarray(fig.data[1].z), digits.for_display(steps.cropped))
    assert [t.xaxis for t in fig.data] == ["x", "x2", "x3", "x4"]
    assert fig.layout.yaxis3.scaleanchor == "x3" and fig.layout.yaxis3.autorange == "reversed"
    frame = fig.layout.shapes[1]  # framed, so an all-white crop still shows as an image
    assert (frame.xref, frame.x1, frame.y1) == ("x2", fig.data[1].z.shape[1] - 0.5,
                                                fig.data[1].z.shape[0] - 0.5)
    domains = [fig.layout[f"xaxis{s}"].domain for s in ("", "2", "3", "4")]
    assert all(a[1] < b[0] for a, b in zip(domains, domains[1:]))  # side by side, not overlapping
    titles = [a.text for a in fig.layout.annotations]
    for title, caption in zip(digits.STEP_TITLES, digits.step_captions(steps)):
        assert any(title in t and caption in t for t in titles)


def test_step_captions_report_the_crop_size_and_shift(steps):
    captions = digits.step_captions(steps)
    h, w = steps.cropped.shape
    assert f"{w}×{h} px" in captions[1]
    dy, dx = steps.shift
    assert f"{dy:+d} rows, {dx:+d} cols" in captions[3]
    assert "280×280" in captions[0]


def test_mosaic_places_each_map_in_its_tile_with_gaps_between():
    maps = np.random.default_rng(2).random((5, 4, 6)).astype(np.float32)
    tiles, where = digits.mosaic(maps, cols=4, gap=1)
    assert tiles.shape == (2 * 6 - 1, 4 * 5 - 1)
    for c in range(6):
        top, left = (c // 4) * 6, (c % 4) * 5
        np.testing.assert_array_equal(tiles[top:top + 5, left:left + 4], maps[:, :, c])
        assert (where[top:top + 5, left:left + 4, 0] == c).all()
        assert where[top + 2, left + 3, 1] == 2 and where[top + 2, left + 3, 2] == 3
    assert np.isnan(tiles[5]).all()  # the gap row between the two rows of tiles
    assert np.isnan(tiles[6:, 10:]).all()  # the two empty tiles after map 5


def test_feature_map_grid_caps_channels_and_shares_one_scale():
    maps = np.random.default_rng(3).random((26, 26, 32)).astype(np.float32)
    fig = digits.feature_map_grid(maps, max_channels=16, cols=8)
    assert len(fig.data) == 1
    heat = fig.data[0]
    tiles = np.asarray(heat.z, dtype=np.float32)
    gap = max(1, round(26 / 10))
    expected, _ = digits.mosaic(maps[:, :, :16], cols=8, gap=gap)
    np.testing.assert_array_equal(tiles, expected)
    assert heat.zmin == 0.0 and heat.zmax == pytest.approx(float(maps[:, :, :16].max()))
    assert heat.colorscale[0][1] == go.Heatmap(colorscale=digits.ACTIVATION).colorscale[0][1]
    assert "filter %{customdata[0]}" in heat.hovertemplate


def test_feature_map_grid_uses_a_signed_scale_for_negative_outputs_and_checks_shape():
    maps = np.random.default_rng(4).normal(size=(7, 7, 3)).astype(np.float32)
    heat = digits.feature_map_grid(maps).data[0]
    bound = float(np.abs(maps).max())
    assert (heat.zmin, heat.zmax) == pytest.approx((-bound, bound))
    assert np.asarray(heat.z).shape == (7, 3 * 7 + 2)  # three tiles in one row, gap 1
    with pytest.raises(ValueError):
        digits.feature_map_grid(np.zeros((28, 28)))


def test_feature_map_caption_says_how_many_maps_are_shown():
    assert "showing all 8 maps" in digits.feature_map_caption("conv2d_1", "conv", (26, 26, 8))
    text = digits.feature_map_caption("conv2d_3", "conv", (11, 11, 64), max_channels=16)
    assert "conv2d_3" in text and "11×11×64" in text and "first 16 of its 64" in text


def test_saliency_overlay_lays_a_transparent_to_orange_map_over_the_digit(steps):
    sal = np.random.default_rng(5).random((28, 28)).astype(np.float32)
    fig = digits.saliency_overlay(steps.model_input, sal)
    base, over = fig.data
    np.testing.assert_array_equal(np.asarray(base.z), steps.final28)
    np.testing.assert_array_equal(np.asarray(over.z), sal)
    assert over.colorscale[0][1].endswith(", 0)")  # zero influence is fully transparent
    assert (over.zmin, over.zmax) == (0.0, 1.0)
    with pytest.raises(ValueError):
        digits.saliency_overlay(steps.final28, np.zeros((14, 14)))
