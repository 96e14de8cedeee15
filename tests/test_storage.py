"""The storage module: the one place evidence bytes are written, read and removed."""

import hashlib

import pytest

from portfolio.storage import LocalStorage, MissingFile, StorageError, get_storage


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "evidence")


def everything_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_committed_file_reads_back_with_its_digest_and_a_random_key(storage):
    writer = storage.writer()
    for chunk in (b"community ", b"meeting ", b"notes"):
        writer.write(chunk)
    assert writer.size == 23
    assert writer.sha256 == hashlib.sha256(b"community meeting notes").hexdigest()
    key = writer.commit()
    assert len(key) == 32 and all(ch in "0123456789abcdef" for ch in key)
    assert storage.exists(key) and storage.size(key) == 23
    with storage.open(key) as handle:
        assert handle.read() == b"community meeting notes"


def test_two_files_never_share_a_key(storage):
    keys = set()
    for _ in range(50):
        writer = storage.writer()
        writer.write(b"x")
        keys.add(writer.commit())
    assert len(keys) == 50


def test_an_aborted_or_closed_writer_leaves_nothing_behind(storage):
    first = storage.writer()
    first.write(b"half an upload")
    first.abort()
    second = storage.writer()
    second.write(b"another half")
    second.close()
    with storage.writer() as third:
        third.write(b"and a third")
    assert everything_under(storage.root) == []


def test_staged_bytes_can_be_read_back_before_commit_but_not_appended_to(storage):
    writer = storage.writer()
    writer.write(b"%PDF-1.7 ...")
    writer.seek(0)
    assert writer.read(4) == b"%PDF"
    with pytest.raises(StorageError):
        writer.write(b"more")
    writer.abort()


def test_staged_bytes_open_as_an_ordinary_file_for_libraries_that_expect_one(storage):
    writer = storage.writer()
    writer.write(b"first line\nsecond line\n")
    with writer.reader() as handle:
        assert handle.readline() == b"first line\n"
        assert handle.peek(6).startswith(b"second")
    key = writer.commit()
    with pytest.raises(StorageError):
        writer.reader()
    assert storage.size(key) == 23


def test_keys_that_are_not_ours_are_refused_before_touching_the_disk(storage):
    for bad in ("../../etc/passwd", "/etc/passwd", "ab/../../x", "A" * 32, ""):
        with pytest.raises(StorageError):
            storage.open(bad)
        with pytest.raises(StorageError):
            storage.delete(bad)


def test_a_missing_file_is_reported_as_missing(storage):
    with pytest.raises(MissingFile):
        storage.open("0" * 32)
    assert not storage.exists("0" * 32)
    storage.delete("0" * 32)  # deleting twice is harmless


def test_stale_staging_from_a_crashed_worker_can_be_cleaned(storage):
    (storage.root / ".staging" / "0123.part").write_bytes(b"left behind by a crash")
    assert storage.remove_stale_staging(older_than_seconds=3600) == 0
    assert storage.remove_stale_staging(older_than_seconds=-1) == 1
    assert everything_under(storage.root) == []


def test_the_app_stores_evidence_under_its_configured_directory(app, tmp_path):
    storage = get_storage()
    assert storage.root == tmp_path / "instance" / "evidence"
    assert get_storage() is storage


def test_the_clean_staging_command_reports_what_it_removed(app, runner):
    (get_storage().root / ".staging" / "0123.part").write_bytes(b"orphan")
    result = runner.invoke(args=["files", "clean-staging", "--hours", "0"])
    assert result.exit_code == 0
    assert "Removed" in result.output


def test_a_large_file_streams_through_the_helper_thread_intact(storage):
    expected = hashlib.sha256()
    writer = storage.writer()
    buffer = bytearray(1024 * 1024)
    for n in range(40):  # past the point where the kernel is asked to start writing back
        buffer[:8] = n.to_bytes(8, "big")
        writer.write(buffer)  # the caller reuses its buffer straight away
        expected.update(buffer)
    assert writer.sha256 == expected.hexdigest()
    key = writer.commit()
    with storage.open(key) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == expected.hexdigest()
    assert storage.size(key) == 40 * 1024 * 1024


def test_a_failed_write_surfaces_in_the_request_and_leaves_nothing(storage, monkeypatch):
    import os

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    writer = storage.writer()
    monkeypatch.setattr(os, "write", disk_full)
    writer.write(b"first chunk")
    with pytest.raises(StorageError):
        writer.commit()
    monkeypatch.undo()
    writer.abort()
    assert everything_under(storage.root) == []
