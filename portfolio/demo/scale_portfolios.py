"""One scale-test learner's portfolio as rows ready for bulk insertion: evidence (drafts,
submitted, superseded by a version 2), mappings, the assessor's reviews, mapping decisions and
judgements, with the ids already chosen.

Submissions are replayed in time order (a heap, since corrections arrive between first
versions) and the assessor reviews each one a few days after it arrived, never before the
previous review, so judgement ids follow time and the newest judgement of a criterion is the
one in force, as the services make it. A criterion already met is judged again now and
then (met again, on the new evidence).
"""

import heapq
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..models import EvidenceStatus, Outcome
from ..services.evidence import DECLARATION, RECORD_DECLARATION
from . import scale_words as words
from .scale_plan import LearnerPlan

MAPPINGS_PER_PIECE = (1, 2, 2, 3, 3, 3, 3, 4, 4, 5)  # 3 on average
ASSESSOR_LED_SHARE = 0.1
REJECTED_SHARE = 0.1
NOT_YET_MET_SHARE = 0.2
CORRECTED_SHARE = 0.65
MORE_NEEDED = "More is needed: see the feedback."
#: how often an assessor records "met" again for a criterion already met, on new evidence
CONFIRMED_AGAIN_SHARE = 0.3


class Ids:
    """The next free id of each table, read from the database before a batch is written."""

    def __init__(self, newest: dict[str, int]):
        self._next = {table: itertools.count(last + 1) for table, last in newest.items()}

    def take(self, table: str) -> int:
        return next(self._next[table])


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass
class Written:
    """What the generator made of one learner, for the enrolment row and the sign-off."""

    events: int = 0
    last_review: datetime | None = None
    signed_at: datetime | None = None


@dataclass
class Rows:
    """Rows per table, in insertion order."""

    tables: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: dict) -> dict:
        self.tables[table].append(row)
        return row


def _days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(days=rng.uniform(low, high))


class Portfolio:
    """Writes one learner's portfolio into ``rows``."""

    def __init__(self, plan: LearnerPlan, *, enrolment_id: int, learner: Person,
                 assessor: Person | None, criteria: list, ids: Ids, rows: Rows,
                 now: datetime):  # fmt: skip
        self.plan, self.enrolment_id = plan, enrolment_id
        self.learner, self.assessor = learner, assessor
        self.criteria, self.ids, self.rows, self.now = criteria, ids, rows, now
        self.rng = random.Random(plan.index * 7919 + 1)
        self.project = words.project(self.rng)
        self.outcome: dict[int, Outcome] = {}  # criterion position -> the judgement in force
        #: criterion position -> submitted evidence accepted for it, oldest first
        self.supporting: dict[int, list[int]] = defaultdict(list)
        self.waiting: list = []  # heap of (submitted_at, n, evidence row, [(mapping, position)])
        self.order = itertools.count()
        self.by_id: dict[int, dict] = {}
        self.written = Written()

    def write(self) -> Written:
        plan = self.plan
        span = plan.last_activity - plan.start
        times = sorted(plan.start + span * self.rng.random() for _ in range(plan.first_versions))
        for j, created in enumerate(times):
            phase = plan.reach * (j + 1) / max(plan.first_versions, 1)
            draft = j >= plan.first_versions - plan.drafts
            led = self.assessor is not None and not draft and self.rng.random() < ASSESSOR_LED_SHARE
            piece = self.project.piece(self.rng, phase, led)
            self._first_version(piece, created, self._choose(phase), draft, led)
        last_review = plan.start
        while self.waiting:
            submitted, _, evidence, mapped = heapq.heappop(self.waiting)
            self.written.events += 1
            if evidence["previous_id"] is not None:
                self._supersede(evidence["previous_id"])
            if self.assessor is None:
                continue
            review_at = submitted + _days(self.rng, 1, 21)
            if plan.profile == "signed_off":
                review_at = min(review_at, plan.review_cutoff)
            review_at = max(review_at, last_review + timedelta(minutes=10), submitted)
            if review_at > min(plan.review_cutoff, self.now):
                if evidence["recorded_by_id"] and self.rng.random() < 0.5:
                    evidence["learner_confirmed_at"] = None  # still to confirm
                continue  # waiting for the assessor
            last_review = review_at
            self._assess(evidence, mapped, review_at)
        if plan.profile == "signed_off":
            last_review = self._complete(last_review)
            signed = min(last_review + _days(self.rng, 1, 10), self.now - timedelta(hours=1))
            self.written.signed_at = signed.replace(microsecond=0)
            self.written.events += 1
        self.written.last_review = last_review if last_review > plan.start else None
        return self.written

    # ------------------------------------------------------------------------- evidence

    def _choose(self, phase: float) -> list[int]:
        """Criteria positions a piece maps to: mostly the few the learner is working on now
        (``phase`` of the way through the standard), now and then an earlier one."""
        n = len(self.criteria)
        k = min(self.rng.choice(MAPPINGS_PER_PIECE), n)
        frontier = min(max(k, round(phase * n)), n)
        pool = range(max(0, frontier - 8), frontier)
        picks = self.rng.sample(pool, min(k, len(pool)))
        if self.rng.random() < 0.15 and frontier > len(pool):
            earlier = self.rng.randrange(0, frontier - len(pool))
            picks[0] = earlier
        return sorted(set(picks))

    def _evidence(self, piece, created: datetime, *, version=1, previous_id=None, led=False):
        # a learner writes up what they did a few days later; an assessor records it on the day
        activity_date = created.date() if led else (created - _days(self.rng, 0, 5)).date()
        row = self.rows.add(
            "evidence",
            {
                "id": self.ids.take("evidence"),
                "enrolment_id": self.enrolment_id,
                "previous_id": previous_id,
                "version": version,
                "status": EvidenceStatus.DRAFT,
                "title": piece.title,
                "activity_date": activity_date,
                "method": piece.method,
                "account_md": piece.account_md,
                "created_at": created,
                "updated_at": created,
                "submitted_at": None,
                "declaration_name": "",
                "declaration_text": "",
                "recorded_by_id": self.assessor.id if led else None,
                "context": piece.context,
                "learner_confirmed_at": None,
            },
        )
        self.by_id[row["id"]] = row
        return row

    def _mappings(self, evidence: dict, positions: list[int], note: str = "") -> list:
        mapped = []
        for position in positions:
            criterion = self.criteria[position]
            row = self.rows.add(
                "mapping",
                {
                    "id": self.ids.take("mapping"),
                    "evidence_id": evidence["id"],
                    "criterion_id": criterion.id,
                    "justification": words.justification(self.rng, criterion, self.project) + note,
                },
            )
            mapped.append((row, position))
        return mapped

    def _submit(self, evidence: dict, mapped: list, submitted: datetime) -> None:
        led = evidence["recorded_by_id"] is not None
        evidence.update(
            status=EvidenceStatus.SUBMITTED,
            submitted_at=submitted,
            updated_at=submitted,
            declaration_name=self.assessor.name if led else self.learner.name,
            declaration_text=RECORD_DECLARATION if led else DECLARATION,
        )
        if led:  # the learner confirms the assessor's record soon after (unless still waiting)
            evidence["learner_confirmed_at"] = min(
                submitted + _days(self.rng, 0.1, 3), self.now - timedelta(minutes=5)
            )
        heapq.heappush(self.waiting, (submitted, next(self.order), evidence, mapped))

    def _first_version(self, piece, created, positions, draft: bool, led: bool) -> None:
        evidence = self._evidence(piece, created, led=led)
        mapped = self._mappings(evidence, positions)
        if draft:
            evidence["updated_at"] = min(created + _days(self.rng, 0, 2), self.now)
            return
        limit = min(self.plan.active_until, self.now) - timedelta(minutes=1)
        self._submit(evidence, mapped, max(min(created + _days(self.rng, 0, 3), limit), created))

    def _supersede(self, evidence_id: int) -> None:
        self.by_id[evidence_id]["status"] = EvidenceStatus.SUPERSEDED
        for ids in self.supporting.values():
            if evidence_id in ids:
                ids.remove(evidence_id)

    # ----------------------------------------------------------------------- assessment

    def _assess(self, evidence: dict, mapped: list, at: datetime, *, met_only=False) -> None:
        rng, assessor = self.rng, self.assessor
        if evidence["recorded_by_id"]:
            confirmed = evidence["submitted_at"] + (at - evidence["submitted_at"]) * rng.random()
            evidence["learner_confirmed_at"] = confirmed
        judged = []
        for mapping, position in mapped:
            criterion = self.criteria[position]
            accepted = met_only or rng.random() >= REJECTED_SHARE
            self.rows.add(
                "mapping_decision",
                {
                    "id": self.ids.take("mapping_decision"),
                    "mapping_id": mapping["id"],
                    "assessor_id": assessor.id,
                    "accepted": accepted,
                    "reason": ""
                    if accepted
                    else rng.choice(words.REJECTIONS).format(code=criterion.code),
                    "decided_at": at,
                },
            )
            if not accepted:
                continue
            self.supporting[position].append(evidence["id"])
            if self.outcome.get(position) == Outcome.MET:
                if rng.random() < CONFIRMED_AGAIN_SHARE:
                    judged.append((position, Outcome.MET))
                continue  # else already met: the assessor leaves it
            not_yet = not met_only and rng.random() < NOT_YET_MET_SHARE / evidence["version"]
            judged.append((position, Outcome.NOT_YET_MET if not_yet else Outcome.MET))
        for position, outcome in judged:
            self._judge(position, outcome, at)
        short = any(outcome == Outcome.NOT_YET_MET for _, outcome in judged)
        # "Sufficient: no" only where nothing is met on the item: the service refuses "met"
        # beside a rule of evidence answered no, and so does the demo
        insufficient = short and all(outcome == Outcome.NOT_YET_MET for _, outcome in judged)
        self.rows.add(
            "evidence_review",
            {
                "id": self.ids.take("evidence_review"),
                "evidence_id": evidence["id"],
                "assessor_id": assessor.id,
                "valid": True,
                "authentic": True,
                "current": True,
                "sufficient": not insufficient,
                "notes": {"sufficient": MORE_NEEDED} if insufficient else {},
                "reviewed_at": at,
            },
        )
        self.written.events += 1
        if short and evidence["version"] == 1 and rng.random() < CORRECTED_SHARE:
            self._correct(evidence, mapped, at)

    def _judge(self, position: int, outcome: Outcome, at: datetime) -> None:
        judgement_id = self.ids.take("judgement")
        met = outcome == Outcome.MET
        self.rows.add(
            "judgement",
            {
                "id": judgement_id,
                "enrolment_id": self.enrolment_id,
                "criterion_id": self.criteria[position].id,
                "assessor_id": self.assessor.id,
                "outcome": outcome,
                "feedback_md": self.rng.choice(words.MET_FEEDBACK if met else words.NOT_YET_MET),
                "judged_at": at,
            },
        )
        for evidence_id in self.supporting[position][-3:]:
            self.rows.add(
                "judgement_evidence", {"judgement_id": judgement_id, "evidence_id": evidence_id}
            )
        self.outcome[position] = outcome

    def _correct(self, evidence: dict, mapped: list, reviewed_at: datetime) -> None:
        """The learner starts a version 2 after the feedback: submitted if they got that far,
        else a draft (a signed-off learner's corrections are always submitted in time)."""
        created = reviewed_at + _days(self.rng, 2, 20)
        plan = self.plan
        limit = min(plan.active_until, self.now) - timedelta(minutes=1)
        if plan.profile == "signed_off":
            limit = min(limit, plan.review_cutoff - timedelta(days=1))
        if created > limit:
            return
        piece = words.Piece(
            evidence["title"],
            evidence["method"],
            evidence["account_md"] + words.CORRECTION,
            evidence["context"],
        )
        again = self._evidence(
            piece, created, version=2, previous_id=evidence["id"],
            led=evidence["recorded_by_id"] is not None,
        )  # fmt: skip
        again["activity_date"] = evidence["activity_date"]
        positions = [position for _, position in mapped]
        remapped = self._mappings(again, positions, " Version 2 adds who agreed it.")
        submitted = created + _days(self.rng, 0, 2)
        if submitted > limit:
            if plan.profile != "signed_off":
                return  # a correction in draft: version 1 is still the submitted one
            submitted = limit
        self._submit(again, remapped, submitted)

    def _complete(self, last_review: datetime) -> datetime:
        """A signed-off learner's last pieces: whatever criteria are not met yet, shown in a
        final reflective account or two and met, so the unit can be signed off."""
        missing = [p for p in range(len(self.criteria)) if self.outcome.get(p) != Outcome.MET]
        for start in range(0, len(missing), 4):
            created = last_review + timedelta(hours=2)
            piece = self.project.piece(self.rng, 0.99, False)
            evidence = self._evidence(piece, created)
            mapped = self._mappings(evidence, missing[start : start + 4])
            self._submit(evidence, mapped, created + timedelta(hours=1))
            heapq.heappop(self.waiting)
            self.written.events += 1
            last_review = created + timedelta(hours=3)
            self._assess(evidence, mapped, last_review, met_only=True)
        return last_review
