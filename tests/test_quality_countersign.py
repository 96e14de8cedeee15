"""The IQA countersigns a signed-off unit as an assessor signs: password again, typed name,
declaration. The countersignature's own document binds the sign-off's digest and the IQA's
sampling records; ``signoff verify`` checks it; reopening the unit voids it; and an IQA never
samples or countersigns a portfolio in which they made decisions, whatever their roles today."""

import hashlib
import json
from datetime import timedelta

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from people_helpers import PASSWORD, audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import (
    AuditEntry,
    Countersignature,
    Notification,
    SampleItem,
    SampleKind,
    SampleOutcome,
)
from portfolio.models._types import utcnow
from portfolio.services.assessment import signing
from portfolio.services.problems import Problem
from portfolio.services.quality import countersigning, plan, records
from portfolio.services.quality.decisions import decisions_on

RULES_COMMENT = "Valid, authentic, current and sufficient throughout."
FEEDBACK_COMMENT = "Clear feedback that says what the learner showed."


@pytest.fixture
def signed_off(make_enrolment):
    enrolment = make_enrolment()
    enrolment.iqa.name = "Jo Quality"
    db.session.commit()
    fully_met(enrolment)
    sign(enrolment)
    return enrolment


def sample(enrolment, kind=SampleKind.SIGN_OFF, code=None):
    decision = next(
        d
        for d in decisions_on([enrolment])
        if d.kind == kind and (code is None or d.record.criterion.code == code)
    )
    return plan.add(enrolment.iqa, enrolment, kind, decision.record.id)


def agree(item):
    return records.record(
        item,
        item.iqa,
        outcome=SampleOutcome.AGREED,
        rules_comment=RULES_COMMENT,
        feedback_comment=FEEDBACK_COMMENT,
    )


def countersign_form(enrolment, **overrides):
    db.session.refresh(enrolment)
    data = {
        "revision": str(enrolment.revision),
        "password": PASSWORD,
        "full_name": enrolment.iqa.name,
        "confirm": "y",
    }
    data.update(overrides)
    return data


def countersigned(enrolment) -> Countersignature:
    db.session.refresh(enrolment)
    return countersigning.countersign(
        enrolment,
        enrolment.iqa,
        password=PASSWORD,
        full_name=enrolment.iqa.name,
        confirmed=True,
        seen=enrolment.revision,
    )


def test_the_iqa_countersigns_over_the_sign_off_digest_and_their_records(
    client, login_as, signed_off
):
    item = agree(sample(signed_off))
    sign_off = signing.state.sign_off_in_force(signed_off)
    login_as(signed_off.iqa)
    page = page_text(client.get(f"/portfolio/{signed_off.id}/countersign"))
    assert sign_off.sha256 in page and "Sign-off of the unit" in page

    response = client.post(
        f"/portfolio/{signed_off.id}/countersign", data=countersign_form(signed_off)
    )

    assert response.status_code == 302
    row = db.session.scalars(db.select(Countersignature)).one()
    assert hashlib.sha256(row.document.encode("utf-8")).hexdigest() == row.sha256
    document = json.loads(row.document)
    assert document["format"] == "nos-portfolio/countersignature/1"
    assert document["sign_off"]["sha256"] == sign_off.sha256
    [sampled] = document["samples"]
    assert sampled["id"] == item.id and sampled["outcome"] == "agreed"
    assert sampled["decision"] == {"sign_off_id": sign_off.id, "sha256": sign_off.sha256}
    assert sampled["rules_comment_sha256"] == hashlib.sha256(RULES_COMMENT.encode()).hexdigest()
    assert document["countersignature"]["typed_name"] == "Jo Quality"
    assert row.document == json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "quality.countersigned")
    ).one()
    assert entry.details["sha256"] == row.sha256
    assert entry.details["sign_off_sha256"] == sign_off.sha256
    page = page_text(client.get(f"/portfolio/{signed_off.id}"))
    assert "Countersigned on" in page and row.sha256 in page
    kinds = db.session.scalars(db.select(Notification.kind)).all()
    assert kinds.count("countersigned") == 2  # the learner and the assessor


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "wrong password"}, "The password is not right."),
        ({"full_name": "Somebody Else"}, "Type your full name as it appears on your account"),
        ({"confirm": ""}, "Confirm the declaration to countersign."),
    ],
)
def test_countersigning_takes_the_password_the_typed_name_and_the_declaration(
    client, login_as, signed_off, overrides, message
):
    agree(sample(signed_off))
    login_as(signed_off.iqa)

    response = client.post(
        f"/portfolio/{signed_off.id}/countersign",
        data=countersign_form(signed_off, **overrides),
    )

    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalars(db.select(Countersignature)).all() == []


def test_an_open_action_stops_the_countersignature_and_says_why(client, login_as, signed_off):
    agree(sample(signed_off))
    judgement = sample(signed_off, SampleKind.JUDGEMENT, "PC3")
    records.record(
        judgement,
        judgement.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="PC3 rests on a plan, not on what the learner did.",
        feedback_comment="The feedback does not say what is missing.",
        action="Reopen the unit and ask for evidence of PC3 in practice.",
        action_due=utcnow().date() + timedelta(days=7),
    )
    login_as(signed_off.iqa)

    page = page_text(client.get(f"/portfolio/{signed_off.id}/countersign"))
    assert "You cannot countersign this unit yet" in page
    assert "did not agree with" in page and "judgement of PC3 (met)" in page
    response = client.post(
        f"/portfolio/{signed_off.id}/countersign", data=countersign_form(signed_off)
    )
    assert response.status_code == 422
    assert "1 thing still to do" in page_text(response)
    assert db.session.scalars(db.select(Countersignature)).all() == []


def test_the_iqa_records_what_they_planned_before_countersigning(signed_off):
    assert countersigning.still_to_do(signed_off, signed_off.iqa) == [
        f"You have not sampled any of {signed_off.learner.name}’s decisions yet: sample and "
        "record at least one from your plan."
    ]
    sample(signed_off)
    assert "planned but not recorded" in countersigning.still_to_do(signed_off, signed_off.iqa)[0]
    with pytest.raises(signing.SignOffProblem):
        countersigned(signed_off)


def test_a_unit_not_signed_off_cannot_be_countersigned(make_enrolment):
    enrolment = make_enrolment()
    assess(submitted(enrolment, "PC1"))
    assert countersigning.still_to_do(enrolment, enrolment.iqa) == [
        "The unit is not signed off yet: the assessor signs off first."
    ]
    with pytest.raises(signing.SignOffProblem):
        countersigned(enrolment)


def test_a_countersignature_sent_from_an_out_of_date_page_is_refused(client, login_as, signed_off):
    item = sample(signed_off)
    login_as(signed_off.iqa)
    stale = countersign_form(signed_off)
    agree(item)  # recording moves the portfolio's revision on

    response = client.post(f"/portfolio/{signed_off.id}/countersign", data=stale)

    assert response.status_code == 409
    assert "Someone else changed this portfolio" in page_text(response)


def test_signoff_verify_checks_the_countersignature_and_catches_an_edited_record(
    runner, signed_off
):
    item = agree(sample(signed_off))
    row = countersigned(signed_off)

    result = runner.invoke(args=["signoff", "verify", signed_off.learner.email])
    assert result.exit_code == 0, result.output
    assert result.output.count("MATCHES") == 2
    assert "countersignature of that sign-off" in result.output and row.sha256 in result.output

    db.session.execute(
        db.update(SampleItem)
        .where(SampleItem.id == item.id)
        .values(feedback_comment="Edited afterwards.", outcome=SampleOutcome.NOT_AGREED)
    )
    db.session.commit()
    result = runner.invoke(args=["signoff", "verify", signed_off.learner.email])
    assert result.exit_code == 1
    assert "CHANGED" in result.output
    assert f'samples[{item.id}].outcome: "agreed" signed, "not_agreed" now' in result.output
    assert f"samples[{item.id}].feedback_comment_sha256" in result.output


def test_signoff_verify_catches_a_countersignature_rewritten_with_its_digest(runner, signed_off):
    agree(sample(signed_off))
    row = countersigned(signed_off)
    row.document = row.document.replace('"outcome":"agreed"', '"outcome":"not_agreed"')
    row.sha256 = hashlib.sha256(row.document.encode()).hexdigest()
    db.session.commit()

    result = runner.invoke(args=["signoff", "verify", signed_off.learner.email])

    assert result.exit_code == 1
    assert "the audit trail recorded SHA-256" in result.output
    assert 'outcome: "not_agreed" signed, "agreed" now' in result.output


def test_signoff_verify_catches_a_sign_off_digest_changed_under_the_countersignature(
    runner, signed_off
):
    agree(sample(signed_off))
    countersigned(signed_off)
    row = signing.state.sign_off_in_force(signed_off)
    row.sha256 = "0" * 64
    db.session.commit()

    result = runner.invoke(args=["signoff", "verify", signed_off.learner.email])

    assert result.exit_code == 1
    assert 'sign_off.sha256: "' in result.output and f'"{"0" * 64}" now' in result.output


def test_an_iqa_who_judged_the_learner_earlier_cannot_sample_or_countersign(
    app, client, login_as, make_enrolment, make_user
):
    enrolment = make_enrolment()
    provider = enrolment.cohort.provider
    both = make_user("assessor", "iqa", provider=provider, name="Former Assessor")
    enrolment.assessor = both
    db.session.commit()
    fully_met(enrolment)  # every judgement is theirs
    enrolment.assessor, enrolment.iqa = make_user("assessor", provider=provider), both
    db.session.commit()
    sign(enrolment)  # signed off by today's assessor
    decision = decisions_on([enrolment])[0]

    assert plan.build(both).enrolments == []
    assert plan.propose(both) == []
    with pytest.raises(Problem, match="you made assessment decisions in it yourself"):
        plan.add(both, enrolment, decision.kind, decision.record.id)
    with pytest.raises(Problem, match="you made assessment decisions in it yourself"):
        countersigning.countersign(
            enrolment, both, password=PASSWORD, full_name=both.name, confirmed=True, seen=0
        )
    login_as(both)
    add = client.post(
        f"/iqa/learners/{enrolment.id}/samples",
        data={"kind": decision.kind.value, "decision": decision.record.id},
    )
    assert add.status_code == 404
    assert client.get(f"/portfolio/{enrolment.id}/countersign").status_code == 404
    assert db.session.scalars(db.select(SampleItem)).all() == []


def test_an_iqa_who_signed_off_the_learner_cannot_countersign_it(make_enrolment, make_user):
    enrolment = make_enrolment()
    fully_met(enrolment)  # judged by the assigned assessor
    provider = enrolment.cohort.provider
    signer = make_user("assessor", "iqa", provider=provider)
    enrolment.assessor = signer
    db.session.commit()
    sign(enrolment, signer)
    enrolment.assessor, enrolment.iqa = make_user("assessor", provider=provider), signer
    db.session.commit()

    with pytest.raises(Problem, match="you made assessment decisions in it yourself"):
        countersigning.countersign(
            enrolment, signer, password=PASSWORD, full_name=signer.name, confirmed=True, seen=0
        )
    assert plan.build(signer).decisions == []


def test_an_iqa_who_samples_and_later_assesses_can_no_longer_record(make_enrolment, make_user):
    enrolment = make_enrolment()
    assess(submitted(enrolment, "PC1"))
    iqa = make_user("assessor", "iqa", provider=enrolment.cohort.provider)
    enrolment.iqa = iqa
    db.session.commit()
    item = sample(enrolment, SampleKind.JUDGEMENT, "PC1")
    enrolment.iqa, enrolment.assessor = None, iqa  # for a while, they assess this learner
    db.session.commit()
    assess(submitted(enrolment, "PC2", title="Second piece"), iqa)
    enrolment.assessor, enrolment.iqa = make_user("assessor", provider=iqa.provider), iqa
    db.session.commit()

    with pytest.raises(Problem, match="you made assessment decisions in it yourself"):
        records.record(
            item,
            iqa,
            outcome=SampleOutcome.AGREED,
            rules_comment=RULES_COMMENT,
            feedback_comment=FEEDBACK_COMMENT,
        )


def test_reopening_the_unit_voids_the_countersignature(client, login_as, signed_off):
    agree(sample(signed_off))
    row = countersigned(signed_off)
    db.session.refresh(signed_off)

    signing.reopen(
        signed_off, signed_off.assessor, reason="A witness withdrew.", seen=signed_off.revision
    )

    db.session.refresh(row)
    assert row.voided_at is not None
    assert "quality.countersignature_voided" in audit_actions()
    told = db.session.scalars(
        db.select(Notification).where(Notification.kind == "countersignature_voided")
    ).one()
    assert told.user_id == signed_off.iqa_id and "A witness withdrew." in told.message
    login_as(signed_off.learner)
    assert "Countersigned on" not in page_text(client.get(f"/portfolio/{signed_off.id}"))

    sign(signed_off)  # signed off again: a new sign-off, countersigned afresh
    agree(sample(signed_off))
    again = countersigned(signed_off)
    assert again.id != row.id and again.voided_at is None


def test_a_unit_is_countersigned_once(signed_off):
    agree(sample(signed_off))
    countersigned(signed_off)

    with pytest.raises(signing.SignOffProblem, match="was countersigned on"):
        countersigned(signed_off)


def test_the_portfolio_pdf_shows_the_sampling_records_and_the_countersignature(signed_off):
    import io

    from pypdf import PdfReader

    from portfolio.services.export import contents, manifest, portfolio_pdf

    def key():
        return manifest.content_key(contents.gather(signed_off))

    agree(sample(signed_off))
    judgement = sample(signed_off, SampleKind.JUDGEMENT, "PC3")
    before = key()
    records.record(
        judgement,
        judgement.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="PC3 rests on a plan, not on practice.",
        feedback_comment="The feedback does not say what is missing.",
        action="Show PC3 in practice.",
        action_due=utcnow().date() + timedelta(days=7),
    )
    opened = key()
    held = portfolio_pdf.make(signed_off)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(held.pdf)).pages)
    assert "Certification is on hold" in text and "Show PC3 in practice." in text
    records.respond(judgement, judgement.assessor, response="Evidence of PC3 in practice added.")
    records.close(judgement, judgement.iqa)
    closed = key()
    row = countersigned(signed_off)
    assert len({before, opened, closed, key()}) == 4  # each change makes the PDF again

    made = portfolio_pdf.make(signed_off)
    reader = PdfReader(io.BytesIO(made.pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Internal quality assurance" in text
    assert "Countersigned by Jo Quality" in text
    assert row.sha256 in text.replace("\n", "")
    assert "Judgement of PC3 (met)" in text and "Not agreed" in text
    assert "Evidence of PC3 in practice added." in text
    assert "No countersignature is recorded" not in text
    attached = json.loads(reader.attachments["manifest.json"][0])
    assert attached["countersignature"]["sha256"] == row.sha256
    assert attached["countersignature"]["document"] == row.document


def test_the_iqa_finds_countersign_beside_the_sign_off_on_the_portfolio_page(
    client, login_as, signed_off
):
    agree(sample(signed_off))
    login_as(signed_off.iqa)
    page = page_text(client.get(f"/portfolio/{signed_off.id}"))
    assert f'href="/portfolio/{signed_off.id}/countersign">Countersign the unit</a>' in page
    client.post("/sign-out")
    login_as(signed_off.learner)
    assert "Countersign the unit" not in page_text(client.get(f"/portfolio/{signed_off.id}"))
