"""Time the provider dashboard and its exports at 2,000 learners, and measure each export's memory.

Fills a temporary SQLite database (or the empty database --database-url names, PostgreSQL say)
with `flask demo --learners 2000`'s data (portfolio/demo/scale.py: 2,000 learners in 8 cohorts,
about 100,000 evidence items and 300,000 mappings), then:

1. signs the scale test's administrator in through a Flask test client and requests
   /admin/reports and a filtered, sorted variant, two warm-ups then --repeat times each, timing
   each request around ``client.get`` and counting its SQL statements;
2. runs each export (CSV and XLSX of every learner, the PDF report of the largest cohort) in a
   fresh Python process (this script again, with --worker), three times: the process signs in,
   notes its resident set size (VmRSS), resets its peak (/proc/self/clear_refs), requests the
   export and reads the whole streamed body, then reports the wall time and the peak (VmHWM);
   a fourth run traces Python's own allocations (tracemalloc) instead, since tracing slows it.

    .venv/bin/python benchmarks/cohort_reports.py [--learners 2000] [--repeat 30]
                                                  [--database-url URL] [--keep]

Targets (issue 10): dashboard median under 200 ms; CSV and XLSX under 3 s each; under 200 MiB
for any export (the peak resident set during the export above the worker's size before it).
Exits 2 if a target is missed.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before the app is imported

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher
from sqlalchemy import event, inspect, select

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import Cohort, Enrolment, Evidence, Mapping, Provider, Standard
from portfolio.services import passwords

DASHBOARD_TARGET_MS, EXPORT_TARGET_S, MEMORY_TARGET_MIB = 200, 3.0, 200
SECRET = "benchmark-secret"  # noqa: S105 - a throwaway key
RUNS = 3  # fresh processes per export for time and memory, then one traced


def configure(work: Path, database: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database,
        "INSTANCE_PATH": str(work / "instance"),
        "EVIDENCE_DIR": str(work / "evidence"),
        "WTF_CSRF_ENABLED": False,
    }


def cheap_hashing() -> None:
    """Argon2id with the cheapest parameters, as tests/conftest.py: signing in is not measured."""
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30, help="requests of each page (30)")
    parser.add_argument("--database-url", help="an empty database (default: temporary SQLite)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database (and reuse the scale data if it holds it already)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    work = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    try:
        database = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        return run(work, database, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------- the data


def run(work: Path, database: str, args) -> int:
    from portfolio.demo import scale
    from portfolio.standards.loader import load_directory

    cheap_hashing()
    app = create_app(configure(work, database))
    with app.app_context():
        print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {server_of(db.engine)}")
        reuse = args.keep and inspect(db.engine).get_table_names() and scale.exists()
        if not reuse:
            if inspect(db.engine).get_table_names():
                raise SystemExit(f"{db.engine.url!r} has tables already: give an empty database")
            db.create_all()
            load_directory()
            standard = db.session.scalars(select(Standard)).first()
            started = time.perf_counter()
            scale.add(standard, args.learners, echo=lambda line: None)
            print(f"Generated {args.learners:,} learners in {time.perf_counter() - started:.1f} s")
        print(describe_data())
        cohort_id = largest_cohort()
    try:
        print("Load average before measuring: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        dashboard = measure_dashboard(app, args.repeat, cohort_id)
        exports = [measure_export(work, database, *case) for case in export_cases(cohort_id)]
        print("Load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    finally:
        if not args.keep:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
    return report(dashboard, exports, args.repeat)


def describe_data() -> str:
    def count(model):
        return db.session.scalar(select(db.func.count()).select_from(model))

    return (
        f"Data: {count(Enrolment):,} enrolments, {count(Cohort):,} cohorts, "
        f"{count(Evidence):,} evidence items, {count(Mapping):,} mappings"
    )


def largest_cohort() -> int:
    """The scale provider's cohort with the most learners (the oldest of equals)."""
    from portfolio.demo import scale

    provider = db.session.scalar(select(Provider).where(Provider.name == scale.PROVIDER_NAME))
    sizes = db.session.execute(
        select(Cohort.id, db.func.count(Enrolment.id))
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Cohort.provider_id == provider.id)
        .group_by(Cohort.id)
        .order_by(db.func.count(Enrolment.id).desc(), Cohort.start_date)
    ).first()
    return sizes[0]


def signed_in_client(app):
    from portfolio.demo import scale

    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": f"admin@{scale.DOMAIN}", "password": scale.PASSWORD}
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed (HTTP {response.status_code})")
    return client


# ------------------------------------------------------------------------------ dashboard


@dataclass
class Timed:
    name: str
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.times, n=20)[18] * 1000


def measure_dashboard(app, repeat: int, cohort_id: int) -> list[Timed]:
    client = signed_in_client(app)
    pages = [
        ("/admin/reports", "/admin/reports"),
        (
            "cohort, at risk, by last activity",
            f"/admin/reports?cohort={cohort_id}&status=at_risk&sort=last_activity&order=desc",
        ),
        ("every cohort, by waiting, page 5", "/admin/reports?sort=waiting&order=desc&page=5"),
    ]
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    results = []
    try:
        for name, url in pages:
            timed = Timed(name)
            for attempt in range(repeat + 2):
                statements.clear()
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200 or "learner-table" not in response.text:
                    raise SystemExit(f"{url}: HTTP {response.status_code} without the table")
                if attempt >= 2:
                    timed.times.append(elapsed)
                    timed.queries.append(len(statements))
            results.append(timed)
            print(f"  {name}: done", flush=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


# -------------------------------------------------------------------------------- exports


def export_cases(cohort_id: int) -> list[tuple[str, str]]:
    return [("csv", ""), ("xlsx", ""), ("pdf", f"cohort={cohort_id}")]


@dataclass
class Measured:
    fmt: str
    learners: int = 0
    size: int = 0
    seconds: list[float] = field(default_factory=list)
    before_mib: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    traced_mib: float = 0.0

    @property
    def growth_mib(self) -> float:
        return max(p - b for p, b in zip(self.peak_mib, self.before_mib, strict=True))


def measure_export(work: Path, database: str, fmt: str, query: str) -> Measured:
    measured = Measured(fmt)
    for trace in [False] * RUNS + [True]:
        command = [sys.executable, __file__, "--worker", fmt, "--work", str(work)]
        command += ["--database-url", database, "--url", f"/admin/reports/export.{fmt}?{query}"]
        if trace:
            command.append("--trace")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the {fmt} worker failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if trace:
            measured.traced_mib = result["traced_peak_mib"]
            continue
        measured.seconds.append(result["seconds"])
        measured.before_mib.append(result["rss_before_mib"])
        measured.peak_mib.append(result["rss_peak_mib"])
        measured.size, measured.learners = result["bytes"], result["learners"]
    print(f"  export.{fmt}: done", flush=True)
    return measured


def _status_mib(field_name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} in /proc/self/status")


def worker(args) -> int:
    """One export in this fresh process: sign in, then time the request and read its peak."""
    import tracemalloc

    cheap_hashing()
    app = create_app(configure(Path(args.work), args.database_url))
    client = signed_in_client(app)
    with app.app_context():
        learners = db.session.scalar(select(db.func.count()).select_from(Enrolment))
        db.session.remove()
    before = _status_mib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    if args.trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(args.url, buffered=False)
    size = 0
    for chunk in response.response:  # read as a browser would, a chunk at a time
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    if response.status_code != 200 or not size:
        raise SystemExit(f"{args.url}: HTTP {response.status_code}, {size} bytes")
    result = {
        "seconds": seconds,
        "bytes": size,
        "learners": learners,
        "rss_before_mib": before,
        "rss_peak_mib": _status_mib("VmHWM"),
    }
    if args.trace:
        result["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------------- report


def report(dashboard: list[Timed], exports: list[Measured], repeat: int) -> int:
    print()
    print(f"{'page':<36} {'median ms':>9} {'p95 ms':>8} {'queries':>8}")
    for timed in dashboard:
        queries = sorted(set(timed.queries))
        shown = str(queries[0]) if len(queries) == 1 else f"{queries[0]}-{queries[-1]}"
        print(f"{timed.name:<36} {timed.median_ms:9.1f} {timed.p95_ms:8.1f} {shown:>8}")
    print(f"({repeat} requests of each page, after 2 warm-ups)")
    print()
    print(
        f"{'export':<8} {'rows':>6} {'size':>10} {'median s':>9} {'worker MiB':>11} "
        f"{'peak MiB':>9} {'growth MiB':>11} {'traced MiB':>11}"
    )
    for m in exports:
        rows = "cohort" if m.fmt == "pdf" else f"{m.learners:,}"
        print(
            f"{m.fmt:<8} {rows:>6} {m.size / 1024:9.0f}K {statistics.median(m.seconds):9.2f} "
            f"{max(m.before_mib):11.1f} {max(m.peak_mib):9.1f} {m.growth_mib:11.1f} "
            f"{m.traced_mib:11.1f}"
        )
    print(
        f"({RUNS} fresh processes each: median time; worst resident set before the export, at "
        "its peak, and the growth; then one run tracing Python's allocations)"
    )
    slow_pages = [t.name for t in dashboard if t.median_ms >= DASHBOARD_TARGET_MS]
    slow = [m.fmt for m in exports if m.fmt != "pdf" and statistics.median(m.seconds) >= 3]
    heavy = [m.fmt for m in exports if m.growth_mib >= MEMORY_TARGET_MIB]
    print(
        f"Targets: dashboard median < {DASHBOARD_TARGET_MS} ms: "
        + ("met" if not slow_pages else f"NOT met ({', '.join(slow_pages)})")
        + f"; CSV and XLSX < {EXPORT_TARGET_S:.0f} s: "
        + ("met" if not slow else f"NOT met ({', '.join(slow)})")
        + f"; memory < {MEMORY_TARGET_MIB} MiB: "
        + ("met" if not heavy else f"NOT met ({', '.join(heavy)})")
    )
    return 2 if slow_pages or slow or heavy else 0


def server_of(engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return f"SQLite {connection.exec_driver_sql('select sqlite_version()').scalar()}"
        return connection.exec_driver_sql("select version()").scalar().split(" on ")[0]


if __name__ == "__main__":
    sys.exit(main())
