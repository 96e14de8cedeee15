"""The demo learners' portfolios, each at its own stage, built only through the services (so
every rule applies and every step has its audit entry), as the learner and the assessor would
build them through the pages.

A learner's portfolio is built only while they have no evidence at all, so a second run of
the demo changes nothing.
"""

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import ConsentStatus, Enrolment, Evidence, Outcome, User
from ..services import evidence as evidence_service
from ..services import evidence_files
from ..services.assessment import records, review, signing
from ..services.assessment.review import JudgementChoice, MappingChoice
from ..services.uploads import StagedUpload
from ..storage import get_storage
from . import stories
from .people import Cast
from .stories import Piece

RULES_MET = {"valid": True, "authentic": True, "current": True, "sufficient": True}


def build(cast: Cast) -> None:
    """Give each of the provider's learners the portfolio of their stage, unless they already
    have evidence."""
    for person in cast.site.people:
        enrolment = cast.enrolments.get(person.email)
        if enrolment is None or person.stage is None or _has_evidence(enrolment):
            continue
        STAGES[person.stage](enrolment, cast)


def _has_evidence(enrolment: Enrolment) -> bool:
    count = select(func.count(Evidence.id)).where(Evidence.enrolment_id == enrolment.id)
    return db.session.scalar(count) > 0


# ------------------------------------------------------------------------------ the stages


def just_started(enrolment: Enrolment, cast: Cast) -> None:
    """One draft, mapped but not submitted."""
    _draft(enrolment, stories.LEE_FIRST_NOTES)


def mid_way(enrolment: Enrolment, cast: Cast) -> None:
    """Evidence with a photo, a voice note and a PDF, assessed: most criteria met, a mapping
    rejected, PC4 not yet met with feedback and its correction resubmitted and waiting, and an
    observation the assessor recorded waiting for the learner's confirmation."""
    assessor = enrolment.assessor
    for piece in (stories.LEAH_YOUTH_PANEL, stories.LEAH_VOICE_NOTE):
        _assess(_submitted(enrolment, piece), assessor, piece.review)
    plan = _submitted(enrolment, stories.LEAH_PROJECT_PLAN)
    _assess(plan, assessor, stories.LEAH_PROJECT_PLAN.review)
    correction = evidence_service.revise(plan)
    evidence_service.update(
        correction, account_md=correction.account_md + stories.LEAH_PLAN_CORRECTION
    )
    _attach(correction, [stories.mural_budget()])
    justifications = {m.criterion: m.justification for m in correction.mappings}
    justifications[enrolment.standard.criterion("PC4")] = stories.LEAH_PC4_CORRECTED
    evidence_service.set_mappings(correction, justifications)
    _submit(correction, enrolment.learner)
    _recorded(enrolment, assessor, stories.LEAH_OBSERVATION)


def signed_off(enrolment: Enrolment, cast: Cast) -> None:
    """Every criterion met on assessed evidence, the observation confirmed, the unit signed."""
    assessor = enrolment.assessor
    first, *rest = stories.LUIS_PIECES
    _assess(_submitted(enrolment, first), assessor, first.review)
    observation = _recorded(enrolment, assessor, stories.LUIS_OBSERVATION)
    records.confirm(observation, enrolment.learner, agreed=True)
    _assess(observation, assessor, stories.LUIS_OBSERVATION.review)
    for piece in rest:
        _assess(_submitted(enrolment, piece), assessor, piece.review)
    db.session.refresh(enrolment)
    signing.sign_off(
        enrolment,
        assessor,
        password=_demo_password(cast, assessor),
        full_name=assessor.name,
        confirmed=True,
        seen=enrolment.revision,
    )


def first_submission(enrolment: Enrolment, cast: Cast) -> None:
    """One piece of evidence submitted, waiting for the assessor."""
    _submitted(enrolment, stories.NELL_BAND)


STAGES: dict[str, Callable[[Enrolment, Cast], None]] = {
    "just_started": just_started,
    "mid_way": mid_way,
    "signed_off": signed_off,
    "first_submission": first_submission,
}


# ----------------------------------------------------------------------------- the steps


def _draft(enrolment: Enrolment, piece: Piece, recorded_by: User | None = None) -> Evidence:
    activity_date = evidence_service.today() - timedelta(weeks=piece.weeks_ago)
    if recorded_by is None:
        evidence = evidence_service.create(
            enrolment,
            title=piece.title,
            activity_date=activity_date,
            method=piece.method,
            account_md=piece.account_md,
        )
    else:
        evidence = records.create_record(
            enrolment,
            recorded_by,
            title=piece.title,
            activity_date=activity_date,
            method=piece.method,
            context=piece.context,
            account_md=piece.account_md,
        )
    if piece.files:
        _attach(evidence, [make() for make in piece.files])
    standard = enrolment.standard
    evidence_service.set_mappings(
        evidence, {standard.criterion(code): text for code, text in piece.justifications.items()}
    )
    return evidence


def _submit(evidence: Evidence, author: User) -> None:
    evidence_service.submit(evidence, full_name=author.name, confirmed=True)


def _submitted(enrolment: Enrolment, piece: Piece) -> Evidence:
    evidence = _draft(enrolment, piece)
    _submit(evidence, enrolment.learner)
    return evidence


def _recorded(enrolment: Enrolment, assessor: User, piece: Piece) -> Evidence:
    """An assessor-led record, submitted with the assessor's declaration."""
    evidence = _draft(enrolment, piece, recorded_by=assessor)
    _submit(evidence, assessor)
    return evidence


def _attach(evidence: Evidence, files) -> None:
    """Attach files through the same path as an upload: each file's bytes are staged in
    evidence storage (as ``StreamingRequest`` stages an upload), then checked and kept by
    ``evidence_files.attach``. The demo's pictures show no people."""
    storage, limit = get_storage(), current_app.config["MAX_UPLOAD_BYTES"]
    uploads = []
    try:
        for file in files:
            staged = StagedUpload(storage.writer(), limit, file.name)
            uploads.append(
                FileStorage(stream=staged, filename=file.name, content_type=file.content_type)
            )
            staged.write(file.data)
        evidence_files.attach(evidence, uploads, ConsentStatus.NO_PEOPLE)
    finally:
        for upload in uploads:
            upload.stream.close()  # throws away whatever was not kept


def _assess(evidence: Evidence, assessor: User, verdict: stories.Review | None) -> None:
    verdict = verdict or stories.Review()
    decisions, judgements = {}, {}
    for mapping in evidence.mappings:
        code = mapping.criterion.code
        if code in verdict.rejected:
            decisions[mapping.id] = MappingChoice(False, verdict.rejected[code])
            continue
        decisions[mapping.id] = MappingChoice(True)
        if code in verdict.not_yet_met:
            choice = JudgementChoice(Outcome.NOT_YET_MET, verdict.not_yet_met[code])
        else:
            choice = JudgementChoice(Outcome.MET, verdict.feedback.get(code, ""))
        judgements[mapping.criterion_id] = choice
    db.session.refresh(evidence.enrolment)
    review.assess(
        evidence,
        assessor,
        seen=evidence.enrolment.revision,
        rules=RULES_MET,
        notes={},
        decisions=decisions,
        judgements=judgements,
    )


def _demo_password(cast: Cast, user: User) -> str:
    """The assessor signs with their password, as on the sign-off page."""
    return next(p.password for p in cast.site.people if p.email == user.email)
