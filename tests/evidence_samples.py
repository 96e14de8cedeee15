"""Small real files of the kinds learners upload, generated on the fly (no binaries in git).

The photo carries EXIF orientation and a GPS position, as phone photos do, so tests can prove
the position never reaches anything the app shows. Real video and audio are made with ffmpeg
(scripts/install-system-packages installs it), tagged as phones and recorders tag them.
"""

import functools
import io
import math
import struct
import subprocess
import tempfile
import wave
import zipfile
import zlib
from pathlib import Path

from PIL import Image

GPS_LATITUDE = (51.0, 30.0, 26.16)  # 51° 30' 26.16" N: somewhere identifiable


def photo_jpeg(width=80, height=40, orientation=6, gps=True) -> bytes:
    """A landscape JPEG whose EXIF says 'rotate 90° clockwise' and where it was taken."""
    image = Image.new("RGB", (width, height), (0, 112, 60))
    image.paste((255, 221, 0), (0, 0, width // 2, height))  # left half yellow: shows rotation
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "W", 4: (0.0, 7.0, 39.51)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"taken at 12 Example Street")
    return buffer.getvalue()


def gps_exif(orientation=1) -> Image.Exif:
    """Camera EXIF with where the photo was taken."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "W", 4: (0.0, 7.0, 39.51)}
    return exif


def webp_image(width=60, height=30, *, alpha=False, frames=1, gps=True) -> bytes:
    """An extended WebP (VP8X header), as phones and messaging apps save them: with EXIF, an
    alpha channel or several frames."""
    colours = [(0, 112, 60, 128 if alpha else 255), (255, 221, 0, 255), (29, 112, 184, 255)]
    images = [
        Image.new("RGBA" if alpha else "RGB", (width, height), colours[n % 3][: 4 if alpha else 3])
        for n in range(frames)
    ]
    options = {"exif": gps_exif().tobytes()} if gps else {}
    if frames > 1:
        options.update(save_all=True, append_images=images[1:], duration=100, loop=0)
    buffer = io.BytesIO()
    images[0].save(buffer, "WEBP", **options)
    return buffer.getvalue()


def png_photo(width=50, height=40, gps=True) -> bytes:
    """A PNG with camera EXIF (an eXIf chunk), as some phones and editors save screenshots."""
    image = Image.new("RGB", (width, height), (0, 112, 60))
    image.paste((255, 221, 0), (0, 0, width // 2, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", exif=gps_exif().tobytes() if gps else b"")
    return buffer.getvalue()


def multi_picture_jpeg() -> bytes:
    """A JPEG with a second picture after it (MPF), as phones save depth or burst shots: both
    pictures carry the location."""
    first = Image.new("RGB", (60, 40), (0, 112, 60))
    second = Image.new("RGB", (60, 40), (29, 112, 184))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=gps_exif().tobytes())
    return buffer.getvalue()


def heic_photo(width=80, height=40, orientation=6, gps=True) -> bytes:
    """An iPhone-style HEIC photo (HEVC in HEIF) with EXIF orientation and location."""
    import pillow_heif

    image = Image.new("RGB", (width, height), (0, 112, 60))
    image.paste((255, 221, 0), (0, 0, width // 2, height))
    exif = gps_exif(orientation) if gps else Image.Exif()
    heif = pillow_heif.from_pillow(image)
    buffer = io.BytesIO()
    heif.save(buffer, quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def png_image(width=30, height=20, transparent=True) -> bytes:
    image = Image.new("RGBA" if transparent else "RGB", (width, height), (200, 0, 0, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def bomb_png(width=40_000, height=40_000) -> bytes:
    """A tiny PNG that claims to be 1.6 gigapixels: opening it fully would exhaust memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def wav_recording(seconds=0.5, rate=8000) -> bytes:
    """A short tone, as a voice recorder might save it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
            for n in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return buffer.getvalue()


def pdf_document() -> bytes:
    """A one-page PDF (Pillow writes a valid one from an image)."""
    buffer = io.BytesIO()
    Image.new("RGB", (100, 140), "white").save(buffer, "PDF")
    return buffer.getvalue()


def docx_document() -> bytes:
    """The parts of a Word file that say what it is (enough for type detection)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not an office document")
    return buffer.getvalue()


def windows_program() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\x00\x00"
    return bytes(header)


def linux_program() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(200)


def mp4_video() -> bytes:
    """An ISO media file header (ftyp box) as phones write at the start of an MP4."""
    ftyp = b"ftypisom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + bytes(256)


# ------------------------------------------------------- real video and audio, tagged as phones do

#: where the recordings say they were made (ISO 6709, as iPhones write it)
ISO6709 = "+51.5074-000.1278/"
_PICTURES = ["-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5"]
_SOUND = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
#: the iPhone's QuickTime keys (moov/meta) and what ffmpeg writes as 3GPP location (udta/loci)
_PHONE_TAGS = [
    "-metadata", f"location={ISO6709}",
    "-metadata", f"com.apple.quicktime.location.ISO6709={ISO6709}",
    "-metadata", "com.apple.quicktime.make=Apple",
    "-metadata", "com.apple.quicktime.model=iPhone 15",
    "-movflags", "use_metadata_tags",
]  # fmt: skip
#: tags for containers without QuickTime keys: Vorbis comments, ID3, RIFF INFO, Matroska tags
_RECORDER_TAGS = [
    "-metadata", f"location={ISO6709}",
    "-metadata", "comment=Recorded at 12 Example Street",
    "-metadata", "artist=PhoneMaker",
]  # fmt: skip


def _ffmpeg(extension: str, *arguments: str, rotation: int = 0) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"sample.{extension}"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", *arguments, str(out)], check=True
        )
        if rotation:  # ffmpeg 5 cannot set a track's display matrix; exiftool can
            subprocess.run(
                ["exiftool", "-q", "-overwrite_original", f"-Rotation={rotation}", str(out)],
                check=True,
            )
        return out.read_bytes()


@functools.cache
def phone_video(rotation=90) -> bytes:
    """An iPhone-style MP4 (picture and sound) that says where it was filmed and on what phone,
    filmed upright (its display matrix turns it a quarter)."""
    return _ffmpeg(
        "mp4", *_PICTURES, *_SOUND, "-c:v", "mpeg4", "-c:a", "aac", *_PHONE_TAGS, rotation=rotation
    )


@functools.cache
def drone_video() -> bytes:
    """An MP4 whose subtitle track carries the GPS position of each moment, as drones write."""
    with tempfile.TemporaryDirectory() as folder:
        telemetry = Path(folder) / "telemetry.srt"
        telemetry.write_text("1\n00:00:00,000 --> 00:00:01,000\nGPS(51.5074,-0.1278,30)\n")
        return _ffmpeg(
            "mp4", *_PICTURES, "-i", str(telemetry), "-map", "0", "-map", "1",
            "-c:v", "mpeg4", "-c:s", "mov_text",
        )  # fmt: skip


@functools.cache
def phone_recording() -> bytes:
    """A voice memo as an M4A (AAC in MP4) that says where it was recorded and on what."""
    return _ffmpeg("m4a", *_SOUND, "-c:a", "aac", *_PHONE_TAGS)


#: a recording of each audio and video type we accept, tagged the way that format allows
TAGGED_MEDIA = {
    "video/mp4": ("clip.mp4", ("mp4", *_PICTURES, "-c:v", "mpeg4", *_PHONE_TAGS)),
    "video/quicktime": ("clip.mov", ("mov", *_PICTURES, "-c:v", "mpeg4", *_PHONE_TAGS)),
    "video/webm": ("clip.webm", ("webm", *_PICTURES, "-c:v", "libvpx", *_RECORDER_TAGS)),
    "audio/mp4": ("memo.m4a", ("m4a", *_SOUND, "-c:a", "aac", *_PHONE_TAGS)),
    "audio/3gpp": ("memo.3gp", ("3gp", *_SOUND, "-c:a", "aac", *_PHONE_TAGS)),
    "audio/aac": ("memo.aac", ("aac", *_SOUND, "-c:a", "aac")),  # ADTS has nowhere for tags
    "audio/mpeg": ("memo.mp3", ("mp3", *_SOUND, "-c:a", "libmp3lame", *_RECORDER_TAGS)),
    "audio/wav": ("memo.wav", ("wav", *_SOUND, *_RECORDER_TAGS)),
    "audio/ogg": ("memo.ogg", ("ogg", *_SOUND, "-c:a", "libopus", *_RECORDER_TAGS)),
    "audio/flac": ("memo.flac", ("flac", *_SOUND, "-c:a", "flac", *_RECORDER_TAGS)),
}  # fmt: skip


@functools.cache
def tagged_media(content_type: str) -> tuple[bytes, str]:
    """``(content, name)`` of a short recording of ``content_type`` with its tags."""
    name, (extension, *arguments) = TAGGED_MEDIA[content_type]
    return _ffmpeg(extension, *arguments), name


# ------------------------------------------------------------------ building evidence in tests


def make_draft(enrolment, **overrides):
    """A draft through the real service (so it has its audit entry)."""
    from datetime import date

    from portfolio.models import Method
    from portfolio.services import evidence

    values = {
        "title": "Planning meeting with the youth panel",
        "activity_date": date(2026, 10, 1),
        "method": Method.OBSERVATION,
        "account_md": "We agreed the **objectives** together.",
    }
    values.update(overrides)
    return evidence.create(enrolment, **values)


def upload(client, evidence, *files, consent="no_people", as_json=True):
    """Post files (``(bytes, name)`` pairs) to the evidence's upload endpoint, as the uploader."""
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    if consent:
        data["consent"] = consent
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(
        f"/evidence/{evidence.id}/files",
        data=data,
        content_type="multipart/form-data",
        headers=headers,
    )


def stored_files(app):
    """Every file under EVIDENCE_DIR, staging included: what an orphan check looks at."""
    from pathlib import Path

    root = Path(app.config["EVIDENCE_DIR"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
