"""The copy of a photo others download keeps the picture, byte for byte, and drops what the
camera recorded; it is made as a stream, whatever the photo's size."""

import io
import os
import tracemalloc

import pytest
from evidence_samples import gps_exif, photo_jpeg, png_photo, webp_image
from PIL import Image, ImageChops, PngImagePlugin

from portfolio.services.image_metadata import DamagedImage, strip


def stripped(content: bytes, content_type: str, orientation: int = 1) -> bytes:
    out = io.BytesIO()
    strip(io.BytesIO(content), content_type, out, orientation)
    return out.getvalue()


def frames_of(content: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(content))
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(image.convert("RGBA"))
    return frames


def assert_same_picture(first: bytes, second: bytes):
    a, b = frames_of(first), frames_of(second)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.size == y.size and ImageChops.difference(x, y).getbbox() is None


def noise_jpeg(width: int, height: int, **options) -> bytes:
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=gps_exif().tobytes(), comment=b"Example Street", **options)
    return buffer.getvalue()


def test_a_progressive_jpeg_keeps_every_scan_and_loses_its_metadata():
    original = noise_jpeg(300, 200, progressive=True, quality=90)
    copy = stripped(original, "image/jpeg")
    assert_same_picture(original, copy)
    assert b"Exif" not in copy and b"Example Street" not in copy and b"PhoneMaker" not in copy


def test_a_jpeg_keeps_its_colour_profile():
    image = Image.new("RGB", (20, 20), (200, 10, 10))
    profile = b"\x00" * 128 + b"acsp" + bytes(200)  # the content is not checked when copying
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", icc_profile=profile, exif=gps_exif().tobytes())
    copy = stripped(buffer.getvalue(), "image/jpeg")
    assert Image.open(io.BytesIO(copy)).info["icc_profile"] == profile


def test_text_chunks_in_a_png_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "12 Example Street")
    info.add_itxt("Author", "Someone", zip=True)
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (1, 2, 3, 100)).save(buffer, "PNG", pnginfo=info)
    copy = stripped(buffer.getvalue(), "image/png")
    assert_same_picture(buffer.getvalue(), copy)
    assert b"Example Street" not in copy and b"Author" not in copy
    assert not stripped(png_photo(), "image/png").count(b"PhoneMaker")


@pytest.mark.parametrize(
    "webp",
    [webp_image(), webp_image(alpha=True), webp_image(frames=3)],
    ids=["camera data", "transparency", "animation"],
)
def test_a_webp_loses_its_exif_and_keeps_transparency_and_animation(webp):
    copy = stripped(webp, "image/webp")
    assert_same_picture(webp, copy)
    assert b"EXIF" not in copy and b"PhoneMaker" not in copy
    assert copy[20] & 0x08 == 0  # the header no longer announces EXIF
    assert int.from_bytes(copy[4:8], "little") == len(copy) - 8


def test_an_animated_gif_keeps_its_frames_and_looping_but_not_its_comments():
    frames = [Image.new("P", (16, 12), colour) for colour in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        loop=0,
        duration=80,
        comment=b"taken at 12 Example Street",
    )
    copy = stripped(buffer.getvalue(), "image/gif")
    assert_same_picture(buffer.getvalue(), copy)
    assert b"Example Street" not in copy and b"NETSCAPE2.0" in copy


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (photo_jpeg()[:300], "image/jpeg"),
        (b"\xff\xd8\x00\x00garbage", "image/jpeg"),
        (png_photo()[:40], "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8X\x02\x00\x00\x00", "image/webp"),
        (b"GIF89a" + bytes(7) + b"!", "image/gif"),
    ],
    ids=["cut-off JPEG", "not a JPEG structure", "cut-off PNG", "short WebP header", "cut GIF"],
)
def test_a_damaged_image_is_refused_rather_than_copied_in_part(content, content_type):
    with pytest.raises(DamagedImage):
        stripped(content, content_type)


def test_a_large_photo_is_copied_with_little_memory():
    original = noise_jpeg(2400, 1800, quality=95)
    assert len(original) > 4 * 1024 * 1024
    out = io.BytesIO()
    tracemalloc.start()
    try:
        strip(io.BytesIO(original), "image/jpeg", _Discard(out))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
    assert out.tell() > len(original) - 1024  # only the metadata went


class _Discard:
    """Counts what is written without keeping it (so only the copier's memory is measured)."""

    def __init__(self, counter: io.BytesIO):
        self.counter = counter

    def write(self, data: bytes) -> int:
        self.counter.seek(len(data), io.SEEK_CUR)
        return len(data)
