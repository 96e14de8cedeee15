"""Export a realistic portfolio as its signed PDF and compare with WeasyPrint alone on its HTML.

Builds one learner's signed-off portfolio against the shipped standard (13 performance criteria
and 14 knowledge items: 27 criteria) through the real services, with its files sent to the real
upload endpoint (``POST /evidence/<id>/files``, a Flask test client signed in as its author), so
type detection and the copies made at upload run as in production: 60 evidence items (58 the
learner's, 2 the assessor's records), each with an account in Markdown and mapped to two or three
criteria; 40 photos of 4000 x 3000 pixels (generated: shapes and grain, JPEG quality 90, with
EXIF GPS), 10 PDFs of a few pages and 5 short MP4 videos; every item assessed, three corrected
and resubmitted, and the unit signed off. Then, in one run:

1. the export: ``portfolio_pdf.make(enrolment)`` (gather, template, WeasyPrint, signing), wall
   time (median of --repeat runs after a warm-up) and the PDF's size;
2. WeasyPrint alone on the same final HTML (what ``make`` handed ``renderer.render``, recorded
   in the warm-up): ``weasyprint.HTML(string=html, url_fetcher=StoredFilesOnly(files))`` and
   ``write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)``, median of the same number of runs,
   interleaved with the exports; the ratio export / WeasyPrint;
3. the export's peak memory: one ``make`` in a fresh interpreter (``--child export``), its peak
   resident set (VmHWM, read in it as it finishes); WeasyPrint alone the same way.

Times are wall and CPU seconds (``time.process_time``): on a busy machine the CPU time is the
steadier figure.

    .venv/bin/python benchmarks/portfolio_pdf.py [--repeat 3] [--database-url URL] [--dir DIR]
                                                 [--output FILE.pdf] [--profile FILE.pstats]
                                                 [--keep]

Targets (issue 9): export at most twice WeasyPrint's own time; PDF under 20 MB (20 x 10^6
bytes); peak memory under 1 GiB. Exits 1 if a target is missed.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before the app is imported

import argparse
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's portfolio, as benchmarks/upload_throughput.py

import weasyprint
from argon2 import PasswordHasher
from PIL import Image, ImageDraw
from sqlalchemy import inspect

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import (
    Cohort,
    Enrolment,
    Evidence,
    EvidenceFile,
    Method,
    Outcome,
    Provider,
    Role,
    Standard,
    User,
    UserRole,
)
from portfolio.pdf import renderer, signature
from portfolio.pdf.fetcher import BASE_URL, StoredFilesOnly
from portfolio.services import evidence as evidence_service
from portfolio.services import passwords
from portfolio.services.assessment import records, review, signing
from portfolio.services.assessment.review import JudgementChoice, MappingChoice
from portfolio.services.export import portfolio_pdf
from portfolio.standards.loader import load_directory

MIB = 1024 * 1024
PASSWORD = "benchmark passphrase, long enough"  # noqa: S105 - throwaway accounts
ITEMS, RECORDS = 60, 2  # evidence items, of which the assessor's own records
PHOTOS, DOCUMENTS, VIDEOS = 40, 10, 5
PHOTO_SIZE = (4000, 3000)
#: photos per item, repeating: 4 photos every 6 items, 40 over 60
PHOTOS_PER_ITEM = (2, 0, 1, 0, 1, 0)
CORRECTED = (9, 27, 45)  # items first judged not yet met on one criterion, then resubmitted
TARGET_RATIO, TARGET_PDF_BYTES, TARGET_PEAK_MIB = 2.0, 20 * 10**6, 1024
ALL_RULES = {"valid": True, "authentic": True, "current": True, "sufficient": True}
GPS = {1: "N", 2: (51.0, 30.0, 26.16), 3: "W", 4: (0.0, 7.0, 39.51)}


@dataclass
class Plan:
    """One evidence item to build: what it maps to and the files sent for it."""

    number: int
    title: str
    method: Method
    activity_date: date
    criteria: list[int]  # positions in the standard's list
    files: list[Path] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    evidence_id: int | None = None

    @property
    def assessor_led(self) -> bool:
        return self.number >= ITEMS - RECORDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument(
        "--database-url", default=None, help="an empty database to use (default: temp SQLite)"
    )
    parser.add_argument("--dir", default=None, help="working directory (default: a temp dir)")
    parser.add_argument("--output", default=None, help="keep the last exported PDF here")
    parser.add_argument("--profile", default=None, help="profile one more export into this file")
    parser.add_argument(
        "--keep", action="store_true", help="keep the working directory (database, files, HTML)"
    )
    parser.add_argument("--child", choices=("export", "weasyprint"), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--enrolment", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, Path(args.work), args.database_url, args.enrolment)

    work = Path(tempfile.mkdtemp(prefix="portfolio-pdf-bench-", dir=args.dir))
    try:
        database = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        return run(work, database, args.repeat, args.output, args.profile, args.keep)
    finally:
        if args.keep:
            print(f"Kept {work} (export.html, files.json, bench.sqlite3, evidence/)")
        else:
            shutil.rmtree(work, ignore_errors=True)


def app_config(work: Path, database: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "benchmark-secret",
        "SQLALCHEMY_DATABASE_URI": database,
        "INSTANCE_PATH": str(work / "instance"),
        "EVIDENCE_DIR": str(work / "evidence"),
        "WTF_CSRF_ENABLED": False,
        # tasks inline, as in the tests: a photo's print copy is made by a task since 4bb9f50
        "TASK_QUEUE_IMMEDIATE": True,
    }


def run(
    work: Path, database: str, repeat: int, output: str | None, profile: str | None, keep: bool
) -> int:
    # Argon2id with the cheapest parameters, as tests/conftest.py: signing in is not measured.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    app = create_app(app_config(work, database))
    with app.app_context():
        if inspect(db.engine).get_table_names():
            raise SystemExit(f"{db.engine.url!r} has tables already: give an empty database")
        print(
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}, {db.engine.dialect.name}; working in {work}"
        )
        db.create_all()
    try:
        started = time.perf_counter()
        plans = generate_files(work / "files")
        generated = time.perf_counter() - started
        sizes = {
            kind: sum(p.stat().st_size for p in (work / "files").glob(f"*.{kind}"))
            for kind in ("jpg", "pdf", "mp4")
        }
        print(
            f"Generated {PHOTOS} photos ({sizes['jpg'] / MIB:.0f} MiB), {DOCUMENTS} PDFs "
            f"({sizes['pdf'] / MIB:.1f} MiB), {VIDEOS} videos ({sizes['mp4'] / MIB:.1f} MiB) "
            f"in {generated:.1f} s",
            flush=True,
        )
        setup = build(app, plans)
        with app.app_context():
            enrolment = db.session.get(Enrolment, setup.enrolment_id)
            copies = photo_copies(enrolment)
            print(f"Photos: {copies}", flush=True)
            measured = measure(enrolment, repeat, work, profile)
            if output:
                Path(output).write_bytes(measured.pdf)
        peak_export = run_child("export", work, database, setup.enrolment_id)
        peak_weasyprint = run_child("weasyprint", work, database, setup.enrolment_id)
    finally:
        with app.app_context():
            db.session.remove()
            if not keep:
                db.drop_all()
            db.engine.dispose()
    return report(setup, copies, measured, peak_export, peak_weasyprint, repeat)


# ------------------------------------------------------------------------------- the files


def generate_files(folder: Path) -> list[Plan]:
    """The photos, PDFs and videos on disk (photos on every CPU), and the plan of 60 items."""
    folder.mkdir(parents=True)
    photos = [folder / f"IMG_2026{1001 + n:04}_{1400 + n}.jpg" for n in range(PHOTOS)]
    documents = [folder / f"session-plan-{n + 1:02}.pdf" for n in range(DOCUMENTS)]
    videos = [folder / f"workshop-clip-{n + 1}.mp4" for n in range(VIDEOS)]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(write_photo, photos, range(PHOTOS)))
        list(pool.map(write_document, documents, range(DOCUMENTS)))
    for n, path in enumerate(videos):
        write_video(path, n)
    return plan_items(photos, documents, videos)


def write_photo(path: Path, seed: int) -> None:
    """A 4000 x 3000 JPEG that does not compress to nothing (about 2.7 MB, like a phone's):
    a smooth background, 80 outlined shapes, grain at two scales; EXIF with a GPS position,
    the camera, and for every fourth photo 'rotate 90°' (a portrait shot)."""
    rng = random.Random(seed)
    width, height = PHOTO_SIZE
    background = bytes(rng.randrange(256) for _ in range(8 * 6 * 3))
    image = Image.frombytes("RGB", (8, 6), background).resize(PHOTO_SIZE, Image.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(80):
        x, y = rng.randrange(width), rng.randrange(height)
        box = (x, y, x + rng.randrange(60, 1200), y + rng.randrange(60, 900))
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice((draw.rectangle, draw.ellipse))
        shape(box, fill=colour, outline=(0, 0, 0), width=rng.randrange(1, 12))
    texture = Image.effect_noise((width // 3, height // 3), 40).resize(PHOTO_SIZE, Image.BICUBIC)
    grain = Image.blend(texture, Image.effect_noise(PHOTO_SIZE, 30), 0.5).convert("RGB")
    image = Image.blend(image, grain, 0.22)
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 4 == 3 else 1
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 12"
    exif[0x8825] = GPS
    image.save(path, "JPEG", quality=90, exif=exif)


def write_document(path: Path, seed: int) -> None:
    """A PDF of 2 to 5 A4 pages at 150 dpi (Pillow writes a PDF from images)."""
    rng = random.Random(1000 + seed)
    pages = []
    for page in range(2 + seed % 4):
        image = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(image)
        draw.text((120, 120), f"Session plan {seed + 1}, page {page + 1}", fill="black")
        for line in range(60):
            y = 200 + line * 24
            draw.line((120, y, 120 + rng.randrange(400, 1000), y), fill=(60, 60, 60), width=6)
        draw.rectangle((700, 1300, 1120, 1640), outline="black", width=4)
        pages.append(image)
    pages[0].save(path, "PDF", resolution=150, save_all=True, append_images=pages[1:])


def write_video(path: Path, n: int) -> None:
    """A short real MP4 (ffmpeg's test pattern); without ffmpeg, an ISO media header."""
    if shutil.which("ffmpeg"):
        source = f"testsrc=duration={2 + n}:size=320x240:rate=10"
        command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, str(path)]
        subprocess.run(command, check=True)
    else:  # as tests/evidence_samples.py mp4_video, made distinct
        ftyp = b"ftypisom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41"
        path.write_bytes((len(ftyp) + 4).to_bytes(4, "big") + ftyp + n.to_bytes(4, "big") * 64)


def plan_items(photos: list[Path], documents: list[Path], videos: list[Path]) -> list[Plan]:
    """60 items over the standard's 27 criteria (two or three each, every criterion several
    times), photos spread 2-0-1-0-1-0, a PDF in every sixth item, a video in every twelfth."""
    photos, documents, videos = list(photos), list(documents), list(videos)
    start = date(2026, 9, 7)
    span = (evidence_service.today() - timedelta(days=1) - start).days
    plans = []
    for n in range(ITEMS):
        codes = [(2 * n) % 27, (2 * n + 1) % 27] + ([(2 * n + 13) % 27] if n % 3 == 0 else [])
        files = [photos.pop(0) for _ in range(PHOTOS_PER_ITEM[n % 6])]
        if n % 6 == 1:
            files.append(documents.pop(0))
        if n % 12 == 3:
            files.append(videos.pop(0))
        assessor_led = n >= ITEMS - RECORDS
        plans.append(
            Plan(
                number=n,
                title=TITLES[n % len(TITLES)] + f" ({n // len(TITLES) + 1})",
                method=Method.OBSERVATION
                if assessor_led
                else (Method.PRODUCT, Method.REFLECTIVE_ACCOUNT, Method.OBSERVATION)[n % 3],
                activity_date=start + timedelta(days=n * span // ITEMS),
                criteria=sorted(set(codes)),
                files=files,
            )
        )
    assert not photos and not documents and not videos, "every file has an item"
    return plans


TITLES = [
    "First meeting with the community panel",
    "Mapping who we work with",
    "Co-production agreement",
    "Budget and roles workshop",
    "Consultation drop-in at the library",
    "Risk assessment for the festival",
    "Facilitating the story circle",
    "Feedback session with young people",
    "Rehearsal with the residents' choir",
    "Evaluation plan with partners",
    "Sharing day at the community hall",
    "Reflection on what we changed",
]
PARAGRAPHS = [
    "I met the group at {place} and we started by agreeing how we would work together. I "
    "explained what the organisation could offer and, just as importantly, what it could not, "
    "so nobody expected more than we could deliver.",
    "We used **round-robin introductions** and a map of the neighbourhood so everyone could say "
    "where they felt at home. Two members who had not spoken at the last meeting led the second "
    "half, which was the point of the exercise.",
    "What went well:\n\n- people came back after the break\n- the *decisions* were written on "
    "the wall where everyone could see them\n- we finished on time and agreed the next date",
    "What I would change: I would send the agenda a week earlier and in plain English. Some of "
    "the panel told me afterwards that the word *co-production* put them off at first.",
    "This shows {codes} because the group, not me, chose the priorities, and I recorded each "
    "decision with who made it. The photos show the wall chart at the end of the session.",
    "I checked the plan against our safeguarding and access policies with my line manager, and "
    "we booked a venue with step-free access and a quiet room.",
    "The partners' feedback was that the session felt *theirs*. One said: \"It's the first time "
    "we've been asked before the project was decided, not after.\"",
]
PLACES = ["the community hall", "the library", "the youth centre", "the theatre's studio"]


def account(rng: random.Random, codes: list[str]) -> str:
    chosen = rng.sample(PARAGRAPHS, 4)
    text = "\n\n".join(
        p.format(place=rng.choice(PLACES), codes=", ".join(f"**{c}**" for c in codes))
        for p in chosen
    )
    return f"## What I did\n\n{text}\n"


# ----------------------------------------------------------------------------- the portfolio


@dataclass
class Setup:
    enrolment_id: int
    evidence_files: int
    upload_seconds: dict[str, list[float]]
    uploads_total: float
    services_total: float


def build(app, plans: list[Plan]) -> Setup:
    """The people and drafts (services), the files (the upload endpoint), then submission,
    assessment, corrections and sign-off (services)."""
    started = time.perf_counter()
    with app.app_context():
        load_directory()
        standard = db.session.scalars(db.select(Standard)).one()
        provider = Provider(name="Riverside Arts Training")
        learner = person(provider, "lee.learner@bench.example", "Lee Learner", "learner")
        learner.uln = "1234567890"
        assessor = person(provider, "sam.assessor@bench.example", "Sam Assessor", "assessor")
        iqa = person(provider, "ira.iqa@bench.example", "Ira Quality", "iqa")
        cohort = Cohort(
            provider=provider,
            standard=standard,
            name="Autumn 2026 cohort",
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 7, 31),
        )
        enrolment = Enrolment(cohort=cohort, learner=learner, assessor=assessor, iqa=iqa)
        db.session.add(enrolment)
        db.session.commit()
        codes = [c.code for c in standard.criteria]
        if len(codes) != 27:
            raise SystemExit(f"expected the shipped standard's 27 criteria, found {len(codes)}")
        rng = random.Random(9)
        for plan in plans:
            plan.codes = [codes[i] for i in plan.criteria]
            details = {
                "title": plan.title,
                "activity_date": plan.activity_date,
                "method": plan.method,
                "account_md": account(rng, plan.codes),
            }
            if plan.assessor_led:
                draft = records.create_record(
                    enrolment, assessor, context="The community hall, Saturday workshop", **details
                )
            else:
                draft = evidence_service.create(enrolment, **details)
            evidence_service.set_mappings(
                draft,
                {
                    standard.criterion(code): f"This shows {code}: {rng.choice(JUSTIFICATION)}"
                    for code in plan.codes
                },
            )
            plan.evidence_id = draft.id
        enrolment_id = enrolment.id
        emails = {"learner": learner.email, "assessor": assessor.email}
    services = time.perf_counter() - started

    started = time.perf_counter()
    upload_seconds = upload_all(app, emails, plans)
    uploads = time.perf_counter() - started
    print(f"Uploaded {sum(len(p.files) for p in plans)} files in {uploads:.1f} s", flush=True)

    started = time.perf_counter()
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for plan in plans:
            evidence = db.session.get(Evidence, plan.evidence_id)
            author = enrolment.assessor if plan.assessor_led else enrolment.learner
            evidence_service.submit(evidence, full_name=author.name, confirmed=True)
            if plan.assessor_led:
                records.confirm(evidence, enrolment.learner, agreed=True)
            if plan.number in CORRECTED:
                first = plan.codes[0]
                assess(evidence, not_yet_met={first: f"Say who took part in deciding {first}."})
                evidence = evidence_service.revise(evidence)
                evidence_service.update(
                    evidence,
                    account_md=evidence.account_md
                    + "\n\n## Who took part\n\nEight panel members, two staff and a youth worker.",
                )
                evidence_service.submit(evidence, full_name=author.name, confirmed=True)
            assess(evidence)
        db.session.refresh(enrolment)
        signing.sign_off(
            enrolment,
            enrolment.assessor,
            password=PASSWORD,
            full_name=enrolment.assessor.name,
            confirmed=True,
            seen=enrolment.revision,
        )
        files = db.session.scalar(db.select(db.func.count(EvidenceFile.id)))
    services += time.perf_counter() - started
    print(f"Built, assessed and signed off through the services in {services:.1f} s", flush=True)
    return Setup(enrolment_id, files, upload_seconds, uploads, services)


JUSTIFICATION = [
    "the panel set the priorities and I recorded who decided what.",
    "the account and the photos show how I adapted the session to the group.",
    "I explain what I would change and why, from the partners' feedback.",
]


def person(provider: Provider, email: str, name: str, role: str) -> User:
    user = User(
        provider=provider, email=email, name=name, password_hash=passwords.hash_password(PASSWORD)
    )
    user.role_rows = [UserRole(role=Role(role))]
    return user


def upload_all(app, emails: dict[str, str], plans: list[Plan]) -> dict[str, list[float]]:
    """Each file in its own request, as the JavaScript uploader sends them, by the item's
    author (the learner, or the assessor for their records), outside any app context so each
    request has its own session as in production."""
    clients = {}
    for role, email in emails.items():
        clients[role] = app.test_client()
        response = clients[role].post("/sign-in", data={"email": email, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"sign-in of the {role} failed (HTTP {response.status_code})")
    seconds: dict[str, list[float]] = {"jpg": [], "pdf": [], "mp4": []}
    for plan in plans:
        client = clients["assessor" if plan.assessor_led else "learner"]
        for path in plan.files:
            content = path.read_bytes()
            started = time.perf_counter()
            response = client.post(
                f"/evidence/{plan.evidence_id}/files",
                data={"files": [(io.BytesIO(content), path.name)], "consent": "no_people"},
                content_type="multipart/form-data",
                headers={"Accept": "application/json"},
            )
            seconds[path.suffix[1:]].append(time.perf_counter() - started)
            if response.status_code != 201:
                raise SystemExit(f"upload of {path.name}: HTTP {response.status_code}")
    return seconds


def assess(evidence: Evidence, not_yet_met: dict[str, str] | None = None) -> None:
    """As tests/assessment_helpers.py: every rule met, every mapping accepted, each mapped
    criterion met with a line of feedback (or not yet met, with what is missing)."""
    not_yet_met = not_yet_met or {}
    decisions, judgements = {}, {}
    for mapping in evidence.mappings:
        code = mapping.criterion.code
        decisions[mapping.id] = MappingChoice(True)
        judgements[mapping.criterion_id] = (
            JudgementChoice(Outcome.NOT_YET_MET, not_yet_met[code])
            if code in not_yet_met
            else JudgementChoice(Outcome.MET, f"Clear evidence of **{code}**, well explained.")
        )
    db.session.refresh(evidence.enrolment)
    review.assess(
        evidence,
        evidence.enrolment.assessor,
        seen=evidence.enrolment.revision,
        rules=ALL_RULES,
        notes={},
        decisions=decisions,
        judgements=judgements,
    )


def photo_copies(enrolment: Enrolment) -> str:
    """Which copy of each photo the PDF embeds: the print copy (made at upload), or the
    display copy for photos without one."""
    photos = [
        f
        for e in db.session.scalars(db.select(Evidence).where(Evidence.enrolment == enrolment))
        for f in e.files
        if f.kind == "image" and e.status.value == "submitted"
    ]
    with_print = [f for f in photos if getattr(f, "print_name", None)]
    sizes = sorted({(f.print_width, f.print_height) for f in with_print})
    if with_print:
        return f"{len(with_print)} of {len(photos)} have a print copy ({sizes} px), embedded"
    sizes = sorted({(f.derivative_width, f.derivative_height) for f in photos})
    return f"none of {len(photos)} has a print copy: the display copies ({sizes} px) embedded"


# ---------------------------------------------------------------------------------- measuring


class Clock:
    """Wall and CPU seconds (this process's, all threads) of each timed call, in order."""

    def __init__(self):
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, function, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)
        return result

    def clear(self) -> None:
        self.wall.clear()
        self.cpu.clear()

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


@dataclass
class Measured:
    export: Clock
    stages: dict[str, Clock]
    weasyprint: Clock
    layout: Clock
    renderer: Clock
    pdf: bytes
    pages: int
    weasyprint_bytes: int
    images_served: int
    refused: list[str]


def measure(enrolment: Enrolment, repeat: int, work: Path, profile: str | None) -> Measured:
    """A warm-up export that records the HTML ``make`` hands the renderer, then ``repeat``
    rounds of: the export, WeasyPrint alone on that HTML, and the app's renderer on it
    (WeasyPrint plus the attached manifest)."""
    captured = {}
    stages = {"render": Clock(), "sign": Clock()}
    render, sign = renderer.render, signature.sign

    def recording_render(html, *, files, attachments=()):
        rendered = stages["render"](render, html, files=files, attachments=attachments)
        captured.update(html=html, files=files, attachments=attachments, rendered=rendered)
        return rendered

    renderer.render = recording_render
    signature.sign = lambda pdf: stages["sign"](sign, pdf)
    export, alone, layout, writing, with_renderer = Clock(), Clock(), Clock(), Clock(), Clock()
    try:
        warm_up = Clock()
        made = warm_up(portfolio_pdf.make, enrolment)
        print(f"Warm-up export: {warm_up.wall[0]:.1f} s", flush=True)
        html, files = captured["html"], captured["files"]
        (work / "export.html").write_text(html)
        (work / "files.json").write_text(json.dumps(files))
        served = len(set(captured["rendered"].fetcher.served))
        for clock in stages.values():
            clock.clear()
        for attempt in range(1, repeat + 1):
            made = export(portfolio_pdf.make, enrolment)
            document = layout(weasyprint_layout, html, files)
            alone_bytes = len(writing(weasyprint_pdf, document))
            del document
            alone.wall.append(layout.wall[-1] + writing.wall[-1])  # WeasyPrint alone: both
            alone.cpu.append(layout.cpu[-1] + writing.cpu[-1])
            with_renderer(render, html, files=files, attachments=captured["attachments"])
            print(
                f"  run {attempt}: export {export.wall[-1]:.2f} s (CPU {export.cpu[-1]:.2f} s), "
                f"WeasyPrint alone {alone.wall[-1]:.2f} s (CPU {alone.cpu[-1]:.2f} s, layout "
                f"{layout.wall[-1]:.2f} s), renderer.render {with_renderer.wall[-1]:.2f} s; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    finally:
        renderer.render, signature.sign = render, sign
    if profile:
        profile_export(enrolment, profile)
    return Measured(
        export,
        stages,
        alone,
        layout,
        with_renderer,
        made.pdf,
        made.pages,
        alone_bytes,
        served,
        made.refused_urls,
    )


def weasyprint_layout(html: str, files: dict[str, str]):
    """WeasyPrint on the final HTML with the app's fetcher, nothing else: the laid-out pages."""
    return weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=StoredFilesOnly(files)
    ).render()


def weasyprint_pdf(document) -> bytes:
    """The laid-out pages as a PDF, with the app's options (no attachment, no signature)."""
    return document.write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)


def profile_export(enrolment: Enrolment, path: str) -> None:
    """One more export under cProfile: the stats saved to ``path``, the top functions shown."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(portfolio_pdf.make, enrolment)
    profiler.dump_stats(path)
    print(f"\nProfile of one export (cProfile, saved to {path}):")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(25)


def run_child(kind: str, work: Path, database: str, enrolment_id: int) -> dict:
    """One export (or WeasyPrint alone) in a fresh interpreter; its peak resident set."""
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--work",
        str(work),
        "--database-url",
        database,
        "--enrolment",
        str(enrolment_id),
    ]
    # The peak is the child's own VmHWM, read as it finishes. Not its ru_maxrss: Linux counts
    # in that the resident set the child inherited at fork, i.e. this process's, by now large.
    process = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if process.returncode != 0:
        raise SystemExit(f"the {kind} subprocess failed ({process.returncode})")
    out = process.stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(
        f"Fresh process, {kind}: {result['seconds']:.1f} s, peak resident "
        f"{result['vmhwm_kib'] / 1024:.0f} MiB (before: {result['rss_before_kib'] / 1024:.0f} MiB)",
        flush=True,
    )
    return result


def child(kind: str, work: Path, database: str, enrolment_id: int) -> int:
    app = create_app(app_config(work, database))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        if kind == "weasyprint":
            html = (work / "export.html").read_text()
            files = json.loads((work / "files.json").read_text())
        before = proc_status()["VmRSS"]
        started = time.perf_counter()
        if kind == "export":
            size = len(portfolio_pdf.make(enrolment).pdf)
        else:
            size = len(weasyprint_pdf(weasyprint_layout(html, files)))
        seconds = time.perf_counter() - started
        status = proc_status()
    result = {"seconds": seconds, "bytes": size, "rss_before_kib": before}
    print(json.dumps(result | {"vmhwm_kib": status["VmHWM"]}))
    return 0


def proc_status() -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of this process, in KiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0])
    return values


# ------------------------------------------------------------------------------------ report


def report(setup, copies, measured, peak_export, peak_weasyprint, repeat) -> int:
    median = statistics.median
    export, alone = measured.export, measured.weasyprint
    ratio, cpu_ratio = export.median / alone.median, export.median_cpu / alone.median_cpu
    size = len(measured.pdf)
    peak = peak_export["vmhwm_kib"] / 1024
    render, sign = measured.stages["render"], measured.stages["sign"]
    rest = [e - r - s for e, r, s in zip(export.wall, render.wall, sign.wall, strict=True)]
    uploads = setup.upload_seconds
    print()
    print(
        f"Portfolio: {ITEMS} items ({RECORDS} assessor-led, {len(CORRECTED)} resubmitted), "
        f"27 criteria, {setup.evidence_files} file rows; PDF of {measured.pages} pages"
    )
    print(f"Photos: {copies}; {measured.images_served} images served to WeasyPrint")
    print(
        f"Setup: uploads {setup.uploads_total:.1f} s (median a photo "
        f"{median(uploads['jpg']):.2f} s, a PDF {median(uploads['pdf']):.2f} s, a video "
        f"{median(uploads['mp4']):.2f} s); services {setup.services_total:.1f} s"
    )
    print()
    rows = [
        ("Export, portfolio_pdf.make", export.median, export.median_cpu, "s", ""),
        ("  of which renderer.render", render.median, render.median_cpu, "s", ""),
        ("  of which signature.sign", sign.median, sign.median_cpu, "s", ""),
        ("  gather, manifest, template", median(rest), None, "s", ""),
        ("WeasyPrint alone", alone.median, alone.median_cpu, "s", ""),
        (
            "  of which layout (render())",
            measured.layout.median,
            measured.layout.median_cpu,
            "s",
            "",
        ),
        ("renderer.render alone", measured.renderer.median, measured.renderer.median_cpu, "s", ""),
        ("Export / WeasyPrint alone", ratio, cpu_ratio, "", f"<= {TARGET_RATIO:.0f}"),
        ("PDF size (signed)", size / 10**6, None, "MB", f"< {TARGET_PDF_BYTES / 10**6:.0f} MB"),
        ("  WeasyPrint alone's PDF", measured.weasyprint_bytes / 10**6, None, "MB", ""),
        ("Peak memory, export (fresh process)", peak, None, "MiB", f"< {TARGET_PEAK_MIB} MiB"),
        ("  resident before make()", peak_export["rss_before_kib"] / 1024, None, "MiB", ""),
        ("Peak memory, WeasyPrint alone", peak_weasyprint["vmhwm_kib"] / 1024, None, "MiB", ""),
    ]
    print(f"{'(medians of ' + str(repeat) + ' runs)':<38} {'wall':>10} {'CPU':>9}   target")
    for label, figure, cpu, unit, target in rows:
        places = 0 if unit == "MiB" else 2
        cpu_text = f"{cpu:9.2f}" if cpu is not None else " " * 9
        print(f"{label:<38} {figure:>10.{places}f} {cpu_text}   {unit:<4}{target}")
    print(f"(runs interleaved after a warm-up export; load average now {os.getloadavg()[0]:.1f})")
    if measured.refused:
        print(f"WeasyPrint asked for URLs the fetcher refused: {measured.refused[:5]}")
    met = {
        "export <= 2 x WeasyPrint": ratio <= TARGET_RATIO,
        "PDF < 20 MB": size < TARGET_PDF_BYTES,
        "peak < 1 GiB": peak < TARGET_PEAK_MIB,
    }
    print("Targets: " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in met.items()))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
