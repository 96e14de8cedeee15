"""The copies of an uploaded photo that people other than its learner receive.

Three copies are made on the task queue's worker once the upload has answered
(``services/copies.py``; the upload itself only opens the header, ``check``), and none carries
camera metadata (GPS location above all):

- a **display copy** that pages show: upright, at most ``DISPLAY_SIZE`` pixels, re-encoded as
  JPEG from the decoded pixels alone (no EXIF, XMP, ICC or comments);
- a **print copy** that the portfolio PDF embeds, made the same way at most ``PRINT_SIZE``
  pixels (never enlarged): WeasyPrint embeds a JPEG as it is, so a full-size photo would
  multiply the PDF's size and the memory that makes it;
- a **shared copy** at full resolution, which the "Download" link gives everyone but the learner
  who uploaded the photo: for JPEG, PNG, WebP and GIF the same picture data with the metadata
  left out (``image_metadata``, lossless and streamed); for HEIC, which browsers and most
  computers cannot open, a full-size JPEG.

Pillow's decompression-bomb guard (``Image.MAX_IMAGE_PIXELS``) is made strict: an image over the
limit is refused, not decoded. HEIC and HEIF (iPhone photos) are decoded with ``pillow-heif``.
"""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from ..storage import Storage
from . import image_metadata

pillow_heif.register_heif_opener()

#: longest side of a print copy, in pixels: about 230 an inch across an A4 page's text
PRINT_SIZE = 1600
#: longest side of a display copy, in pixels (it is shrunk from the print copy: no larger)
DISPLAY_SIZE = 1600
#: the Pillow decoder for each type we make copies of; the type was found from the content
#: already, so only that decoder may look at the file (Pillow would otherwise try every plugin
#: it has, some of which expect more of a file than our uploads offer)
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
}
#: types that get a display copy, a print copy and a shared copy
DERIVABLE = set(PILLOW_FORMATS)
#: types whose shared copy is the original's own picture data without its metadata
LOSSLESS = {"image/jpeg", "image/png", "image/gif", "image/webp"}


class ImageRefused(ValueError):
    """The image cannot be made safe to show; the message names the file."""


@dataclass
class Derivative:
    key: str
    width: int
    height: int


@dataclass
class SharedCopy:
    key: str
    content_type: str
    size: int


@dataclass
class Copies:
    display: Derivative
    print_copy: Derivative
    shared: SharedCopy

    @property
    def keys(self) -> list[str]:
        return [self.display.key, self.print_copy.key, self.shared.key]


def check(source: BinaryIO, name: str, content_type: str) -> None:
    """Refuse, during the upload, an image Pillow cannot open or that has too many pixels.

    Opening reads only the header (no pixels are decoded), so this is quick whatever the
    photo's size; a fault deeper in the picture data is found when the worker makes the
    copies, and recorded on the file (services/copies.py).
    """
    with _opening(name), _decoded(source, content_type) as image:
        image.size  # noqa: B018  (opening has read the header; nothing more to do)


def make_copies(source: BinaryIO, name: str, content_type: str, storage: Storage) -> Copies:
    """Store the display, print and shared copies of ``source`` (a file of ``content_type``).

    All are committed to storage; if anything fails, none is left behind.
    """
    made: list[str] = []
    try:
        with _opening(name), _decoded(source, content_type) as image:
            orientation = image.getexif().get(image_metadata.ORIENTATION_TAG, 1)
            if content_type in LOSSLESS:
                image.draft("RGB", (PRINT_SIZE, PRINT_SIZE))  # JPEG decodes at a smaller scale
                shared = None
            else:  # decoded once, at full size: save that, then shrink it in place
                ImageOps.exif_transpose(image, in_place=True)
                image = _flattened(image)
                full = _save(image, storage, made, quality=90)
                shared = SharedCopy(full.key, "image/jpeg", storage.size(full.key))
            upright = ImageOps.exif_transpose(image)
            print_copy = _shrunk(upright, PRINT_SIZE, storage, made)
            display = _shrunk(upright, DISPLAY_SIZE, storage, made)
        if shared is None:
            shared = _lossless_copy(source, name, content_type, orientation, storage, made)
        return Copies(display, print_copy, shared)
    except BaseException:
        _delete(made, storage)
        raise


def make_print_copy(source: BinaryIO, name: str, content_type: str, storage: Storage) -> Derivative:
    """Store only the print copy of ``source``: for photos uploaded before print copies."""
    made: list[str] = []
    try:
        with _opening(name), _decoded(source, content_type) as image:
            image.draft("RGB", (PRINT_SIZE, PRINT_SIZE))
            return _shrunk(ImageOps.exif_transpose(image), PRINT_SIZE, storage, made)
    except BaseException:
        _delete(made, storage)
        raise


def _shrunk(upright: Image.Image, size: int, storage: Storage, made: list[str]) -> Derivative:
    """Shrink ``upright`` in place to fit ``size`` (never enlarging it); store it as JPEG."""
    upright.thumbnail((size, size))
    return _save(_flattened(upright), storage, made, quality=85)


def _delete(keys: list[str], storage: Storage) -> None:
    for key in keys:
        storage.delete(key)


@contextmanager
def _decoded(source: BinaryIO, content_type: str):
    source.seek(0)
    with Image.open(source, formats=[PILLOW_FORMATS[content_type]]) as image:
        yield image


@contextmanager
def _opening(name: str):
    """Turn Pillow's complaints into sentences that name the file and say what to do."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        limit = f"{Image.MAX_IMAGE_PIXELS / 1_000_000:.0f} million"
        raise ImageRefused(
            f"{name} has too many pixels to open safely (the limit is {limit}). "
            "Make the image smaller, then upload it again."
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRefused(_damaged(name)) from error


def _damaged(name: str) -> str:
    return (
        f"{name} could not be opened as an image; it may be damaged. "
        "Open it on your device, save it again, then upload it again."
    )


def _save(pixels: Image.Image, storage: Storage, made: list[str], quality: int) -> Derivative:
    """Encode RGB pixels as a JPEG carrying nothing but them."""
    pixels.load()
    pixels.info = {}  # Pillow writes some of what it read (a JPEG comment, say) unless told not to
    writer = storage.writer()
    try:
        pixels.save(writer, "JPEG", quality=quality, optimize=True)
        key = writer.commit()
    finally:
        writer.abort()
    made.append(key)
    return Derivative(key, pixels.width, pixels.height)


def _lossless_copy(source, name, content_type, orientation, storage, made) -> SharedCopy:
    writer = storage.writer()
    try:
        try:
            image_metadata.strip(source, content_type, writer, orientation)
        except image_metadata.DamagedImage as error:
            raise ImageRefused(_damaged(name)) from error
        size = writer.size
        key = writer.commit()
    finally:
        writer.abort()
    made.append(key)
    return SharedCopy(key, content_type, size)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency becomes white (JPEG has no alpha)."""
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")
