"""Optimistic concurrency for a portfolio's assessment.

Every assessment event (a submission, a judgement, a sign-off, a reopening...) moves the
enrolment's ``revision`` on by one with a single conditional UPDATE. A page carries the revision
it showed; a write based on it succeeds only if nobody has moved it since, so the second of two
people acting at once is told and shown the current state, never silently overwritten. The
UPDATE also takes the row's write lock until the transaction ends, so the checks a service makes
after ``advance`` see everything committed before it.
"""

from sqlalchemy import update

from ...extensions import db
from ...models import Enrolment
from ..problems import Problem


class Conflict(Problem):
    def __init__(self, what: str = "this portfolio"):
        super().__init__(
            f"Someone else changed {what} while you were looking at it, so nothing you sent was "
            "saved. The page now shows what is there now: check it, then make your change again."
        )


#: what a form that sent no revision (or something other than a number) is told
OUT_OF_DATE = (
    "This page is out of date, so nothing you sent was saved. Reload the page, check what it "
    "shows, then try again."
)


class PageOutOfDate(Conflict):
    """The form said nothing about what it showed: an old copy of the page, or not ours."""

    def __init__(self):
        Problem.__init__(self, OUT_OF_DATE)


def advance(enrolment: Enrolment, seen: int | None) -> int:
    """Move the revision on from ``seen`` (what the person's page showed), or refuse with
    ``Conflict``: also when the page said nothing (``None``), so no form can skip the check."""
    if not isinstance(seen, int) or isinstance(seen, bool):
        raise PageOutOfDate()
    return _move(enrolment, (Enrolment.id == enrolment.id) & (Enrolment.revision == seen))


def move_on(enrolment: Enrolment) -> int:
    """Move the revision on whatever it is: for a change that is not based on what an assessor
    decided (a learner's submission) but makes whatever the assessor has open out of date."""
    return _move(enrolment, Enrolment.id == enrolment.id)


def _move(enrolment: Enrolment, condition) -> int:
    result = db.session.execute(
        update(Enrolment)
        .where(condition)
        .values(revision=Enrolment.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict()
    db.session.refresh(enrolment, ["revision"])
    return enrolment.revision
