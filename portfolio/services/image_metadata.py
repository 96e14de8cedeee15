"""Copies of uploaded images without their metadata, made losslessly and as a stream.

A photo's metadata says where it was taken (EXIF GPS), on which device, and often carries a
thumbnail or extra images (MPF) that say the same again. Everyone but the learner who took a
photo downloads the copy made here instead of the original: the same compressed picture data,
byte for byte (so no quality is lost and no pixels are decoded), with only the chunks a viewer
needs to draw it. Each format is walked chunk by chunk and copied in pieces, so memory stays
flat whatever the file's size.

Kept: what drawing needs (image data, palettes, transparency, colour profiles, animation).
Dropped: EXIF, XMP, IPTC, comments, text chunks and anything unrecognised. A photo's
orientation is kept as a minimal EXIF block holding that one tag, so it still shows upright.

Why not ``exiftool -all=``, as video and audio use ffmpeg and exiftool (``media_metadata``)?
Weighed and decided against, for now. This copier keeps what it knows a viewer needs and drops
everything else, including segments no tool has a name for yet; exiftool deletes what it knows
to be metadata and keeps the rest, and its ``-all=`` also deletes the orientation and the
colour profile, which would have to be written back. This code runs in the process on a stream
(no temporary copy, no perl start-up for each of twenty photos in an upload), and a file it
cannot follow is refused, never half copied. Neither re-encodes: Pillow decodes pixels only
for the display and print copies and for HEIC, which must become JPEG whatever strips it. The
tests check the shared copies with exiftool too (tests/test_evidence_photo_privacy.py), so the
independent reading is there without its cost at upload.
"""

import struct
import zlib
from typing import BinaryIO

CHUNK = 256 * 1024
ORIENTATION_TAG = 0x0112


class DamagedImage(ValueError):
    """The file does not follow its format closely enough to be copied safely."""


def strip(source: BinaryIO, content_type: str, out, orientation: int = 1) -> None:
    """Write ``source`` (seekable, of ``content_type``) to ``out`` without metadata."""
    source.seek(0)
    {
        "image/jpeg": _strip_jpeg,
        "image/png": _strip_png,
        "image/webp": _strip_webp,
        "image/gif": _strip_gif,
    }[content_type](source, out, orientation)


def orientation_tiff(orientation: int, byte_order: str = ">") -> bytes:
    """A TIFF structure (as EXIF holds) with a single tag: Orientation."""
    mark = b"MM" if byte_order == ">" else b"II"
    return (
        mark
        + struct.pack(f"{byte_order}HI", 42, 8)  # magic, offset of the first directory
        + struct.pack(f"{byte_order}H", 1)  # one entry
        + struct.pack(f"{byte_order}HHIHH", ORIENTATION_TAG, 3, 1, orientation, 0)
        + struct.pack(f"{byte_order}I", 0)  # no further directory
    )


# ----------------------------------------------------------------------------- reading helpers


def _exact(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise DamagedImage("the file ends too early")
    return data


def _copy(source: BinaryIO, out, size: int) -> None:
    while size > 0:
        data = _exact(source, min(size, CHUNK))
        out.write(data)
        size -= len(data)


# -------------------------------------------------------------------------------------- JPEG

_SOI, _EOI, _SOS, _APP0, _APP1 = 0xD8, 0xD9, 0xDA, 0xE0, 0xE1
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers carry no length
#: application segments a viewer needs, by marker and how their data starts
_KEPT_APPS = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}


def _strip_jpeg(source: BinaryIO, out, orientation: int) -> None:
    if _exact(source, 2) != b"\xff\xd8":
        raise DamagedImage("not a JPEG")
    out.write(b"\xff\xd8")
    orientation_pending = orientation != 1
    marker = _next_marker(source)
    while True:
        if marker == _EOI:
            out.write(b"\xff\xd9")
            return  # anything after the image (MPF pictures, trailers) is dropped
        if orientation_pending and marker != _APP0:
            payload = b"Exif\x00\x00" + orientation_tiff(orientation)
            out.write(b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload)
            orientation_pending = False
        if marker in _STANDALONE:
            out.write(bytes((0xFF, marker)))
            marker = _next_marker(source)
            continue
        length = struct.unpack(">H", _exact(source, 2))[0]
        if length < 2:
            raise DamagedImage("a JPEG segment has an impossible length")
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:  # application data and comments
            head = source.read(min(length - 2, 16))
            wanted = _KEPT_APPS.get(marker)
            if wanted is not None and head.startswith(wanted):
                out.write(bytes((0xFF, marker)) + struct.pack(">H", length) + head)
                _copy(source, out, length - 2 - len(head))
            else:
                source.seek(length - 2 - len(head), 1)
            marker = _next_marker(source)
            continue
        out.write(bytes((0xFF, marker)) + struct.pack(">H", length))
        _copy(source, out, length - 2)
        marker = _copy_scan(source, out) if marker == _SOS else _next_marker(source)


def _next_marker(source: BinaryIO) -> int:
    if _exact(source, 1) != b"\xff":
        raise DamagedImage("a JPEG segment does not start where it should")
    while (byte := _exact(source, 1)) == b"\xff":
        pass  # fill bytes
    return byte[0]


def _copy_scan(source: BinaryIO, out) -> int:
    """Copy entropy-coded data up to the marker that ends it; return that marker (consumed).

    Inside the data a 0xFF byte is followed by 0x00 (stuffing), a restart marker, or another
    0xFF (fill); anything else is the next marker.
    """
    while True:
        data = source.read(CHUNK)
        if not data or data == b"\xff":
            raise DamagedImage("the file ends inside the picture data")
        start = 0
        while (at := data.find(b"\xff", start)) != -1 and at + 1 < len(data):
            following = data[at + 1]
            if following == 0 or following == 0xFF or 0xD0 <= following <= 0xD7:
                start = at + 1
                continue
            out.write(data[:at])
            source.seek(at + 2 - len(data), 1)  # hand back what follows the marker
            return following
        if data.endswith(b"\xff"):  # a marker may straddle this piece and the next
            out.write(data[:-1])
            source.seek(-1, 1)
        else:
            out.write(data)


# --------------------------------------------------------------------------------------- PNG

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def _strip_png(source: BinaryIO, out, orientation: int) -> None:
    if _exact(source, 8) != _PNG_SIGNATURE:
        raise DamagedImage("not a PNG")
    out.write(_PNG_SIGNATURE)
    orientation_pending = orientation != 1
    while True:
        length, kind = struct.unpack(">I4s", _exact(source, 8))
        if kind in (b"IDAT", b"acTL") and orientation_pending:
            _write_png_chunk(out, b"eXIf", orientation_tiff(orientation))
            orientation_pending = False
        if kind in _PNG_KEPT:
            out.write(struct.pack(">I4s", length, kind))
            _copy(source, out, length + 4)  # data and CRC as they were
        else:
            source.seek(length + 4, 1)
        if kind == b"IEND":
            return


def _write_png_chunk(out, kind: bytes, data: bytes) -> None:
    out.write(struct.pack(">I", len(data)) + kind + data)
    out.write(struct.pack(">I", zlib.crc32(kind + data)))


# -------------------------------------------------------------------------------------- WebP

_WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _strip_webp(source: BinaryIO, out, orientation: int) -> None:
    riff, riff_size, form = struct.unpack("<4sI4s", _exact(source, 12))
    if riff != b"RIFF" or form != b"WEBP":
        raise DamagedImage("not a WebP image")
    chunks = []  # (kind, size, offset of data)
    end = 8 + riff_size  # anything after the RIFF container is not part of the image
    while source.tell() + 8 <= end and (header := source.read(8)):
        if len(header) != 8:
            raise DamagedImage("a WebP chunk is cut short")
        kind, size = struct.unpack("<4sI", header)
        if kind == b"VP8X" and size < 10:
            raise DamagedImage("a WebP header is too short")
        chunks.append((kind, size, source.tell()))
        source.seek(size + (size & 1), 1)
    kept = [c for c in chunks if c[0] in _WEBP_KEPT]
    extended = bool(kept) and kept[0][0] == b"VP8X"
    exif = orientation_tiff(orientation, "<") if extended and orientation != 1 else b""
    body = sum(8 + size + (size & 1) for _, size, _ in kept)
    body += 8 + len(exif) + (len(exif) & 1) if exif else 0
    out.write(struct.pack("<4sI4s", b"RIFF", 4 + body, b"WEBP"))
    for kind, size, offset in kept:
        source.seek(offset)
        out.write(struct.pack("<4sI", kind, size))
        if kind == b"VP8X":
            flags = _exact(source, 1)[0] & ~(_VP8X_EXIF | _VP8X_XMP)
            out.write(bytes((flags | (_VP8X_EXIF if exif else 0),)))
            _copy(source, out, size - 1 + (size & 1))
        else:
            _copy(source, out, size + (size & 1))
    if exif:  # EXIF comes after the image data in an extended WebP
        out.write(struct.pack("<4sI", b"EXIF", len(exif)) + exif + b"\x00" * (len(exif) & 1))


# --------------------------------------------------------------------------------------- GIF

#: application extensions that only say how to play an animation
_GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}


def _strip_gif(source: BinaryIO, out, orientation: int) -> None:
    header = _exact(source, 13)
    if header[:6] not in (b"GIF87a", b"GIF89a"):
        raise DamagedImage("not a GIF image")
    out.write(header)
    if header[10] & 0x80:  # global colour table
        _copy(source, out, 3 << ((header[10] & 0x07) + 1))
    while True:
        introducer = _exact(source, 1)
        if introducer == b"\x3b":  # trailer
            out.write(introducer)
            return
        if introducer == b"\x2c":  # an image
            descriptor = _exact(source, 9)
            out.write(introducer + descriptor)
            if descriptor[8] & 0x80:  # local colour table
                _copy(source, out, 3 << ((descriptor[8] & 0x07) + 1))
            out.write(_exact(source, 1))  # LZW minimum code size
            _gif_blocks(source, out)
        elif introducer == b"\x21":  # an extension
            label = _exact(source, 1)
            if label == b"\xff":
                size = _exact(source, 1)
                identifier = _exact(source, size[0])
                keep = identifier[:11] in _GIF_KEPT_APPLICATIONS
                if keep:
                    out.write(introducer + label + size + identifier)
                _gif_blocks(source, out if keep else None)
            else:
                keep = label in (b"\xf9", b"\x01")  # graphic control, plain text
                if keep:
                    out.write(introducer + label)
                _gif_blocks(source, out if keep else None)
        else:
            raise DamagedImage("a GIF block does not start where it should")


def _gif_blocks(source: BinaryIO, out) -> None:
    """Copy (or, with no ``out``, skip) data sub-blocks up to their terminator."""
    while True:
        size = _exact(source, 1)
        data = _exact(source, size[0]) if size[0] else b""
        if out is not None:
            out.write(size + data)
        if not size[0]:
            return
