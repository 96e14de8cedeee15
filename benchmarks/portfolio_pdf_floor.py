"""The portfolio PDF against its floor: the same portfolio's words in the plainest HTML.

Builds the portfolio of benchmarks/portfolio_pdf.py (60 evidence items over the shipped
standard's 27 criteria, 40 photos of 4000 x 3000 uploaded through the app, signed off; its
functions, so the two stay the same portfolio), then times, in one run, interleaved, after a
warm-up of each:

1. **the export**: ``portfolio_pdf.make(enrolment)``, with templates/pdf/portfolio.html;
2. **the floor**: the same ``make`` (the same gathering, the same photos' print copies through
   the same locked-down fetcher, PDF/A-3b, tags, the manifest attached, the signature) with
   one difference: the template is benchmarks/portfolio_pdf_floor.html, a reference that prints
   the same words from the same context in the plainest HTML and CSS (paragraphs, lists,
   fixed-layout tables; no flex, floats, colours, borders or leaders).

It prints both times (wall and CPU seconds, medians), the ratio export / floor, the pages of
each and how many of the export's words the floor's text has (read back with pypdf), so the
floor is known to print the same document. The target is a CPU-time ratio of at most 1.15
(CPU time is the steadier figure on a shared machine; the wall-clock ratio is printed too):
the script prints a warning and exits 1 if it is missed.

    .venv/bin/python benchmarks/portfolio_pdf_floor.py [--repeat 3] [--database-url URL]
        [--dir DIR] [--keep] [--reuse DIR] [--pdfs DIR] [--profile DIR] [--max-ratio 1.15]

``--keep`` keeps the working directory (database, stored files, the floor's HTML); ``--reuse DIR``
measures the portfolio a kept directory holds, without building it again (for trying CSS);
``--profile DIR`` runs one more of each under cProfile and saves export.pstats and floor.pstats;
``--compare FILE`` times a third template the same way (the real one before a change, from
``git show``), so a change's before and after are measured in the same run.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before the app is imported

import argparse
import io
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import portfolio_pdf as full  # benchmarks/portfolio_pdf.py, beside this file; puts ROOT on sys.path
import weasyprint
from argon2 import PasswordHasher
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import inspect

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import Enrolment, SignOff
from portfolio.services import passwords
from portfolio.services.export import portfolio_pdf

FLOOR_TEMPLATE = Path(__file__).with_name("portfolio_pdf_floor.html")
MAX_RATIO = 1.15


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument(
        "--database-url", default=None, help="an empty database to use (default: temp SQLite)"
    )
    parser.add_argument("--dir", default=None, help="make the working directory in DIR")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--reuse", default=None, help="a directory kept by --keep: measure it")
    parser.add_argument("--pdfs", default=None, help="write export.pdf and floor.pdf into DIR")
    parser.add_argument("--profile", default=None, help="save export/floor .pstats into DIR")
    parser.add_argument(
        "--compare", default=None, help="time this template too (the real one before a change)"
    )
    parser.add_argument("--max-ratio", type=float, default=MAX_RATIO, help="default 1.15")
    args = parser.parse_args()

    if args.reuse:
        work, keep = Path(args.reuse), True
    else:
        work, keep = (
            Path(tempfile.mkdtemp(prefix="portfolio-floor-bench-", dir=args.dir)),
            args.keep,
        )
    database = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    try:
        return run(work, database, args, keep)
    finally:
        if keep:
            print(f"Kept {work} (bench.sqlite3, evidence/, floor.html)")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, database: str, args, keep: bool) -> int:
    # Argon2id with the cheapest parameters, as tests/conftest.py: signing in is not measured.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    app = create_app(full.app_config(work, database))
    with app.app_context():
        print(
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}, {db.engine.dialect.name}; working in {work}",
            flush=True,
        )
        built = bool(inspect(db.engine).get_table_names())
        if built and not args.reuse:
            raise SystemExit(f"{db.engine.url!r} has tables already: give an empty database")
        if not built:
            db.create_all()
    try:
        if built:
            with app.app_context():
                enrolment_id = db.session.scalars(db.select(SignOff.enrolment_id)).one()
        else:
            started = time.perf_counter()
            plans = full.generate_files(work / "files")
            print(f"Generated the files in {time.perf_counter() - started:.1f} s", flush=True)
            enrolment_id = full.build(app, plans).enrolment_id
            shutil.rmtree(work / "files")  # uploaded: the stored copies are in evidence/
        with app.app_context():
            enrolment = db.session.get(Enrolment, enrolment_id)
            print(f"Photos: {full.photo_copies(enrolment)}", flush=True)
            return measure(enrolment, work, args)
    finally:
        with app.app_context():
            db.session.remove()
            if not keep:
                db.drop_all()
            db.engine.dispose()


class Swapped:
    """``portfolio_pdf.make`` with another template in place of templates/pdf/portfolio.html
    (the same context, the same filters and globals): everything else is the export's."""

    def __init__(self, path: Path):
        self.template = current_app.jinja_env.from_string(path.read_text())
        self.html = ""

    def make(self, enrolment: Enrolment) -> portfolio_pdf.PortfolioPdf:
        real = portfolio_pdf.render_template

        def swapped(name, **context):
            current_app.update_template_context(context)
            self.html = self.template.render(**context)
            return self.html

        portfolio_pdf.render_template = swapped
        try:
            return portfolio_pdf.make(enrolment)
        finally:
            portfolio_pdf.render_template = real


def measure(enrolment: Enrolment, work: Path, args) -> int:
    makers = {"export": portfolio_pdf.make, "floor": Swapped(FLOOR_TEMPLATE).make}
    if args.compare:
        makers["compare"] = Swapped(Path(args.compare)).make
    clocks = {kind: full.Clock() for kind in makers}
    made = {}
    for kind, maker in makers.items():  # a warm-up of each, not counted
        warm = full.Clock()
        made[kind] = warm(maker, enrolment)
        print(f"Warm-up {kind}: {warm.wall[0]:.1f} s ({made[kind].pages} pages)", flush=True)
        if kind != "export":
            (work / f"{kind}.html").write_text(maker.__self__.html)
    kinds = list(makers)
    for attempt in range(1, args.repeat + 1):
        order = kinds if attempt % 2 else kinds[::-1]
        for kind in order:
            made[kind] = clocks[kind](makers[kind], enrolment)
        times = ", ".join(
            f"{kind} {clocks[kind].wall[-1]:.2f} s (CPU {clocks[kind].cpu[-1]:.2f} s)"
            for kind in kinds
        )
        print(f"  run {attempt}: {times}; load {os.getloadavg()[0]:.1f}", flush=True)
    if args.pdfs:
        Path(args.pdfs).mkdir(parents=True, exist_ok=True)
        for kind in made:
            (Path(args.pdfs) / f"{kind}.pdf").write_bytes(made[kind].pdf)
    if args.profile:
        profile(makers, enrolment, Path(args.profile))
    return report(clocks, made, args)


def words(pdf: bytes) -> Counter:
    """The words of a PDF's text (with a letter in them: not the contents' leader dots)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return Counter(
        word
        for page in pages
        for word in page.extract_text().split()
        if any(c.isalpha() for c in word)
    )


def profile(makers, enrolment: Enrolment, folder: Path) -> None:
    import cProfile
    import pstats

    folder.mkdir(parents=True, exist_ok=True)
    for kind, maker in makers.items():
        profiler = cProfile.Profile()
        profiler.runcall(maker, enrolment)
        path = folder / f"{kind}.pstats"
        profiler.dump_stats(path)
        print(f"\nProfile of one {kind} (cProfile, saved to {path}):")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(12)


def report(clocks, made, args) -> int:
    export, lean = clocks["export"], clocks["floor"]
    ratio, cpu_ratio = export.median / lean.median, export.median_cpu / lean.median_cpu
    printed, plain = words(made["export"].pdf), words(made["floor"].pdf)
    shared = sum((printed & plain).values()) / sum(printed.values())
    print()
    rows = [
        ("Export (templates/pdf/portfolio.html)", export.median, export.median_cpu, "s"),
        ("Floor (benchmarks/..._floor.html)", lean.median, lean.median_cpu, "s"),
        ("Export / floor", ratio, cpu_ratio, f"   target <= {args.max_ratio:.2f} (CPU)"),
    ]
    if "compare" in clocks:
        other = clocks["compare"]
        rows += [
            (f"Compared ({Path(args.compare).name})", other.median, other.median_cpu, "s"),
            (
                "Compared / floor",
                other.median / lean.median,
                other.median_cpu / lean.median_cpu,
                "",
            ),
        ]
    print(f"{'(medians of ' + str(args.repeat) + ' runs)':<38} {'wall':>8} {'CPU':>8}")
    for label, wall, cpu, unit in rows:
        print(f"{label:<38} {wall:>8.2f} {cpu:>8.2f}  {unit}")
    print(
        f"Pages: export {made['export'].pages}, floor {made['floor'].pages}; size "
        f"{len(made['export'].pdf) / 10**6:.2f} MB and {len(made['floor'].pdf) / 10**6:.2f} MB; "
        f"{shared:.1%} of the export's {sum(printed.values()):,} words are in the floor's text"
    )
    print(f"(runs interleaved after a warm-up of each; load average now {os.getloadavg()[0]:.1f})")
    refused = made["export"].refused_urls + made["floor"].refused_urls
    if refused:
        print(f"WeasyPrint asked for URLs the fetcher refused: {refused[:5]}")
    if cpu_ratio > args.max_ratio:
        print(
            f"WARNING: the export takes {cpu_ratio:.2f} times the floor's CPU time, over "
            f"{args.max_ratio:.2f}: some of templates/pdf/portfolio.html's CSS is slow "
            "(run with --profile to see where)"
        )
        return 1
    if ratio > args.max_ratio:
        print(
            f"Note: the wall-clock ratio {ratio:.2f} is over {args.max_ratio:.2f} (a busy machine?)"
        )
    print(f"Target met: export / floor <= {args.max_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
