"""Copies of video and audio without where, or on what, they were recorded.

Phones write their position into videos (iPhone: ``com.apple.quicktime.location.ISO6709`` in
the ``meta`` atom, always; Android and 3GPP: ``©xyz`` and ``loci`` in ``udta``) beside the
make, model and software version; recorders write theirs into ID3, RIFF, Vorbis comments and
Matroska tags; drones and action cameras carry GPS in data or subtitle tracks. Everyone but the
learner who uploaded a recording receives the copy made here.

**How.** ``ffmpeg`` remuxes the file into the same container without re-encoding (``-c copy``:
every picture and sound sample is the original's, bit for bit), keeping only the audio and
video streams (not data, subtitle or cover-art streams, which is where telemetry and pictures
hide), with no global, stream or chapter metadata and no encoder tags (``bitexact``). MP4 and
MOV get their index at the front, so the copy starts playing before it has all downloaded.
Then ``exiftool`` reads the copy, embedded timed metadata included, and any location or device
tag it still finds means there is no copy: the check does not trust the first tool.

**Why ffmpeg and not ``exiftool -all=``** (both are maintained Debian packages, and both
remove the QuickTime location keys): exiftool writes only the QuickTime family (for MP3, WAV,
Ogg, FLAC and WebM it answers "Writing of ... files is not yet supported"), its ``-all=`` resets
a video's rotation matrix (a phone's portrait video then plays sideways), and it leaves data
tracks where they are. ffmpeg handles every type we accept, keeps the rotation (display
matrix) and drops the tracks.

**Safety.** The tools run without a shell, with a time limit, on temporary files whose names
we make; the input's demuxer is forced from the type we detected and only the ``file``
protocol is allowed, so no upload can make ffmpeg read a playlist, another file or a URL.

The copy is made on a worker after the upload has answered (services/copies.py). A file ffmpeg
cannot copy faithfully (``-xerror``: damaged, cut short) gets no copy: the learner keeps their
upload and their pages say what to do, staff see that it could not be prepared, and the failure
is logged; ``flask files make-copies`` tries again (after ffmpeg is installed, say).
"""

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..storage import Storage

CHUNK = 1024 * 1024
#: a remux reads and writes the file once or twice; this is generous for 1 GiB on slow disks
TIMEOUT_SECONDS = 600
#: exiftool tag names that say where a recording was made or on what device
PRIVATE_TAG = re.compile(r"GPS|Location|Coordinates|Latitude|Longitude|Make$|Model|Serial|Manufac")


@dataclass(frozen=True)
class Container:
    demuxer: str  # ffmpeg's name for reading it, forced so content cannot choose another
    muxer: str
    extension: str  # only for the temporary files' names
    options: tuple[str, ...] = ()
    #: exiftool 12.57 does not know raw AAC (ADTS): frames of sound with no place for tags
    exiftool_reads: bool = True


_ISO_MEDIA = ("-movflags", "+faststart")
#: every audio and video type filetypes.ACCEPTED lets in
CONTAINERS = {
    "video/mp4": Container("mov", "mp4", "mp4", _ISO_MEDIA),
    "video/quicktime": Container("mov", "mov", "mov", _ISO_MEDIA),
    "video/webm": Container("matroska", "webm", "webm"),
    "audio/mp4": Container("mov", "mp4", "m4a", _ISO_MEDIA),
    "audio/3gpp": Container("mov", "3gp", "3gp", _ISO_MEDIA),
    "audio/aac": Container("aac", "adts", "aac", exiftool_reads=False),
    "audio/mpeg": Container("mp3", "mp3", "mp3", ("-id3v2_version", "0")),
    "audio/wav": Container("wav", "wav", "wav"),
    "audio/ogg": Container("ogg", "ogg", "ogg"),
    "audio/flac": Container("flac", "flac", "flac"),
}


class MediaCopyFailed(Exception):
    """No copy without metadata could be made; the message says why (for the log).

    ``ours``: the fault is this machine's (a tool missing), not the file's.
    """

    def __init__(self, message: str, *, ours: bool = False):
        super().__init__(message)
        self.ours = ours


@dataclass
class MediaCopy:
    key: str
    content_type: str
    size: int


def make_shared_copy(source: BinaryIO, content_type: str, storage: Storage) -> MediaCopy:
    """Store a copy of ``source`` (audio or video of ``content_type``) without metadata."""
    container = CONTAINERS[content_type]
    with tempfile.TemporaryDirectory(prefix="portfolio-media-") as folder:
        original = Path(folder) / f"original.{container.extension}"
        copy = Path(folder) / f"shared.{container.extension}"
        source.seek(0)
        with open(original, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        _run(_remux_command(original, copy, container))
        if container.exiftool_reads and (left := private_tags(_read_tags(copy))):
            raise MediaCopyFailed(f"the copy still carries {', '.join(sorted(left))}")
        return _stored(copy, content_type, storage)


def _remux_command(original: Path, copy: Path, container: Container) -> list[str]:
    return [
        _tool("ffmpeg"),
        "-nostdin", "-hide_banner", "-loglevel", "error", "-xerror",
        "-protocol_whitelist", "file",
        "-f", container.demuxer, "-i", str(original),
        "-map", "0:V?", "-map", "0:a?",  # video (not cover art) and audio; nothing else
        "-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1",
        "-c", "copy",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        *container.options,
        "-f", container.muxer, str(copy),
    ]  # fmt: skip


def _read_tags(path: Path) -> dict:
    output = _run(
        [_tool("exiftool"), "-j", "-G1", "-a", "-u", "-ee", "-api", "LargeFileSupport=1", str(path)]
    )
    try:
        return json.loads(output)[0]
    except (ValueError, IndexError, KeyError) as error:
        raise MediaCopyFailed("exiftool did not describe the copy") from error


def private_tags(tags: dict) -> set[str]:
    """The location and device tags in exiftool's ``-j -G1`` description of a file."""
    return {key for key in tags if PRIVATE_TAG.search(key.rsplit(":", 1)[-1])}


def _run(command: list[str]) -> bytes:
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as error:
        raise MediaCopyFailed(f"{Path(command[0]).name} took over {TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MediaCopyFailed(
            f"{Path(command[0]).name} failed: {message[-1] if message else done.returncode}"
        )
    return done.stdout


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MediaCopyFailed(
            f"{name} is not installed (scripts/install-system-packages)", ours=True
        )
    return path


def _stored(path: Path, content_type: str, storage: Storage) -> MediaCopy:
    writer = storage.writer()
    try:
        with open(path, "rb") as copy:
            while data := copy.read(CHUNK):
                writer.write(data)
        size = writer.size
        key = writer.commit()
    finally:
        writer.abort()
    return MediaCopy(key, content_type, size)
