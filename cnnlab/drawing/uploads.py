"""Read an uploaded photo or scan of a digit safely: PNG or JPEG only, size checked before decoding.

Uploads come from anyone in the class, so a wrong, broken or deliberately huge file must end
as a friendly LabError, never as a traceback or a server that runs out of memory: the byte
size is checked first, then the pixel count from the header, and only then are pixels decoded.
"""

from __future__ import annotations

import io
import os
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _, sentences
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits

FORMATS = ("PNG", "JPEG")
FIX = N_("Upload a photo or scan of one digit.")


def _display_name(filename: str) -> str:
    """The file's base name, shortened, for messages (a path or a very long name would clutter them)."""
    name = os.path.basename(str(filename).replace("\\", "/")) or _("The upload")
    return name if len(name) <= 60 else name[:57] + "..."


def read_upload(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> np.ndarray:
    """PNG/JPEG bytes -> uint8 pixels: (H, W) grey, (H, W, 3) colour or (H, W, 4) with transparency."""
    name = _display_name(filename)
    if len(data) == 0:
        raise LabError(sentences(_("{name} is empty (0 bytes).").format(name=name), _(FIX)))
    if len(data) > limits.max_upload_bytes:
        raise LabError(_("{name} is {size} MB; uploads are limited to {most} MB. Crop the photo "
                         "to the digit or save it smaller (a few hundred pixels across is "
                         "plenty).").format(name=name, size=f"{len(data) / 1e6:.1f}",
                                            most=f"{limits.max_upload_bytes / 1e6:.1f}"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            raise LabError(_("{name} claims to be far too many pixels to open. Save it at a "
                             "normal size and upload it again.").format(name=name)) from None
        raise LabError(sentences(_("{name} is not a PNG or JPEG image.").format(name=name),
                                 _(FIX))) from None
    with image:
        width, height = image.size
        if width * height > limits.max_upload_pixels or width * height > Image.MAX_IMAGE_PIXELS:
            raise LabError(_("{name} is {width} x {height} pixels; uploads are limited to {most} "
                             "pixels. Resize or crop it to the digit (a few hundred pixels "
                             "across is plenty).").format(name=name, width=width, height=height,
                                                          most=f"{limits.max_upload_pixels:,}"))
        try:
            image.load()  # decode now, inside the guard, so a broken file is caught here
            image = ImageOps.exif_transpose(image)  # phone photos: apply the rotation tag
            return _to_array(image)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise LabError(_("{name} is damaged or incomplete and cannot be read ({error}). Save "
                             "or export it again, then upload it.").format(name=name, error=exc)
                           ) from None


def _to_array(image: Image.Image) -> np.ndarray:
    """Pixels as uint8, keeping transparency (the preprocessor composites it) and colour or grey."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit or float grey: scale to 0-255
        pixels = np.asarray(image, dtype=np.float64)
        top = pixels.max()
        return (pixels / top * 255 if top > 0 else pixels).astype(np.uint8)
    has_alpha = "A" in mode or "transparency" in image.info
    if mode == "L":
        target = "L"
    elif mode in ("1", "LA") or mode == "P" and not has_alpha and _palette_is_grey(image):
        target = "LA" if has_alpha else "L"
    else:
        target = "RGBA" if has_alpha else "RGB"
    pixels = np.asarray(image.convert(target))
    if target == "LA":  # grey + alpha -> RGBA, the layout the preprocessor reads
        grey, alpha = pixels[..., 0], pixels[..., 1]
        pixels = np.stack([grey, grey, grey, alpha], axis=-1)
    return np.ascontiguousarray(pixels)


def _palette_is_grey(image: Image.Image) -> bool:
    palette = image.getpalette() or []
    rgb = np.array(palette[: len(palette) // 3 * 3]).reshape(-1, 3)
    return bool((rgb == rgb[:, :1]).all())
