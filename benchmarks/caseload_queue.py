"""Time the assessor's caseload and queue pages at two caseload sizes, and count their SQL.

Fills a temporary SQLite database (or the empty database --database-url names, PostgreSQL say)
with two caseloads side by side: an assessor with 6 learners and 300 submitted items, and an
assessor with 60 learners and 3,000, each learner's work part assessed (reviews and judgements),
part waiting, a few corrections resubmitted as version 2. Then, for each assessor, signs in
through a Flask test client and requests /caseload, /caseload/queue and the queue filtered by
learner and by cohort, timing each request around ``client.get`` and counting the SQL
statements it runs (an engine event). Prints median and p95 time and the statements a request.

    .venv/bin/python benchmarks/caseload_queue.py [--repeat 30] [--database-url URL]
                                                  [--no-analyze]

Targets (issue 8): median under 150 ms at 60 learners; the same number of statements for each
page at both sizes. Exits 1 if a page's statement count differs between sizes, 2 if only the
time target is missed.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before the app is imported

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's portfolio, as benchmarks/upload_throughput.py

from argon2 import PasswordHasher
from sqlalchemy import event, inspect, text

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import (
    Cohort,
    Enrolment,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Judgement,
    Mapping,
    Method,
    Outcome,
    Provider,
    Role,
    SignOff,
    Standard,
    User,
    UserRole,
)
from portfolio.services import passwords
from portfolio.standards.loader import load_directory

PASSWORD = "benchmark passphrase, long enough"  # noqa: S105 - a throwaway account
SIZES = ((6, 300), (60, 3000))  # (learners, submitted items)
TARGET_MS = 150
#: of each learner's 50 submitted versions: 36 assessed; 2 assessed as not yet met, superseded
#: by a version 2 that waits (4 rows); 10 first versions waiting: 12 in the queue
ASSESSED, CORRECTED = 36, 2
NOW = datetime.now(UTC)


@dataclass
class Caseload:
    label: str
    email: str
    learner_id: int
    cohort_id: int
    learners: int
    waiting: int
    waiting_in_cohort: int

    def pages(self) -> list[tuple[str, str, str]]:
        """(page, URL, text the page must show)."""
        return [
            ("/caseload", "/caseload", f"Learner {self.learners - 1:02}"),
            ("/caseload/queue", "/caseload/queue", f"{self.waiting} waiting"),
            ("queue ?learner=", f"/caseload/queue?learner={self.learner_id}", "12 waiting"),
            (
                "queue ?cohort=",
                f"/caseload/queue?cohort={self.cohort_id}",
                f"{self.waiting_in_cohort} waiting",
            ),
        ]


@dataclass
class Result:
    page: str
    size: str
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.times, n=20)[18] * 1000

    @property
    def query_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="requests of each page (30)")
    parser.add_argument(
        "--database-url", default=None, help="an empty database to use (default: temp SQLite)"
    )
    parser.add_argument(
        "--no-analyze", action="store_true", help="PostgreSQL: skip ANALYZE after filling"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="caseload-bench-"))
    try:
        database = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        return run(work, database, args.repeat, analyze=not args.no_analyze)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, database: str, repeat: int, analyze: bool = True) -> int:
    # Argon2id with the cheapest parameters, as tests/conftest.py: signing in is not measured.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret",
            "SQLALCHEMY_DATABASE_URI": database,
            "INSTANCE_PATH": str(work / "instance"),
            "EVIDENCE_DIR": str(work / "evidence"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        if inspect(db.engine).get_table_names():
            raise SystemExit(f"{db.engine.url!r} has tables already: give an empty database")
        print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {server_of(db.engine)}")
        db.create_all()
    try:
        with app.app_context():
            load_directory()
            standard = db.session.scalars(db.select(Standard)).one()
            caseloads = []
            for learners, items in SIZES:
                started = time.perf_counter()
                caseloads.append(fill(standard, learners, items))
                took = time.perf_counter() - started
                print(f"Filled {caseloads[-1].label} in {took:.1f} s", flush=True)
            if db.engine.dialect.name == "postgresql" and analyze:
                # what autovacuum does to a live database; without statistics the planner
                # takes the freshly filled tables for empty ones (docs/benchmarks.md)
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        # outside the app context: each request has its own session, as in production
        results = [measure(app, caseload, repeat) for caseload in caseloads]
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    return report(results, repeat)


# ------------------------------------------------------------------------------ the caseloads


def fill(standard: Standard, learners: int, items: int) -> Caseload:
    """One provider, one assessor, ``learners`` learners over two cohorts, ``items`` submitted
    evidence versions between them, added with the ORM in one transaction (no audit entries)."""
    per_learner = items // learners
    criteria = sorted(standard.criteria, key=lambda c: c.id)
    provider = Provider(name=f"Provider of {learners}")
    assessor = person(provider, f"assessor{learners}@bench.example", "Bench Assessor", "assessor")
    cohorts = [
        Cohort(
            provider=provider,
            standard=standard,
            name=f"Cohort {letter}",
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 7, 31),
        )
        for letter in "AB"
    ]
    rows, enrolments = [], []
    for n in range(learners):
        learner = person(provider, f"l{n}.of{learners}@bench.example", f"Learner {n:02}", "learner")
        enrolment = Enrolment(cohort=cohorts[n % 2], learner=learner, assessor=assessor)
        enrolments.append(enrolment)
        rows += portfolio_of(enrolment, assessor, criteria, per_learner, offset=n)
    rows.append(
        SignOff(
            enrolment=enrolments[0],
            signer=assessor,
            signer_name=assessor.name,
            declaration_text="Benchmark declaration.",
            signed_at=NOW - timedelta(days=1),
            document="{}",
            sha256="0" * 64,
        )
    )
    db.session.add_all([assessor, *enrolments, *rows])
    db.session.commit()
    waiting = per_learner - ASSESSED - CORRECTED  # first versions and corrections
    return Caseload(
        label=f"{learners} learners, {items:,} items",
        email=assessor.email,
        learner_id=enrolments[-1].learner_id,
        cohort_id=cohorts[0].id,
        learners=learners,
        waiting=waiting * learners,
        waiting_in_cohort=waiting * len(range(0, learners, 2)),
    )


def person(provider: Provider, email: str, name: str, role: str) -> User:
    user = User(
        provider=provider, email=email, name=name, password_hash=passwords.hash_password(PASSWORD)
    )
    user.role_rows = [UserRole(role=Role(role))]
    return user


def portfolio_of(enrolment, assessor, criteria, count: int, offset: int) -> list:
    """``count`` submitted versions over the last 200 days, oldest first: assessed ones (a
    review and a judgement per mapped criterion), corrections (version 1 assessed as not yet
    met and superseded, version 2 waiting), then first versions waiting."""
    rows = []
    step = timedelta(days=200) / count
    for i in range(count - CORRECTED):
        submitted_at = NOW - timedelta(days=200) + i * step + timedelta(minutes=offset)
        first = (2 * i + offset) % len(criteria)
        mapped = [criteria[first], criteria[(first + 1) % len(criteria)]]
        evidence = version(enrolment, f"Evidence {i + 1}", submitted_at, mapped)
        rows.append(evidence)
        if i < ASSESSED:
            rows += assessment(evidence, assessor, mapped, Outcome.MET)
        elif i < ASSESSED + CORRECTED:
            rows += assessment(evidence, assessor, mapped, Outcome.NOT_YET_MET)
            evidence.status = EvidenceStatus.SUPERSEDED
            again = version(enrolment, evidence.title, NOW - (i - ASSESSED + 1) * step, mapped)
            again.version, again.previous = 2, evidence
            rows.append(again)
    return rows


def version(enrolment, title, submitted_at, mapped) -> Evidence:
    evidence = Evidence(
        enrolment=enrolment,
        title=title,
        activity_date=submitted_at.date(),
        method=Method.PRODUCT,
        account_md="What I did, and what it shows.",
        status=EvidenceStatus.SUBMITTED,
        created_at=submitted_at,
        updated_at=submitted_at,
        submitted_at=submitted_at,
        declaration_name=enrolment.learner.name,
        declaration_text="This is my own work.",
    )
    evidence.mappings = [Mapping(criterion=c, justification=f"Shows {c.code}.") for c in mapped]
    return evidence


def assessment(evidence, assessor, mapped, outcome) -> list:
    judged_at = evidence.submitted_at + timedelta(days=3)
    review = EvidenceReview(
        evidence=evidence,
        assessor=assessor,
        valid=True,
        authentic=True,
        current=True,
        sufficient=outcome == Outcome.MET,
        notes={},
        reviewed_at=judged_at,
    )
    judgements = [
        Judgement(
            enrolment=evidence.enrolment,
            criterion=criterion,
            assessor=assessor,
            outcome=outcome,
            feedback_md="" if outcome == Outcome.MET else "Say who took part.",
            judged_at=judged_at,
            evidence=[evidence],
        )
        for criterion in mapped
    ]
    return [review, *judgements]


# ---------------------------------------------------------------------------------- measuring


def measure(app, caseload: Caseload, repeat: int) -> list[Result]:
    """Sign the assessor in, then request each page ``repeat`` times after two warm-ups."""
    client = app.test_client()
    response = client.post("/sign-in", data={"email": caseload.email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed (HTTP {response.status_code})")
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    results = []
    try:
        for page, url, expected in caseload.pages():
            result = Result(page, caseload.label)
            for attempt in range(repeat + 2):
                statements.clear()
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                body = response.get_data(as_text=True)
                if response.status_code != 200 or expected not in body:
                    raise SystemExit(f"{url}: HTTP {response.status_code}, no {expected!r}")
                if attempt >= 2:
                    result.times.append(elapsed)
                    result.queries.append(len(statements))
            results.append(result)
            print(f"  {page:<16} {caseload.label}: done", flush=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def report(results: list[list[Result]], repeat: int) -> int:
    print()
    print(f"{'page':<17} {'size':<25} {'median ms':>9} {'p95 ms':>8} {'queries':>8}")
    for row in [r for size in zip(*results, strict=True) for r in size]:
        print(
            f"{row.page:<17} {row.size:<25} {row.median_ms:9.1f} {row.p95_ms:8.1f} "
            f"{row.query_text:>8}"
        )
    print(f"({repeat} requests of each page and size, after 2 warm-ups)")
    small, large = results[0], results[-1]
    growing = [s.page for s, b in zip(small, large, strict=True) if s.queries != b.queries]
    slow = [b.page for b in large if b.median_ms >= TARGET_MS]
    print(
        "Targets: same queries at both sizes: "
        + ("met" if not growing else f"NOT met ({', '.join(growing)})")
        + f"; median < {TARGET_MS} ms at {large[0].size}: "
        + ("met" if not slow else f"NOT met ({', '.join(slow)})")
    )
    return 1 if growing else 2 if slow else 0


def server_of(engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return f"SQLite {connection.exec_driver_sql('select sqlite_version()').scalar()}"
        return connection.exec_driver_sql("select version()").scalar().split(" on ")[0]


if __name__ == "__main__":
    sys.exit(main())
