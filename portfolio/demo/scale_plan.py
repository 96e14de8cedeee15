"""The shape of the scale test before any row is written: its cohorts (different start dates,
from one that finished its planned year to one that started three weeks ago), its assessors
and IQAs, and for each learner where they are (not started, in progress, stalled, signed off,
withdrawn), when they started and stopped, how many pieces of evidence they wrote and how far
through the standard they got.

Planning every learner first lets the evidence be shared out so the whole set averages
``EVIDENCE_PER_LEARNER`` items however the learners are spread over the cohorts.
"""

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

LEARNERS_PER_COHORT = 250
LEARNERS_PER_ASSESSOR = 50
ASSESSORS_PER_IQA = 5
#: evidence rows a learner has on average, corrections (version 2) included
EVIDENCE_PER_LEARNER = 50
#: how many first versions end up with a version 2 as well (measured on generated data)
CORRECTION_RATE = 0.042
#: the oldest cohort started this long ago (past its planned year), the newest this recently
OLDEST_START_DAYS, NEWEST_START_DAYS = 456, 21
PLANNED_DAYS = 365

PROFILES = ("not_started", "in_progress", "stalled", "signed_off", "withdrawn")


@dataclass(frozen=True)
class CohortPlan:
    index: int
    name: str
    start_date: date
    planned_end_date: date

    def age(self, today: date) -> float:
        """The share of the planned time gone by (over 1 once the planned end has passed)."""
        return (today - self.start_date).days / (self.planned_end_date - self.start_date).days


@dataclass
class LearnerPlan:
    index: int
    cohort: int
    profile: str
    assessor: int | None
    iqa: int
    start: datetime
    #: the newest first version was started then
    last_activity: datetime
    #: the learner does nothing after this (no correction is started later)
    active_until: datetime
    #: the assessor assesses nothing after this; later submissions are waiting
    review_cutoff: datetime
    #: how far through the standard's criteria the learner's evidence reaches (0 to 1)
    reach: float
    drafts: int
    first_versions: int = 0
    withdrawn_on: date | None = None
    pace: float = 1.0


@dataclass(frozen=True)
class Plan:
    cohorts: list[CohortPlan]
    assessors: int
    iqas: int
    learners: list[LearnerPlan]


def shares(age: float) -> dict[str, float]:
    """What share of a cohort of this age is at each stage."""
    signed_off = min(max(age - 0.6, 0.0), 0.6)
    not_started = 0.25 if age < 0.15 else 0.03
    withdrawn = 0.0 if age < 0.15 else 0.03
    stalled = 0.0 if age < 0.2 else 0.12
    rest = 1 - signed_off - not_started - withdrawn - stalled
    return {
        "not_started": not_started,
        "in_progress": rest,
        "stalled": stalled,
        "signed_off": signed_off,
        "withdrawn": withdrawn,
    }


def cohorts(count: int, today: date) -> list[CohortPlan]:
    step = (OLDEST_START_DAYS - NEWEST_START_DAYS) / max(count - 1, 1)
    found, names = [], set()
    for k in range(count):
        start = today - timedelta(days=round(OLDEST_START_DAYS - k * step))
        name = f"Co-production {start:%B %Y}"
        suffix = 1
        while name in names:
            suffix += 1
            name = f"Co-production {start:%B %Y} ({suffix})"
        names.add(name)
        found.append(CohortPlan(k, name, start, start + timedelta(days=PLANNED_DAYS)))
    return found


def _profiles(size: int, age: float, rng: random.Random) -> list[str]:
    """Each learner's stage: shares rounded down, at least one of every stage the cohort's
    age allows (so even a small test set has every stage), the rest in progress."""
    wanted = shares(age)
    counts = {p: math.floor(s * size) for p, s in wanted.items() if p != "in_progress"}
    for profile, share in wanted.items():
        if profile != "in_progress" and share > 0 and counts[profile] == 0 and size >= 8:
            counts[profile] = 1
    profiles = [p for p, c in counts.items() for _ in range(c)]
    profiles += ["in_progress"] * (size - len(profiles))
    rng.shuffle(profiles)
    return profiles


def _at(day: datetime | date, rng: random.Random) -> datetime:
    """A time in the working day on ``day``."""
    day = day.date() if isinstance(day, datetime) else day
    seconds = rng.randint(9 * 3600, 17 * 3600)
    return datetime.combine(day, time(), UTC) + timedelta(seconds=seconds)


def _days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(days=rng.uniform(low, max(low, high)))


def plan(learners: int, today: date, now: datetime, seed: int = 2026) -> Plan:
    rng = random.Random(seed)
    groups = cohorts(max(3, round(learners / LEARNERS_PER_COHORT)), today)
    assessors = max(3, math.ceil(learners / LEARNERS_PER_ASSESSOR))
    iqas = max(2, math.ceil(assessors / ASSESSORS_PER_IQA))
    members = [[i for i in range(learners) if i * len(groups) // learners == k] for k in
               range(len(groups))]  # fmt: skip
    plans: list[LearnerPlan] = []
    for cohort, indexes in zip(groups, members, strict=True):
        profiles = _profiles(len(indexes), cohort.age(today), rng)
        for index, profile in zip(indexes, profiles, strict=True):
            plans.append(_learner(index, cohort, profile, assessors, iqas, now, rng))
    _share_out_evidence(plans, learners * EVIDENCE_PER_LEARNER)
    plans.sort(key=lambda p: p.index)
    return Plan(groups, assessors, iqas, plans)


def _learner(index, cohort: CohortPlan, profile, assessors, iqas, now, rng) -> LearnerPlan:
    start = _at(cohort.start_date + timedelta(days=rng.randint(0, 10)), rng)
    elapsed = (now - start).days
    pace = rng.uniform(0.6, 1.3)
    assessor = index % assessors
    if profile == "not_started" and index % 3 == 0:
        assessor = None  # newly enrolled: no assessor given yet
    learner = LearnerPlan(
        index=index,
        cohort=cohort.index,
        profile=profile,
        assessor=assessor,
        iqa=index % iqas,
        start=start,
        last_activity=start,
        active_until=now,
        review_cutoff=now,
        reach=0.0,
        drafts=0,
        pace=pace,
    )
    if profile == "not_started":
        learner.drafts = rng.choice((0, 0, 1, 2))
        learner.first_versions = learner.drafts
        learner.last_activity = max(start, now - _days(rng, 0, 20))
        learner.reach = 0.1
        return learner
    if profile == "in_progress":
        learner.last_activity = max(start + timedelta(days=3), now - _days(rng, 0, 10))
        learner.review_cutoff = now - _days(rng, 0, 7)
        learner.drafts = rng.choice((0, 1, 1, 2, 3))
    elif profile == "stalled":
        gap = _days(rng, 35, min(120, elapsed - 10))
        learner.last_activity = max(start + timedelta(days=5), now - gap)
        learner.active_until = learner.last_activity
        if rng.random() < 0.3:  # and the assessor has work of theirs waiting since then
            learner.review_cutoff = learner.last_activity - _days(rng, 3, 15)
        learner.drafts = rng.choice((0, 0, 1))
    elif profile == "withdrawn":
        learner.last_activity = max(start + timedelta(days=10), now - _days(rng, 20, 100))
        learner.active_until = learner.last_activity
        learner.withdrawn_on = min((learner.last_activity + _days(rng, 7, 30)).date(), now.date())
        learner.review_cutoff = datetime.combine(learner.withdrawn_on, time(), UTC)
        learner.drafts = rng.choice((0, 1))
    else:  # signed off: everything assessed, then signed
        learner.active_until = now - _days(rng, 10, min(120, elapsed - 200))
        learner.last_activity = learner.active_until - _days(rng, 0, 5)
        learner.review_cutoff = now - timedelta(days=1)
        learner.reach = 1.0
        return learner
    window = (learner.last_activity - start).days
    learner.reach = min(max(pace * window / PLANNED_DAYS, 0.1), 1.0)
    return learner


def _share_out_evidence(plans: list[LearnerPlan], total: int) -> None:
    """First versions for each learner in proportion to how long and how fast they worked,
    scaled so that with drafts and corrections the set holds about ``total`` evidence rows."""
    working = [p for p in plans if p.profile != "not_started"]
    fixed = sum(p.first_versions for p in plans if p.profile == "not_started")
    weights = {p.index: max((p.last_activity - p.start).days, 3) * p.pace for p in working}
    wanted = (total - fixed) / (1 + CORRECTION_RATE)
    scale = wanted / max(sum(weights.values()), 1)
    for _ in range(3):  # rounding and the limits move the sum: correct the scale twice
        for p in working:
            low = 15 if p.profile == "signed_off" else 3
            p.first_versions = min(max(round(weights[p.index] * scale), low), 150)
            p.drafts = min(p.drafts, p.first_versions - 1)
        got = sum(p.first_versions for p in working)
        scale *= wanted / max(got, 1)
