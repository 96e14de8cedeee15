"""The type of a file comes from its content; the name must agree with it."""

import io
import struct
import zipfile

import pytest
from evidence_samples import docx_document, odt_document, pdf_document, photo_jpeg, wav_recording

from portfolio.services.filetypes import detect, extension_of


def iso_media(brand: bytes, compatible: bytes = b"") -> bytes:
    box = b"ftyp" + brand + struct.pack(">I", 0) + compatible
    return struct.pack(">I", len(box) + 4) + box + bytes(64)


def ole_document(marker: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + marker + bytes(2000)


def manifest(content_type: str) -> bytes:
    """An Office Open XML package whose manifest declares this main part."""
    return zipped({"[Content_Types].xml": f'<Override ContentType="{content_type}.main+xml"/>'})


def zipped(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


OOXML = "application/vnd.openxmlformats-officedocument."


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (pdf_document(), "application/pdf"),
        (docx_document(), OOXML + "wordprocessingml.document"),
        (
            manifest(OOXML + "spreadsheetml.sheet"),
            OOXML + "spreadsheetml.sheet",
        ),
        (
            manifest(OOXML + "presentationml.presentation"),
            OOXML + "presentationml.presentation",
        ),
        (odt_document(), "application/vnd.oasis.opendocument.text"),
        (
            zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (ole_document(b"\xec\xa5\xc1\x00"), "application/msword"),
        (photo_jpeg(), "image/jpeg"),
        (b"GIF89a" + bytes(100), "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(100), "image/webp"),
        (iso_media(b"heic", b"mif1heic"), "image/heic"),
        (b"ID3\x04\x00" + bytes(200), "audio/mpeg"),
        (iso_media(b"M4A ", b"M4A mp42isom"), "audio/mp4"),
        (wav_recording(), "audio/wav"),
        (b"OggS\x00\x02" + bytes(200), "audio/ogg"),
        (b"fLaC\x00\x00\x00\x22" + bytes(200), "audio/flac"),
        (iso_media(b"isom", b"isomiso2mp41"), "video/mp4"),
        (iso_media(b"qt  ", b"qt  "), "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(100), "video/webm"),
    ],
)
def test_accepted_types_are_recognised_from_their_content(content, mime):
    found = detect(io.BytesIO(content))
    assert found is not None and found.mime == mime


@pytest.mark.parametrize(
    ("content", "name", "mime"),
    [
        (iso_media(b"mp42", b"isommp42"), "Voice 001.m4a", "audio/mp4"),
        (iso_media(b"isom", b"isomiso2mp41"), "Recording.M4A", "audio/mp4"),
        (iso_media(b"isom", b"isomiso2mp41"), "memo.aac", "audio/mp4"),
        (iso_media(b"3gp4", b"isom3gp4"), "Voice 002.3gp", "audio/3gpp"),
        (iso_media(b"3gp5", b"3gp5isom"), "call.3ga", "audio/3gpp"),
        (iso_media(b"isom", b"isomiso2mp41"), "workshop.mp4", "video/mp4"),
    ],
)
def test_android_sound_recordings_in_mp4_or_3gp_are_recognised_as_audio(content, name, mime):
    found = detect(io.BytesIO(content), name)
    assert found is not None and found.mime == mime
    assert extension_of(name) in found.extensions


@pytest.mark.parametrize(
    "content",
    [
        b"MZ" + bytes(510),  # Windows program
        b"\x7fELF\x02\x01\x01" + bytes(100),  # Linux program
        b"#!/bin/sh\nrm -rf /\n",
        b"<html><script>alert(1)</script></html>",
        ole_document(b"\x00\x00\x00\x00"),  # an installer (.msi) is an OLE file too
        manifest("application/vnd.ms-word.document.macroEnabled"),  # .docm: macros
        zipped({"mimetype": "application/x-something-else"}),
        zipped({"readme.txt": "a plain zip"}),
        b"PK\x03\x04 a damaged zip",
        iso_media(b"avif", b"avifmif1"),
    ],
)
def test_programs_scripts_macros_and_other_types_are_not_accepted(content):
    assert detect(io.BytesIO(content)) is None


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("plan.PDF", "pdf"),
        ("a/b\\c.tar.gz", "gz"),
        ("../../etc/passwd", ""),
        (".hidden", ""),
        ("no extension", ""),
        ("photo.", ""),
    ],
)
def test_the_extension_is_read_from_the_last_part_of_the_name(name, extension):
    assert extension_of(name) == extension
