"""Uploads: real PNG/JPEG files read back; wrong, broken, huge or bomb files refused kindly."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from cnnlab.errors import LabError
from cnnlab.drawing.uploads import read_upload
from cnnlab.classroom.limits import DEFAULT_LIMITS
from cnnlab.training.mnist import load_mnist
from cnnlab.drawing.preprocess import preprocess_digit


def _encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def _digit() -> np.ndarray:
    return (load_mnist().x_test[0, ..., 0] * 255).astype(np.uint8)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but which carries (almost) no pixel data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def test_grey_png_round_trips_exactly():
    digit = _digit()
    pixels = read_upload(_encode(Image.fromarray(digit), "PNG"), "seven.png")
    assert pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels, digit)


def test_rgb_jpeg_and_rgba_png_keep_their_channels():
    rgb = np.stack([_digit()] * 3, axis=-1)
    pixels = read_upload(_encode(Image.fromarray(rgb), "JPEG", quality=95), "photo.jpg")
    assert pixels.shape == (28, 28, 3)
    assert np.abs(pixels.astype(int) - rgb).mean() < 8  # lossy, but the same picture
    rgba = np.zeros((28, 28, 4), np.uint8)
    rgba[..., :3], rgba[..., 3] = 255, _digit()
    np.testing.assert_array_equal(read_upload(_encode(Image.fromarray(rgba), "PNG"), "c.png"), rgba)
    grey_alpha = Image.fromarray(_digit()).convert("LA")
    assert read_upload(_encode(grey_alpha, "PNG"), "la.png").shape == (28, 28, 4)


def test_an_uploaded_digit_preprocesses_like_the_original():
    digit = _digit()
    pixels = read_upload(_encode(Image.fromarray(digit), "PNG"), "d.png")
    a, b = preprocess_digit(pixels).final28, preprocess_digit(digit).final28
    np.testing.assert_allclose(a, b)


def test_text_file_is_named_and_the_fix_is_given():
    with pytest.raises(LabError) as err:
        read_upload(b"shopping list: milk, eggs\n", "notes.txt")
    assert str(err.value) == "notes.txt is not a PNG or JPEG image. Upload a photo or scan of one digit."


def test_other_image_formats_and_empty_files_are_refused():
    gif = _encode(Image.fromarray(_digit()), "GIF")
    with pytest.raises(LabError, match="not a PNG or JPEG"):
        read_upload(gif, "anim.gif")
    with pytest.raises(LabError, match="empty"):
        read_upload(b"", "nothing.png")


def test_truncated_png_is_reported_as_damaged():
    rng = np.random.default_rng(0)
    data = _encode(Image.fromarray(rng.integers(0, 255, (200, 200), dtype=np.uint8)), "PNG")
    with pytest.raises(LabError, match="damaged or incomplete") as err:
        read_upload(data[: len(data) // 2], "/home/student/half.png")
    assert str(err.value).startswith("half.png ")


def test_too_many_bytes_are_refused_before_opening():
    limits = DEFAULT_LIMITS.replace(max_upload_bytes=1000)
    rng = np.random.default_rng(0)
    data = _encode(Image.fromarray(rng.integers(0, 255, (100, 100), dtype=np.uint8)), "PNG")
    assert len(data) > 1000
    with pytest.raises(LabError, match="MB; uploads are limited"):
        read_upload(data, "big.png", limits)
    assert read_upload(data, "big.png").shape == (100, 100)


def test_too_many_pixels_are_refused_from_the_header_without_decoding():
    data = _png_header_only(5000, 5000)  # 25 M pixels claimed in a ~100-byte file
    assert len(data) < 200
    with pytest.raises(LabError, match="5000 x 5000 pixels"):
        read_upload(data, "bomb.png")
    small_cap = DEFAULT_LIMITS.replace(max_upload_pixels=50 * 50)
    with pytest.raises(LabError, match="limited to 2,500 pixels"):
        read_upload(_encode(Image.fromarray(np.zeros((60, 60), np.uint8)), "PNG"), "a.png", small_cap)


def test_decompression_bomb_header_beyond_pillows_own_guard():
    data = _png_header_only(30000, 30000)  # 900 M pixels: Pillow refuses it while opening
    with pytest.raises(LabError, match="too many pixels|pixels; uploads are limited"):
        read_upload(data, "bomb.png", DEFAULT_LIMITS.replace(max_upload_pixels=10**10))
