"""judgements rest only on evidence reviewed and accepted for them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 09:00:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Until now a judgement named every submitted, not-rejected version mapped to its criterion
    # when it was saved, including versions nobody had reviewed yet (a witness's testimony that
    # arrived while the assessor had another item open). A link stays only if the audit trail
    # shows that, before the judgement, the version had been reviewed and its latest mapping
    # decision accepted it for the criterion. Judgements without an audit entry (bulk-loaded
    # data) are left as they are: there is nothing to judge them by. So are the judgements an
    # in-force sign-off covers: the signed document names their evidence, by then every item
    # had been assessed, and `signoff verify` must still match it (a signed record stands as
    # signed; a reopening and new sign-off records the corrected basis).
    bind = op.get_bind()
    links = bind.execute(sa.text(
        "SELECT je.judgement_id, je.evidence_id, c.code, j.enrolment_id, j.criterion_id "
        "FROM judgement_evidence je JOIN judgement j ON j.id = je.judgement_id "
        "JOIN criterion c ON c.id = j.criterion_id"
    )).all()
    if not links:
        return
    signed = {row[0] for row in bind.execute(sa.text(
        "SELECT enrolment_id FROM sign_off WHERE voided_at IS NULL"
    ))}
    newest = {
        (row[0], row[1]): row[2]
        for row in bind.execute(sa.text(
            "SELECT enrolment_id, criterion_id, MAX(id) FROM judgement "
            "GROUP BY enrolment_id, criterion_id"
        ))
    }
    judged, reviewed, decided = {}, {}, {}
    for entry_id, action, object_id, details in bind.execute(sa.text(
        "SELECT id, action, object_id, details FROM audit_entry WHERE action IN "
        "('assessment.judged', 'assessment.evidence_reviewed', 'assessment.mappings_decided') "
        "ORDER BY id"
    )):
        if action == 'assessment.judged':
            judged.setdefault(int(object_id), entry_id)
        elif action == 'assessment.evidence_reviewed':
            reviewed.setdefault(int(object_id), []).append(entry_id)
        else:
            details = json.loads(details) if isinstance(details, str) else (details or {})
            accepted = {d['code']: d['accepted'] for d in details.get('decisions', [])}
            decided.setdefault(int(object_id), []).append((entry_id, accepted))

    def stands(judgement_id, evidence_id, code):
        when = judged.get(judgement_id)
        if when is None:
            return True
        if not any(at < when for at in reviewed.get(evidence_id, [])):
            return False
        earlier = [accepted for at, accepted in decided.get(evidence_id, []) if at < when]
        return bool(earlier) and earlier[-1].get(code) is True

    for judgement_id, evidence_id, code, enrolment_id, criterion_id in links:
        if enrolment_id in signed and newest.get((enrolment_id, criterion_id)) == judgement_id:
            continue
        if not stands(judgement_id, evidence_id, code):
            bind.execute(
                sa.text(
                    "DELETE FROM judgement_evidence "
                    "WHERE judgement_id = :judgement AND evidence_id = :evidence"
                ),
                {"judgement": judgement_id, "evidence": evidence_id},
            )


def downgrade():
    # The links removed named evidence nobody had assessed; there is nothing to put back.
    pass
