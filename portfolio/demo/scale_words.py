"""What the scale test's people are called and what their evidence says: names, partners,
projects and places of UK community co-productions, combined per learner so every portfolio
reads like one project, with titles and accounts that follow the project from first meeting to
evaluation.

Everything is drawn from a ``random.Random`` the caller seeds, so the same learner gets the same
words on every run.
"""

import random
from dataclasses import dataclass

from ..models import Method

FIRST_NAMES = (
    "Aaliyah Abdul Adam Aisha Alfie Amara Amelia Anil Ava Ben Bethan Callum Chloe Ciaran "
    "Connor Daniel Deepa Dylan Eilidh Elif Ella Emeka Emily Ethan Fatima Finley Freya Gareth "
    "George Grace Hamza Hannah Harry Isla Jack Jacob Jade Jasmine Jay Joel Kai Kayleigh Kieran "
    "Lauren Leon Lily Liam Lucy Maisie Marcus Maria Mason Megan Mia Mohammed Nadia Nathan Niamh "
    "Noah Olivia Oscar Owen Priya Rhys Rosie Ruby Ryan Saanvi Sam Sara Seren Sophie Tariq Tom "
    "Toby Wiktoria Yusuf Zainab Zara"
).split()
SURNAMES = (
    "Abbott Ahmed Akhtar Allen Anderson Atkinson Bailey Baker Begum Bell Bennett Brown Campbell "
    "Carter Chen Clarke Collins Cooper Davies Doherty Edwards Evans Fisher Fraser Gallagher "
    "Green Griffiths Hall Harris Hughes Hussain Jackson James Jenkins Johnson Jones Kaur Kelly "
    "Khan King Kowalski Lewis Lloyd MacDonald Martin Mensah Mitchell Morgan Murphy Nowak "
    "O'Brien Okafor Owen Parker Patel Phillips Price Quinn Rahman Reid Roberts Robinson Scott "
    "Shah Singh Smith Stewart Taylor Thomas Thompson Turner Walker Watson White Williams Wilson "
    "Wood Wright Young"
).split()

PARTNERS = (
    "the Brookfield Library reading group",
    "Eastfield youth panel",
    "Riverside Tenants' Association",
    "Millbeck Colliery Band",
    "St Anne's Primary School",
    "the Friends of Eastfield Park",
    "Hollins Road women's group",
    "Kingsway care home residents",
    "the Canal Trust volunteers",
    "the Polish Saturday school",
    "Northgate allotment society",
    "the Deaf community centre",
    "Harbour Street refugee welcome group",
    "Oakwood men's shed",
    "the Caribbean elders' lunch club",
    "Greenhill young carers",
)
PROJECTS = (
    "community mural",
    "oral history exhibition",
    "poetry trail",
    "street festival",
    "anniversary concert",
    "heritage walk",
    "podcast series",
    "community garden opening",
    "dance showcase",
    "photography exhibition",
    "shadow puppet show",
    "lantern parade",
    "film screening night",
    "storytelling festival",
)
PLACES = (
    "the community hall",
    "the library",
    "the arts centre studio",
    "the tenants' association office",
    "the school hall",
    "the park pavilion",
    "the museum's learning room",
    "the church hall",
    "the band room",
    "the youth club",
)
WITNESSES = ("the group's chair", "the centre manager", "the volunteer coordinator",
             "the head teacher", "the project's lead artist")  # fmt: skip

#: what the project is doing at each point of its life, early to late
PHASES = (
    ("first conversation", "finding out what", "an idea for"),
    ("agreeing aims", "clarifying what each side expects from", "the aims of"),
    ("planning", "planning the timescale and budget of", "the plan for"),
    ("agreement", "formalising roles and responsibilities for", "the agreement for"),
    ("briefing colleagues", "briefing marketing and finance about", "the briefing on"),
    ("delivery", "delivering", "the delivery of"),
    ("keeping partners updated", "updating our partners on", "progress on"),
    ("evaluation", "gathering feedback on", "what we learnt from"),
)

PRODUCTS = (
    "Project plan for the {project}",
    "Risk log for the {project}",
    "Budget for the {project}",
    "Letter of agreement with {partner}",
    "Minutes of the {project} planning meeting",
    "Publicity flyer for the {project}",
    "Briefing note to colleagues about the {project}",
    "Evaluation report on the {project}",
)
DISCUSSION_TOPICS = (
    "what co-production means for our organisation",
    "when a letter of agreement is needed",
    "handling disagreements with partners",
    "keeping community stakeholders informed",
    "giving and receiving feedback",
    "what we can and cannot deliver",
)
PRIOR_LEARNING = (
    "community engagement module at college",
    "volunteer coordinator role at the food bank",
    "youth work level 3 certificate",
)
REJECTIONS = (
    "This evidence does not show {code}: it describes the plan, not what you did. Map it to "
    "the criteria it shows.",
    "I can't see {code} here. Say where in the evidence it is, or map other evidence to it.",
    "{code} needs evidence of your own part; this records what the group decided.",
)
NOT_YET_MET = (
    "Not yet: tell me **who** you agreed this with and **how** it was recorded, then resubmit.",
    "This is a good start. Add what happened afterwards and what you would change, then "
    "resubmit this evidence as a new version.",
    "The evidence shows the plan but not that it was agreed. Add the minutes or an email "
    "confirming it.",
    "Say how you checked this with your organisation's procedures and who you consulted.",
)
MET_FEEDBACK = (
    "",
    "",
    "Clear and well evidenced.",
    "Good: the partners' own words make this convincing.",
    "Well done: this shows it in practice, not just in the plan.",
)
CORRECTION = (
    "\n\n## Version 2\n\nFollowing my assessor's feedback I have added who agreed it and the "
    "notes of the meeting where it was agreed."
)
WITHDRAWAL_REASONS = (
    "Left the organisation for a job elsewhere.",
    "Personal circumstances: may return to a later cohort.",
    "Moved away from the area.",
    "Changed role: no longer works with community groups.",
)


@dataclass(frozen=True)
class Piece:
    title: str
    method: Method
    account_md: str
    context: str = ""


@dataclass(frozen=True)
class Project:
    """One learner's co-production: who with, what, and where."""

    partner: str
    project: str
    place: str

    def piece(self, rng: random.Random, phase: float, assessor_led: bool) -> Piece:
        """A piece of evidence from ``phase`` (0 to 1) of the project's life."""
        name, doing, about = PHASES[min(int(phase * len(PHASES)), len(PHASES) - 1)]
        words = {"partner": self.partner, "project": self.project, "place": self.place}
        if assessor_led:
            method = rng.choice(
                (
                    Method.OBSERVATION,
                    Method.OBSERVATION,
                    Method.PROFESSIONAL_DISCUSSION,
                    Method.QUESTIONING,
                )  # fmt: skip
            )
            if method == Method.OBSERVATION:
                title = f"Observation: {name} with {self.partner}"
            else:
                kind = "Questioning" if method == Method.QUESTIONING else "Professional discussion"
                title = f"{kind}: {rng.choice(DISCUSSION_TOPICS)}"
            account = (
                f"I observed or discussed with the learner their work {doing} the {self.project} "
                f"with {self.partner}, at {self.place}.\n\n- What they did and said\n"
                f"- How the group responded\n- What they would do differently next time"
            )
            return Piece(title[:200], method, account, context=self.place.capitalize())
        roll = rng.random()
        if roll < 0.45:
            method = Method.REFLECTIVE_ACCOUNT
            title = f"Reflective account: {name} with {self.partner}"
        elif roll < 0.8:
            method = Method.PRODUCT
            title = rng.choice(PRODUCTS).format(**words)
        elif roll < 0.95:
            method = Method.WITNESS_TESTIMONY
            title = f"Witness statement from {rng.choice(WITNESSES)}, {self.partner}"
        else:
            method = Method.RECOGNITION_OF_PRIOR_LEARNING
            title = f"Prior learning: {rng.choice(PRIOR_LEARNING)}"
        account = (
            f"This records my work {doing} the {self.project} with {self.partner}.\n\n"
            f"We met at {self.place}. {rng.choice(ACCOUNT_MIDDLES).format(**words)}\n\n"
            f"**What I learnt:** {rng.choice(ACCOUNT_LESSONS)}"
        )
        return Piece(title[:200], method, account)


ACCOUNT_MIDDLES = (
    "I listened first, then we agreed what {partner} wanted from the {project}.",
    "Seven people came; we wrote every idea on the flip chart and voted with stickers.",
    "I brought the draft plan and we changed the dates so the school holidays were avoided.",
    "The group chose the title themselves, and I checked the budget with our finance officer.",
    "Two members disagreed about the route, so we walked both and chose together.",
)
ACCOUNT_LESSONS = (
    "asking before planning saves time later.",
    "write down who agreed what, on the day.",
    "the group knows its own community better than we do.",
    "small changes to the plan keep people on board.",
)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def project(rng: random.Random) -> Project:
    return Project(rng.choice(PARTNERS), rng.choice(PROJECTS), rng.choice(PLACES))


def justification(rng: random.Random, criterion, project: Project) -> str:
    """How this evidence shows ``criterion``, in the learner's words."""
    words = criterion.text.split()
    clause = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    lead = "This shows how I" if criterion.kind.value == "performance" else "I explain"
    return f"{lead} {clause}, for the {project.project} with {project.partner}."
