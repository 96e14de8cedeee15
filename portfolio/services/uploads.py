"""Evidence uploads stream straight into storage, then are checked before anything is kept.

``StreamingRequest`` replaces Werkzeug's file stream factory for views marked
``@streams_to_storage``: each file part of the multipart body is written into a storage writer
(which computes its SHA-256) as it arrives, instead of being spooled to a temporary file and
copied. Whatever the request does not commit is thrown away when the request closes, so a
refused file, a client that disconnects half way or an error leaves no file behind.
"""

import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from flask import Request, current_app
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import Forbidden, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser

from ..errors import human_size
from ..storage import Writer, get_storage
from . import filetypes
from .filetypes import FileType

MAX_NAME_LENGTH = 200
#: how much of the request body the parser reads at once (its buffer holds about twice this)
READ_SIZE = 1024 * 1024


def streams_to_storage(view):
    """Mark a view whose file uploads go straight into evidence storage."""
    view.streams_to_storage = True
    return view


class FileTooLarge(RequestEntityTooLarge):
    """One file of an upload grew past the per-file limit while it streamed in."""

    def __init__(self, name: str, limit: int):
        super().__init__(
            f"{name} is larger than {human_size(limit)}, the most one file can be. "
            "Nothing was saved. Make the file smaller or split it, then upload it again."
        )


class StagedUpload:
    """One uploaded file on its way into storage, refusing to grow past the size limit."""

    def __init__(self, writer: Writer, limit: int, name: str = "unnamed file"):
        self.writer = writer
        self.limit = limit
        self.name = name

    @property
    def size(self) -> int:
        return self.writer.size

    @property
    def sha256(self) -> str:
        return self.writer.sha256

    def write(self, data: bytes) -> int:
        if self.writer.size + len(data) > self.limit:
            raise FileTooLarge(self.name, self.limit)
        return self.writer.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.writer.seek(offset, whence)

    def tell(self) -> int:
        return self.writer.tell()

    def read(self, size: int = -1) -> bytes:
        return self.writer.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def open(self) -> BinaryIO:
        """The uploaded bytes as an ordinary read-only file (the caller closes it).

        Checks and image decoding read through this rather than through the upload itself:
        libraries such as Pillow call any method of a file (``readline``, ``peek`` ...).
        """
        return self.writer.reader()

    def commit(self) -> str:
        return self.writer.commit()

    def close(self) -> None:
        """Throw the bytes away unless they were committed."""
        self.writer.abort()


class StreamingFormParser(FormDataParser):
    """Werkzeug's parser reading larger pieces of the body than its 64 KiB default.

    WSGI servers copy whatever they received beyond each read (gunicorn keeps the rest of a
    ``recv`` and copies it again on every read), so fewer, larger reads speed uploads up
    markedly (docs/benchmarks.md); the piece size bounds the memory a request uses.
    """

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=READ_SIZE,
        )
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class StreamingRequest(Request):
    def _streams_to_storage(self) -> bool:
        view = current_app.view_functions.get(self.endpoint) if self.url_rule else None
        return getattr(view, "streams_to_storage", False)

    def make_form_data_parser(self) -> FormDataParser:
        if not self._streams_to_storage():
            return super().make_form_data_parser()
        return StreamingFormParser(
            stream_factory=self._get_file_stream,
            # the parser's buffer holds up to one read plus a partial boundary
            max_form_memory_size=max(self.max_form_memory_size or 0, 2 * READ_SIZE),
            max_content_length=self.max_content_length,
            max_form_parts=self.max_form_parts,
            cls=self.parameter_storage_class,
        )

    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        if not self._streams_to_storage():
            return super()._get_file_stream(
                total_content_length, content_type, filename, content_length
            )
        if not current_user.is_authenticated:
            raise Forbidden()  # nobody signed in gets to write a byte to evidence storage
        staged = StagedUpload(
            get_storage().writer(), current_app.config["MAX_UPLOAD_BYTES"], display_name(filename)
        )
        self.__dict__.setdefault("staged_uploads", []).append(staged)
        return staged

    def close(self) -> None:
        try:
            super().close()
        finally:
            for staged in self.__dict__.get("staged_uploads", ()):
                staged.close()


def init_app(app) -> None:
    app.request_class = StreamingRequest


# --------------------------------------------------------------------------- checking uploads


def display_name(raw: str | None) -> str:
    """The name a person gave a file, fit to show (escaped) and never used as a path.

    Control and formatting characters go (a right-to-left override can disguise
    ``gpj.exe`` as ``exe.jpg``); the rest is kept as typed, and templates escape it.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > MAX_NAME_LENGTH:
        extension = filetypes.extension_of(name)
        keep = MAX_NAME_LENGTH - len(extension) - 2
        name = f"{name[:keep]}….{extension}" if extension else name[:MAX_NAME_LENGTH]
    return name or "unnamed file"


def download_name(name: str) -> str:
    """A plain file name for Content-Disposition: the last segment, without path characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join("_" if ch in '<>:"|?*' else ch for ch in base).strip(" .")
    return cleaned or "evidence-file"


@dataclass
class CheckedUpload:
    name: str
    staged: StagedUpload
    type: FileType


class UploadRefused(Exception):
    """One or more files were refused; ``problems`` are sentences that name each file."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def chosen_files(files: list[FileStorage]) -> list[FileStorage]:
    """Drop the empty part a browser sends for a file input left blank."""
    return [f for f in files if f.filename or _size(f)]


def check(files: list[FileStorage]) -> list[CheckedUpload]:
    """Check every file from its content; refuse them all, naming each bad one, if any is bad."""
    checked, problems = [], []
    for upload in files:
        name = display_name(upload.filename)
        staged = upload.stream
        if not isinstance(staged, StagedUpload):
            raise TypeError("upload did not stream to storage; mark the view @streams_to_storage")
        problem = None
        if staged.size == 0:
            problem = f"{name} is empty (0 bytes). Check the file and choose it again."
        elif (found := _detect(staged, name)) is None:
            problem = (
                f"{name} is not a type of file you can upload. "
                f"You can upload {filetypes.ACCEPTED_SUMMARY}."
            )
        elif (extension := filetypes.extension_of(name)) and extension not in found.extensions:
            problem = (
                f"{name} is named as a .{extension} file but its content is {found.label}. "
                f"Save it again in the right format, or name it .{found.extensions[0]}, "
                "then upload it again."
            )
        if problem:
            problems.append(problem)
        else:
            checked.append(CheckedUpload(name, staged, found))
    if problems:
        raise UploadRefused(problems)
    return checked


def _detect(staged: StagedUpload, name: str) -> FileType | None:
    with staged.open() as content:
        return filetypes.detect(content, name)


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    return stream.size if isinstance(stream, StagedUpload) else 0
