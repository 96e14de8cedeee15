"""``flask demo --learners N``: a provider at benchmark scale, written in bulk.

"Scale Test Provider" gets several cohorts (one per ``LEARNERS_PER_COHORT`` learners, at least
three, started from fifteen months to three weeks ago), one assessor per fifty learners, one IQA
per five assessors, and N learners at every stage (``scale_plan``), about 50 evidence rows and
150 mappings each (``scale_portfolios``). The provider and its cohorts are made through the
services; the people, enrolments and portfolios are bulk inserts of a few thousand rows at a
time with ids chosen beforehand, one audit entry summing up each batch. Evidence has no files.

Each signed-off learner's sign-off is built as the signer builds it: the portfolio is read back
through the ORM, its canonical document built, encoded and hashed by
``services.assessment.document``, and the signing recorded in the audit trail, so
``flask signoff verify`` matches it and ``flask audit verify`` passes.

Run it on a quiet database: on PostgreSQL each batch locks the tables it writes, but on SQLite
another writer starting between the read of the newest ids and the batch's insert would clash.
"""

import random
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    ASSESSOR_DECLARATION,
    Enrolment,
    Evidence,
    EvidenceReview,
    Judgement,
    Mapping,
    MappingDecision,
    Provider,
    Role,
    SignOff,
    Standard,
    User,
    UserRole,
)
from ..models._types import utcnow
from ..models.assessment import judgement_evidence
from ..services import audit, cohorts, people
from ..services.assessment import document
from ..services.evidence import today
from ..services.passwords import hash_password
from ..services.problems import Problem
from . import scale_plan, scale_words
from .scale_portfolios import Ids, Person, Portfolio, Rows

PROVIDER_NAME = "Scale Test Provider"
DOMAIN = "scale.example.org"
#: every scale-test person signs in with this; demo data only, never on a real site
PASSWORD = "scale-demo-password"  # noqa: S105 - printed for anyone to use
BATCH_LEARNERS = 200
CHUNK_ROWS = 5000
#: what a batch writes, in the order foreign keys need
TABLES = {
    "user": User,
    "user_role": UserRole,
    "enrolment": Enrolment,
    "evidence": Evidence,
    "mapping": Mapping,
    "evidence_review": EvidenceReview,
    "mapping_decision": MappingDecision,
    "judgement": Judgement,
    "judgement_evidence": judgement_evidence,
}


class ScaleDataExists(Problem):
    pass


@dataclass
class Summary:
    learners: int
    cohorts: list[str]
    assessors: int
    iqas: int
    rows: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)
    sign_offs: int = 0
    #: a sign-in line (role, email) for the staff and one learner of each stage
    people: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def exists() -> bool:
    provider = select(Provider.id).where(Provider.name == PROVIDER_NAME)
    person = select(User.id).where(User.email.endswith(f"@{DOMAIN}")).limit(1)
    return db.session.scalar(provider) is not None or db.session.scalar(person) is not None


def add(standard: Standard, learners: int, echo: Callable[[str], None] = print) -> Summary:
    """Write the scale test's provider, people and portfolios; refuse if they exist."""
    if exists():
        raise ScaleDataExists(
            f"This database already holds the scale test data ({PROVIDER_NAME}, people "
            f"@{DOMAIN}). Use a fresh database to make another set."
        )
    started = time.perf_counter()
    now = utcnow()
    plan = scale_plan.plan(learners, today(), now)
    summary = Summary(learners, [c.name for c in plan.cohorts], plan.assessors, plan.iqas)
    summary.stages.update(p.profile for p in plan.learners)
    provider = people.provider_named(PROVIDER_NAME, create=True)
    cohort_ids = [
        cohorts.create_cohort(provider, c.name, standard, c.start_date, c.planned_end_date).id
        for c in plan.cohorts
    ]
    password_hash = hash_password(PASSWORD)  # once: everyone here shares the printed password
    staff = _staff(provider, plan, password_hash, now, summary)
    db.session.commit()
    summary.seconds["provider, cohorts, staff"] = time.perf_counter() - started
    criteria = _lifecycle_order(standard)
    width = max(4, len(str(learners)))
    for first in range(0, learners, BATCH_LEARNERS):
        batch_started = time.perf_counter()
        batch = plan.learners[first : first + BATCH_LEARNERS]
        signed = _write_batch(batch, provider, cohort_ids, staff, criteria, password_hash,
                              width, now, summary)  # fmt: skip
        summary.seconds["portfolios"] = summary.seconds.get("portfolios", 0) + (
            time.perf_counter() - batch_started
        )
        if first == 0:
            _analyze()  # on a fresh database the sign-offs' queries need statistics
        sign_started = time.perf_counter()
        for enrolment_id, assessor, signed_at in signed:
            _sign_off(enrolment_id, assessor, signed_at, provider.id)
        summary.sign_offs += len(signed)
        _advance_sequences()
        db.session.commit()
        summary.seconds["sign-offs"] = summary.seconds.get("sign-offs", 0) + (
            time.perf_counter() - sign_started
        )
        echo(
            f"  learners {first + 1:,}–{first + len(batch):,} of {learners:,} written "
            f"({time.perf_counter() - started:.1f} s)"
        )
    _analyze()
    db.session.commit()
    for profile in scale_plan.PROFILES:
        sample = next((p for p in plan.learners if p.profile == profile), None)
        if sample is not None:
            summary.people.append(("learner", _learner_email(sample.index, width), profile))
    summary.seconds["total"] = time.perf_counter() - started
    return summary


# ------------------------------------------------------------------------------ people


def _staff(provider, plan, password_hash, now, summary) -> dict[str, list]:
    """The administrator, assessors and IQAs, in one bulk insert and one audit entry."""
    _lock()
    ids = Ids(_newest())
    rows = Rows()
    rng = random.Random(1)
    joined = now - timedelta(days=scale_plan.OLDEST_START_DAYS + 60)
    found = {"admin": [], "assessor": [], "iqa": []}
    wanted = [("admin", "admin", 1), ("assessor", "assessor", plan.assessors),
              ("iqa", "iqa", plan.iqas)]  # fmt: skip
    for role, prefix, count in wanted:
        for n in range(count):
            email = f"{prefix}@{DOMAIN}" if count == 1 else f"{prefix}{n + 1:03}@{DOMAIN}"
            person = Person(ids.take("user"), scale_words.person_name(rng))
            _user(rows, ids, person, email, role, provider.id, password_hash, joined)
            found[role].append(person)
            if n == 0:
                summary.people.append((role, email, ""))
    _insert(rows)
    audit.record(
        "demo.scale_people_added",
        provider,
        provider_id=provider.id,
        command="demo --learners",
        administrators=1,
        assessors=plan.assessors,
        iqas=plan.iqas,
    )
    summary.rows.update({t: len(r) for t, r in rows.tables.items()})
    return found


def _user(rows, ids, person, email, role, provider_id, password_hash, joined, uln=None):
    rows.add(
        "user",
        {
            "id": person.id,
            "provider_id": provider_id,
            "email": email,
            "name": person.name,
            "uln": uln,
            "password_hash": password_hash,
            "active": True,
            "session_token": secrets.token_hex(16),
            "created_at": joined,
        },
    )
    rows.add("user_role", {"id": ids.take("user_role"), "user_id": person.id, "role": Role(role)})


def _learner_email(index: int, width: int) -> str:
    return f"learner{index + 1:0{width}}@{DOMAIN}"


# --------------------------------------------------------------------------- portfolios


def _write_batch(batch, provider, cohort_ids, staff, criteria, password_hash, width, now,
                 summary) -> list:  # fmt: skip
    """One batch of learners: their accounts, enrolments and portfolios, in one transaction
    with one audit entry; returns the sign-offs still to make."""
    _lock()
    ids = Ids(_newest())
    rows = Rows()
    signed = []
    admin = staff["admin"][0]
    for plan in batch:
        rng = random.Random(plan.index * 31 + 5)
        learner = Person(ids.take("user"), scale_words.person_name(rng))
        enrolled = plan.start - timedelta(days=3)
        _user(rows, ids, learner, _learner_email(plan.index, width), "learner", provider.id,
              password_hash, enrolled, uln=f"{9000000001 + plan.index}")  # fmt: skip
        assessor = staff["assessor"][plan.assessor] if plan.assessor is not None else None
        enrolment_id = ids.take("enrolment")
        written = Portfolio(
            plan,
            enrolment_id=enrolment_id,
            learner=learner,
            assessor=assessor,
            criteria=criteria,
            ids=ids,
            rows=rows,
            now=now,
        ).write()
        rows.add(
            "enrolment",
            {
                "id": enrolment_id,
                "cohort_id": cohort_ids[plan.cohort],
                "learner_id": learner.id,
                "assessor_id": assessor.id if assessor else None,
                "iqa_id": staff["iqa"][plan.iqa].id,
                "created_at": enrolled,
                "revision": written.events,
                "withdrawn_on": plan.withdrawn_on,
                "withdrawal_reason": rng.choice(scale_words.WITHDRAWAL_REASONS)
                if plan.withdrawn_on
                else "",
                "withdrawn_by_id": admin.id if plan.withdrawn_on else None,
            },
        )
        if written.signed_at is not None:
            signed.append((enrolment_id, assessor, written.signed_at))
    _insert(rows)
    counts = {table: len(found) for table, found in rows.tables.items()}
    audit.record(
        "demo.scale_learners_added",
        provider,
        provider_id=provider.id,
        command="demo --learners",
        learners=f"{batch[0].index + 1}-{batch[-1].index + 1}",
        rows=counts,
        stages=dict(Counter(p.profile for p in batch)),
    )
    summary.rows.update(counts)
    return signed


def _lifecycle_order(standard: Standard) -> list:
    """The standard's criteria in the order a project meets them: performance criteria and
    knowledge items interleaved by their place in their own list."""

    def rank(kind):
        found = [c for c in standard.criteria if c.kind == kind]
        return [((n + 0.5) / len(found), c.position, c) for n, c in enumerate(found)]

    kinds = {c.kind for c in standard.criteria}
    ranked = sorted((item for kind in kinds for item in rank(kind)), key=lambda x: x[:2])
    return [c for *_, c in ranked]


def _sign_off(enrolment_id: int, assessor: Person, signed_at, provider_id: int) -> None:
    """Sign the unit as ``signing.sign_off`` does, from the records as they now stand."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    signer = db.session.get(User, assessor.id)
    # Loaded together and held while the document is built, so it reads them without a
    # query per mapping (decision) or per evidence (review).
    loaded = db.session.scalars(  # noqa: F841
        select(Evidence)
        .where(Evidence.enrolment_id == enrolment_id)
        .options(
            selectinload(Evidence.review),
            selectinload(Evidence.files),
            selectinload(Evidence.mappings).selectinload(Mapping.decision),
        )
    ).all()
    built = document.build(enrolment, signer=signer, signer_name=signer.name, signed_at=signed_at)
    encoded = document.encode(built)
    row = SignOff(
        enrolment=enrolment,
        signer=signer,
        signer_name=signer.name,
        declaration_text=ASSESSOR_DECLARATION,
        signed_at=signed_at,
        document=encoded,
        sha256=document.digest(encoded),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "assessment.signed_off",
        enrolment,
        actor=signer,
        provider_id=provider_id,
        sign_off_id=row.id,
        sha256=row.sha256,
        command="demo --learners",
    )


# ----------------------------------------------------------------------------- writing


def _insert(rows: Rows) -> None:
    """Each table's rows as executemany INSERTs of ``CHUNK_ROWS``. The table, not the model:
    the ORM's bulk path splits rows by which columns are None, into hundreds of statements."""
    for name, table in _tables():
        found = rows.tables.get(name, [])
        statement = insert(table)
        for start in range(0, len(found), CHUNK_ROWS):
            db.session.execute(statement, found[start : start + CHUNK_ROWS])


def _tables():
    return [(name, getattr(target, "__table__", target)) for name, target in TABLES.items()]


def _id_tables():
    """(name, table) of each table written whose rows have an ``id``."""
    return [(name, table) for name, table in _tables() if "id" in table.c]


def _newest() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        for name, table in _id_tables()
    }


def _lock() -> None:
    """PostgreSQL: nobody else inserts into these tables until the batch commits."""
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in TABLES)
        db.session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


def _analyze() -> None:
    """PostgreSQL: what autovacuum would do soon; without statistics the planner takes tables
    just filled for nearly empty ones (docs/benchmarks.md, issues 8 and 10). Every table, not
    only those bulk-filled: the cohorts, made through the services, need statistics too."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def _advance_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids we chose, so later inserts get new ones
    (SQLite takes the next id from the table itself)."""
    if db.engine.dialect.name != "postgresql":
        return
    for name, table in _id_tables():
        quoted = f'"{name}"'  # our own table names ("user" needs the quotes)
        sequence = func.pg_get_serial_sequence(quoted, "id")
        db.session.execute(select(func.setval(sequence, func.max(table.c.id))))
