"""The canonical document of a countersignature: the assessor's sign-off (by its digest) and
what the IQA found in the decisions they sampled for that learner, as bytes anyone can hash.

It is encoded exactly as a sign-off is (services/assessment/document.py ``encode``: UTF-8
JSON, keys sorted, no insignificant whitespace, times in UTC to the second) and built only by
``build``; the countersigner, ``signoff verify``, the PDF and the bundle all call it.
docs/quality-assurance.md lists every field.
"""

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Countersignature, SampleItem, SampleKind, SignOff, User
from ..assessment.document import _person, _when, differences, digest, encode

FORMAT = "nos-portfolio/countersignature/1"
IQA_DECLARATION = (
    "I confirm that I quality-assured this unit by sampling the assessment decisions listed, "
    "that these sampling records are accurate and their actions are closed, and that I made "
    "none of the decisions I sampled."
)

__all__ = ["FORMAT", "IQA_DECLARATION", "build", "differences", "digest", "encode", "rebuild"]


def text_digest(text: str) -> str:
    """Comments and responses are bound by their SHA-256, as the sign-off binds feedback."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def items_for(sign_off: SignOff, iqa: User, until: datetime | None = None) -> list[SampleItem]:
    """The IQA's sampling records for this learner (recorded by ``until``, when given)."""
    query = (
        select(SampleItem)
        .where(
            SampleItem.enrolment_id == sign_off.enrolment_id,
            SampleItem.iqa_id == iqa.id,
            SampleItem.recorded_at.is_not(None),
            SampleItem.removed_at.is_(None),
        )
        .options(
            selectinload(SampleItem.assessor),
            selectinload(SampleItem.judgement),
            selectinload(SampleItem.evidence),
            selectinload(SampleItem.sign_off),
        )
        .order_by(SampleItem.id)
    )
    if until is not None:
        query = query.where(SampleItem.recorded_at <= until)
    return list(db.session.scalars(query))


def build(
    sign_off: SignOff,
    *,
    iqa: User,
    typed_name: str,
    signed_at: datetime,
    declaration: str,
    items: list[SampleItem],
) -> dict:
    enrolment = sign_off.enrolment
    learner, standard = enrolment.learner, enrolment.standard
    return {
        "format": FORMAT,
        "learner": {**_person(learner), "uln": learner.uln or None},
        "provider": enrolment.cohort.provider.name,
        "cohort": enrolment.cohort.name,
        "standard": {"urn": standard.urn, "version": standard.version, "title": standard.title},
        "sign_off": {
            "id": sign_off.id,
            "sha256": sign_off.sha256,
            "signer": _person(sign_off.signer),
            "signed_at": _when(sign_off.signed_at),
        },
        "samples": [_sample(item) for item in items],
        "countersignature": {
            "iqa": _person(iqa),
            "typed_name": typed_name,
            "signed_at": _when(signed_at),
            "declaration": declaration,
        },
    }


def _sample(item: SampleItem) -> dict:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "stage": item.stage.value,
        "period": item.period,
        "decision": _decision(item),
        "assessor": _person(item.assessor) if item.assessor else None,
        "outcome": item.outcome.value if item.outcome else None,
        "recorded_at": _when(item.recorded_at),
        "rules_comment_sha256": text_digest(item.rules_comment),
        "feedback_comment_sha256": text_digest(item.feedback_comment),
        "action_sha256": text_digest(item.action) if item.action else None,
        "action_due": _when(item.action_due),
        "assessor_response_sha256": text_digest(item.assessor_response)
        if item.assessor_response
        else None,
        "responded_at": _when(item.responded_at),
        "closed_at": _when(item.closed_at),
    }


def _decision(item: SampleItem) -> dict:
    if item.kind == SampleKind.JUDGEMENT:
        judgement = item.judgement
        return {
            "judgement_id": judgement.id,
            "code": judgement.criterion.code,
            "outcome": judgement.outcome.value,
            "judged_at": _when(judgement.judged_at),
        }
    if item.kind == SampleKind.EVIDENCE:
        evidence = item.evidence
        return {
            "evidence_id": evidence.id,
            "version": evidence.version,
            "title": evidence.title,
            "method": evidence.method.value,
        }
    return {"sign_off_id": item.sign_off.id, "sha256": item.sign_off.sha256}


def rebuild(countersignature: Countersignature) -> dict:
    """The document ``countersignature`` would hold if it were made again now from the live
    records, by the same IQA at the same moment."""
    row = countersignature
    return build(
        row.sign_off,
        iqa=row.iqa,
        typed_name=row.typed_name,
        signed_at=row.signed_at,
        declaration=row.declaration_text,
        items=items_for(row.sign_off, row.iqa, row.signed_at),
    )
