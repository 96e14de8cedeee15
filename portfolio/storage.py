"""The one module that touches evidence files.

Everything else names a file by its *key*: a random string this module chose, never anything a
person typed. ``LocalStorage`` keeps files under ``EVIDENCE_DIR``; an S3-compatible object store
can implement the same ``Storage`` interface later (a multipart upload behind ``Writer``) without
any view or service changing.

Writing is two-phase: ``writer()`` streams bytes into a staging area while computing the SHA-256;
``commit()`` makes them a stored file and returns the key, ``abort()`` (or ``close()`` before
commit) removes every trace.
"""

import hashlib
import os
import queue
import re
import secrets
import threading
import time
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
STAGING = ".staging"


class StorageError(Exception):
    """A problem with stored evidence files (not with what the person uploaded)."""


class MissingFile(StorageError, FileNotFoundError):
    pass


def new_key() -> str:
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    """Keys are ours; anything else reaching storage is a bug or an attack."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise StorageError(f"not a storage key: {key!r}")
    return key


class Writer(Protocol):
    """Bytes on their way into storage. Readable and seekable once writing stops."""

    size: int

    @property
    def sha256(self) -> str: ...

    def write(self, data: bytes) -> int: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def read(self, size: int = -1) -> bytes: ...

    def reader(self) -> BinaryIO: ...

    def commit(self) -> str: ...

    def abort(self) -> None: ...


class Storage(Protocol):
    def writer(self) -> Writer: ...

    def open(self, key: str) -> BinaryIO: ...

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def remove_stale_staging(self, older_than_seconds: float) -> int: ...


class LocalWriter:
    """Streams into ``<root>/.staging/<key>.part``; commit renames it into place (atomic).

    Hashing and writing happen on a helper thread, so a request keeps reading the network while
    the previous chunks are hashed and written (both release the GIL); a bounded queue keeps
    memory flat. Every ``WRITEBACK_BYTES`` the kernel is asked to start writing the finished part
    to disk, so the final fsync does not wait for the whole file.
    """

    QUEUE_CHUNKS = 8
    WRITEBACK_BYTES = 32 * 1024 * 1024

    def __init__(self, root: Path):
        self.key = new_key()
        self._root = root
        self._part = root / STAGING / f"{self.key}.part"
        self._file = open(self._part, "x+b", buffering=0)  # closed by commit or abort
        self._hash = hashlib.sha256()
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUE_CHUNKS)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._writing = True
        self.state = "open"
        self.size = 0

    @property
    def sha256(self) -> str:
        self._finish_writing()
        return self._hash.hexdigest()

    def write(self, data: bytes) -> int:
        if not self._writing:
            raise StorageError("cannot write after reading back")
        if self._error is not None:
            raise StorageError("writing the file failed") from self._error
        if self._thread is None:
            self._thread = threading.Thread(target=self._write_queued, daemon=True)
            self._thread.start()
        data = bytes(data)  # the caller may reuse its buffer
        self._queue.put(data)
        self.size += len(data)
        return len(data)

    def _write_queued(self) -> None:
        fd, done, pending = self._file.fileno(), 0, 0
        while (data := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep draining so the writer never blocks
            try:
                self._hash.update(data)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                pending += len(data)
                if pending >= self.WRITEBACK_BYTES:
                    os.posix_fadvise(fd, done, pending, os.POSIX_FADV_DONTNEED)
                    done, pending = done + pending, 0
            except BaseException as error:  # re-raised in the caller's thread
                self._error = error

    def _finish_writing(self) -> None:
        """Wait for queued chunks; after this the file may be read back, not appended to."""
        self._writing = False
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise StorageError("writing the file failed") from self._error

    def seek(self, offset: int, whence: int = 0) -> int:
        self._finish_writing()
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        self._finish_writing()
        return self._file.tell()

    def flush(self) -> None:
        """Writes reach the file through the helper thread; nothing is buffered here."""

    def read(self, size: int = -1) -> bytes:
        self._finish_writing()
        return self._file.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return self._writing

    def reader(self) -> BinaryIO:
        """The bytes written so far as an ordinary buffered, read-only file, for libraries
        that expect one (Pillow, zipfile). Writing stops; the caller closes the reader."""
        if self.state != "open":
            raise StorageError(f"cannot read a writer that is {self.state}")
        self._finish_writing()
        return open(self._part, "rb")

    def commit(self) -> str:
        if self.state != "open":
            raise StorageError(f"cannot commit a writer that is {self.state}")
        self._finish_writing()
        os.fsync(self._file.fileno())
        self._file.close()
        final = _path(self._root, self.key)
        final.parent.mkdir(exist_ok=True)
        os.replace(self._part, final)
        self.state = "committed"
        return self.key

    def abort(self) -> None:
        if self.state != "open":
            return
        try:
            self._finish_writing()
        except StorageError:
            pass  # the bytes are being thrown away anyway
        self._file.close()
        self._part.unlink(missing_ok=True)
        self.state = "aborted"

    def close(self) -> None:
        """Closing without committing throws the bytes away."""
        self.abort()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.abort()


class LocalStorage:
    """Evidence files in a local directory, two levels deep by key prefix."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        (self.root / STAGING).mkdir(parents=True, exist_ok=True)

    def writer(self) -> LocalWriter:
        return LocalWriter(self.root)

    def open(self, key: str) -> BinaryIO:
        try:
            return open(_path(self.root, key), "rb")  # the caller closes it
        except FileNotFoundError as error:
            raise MissingFile(key) from error

    def size(self, key: str) -> int:
        try:
            return _path(self.root, key).stat().st_size
        except FileNotFoundError as error:
            raise MissingFile(key) from error

    def exists(self, key: str) -> bool:
        return _path(self.root, key).is_file()

    def delete(self, key: str) -> None:
        _path(self.root, key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Every stored key (for orphan checks); staging is not included."""
        return sorted(
            p.name for p in self.root.glob("??/*") if p.is_file() and KEY_PATTERN.fullmatch(p.name)
        )

    def remove_stale_staging(self, older_than_seconds: float = 24 * 3600) -> int:
        """Remove staging files left by a crashed worker; returns how many went."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for part in (self.root / STAGING).glob("*.part"):
            if part.stat().st_mtime < cutoff:
                part.unlink(missing_ok=True)
                removed += 1
        return removed


def _path(root: Path, key: str) -> Path:
    check_key(key)
    return root / key[:2] / key


def get_storage(app=None) -> Storage:
    """The evidence storage for this app, built once from its configuration."""
    app = app or current_app
    storage = app.extensions.get("evidence_storage")
    if storage is None:
        storage = app.extensions["evidence_storage"] = LocalStorage(app.config["EVIDENCE_DIR"])
    return storage
