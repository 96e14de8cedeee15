"""What a file really is, from its content, and whether evidence may be that kind of file.

The name a person gives a file is never trusted: the type comes from magic numbers (the
``filetype`` library) and, for office documents (which are zip archives), from the archive's own
declaration: ``[Content_Types].xml`` for Word/Excel/PowerPoint, the ``mimetype`` entry for
OpenDocument. The name's extension must then agree with the content.
"""

import zipfile
from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str  # completes "its content is ..."
    extensions: tuple[str, ...]  # the first is the one we suggest

    @property
    def kind(self) -> str:
        """image, audio, video, pdf or document: decides how a page shows the file."""
        major = self.mime.split("/")[0]
        if major in {"image", "audio", "video"}:
            return major
        return "pdf" if self.mime == "application/pdf" else "document"


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
ACCEPTED = {
    t.mime: t
    for t in (
        FileType("application/pdf", "a PDF document", ("pdf",)),
        FileType(_OOXML + "wordprocessingml.document", "a Word document", ("docx",)),
        FileType(_OOXML + "spreadsheetml.sheet", "an Excel spreadsheet", ("xlsx",)),
        FileType(_OOXML + "presentationml.presentation", "a PowerPoint presentation", ("pptx",)),
        FileType(_ODF + "text", "an OpenDocument text document", ("odt",)),
        FileType(_ODF + "spreadsheet", "an OpenDocument spreadsheet", ("ods",)),
        FileType(_ODF + "presentation", "an OpenDocument presentation", ("odp",)),
        FileType("application/msword", "a Word 97-2003 document", ("doc",)),
        FileType("application/vnd.ms-excel", "an Excel 97-2003 spreadsheet", ("xls",)),
        FileType("application/vnd.ms-powerpoint", "a PowerPoint 97-2003 presentation", ("ppt",)),
        FileType("image/jpeg", "a JPEG photo", ("jpg", "jpeg", "jpe", "jfif")),
        FileType("image/png", "a PNG image", ("png",)),
        FileType("image/gif", "a GIF image", ("gif",)),
        FileType("image/webp", "a WebP image", ("webp",)),
        FileType("image/heic", "a HEIC photo", ("heic", "heif")),
        FileType("audio/mpeg", "an MP3 recording", ("mp3",)),
        FileType("audio/mp4", "an M4A recording", ("m4a", "aac")),
        FileType("audio/3gpp", "a 3GP recording", ("3gp", "3ga")),
        FileType("audio/aac", "an AAC recording", ("aac",)),
        FileType("audio/wav", "a WAV recording", ("wav",)),
        FileType("audio/ogg", "an Ogg recording", ("ogg", "oga", "opus")),
        FileType("audio/flac", "a FLAC recording", ("flac",)),
        FileType("video/mp4", "an MP4 video", ("mp4", "m4v")),
        FileType("video/quicktime", "a QuickTime (MOV) video", ("mov", "qt")),
        FileType("video/webm", "a WebM video", ("webm",)),
    )
}
#: ``filetype`` names some types differently from the registered media types we serve.
_ALIASES = {
    "audio/x-wav": "audio/wav",
    "audio/x-flac": "audio/flac",
    "video/x-m4v": "video/mp4",
    "image/heif": "image/heic",
}
#: MP4 and 3GP are one container format (ISO media) for sound and for pictures alike, and the
#: ``filetype`` library calls most of it video/mp4. Phones save sound recordings in it under
#: these names (Android's recorders: .m4a with brand mp42 or isom, .3gp and .3ga), so in that
#: container the name decides between a recording and a video.
_ISO_MEDIA = {"video/mp4", "audio/mp4"}
_RECORDING_NAMES = {
    "m4a": "audio/mp4",
    "aac": "audio/mp4",
    "3gp": "audio/3gpp",
    "3ga": "audio/3gpp",
}
_OOXML_MAIN = {
    _OOXML + "wordprocessingml.document.main+xml": _OOXML + "wordprocessingml.document",
    _OOXML + "spreadsheetml.sheet.main+xml": _OOXML + "spreadsheetml.sheet",
    _OOXML + "presentationml.presentation.main+xml": _OOXML + "presentationml.presentation",
}
ACCEPTED_SUMMARY = (
    "PDF, Word, Excel, PowerPoint and OpenDocument files, photos (JPEG, PNG, GIF, WebP, HEIC), "
    "audio (MP3, M4A, AAC, 3GP, WAV, OGG, FLAC) and video (MP4, MOV, WebM)"
)
#: for the file picker's ``accept`` attribute: a hint to browsers, never a check
ACCEPT_ATTRIBUTE = ",".join(
    sorted({f".{ext}" for t in ACCEPTED.values() for ext in t.extensions} | set(ACCEPTED))
)
HEAD_BYTES = 8192
MAX_MANIFEST_BYTES = 1024 * 1024


def detect(stream, name: str = "") -> FileType | None:
    """The accepted type of this (seekable) content, or None if we do not accept it.

    ``name`` only ever chooses between kinds of content one container holds (a sound
    recording or a video in MP4); it never makes content acceptable that is not.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _zipped_document(stream)
    guess = filetype.guess(head)
    if guess is None:
        return None
    mime = _ALIASES.get(guess.mime, guess.mime)
    if mime in _ISO_MEDIA and (recording := _RECORDING_NAMES.get(extension_of(name))):
        mime = recording
    return ACCEPTED.get(mime)


def _zipped_document(stream) -> FileType | None:
    """Office Open XML and OpenDocument files say what they are inside the archive."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_small(archive, "mimetype").decode("ascii", "replace").strip()
                found = ACCEPTED.get(declared) if declared.startswith(_ODF) else None
            elif "[Content_Types].xml" in names:
                manifest = _read_small(archive, "[Content_Types].xml").decode("utf-8", "replace")
                found = next(
                    (ACCEPTED[m] for part, m in _OOXML_MAIN.items() if f'"{part}"' in manifest),
                    None,
                )
            else:
                found = None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        found = None
    stream.seek(0)
    return found


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(MAX_MANIFEST_BYTES)


def extension_of(name: str) -> str:
    """The lower-case extension of the last path segment of ``name`` ('' if none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    return extension.lower() if dot and stem else ""
