"""The canonical document of a sign-off: what the assessor signed, as bytes anyone can hash.

UTF-8 JSON with keys sorted and no insignificant whitespace (docs/sign-off.md describes every
field). The signer, ``signoff verify``, and later the PDF and the archive bundle all build it
with ``build`` and encode it with ``encode``, so there is one definition of what was signed.
"""

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import ASSESSOR_DECLARATION, Enrolment, Evidence, Judgement, SignOff
from .state import current_judgements

FORMAT = "nos-portfolio/sign-off/1"


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _person(user) -> dict:
    return {"email": user.email, "name": user.name}


def build(
    enrolment: Enrolment,
    *,
    signer,
    signer_name: str,
    signed_at: datetime,
    declaration: str = ASSESSOR_DECLARATION,
) -> dict:
    """The document for this portfolio as its records stand now, signed by ``signer``."""
    judgements = sorted(current_judgements(enrolment).values(), key=lambda j: j.criterion.position)
    evidence_ids = sorted({e.id for j in judgements for e in j.evidence})
    evidence = db.session.scalars(
        select(Evidence)
        .where(Evidence.id.in_(evidence_ids))
        .order_by(Evidence.id)
        .options(selectinload(Evidence.files), selectinload(Evidence.mappings))
    ).all()
    standard = enrolment.standard
    learner = enrolment.learner
    return {
        "format": FORMAT,
        "learner": {**_person(learner), "uln": learner.uln or None},
        "provider": enrolment.cohort.provider.name,
        "cohort": enrolment.cohort.name,
        "standard": {
            "urn": standard.urn,
            "version": standard.version,
            "title": standard.title,
            "criteria": [
                {"code": c.code, "kind": c.kind.value, "text": c.text} for c in standard.criteria
            ],
        },
        "judgements": [_judgement(j) for j in judgements],
        "evidence": [_evidence(e) for e in evidence],
        "sign_off": {
            "signer": _person(signer),
            "typed_name": signer_name,
            "signed_at": _when(signed_at),
            "declaration": declaration,
        },
    }


def _judgement(judgement: Judgement) -> dict:
    return {
        "code": judgement.criterion.code,
        "outcome": judgement.outcome.value,
        "assessor": _person(judgement.assessor),
        "judged_at": _when(judgement.judged_at),
        "feedback_sha256": _sha256(judgement.feedback_md),
        "evidence": [{"id": e.id, "version": e.version} for e in judgement.evidence],
    }


def _evidence(evidence: Evidence) -> dict:
    review = evidence.review
    return {
        "id": evidence.id,
        "version": evidence.version,
        "title": evidence.title,
        "method": evidence.method.value,
        "activity_date": _when(evidence.activity_date),
        "context": evidence.context,
        "account_sha256": _sha256(evidence.account_md),
        "files": [
            {"name": f.original_name, "sha256": f.sha256, "size": f.size} for f in evidence.files
        ],
        "mappings": [
            {
                "code": m.criterion.code,
                "justification": m.justification,
                "decision": None
                if m.decision is None
                else ("accepted" if m.decision.accepted else "rejected"),
            }
            for m in sorted(evidence.mappings, key=lambda m: m.criterion.position)
        ],
        "declaration": {
            "name": evidence.declaration_name,
            "text": evidence.declaration_text,
            "submitted_at": _when(evidence.submitted_at),
        },
        "recorded_by": _person(evidence.recorded_by) if evidence.recorded_by else None,
        "learner_confirmed_at": _when(evidence.learner_confirmed_at),
        "rules_of_evidence": None
        if review is None
        else {
            "valid": review.valid,
            "authentic": review.authentic,
            "current": review.current,
            "sufficient": review.sufficient,
        },
    }


def encode(document: dict) -> str:
    """The exact text that is hashed: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rebuild(sign_off: SignOff) -> dict:
    """The document ``sign_off`` would hold if it were signed again now, by the same person at
    the same time: equal to the stored one unless a signed record changed."""
    return build(
        sign_off.enrolment,
        signer=sign_off.signer,
        signer_name=sign_off.signer_name,
        signed_at=sign_off.signed_at,
        declaration=sign_off.declaration_text,
    )


def differences(signed, live, path: str = "") -> list[str]:
    """Where two documents differ, as readable paths: ``judgements[PC3].outcome: "met" signed,
    "not_yet_met" now``. Lists of objects are matched by their code or id."""
    if isinstance(signed, dict) and isinstance(live, dict):
        found = []
        for key in sorted(set(signed) | set(live)):
            where = f"{path}{key}" if key.startswith("[") or not path else f"{path}.{key}"
            if key not in live:
                found.append(f"{where}: in the signed document, gone now")
            elif key not in signed:
                found.append(f"{where}: not in the signed document, present now")
            else:
                found += differences(signed[key], live[key], where)
        return found
    if isinstance(signed, list) and isinstance(live, list):
        keyed_signed, keyed_live = _keyed(signed), _keyed(live)
        if keyed_signed is not None and keyed_live is not None:
            return differences(keyed_signed, keyed_live, path)
        if len(signed) != len(live):
            return [f"{path}: {len(signed)} items signed, {len(live)} now"]
        found = []
        for index, (a, b) in enumerate(zip(signed, live, strict=True)):
            found += differences(a, b, f"{path}[{index}]")
        return found
    if signed != live:
        return [
            f"{path}: {json.dumps(signed, ensure_ascii=False)} signed, "
            f"{json.dumps(live, ensure_ascii=False)} now"
        ]
    return []


def _keyed(items: list):
    """A list of objects as {"[PC3]": item} when each has a distinct code or id, else None."""
    for key in ("code", "id", "name", "sha256"):
        if items and all(isinstance(i, dict) and key in i for i in items):
            labels = [f"[{i[key]}]" for i in items]
            if len(set(labels)) == len(labels):
                return dict(zip(labels, items, strict=True))
    return None
