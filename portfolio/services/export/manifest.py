"""The manifest that goes with a portfolio document, and the key that says when it changed.

The manifest (docs/archive-bundle.md) lists every evidence file as staff receive it, with its
path in an archive bundle, size and SHA-256, and carries the sign-off's canonical document and
digest. The same manifest is attached to the portfolio PDF and sits at the root of the bundle,
so each can be checked with standard tools.
"""

import hashlib
import json
import re
from dataclasses import dataclass

from ...extensions import db
from ...models import EvidenceFile
from ...storage import get_storage
from ..evidence_files import PRIVATE_KINDS  # only a copy without metadata of these leaves
from ..uploads import download_name
from .contents import PortfolioContents

FORMAT = "nos-portfolio/manifest/1"
#: bump when the PDF's layout changes, so stored PDFs are made again
LAYOUT_VERSION = "portfolio-pdf/2"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


@dataclass
class ShippedFile:
    """One evidence file as it leaves the system: which stored bytes, under what path."""

    file: EvidenceFile
    key: str
    content_type: str
    size: int
    path: str

    @property
    def sha256(self) -> str:
        return self.file.sha256 if self.key == self.file.stored_name else self.file.shared_sha256


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ -]+", "_", download_name(name))[:120] or "file"


def shipped_files(contents: PortfolioContents) -> tuple[list[ShippedFile], list[dict]]:
    """The files staff receive (the original, or the copy without location metadata for
    photos, video and audio), and those withheld because no such copy exists yet."""
    shipped, withheld = [], []
    for item in contents.evidence:
        evidence = item.evidence
        folder = f"evidence/{item.label}-{evidence.id}-v{evidence.version}"
        for index, file in enumerate(evidence.files, start=1):
            name = _safe(file.original_name)
            if file.kind in PRIVATE_KINDS:
                if not file.shared_name:
                    withheld.append({"evidence": item.label, "name": file.original_name})
                    continue
                if file.shared_content_type in EXTENSIONS:
                    name = name.rsplit(".", 1)[0] + "." + EXTENSIONS[file.shared_content_type]
                shipped.append(
                    ShippedFile(
                        file,
                        file.shared_name,
                        file.shared_content_type,
                        file.shared_size,
                        f"{folder}/{index:02d}-{name}",
                    )
                )
            else:
                shipped.append(
                    ShippedFile(
                        file,
                        file.stored_name,
                        file.content_type,
                        file.size,
                        f"{folder}/{index:02d}-{name}",
                    )
                )
    return shipped, withheld


def note_copy_digests(files: list[ShippedFile]) -> None:
    """Copies' digests are computed once, the first time a manifest lists them."""
    storage, changed = get_storage(), False
    for shipped in files:
        if shipped.key != shipped.file.stored_name and not shipped.file.shared_sha256:
            digest = hashlib.sha256()
            with storage.open(shipped.key) as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            shipped.file.shared_sha256 = digest.hexdigest()
            changed = True
    if changed:
        db.session.commit()


def _when(value) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def build(contents: PortfolioContents) -> dict:
    enrolment = contents.enrolment
    learner, standard = enrolment.learner, enrolment.standard
    files, withheld = shipped_files(contents)
    note_copy_digests(files)
    sign_off = contents.sign_off
    return {
        "format": FORMAT,
        "learner": {"name": learner.name, "email": learner.email, "uln": learner.uln or None},
        "provider": enrolment.cohort.provider.name,
        "cohort": enrolment.cohort.name,
        "standard": {"urn": standard.urn, "version": standard.version, "title": standard.title},
        "status": "draft" if sign_off is None else "signed_off",
        "sign_off": None
        if sign_off is None
        else {
            "sha256": sign_off.sha256,
            "signed_at": sign_off.signed_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "signer": sign_off.signer_name,
            "document": sign_off.document,
        },
        "countersignature": None
        if contents.countersignature is None
        else {
            "sha256": contents.countersignature.sha256,
            "signed_at": _when(contents.countersignature.signed_at),
            "iqa": contents.countersignature.typed_name,
            "document": contents.countersignature.document,
        },
        "voided_sign_offs": [
            {"sha256": s.sha256, "voided_because": s.void_reason}
            for s in contents.sign_offs
            if not s.in_force
        ],
        "files": [
            {
                "path": f.path,
                "evidence": contents.label_of(f.file.evidence_id),
                "name": f.file.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "original_sha256": f.file.sha256,
            }
            for f in files
        ],
        "withheld": withheld,
    }


def encode(manifest: dict) -> bytes:
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False).encode("utf-8")


def content_key(contents: PortfolioContents) -> str:
    """A digest of everything the portfolio's documents show; it changes when any of it does."""
    enrolment = contents.enrolment
    fingerprint = {
        "layout": LAYOUT_VERSION,
        "enrolment": enrolment.id,
        "revision": enrolment.revision,
        "people": [
            (p.id, p.name, p.email, getattr(p, "uln", None))
            for p in (enrolment.learner, enrolment.assessor, enrolment.iqa)
            if p is not None
        ],
        "cohort": (enrolment.cohort.name, enrolment.cohort.provider.name),
        "standard": enrolment.cohort.standard_id,
        "evidence": [
            (
                i.evidence.id,
                i.evidence.status.value,
                i.evidence.learner_confirmed_at.isoformat()
                if i.evidence.learner_confirmed_at
                else None,
                [(f.id, f.sha256, f.shared_name, f.print_name) for f in i.evidence.files],
            )
            for i in contents.evidence
        ],
        "judgements": [j.id for row in contents.criteria for j in row.history],
        "sign_offs": [
            (s.id, s.sha256, s.voided_at.isoformat() if s.voided_at else None)
            for s in contents.sign_offs
        ],
        "audit": contents.audit[-1].id if contents.audit else 0,
        "samples": [
            (
                i.id,
                i.outcome.value if i.outcome else None,
                i.action_due,
                i.recorded_at,
                i.responded_at,
                i.closed_at,
            )
            for i in contents.samples
        ],
        "countersignatures": [(c.id, c.sha256, c.voided_at) for c in contents.countersignatures],
        "blocked": contents.blocked,
    }
    text = json.dumps(fingerprint, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
