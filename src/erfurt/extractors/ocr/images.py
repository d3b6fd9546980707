"""Image files decoded into the pages OCR reads: each TIFF frame a page, within limits.

Pillow decodes the file; every mode (CMYK, 16-bit, palette, alpha) becomes 8-bit RGB.
An image larger than ``MAX_PIXELS`` is refused before it is decoded (a 400-megapixel
image would need gigabytes in a worker). An animated GIF is one picture: its first frame
is read.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from erfurt.errors import IngestError

__all__ = ["MAX_PIXELS", "MIN_SIDE", "Frame", "frames"]

MAX_PIXELS = 80_000_000
"""Largest image OCR decodes: an A0 sheet at 300 dpi is about 70 megapixels. (Pillow's
own limit, somewhat higher, stops larger images when the file is opened.)"""
MIN_SIDE = 8
"""Images narrower or lower than this hold no readable text."""
_MULTI_PAGE = {"TIFF", "MPO"}
_TOO_LARGE_HINT = (
    "scale the image down (e.g. to 300 dpi) and add the smaller copy next to the original"
)


@dataclass(frozen=True, slots=True)
class Frame:
    """One page of an image file: its pixels (RGB, None if it cannot hold text) and a
    warning about it, if any."""

    pixels: NDArray[np.uint8] | None
    warning: str = ""


def frames(data: bytes, max_pages: int) -> Iterator[Frame]:
    """The pages of the image file ``data`` (at most ``max_pages``).

    Raises IngestError when the file cannot be decoded at all or is too large.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            yield from _frames(image, max_pages)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise IngestError(f"the image is too large to read: {exc}", _TOO_LARGE_HINT) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise IngestError(
            f"the image could not be decoded: {exc}",
            "the file may be corrupt or truncated; its original is preserved as it is",
        ) from exc


def _frames(image: Image.Image, max_pages: int) -> Iterator[Frame]:
    count = getattr(image, "n_frames", 1)
    if image.format not in _MULTI_PAGE:
        frame = _frame(image)
        if count > 1:
            note = f"an animation of {count} frames: only the first was read"
            frame = Frame(frame.pixels, "; ".join(filter(None, (frame.warning, note))))
        yield frame
        return
    for number in range(min(count, max_pages)):
        image.seek(number)
        yield _frame(image)


def _frame(image: Image.Image) -> Frame:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise IngestError(
            f"the image is {width}×{height} pixels ({width * height // 1_000_000} "
            f"megapixels), more than OCR reads ({MAX_PIXELS // 1_000_000} megapixels)",
            _TOO_LARGE_HINT,
        )
    if min(width, height) < MIN_SIDE:
        return Frame(None, f"the image is {width}×{height} pixels, too small to hold text")
    upright = ImageOps.exif_transpose(image) or image
    return Frame(np.asarray(upright.convert("RGB"), dtype=np.uint8))
