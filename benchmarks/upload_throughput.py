"""Upload a large file through the running app and compare with a plain copy on the same disk.

Starts the app under gunicorn (one sync worker) on loopback with a temporary SQLite database and
EVIDENCE_DIR, signs a learner in through the real pages (CSRF on, as in production), and streams
a generated file (default 1 GiB) from disk through the real upload endpoint as one multipart
request, the way a browser does. Reports throughput and the worker's memory (peak resident set
growth from /proc/<pid>/status VmHWM, plus sampled VmRSS), and the same file copied on the same
disk (shutil.copyfile, then fsync, since the app fsyncs each file before it keeps it).

    .venv/bin/python benchmarks/upload_throughput.py [--size-mib 1024] [--dir /path/on/disk]

Targets (issue 5): memory growth < 64 MiB; throughput >= half of the plain copy.
Set BENCH_APP=module:app to serve a wrapped app instead (a profiling middleware, say).
"""

import argparse
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

MIB = 1024 * 1024
CHUNK = MIB
PASSWORD = "benchmark passphrase, long enough"  # noqa: S105 - a throwaway account
BOUNDARY = "----benchmark-boundary-4f9c2a"
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--dir", default=None, help="working directory (default: a temp dir)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="upload-bench-", dir=args.dir))
    try:
        return run(work, args.size_mib * MIB, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, size: int, repeat: int) -> int:
    evidence_dir, instance = work / "evidence", work / "instance"
    database = f"sqlite:///{work / 'bench.sqlite3'}"
    source = work / "workshop-video.mp4"
    print(f"Working in {work} ({filesystem_of(work)}), {os.cpu_count()} CPUs")
    print(f"Generating a {size / MIB:.0f} MiB file on disk ...", flush=True)
    digest = generate(source, size)
    evidence_id, email = prepare_database(database, evidence_dir, instance)

    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database,
        EVIDENCE_DIR=str(evidence_dir),
        PORTFOLIO_INSTANCE_PATH=str(instance),
        SECRET_KEY="benchmark-secret",  # noqa: S106 - a throwaway instance
        MAX_UPLOAD_BYTES=str(max(size, 1024**3)),
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers=1",
            "--worker-class=sync",
            "--timeout=600",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            os.environ.get("BENCH_APP", "portfolio:create_app()"),
        ],
        cwd=ROOT,
        env=env,
    )
    copies, cached_copies, uploads, growths = [], [], [], []
    try:
        wait_for_port(port)
        worker = worker_of(server.pid)
        client = Client(port)
        client.sign_in(email)
        for attempt in range(1, repeat + 1):
            os.sync()
            cached, durable = plain_copy(source, work / "copy.bin")
            cached_copies.append(cached)
            copies.append(durable)
            os.sync()
            token = client.csrf_token(f"/evidence/{evidence_id}")
            baseline = reset_peak(worker)
            sampler = RssSampler(worker)
            sampler.start()
            started = time.perf_counter()
            status, body = client.upload(f"/evidence/{evidence_id}/files", token, source, size)
            uploads.append(time.perf_counter() - started)
            sampler.stop()
            peak = max(proc_status(worker)["VmHWM"], sampler.peak)
            growths.append(peak - baseline)
            if status != 201:
                print(f"Upload failed: HTTP {status}: {body[:500]!r}")
                return 1
            print(
                f"  run {attempt}: upload {uploads[-1]:.2f} s, copy+fsync {copies[-1]:.2f} s, "
                f"worker memory growth {growths[-1] / 1024:.1f} MiB",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    stored = check_stored(database, evidence_dir, digest, size, repeat)
    upload_rate = size / MIB / statistics.median(uploads)
    copy_rate = size / MIB / statistics.median(copies)
    growth = max(growths) / 1024
    print()
    print(f"File: {size / MIB:.0f} MiB x {repeat}, stored as {stored} (SHA-256 matches)")
    print(f"Upload through gunicorn (median): {upload_rate:7.1f} MiB/s")
    print(f"Plain copy + fsync (median):      {copy_rate:7.1f} MiB/s")
    cached_rate = size / MIB / statistics.median(cached_copies)
    print(f"Upload / plain copy + fsync:      {upload_rate / copy_rate:7.2f}")
    print(
        f"(Plain copy without fsync, into the page cache only: {cached_rate:.1f} MiB/s; "
        f"upload / that: {upload_rate / cached_rate:.2f})"
    )
    print(f"Worker peak memory growth (max):  {growth:7.1f} MiB")
    ok_memory = growth < 64
    ok_speed = upload_rate >= copy_rate / 2
    print(f"Targets: memory growth < 64 MiB: {'met' if ok_memory else 'NOT met'}; ", end="")
    print(f"throughput >= half of plain copy: {'met' if ok_speed else 'NOT met'}")
    return 0 if ok_memory and ok_speed else 2


def reset_peak(pid: int) -> int:
    """Reset the worker's VmHWM to its current RSS (Linux clear_refs); return that RSS in KiB."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass  # not permitted: the sampled VmRSS still bounds the peak
    return proc_status(pid)["VmRSS"]


# --------------------------------------------------------------------------------- pieces


def generate(path: Path, size: int) -> str:
    """An MP4-looking file (ftyp box, then random bytes), written and hashed chunk by chunk."""
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        out.write(header)
        digest.update(header)
        remaining = size - len(header)
        block = os.urandom(CHUNK)
        while remaining > 0:
            piece = block[: min(CHUNK, remaining)]
            # vary each chunk cheaply so nothing downstream can deduplicate it
            piece = remaining.to_bytes(8, "big") + piece[8:]
            out.write(piece)
            digest.update(piece)
            remaining -= len(piece)
    return digest.hexdigest()


def plain_copy(source: Path, target: Path) -> tuple[float, float]:
    """Seconds to copy the file, and to copy it and make it durable (as the app does)."""
    started = time.perf_counter()
    shutil.copyfile(source, target)
    copied = time.perf_counter() - started
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())
    durable = time.perf_counter() - started
    target.unlink()
    return copied, durable


def prepare_database(database: str, evidence_dir: Path, instance: Path) -> tuple[int, str]:
    sys.path.insert(0, str(ROOT))
    from portfolio import create_app
    from portfolio.extensions import db
    from portfolio.models import Cohort, Enrolment, Method, Provider, Role, User, UserRole
    from portfolio.services import evidence as evidence_service
    from portfolio.services.passwords import hash_password
    from portfolio.standards.loader import load_directory

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "EVIDENCE_DIR": str(evidence_dir),
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "benchmark-secret",
        }
    )
    with app.app_context():
        db.create_all()
        load_directory()
        from portfolio.models import Standard

        standard = db.session.scalars(db.select(Standard)).first()
        provider = Provider(name="Benchmark provider")
        people = {}
        for role in ("learner", "assessor"):
            person = User(
                provider=provider,
                email=f"{role}@bench.example",
                name=f"Bench {role.title()}",
                password_hash=hash_password(PASSWORD),
            )
            person.role_rows = [UserRole(role=Role(role))]
            people[role] = person
        cohort = Cohort(
            provider=provider,
            standard=standard,
            name="Benchmark cohort",
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 7, 31),
        )
        enrolment = Enrolment(cohort=cohort, learner=people["learner"], assessor=people["assessor"])
        db.session.add(enrolment)
        db.session.commit()
        evidence = evidence_service.create(
            enrolment,
            title="Workshop video",
            activity_date=date(2026, 10, 1),
            method=Method.OBSERVATION,
        )
        return evidence.id, people["learner"].email


class Client:
    """Just enough of a browser: a session cookie and CSRF tokens from the real pages."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def _request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        connection.request(
            method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})}
        )
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            if "session" in jar:
                self.cookie = f"session={jar['session'].value}"
        connection.close()
        return response.status, data

    def csrf_token(self, path: str) -> str:
        status, page = self._request("GET", path)
        found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            rb'name="csrf_token" value="([^"]+)"', page
        )
        if status != 200 or not found:
            raise SystemExit(f"could not read a CSRF token from {path} (HTTP {status})")
        return found.group(1).decode()

    def sign_in(self, email: str) -> None:
        token = self.csrf_token("/sign-in")
        status, _ = self._request(
            "POST",
            "/sign-in",
            body=urlencode({"csrf_token": token, "email": email, "password": PASSWORD}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise SystemExit(f"sign-in failed (HTTP {status})")

    def upload(self, path: str, token: str, source: Path, size: int):
        """One multipart request, the file read from disk a chunk at a time as it is sent."""
        head = (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="consent"\r\n\r\nno_people\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{source.name}"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()

        def body():
            yield head
            with open(source, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
            yield tail

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        connection.request(
            "POST",
            path,
            body=body(),
            headers={
                "Cookie": self.cookie,
                "Accept": "application/json",
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(len(head) + size + len(tail)),
            },
        )
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self._running = pid, 0, True

    def run(self):
        while self._running:
            self.peak = max(self.peak, proc_status(self.pid)["VmRSS"])
            time.sleep(0.02)

    def stop(self):
        self._running = False
        self.join()


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0])
    return values


def worker_of(master: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                return int(stat.parent.name)
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def check_stored(database: str, evidence_dir: Path, digest: str, size: int, count: int) -> str:
    import sqlite3

    path = database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT stored_name, sha256, size, content_type FROM evidence_file"
        ).fetchall()
    if len(rows) != count:
        raise SystemExit(f"expected {count} stored files, found {len(rows)}")
    content_type = rows[0][3]
    for stored_name, sha256, stored_size, _ in rows:
        on_disk = evidence_dir / stored_name[:2] / stored_name
        if sha256 != digest or stored_size != size or on_disk.stat().st_size != size:
            raise SystemExit("a stored file does not match what was sent")
    leftovers = list((evidence_dir / ".staging").iterdir())
    if leftovers:
        raise SystemExit(f"staging files left behind: {leftovers}")
    return f"{content_type} ({count} files)"


def filesystem_of(path: Path) -> str:
    result = subprocess.run(["df", "-hT", str(path)], capture_output=True, text=True, check=False)
    lines = result.stdout.strip().splitlines()
    return " ".join(lines[-1].split()[:2]) if lines else "unknown filesystem"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    sys.exit(main())
