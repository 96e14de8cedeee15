"""Display-sized copies of uploaded photos: upright, small, and carrying no metadata.

Pages show these derivatives, never the original, so camera metadata (GPS location above all)
never reaches a page. Each derivative is built from the decoded pixels alone and re-encoded as
JPEG without EXIF, XMP, ICC or comments. Pillow's decompression-bomb guard
(``Image.MAX_IMAGE_PIXELS``) is made strict: an image over the limit is refused, not decoded.
"""

import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from ..storage import Storage

#: longest side of a display copy, in pixels
DISPLAY_SIZE = 1600
#: the Pillow decoder for each type we make display copies of; the type was found from the
#: content already, so only that decoder may look at the file (Pillow would otherwise try every
#: plugin it has, some of which expect more of a file than our uploads offer)
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
#: types that get a display copy; others (HEIC) are kept without one
DERIVABLE = set(PILLOW_FORMATS)


class ImageRefused(ValueError):
    """The image cannot be made safe to show; the message names the file."""


@dataclass
class Derivative:
    key: str
    width: int
    height: int


def make_display_copy(
    source: BinaryIO, name: str, content_type: str, storage: Storage
) -> Derivative:
    """Decode ``source`` (a file of type ``content_type``) and store a display-sized,
    metadata-free JPEG of it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source.seek(0)
            with Image.open(source, formats=[PILLOW_FORMATS[content_type]]) as image:
                image.draft("RGB", (DISPLAY_SIZE, DISPLAY_SIZE))  # JPEG decodes at a smaller scale
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((DISPLAY_SIZE, DISPLAY_SIZE))
                pixels = _flatten(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        limit = f"{Image.MAX_IMAGE_PIXELS / 1_000_000:.0f} million"
        raise ImageRefused(
            f"{name} has too many pixels to open safely (the limit is {limit}). "
            "Make the image smaller, then upload it again."
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRefused(
            f"{name} could not be opened as an image; it may be damaged. "
            "Open it on your device, save it again, then upload it again."
        ) from error
    clean = Image.new("RGB", pixels.size)  # a new image carries none of the source's info
    clean.paste(pixels)
    writer = storage.writer()
    try:
        clean.save(writer, "JPEG", quality=85, optimize=True)
        return Derivative(writer.commit(), clean.width, clean.height)
    finally:
        writer.abort()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency becomes white (JPEG has no alpha)."""
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
