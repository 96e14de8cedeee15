"""What the demo's learners and assessors write: each piece of evidence with its account, its
mappings and their justifications, its files, and the assessor's review of it.

The words are those of UK community co-productions (a mural with a youth panel, an oral
history exhibition with a tenants' association, a brass band workshop), written against the
seed standard's criteria. ``portfolios`` builds them through the services.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import Method
from . import media


@dataclass(frozen=True)
class Review:
    """The assessor's review: every mapping accepted and its criterion met unless it is
    ``rejected`` (code -> reason) or ``not_yet_met`` (code -> feedback in Markdown)."""

    feedback: dict[str, str] = field(default_factory=dict)
    not_yet_met: dict[str, str] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Piece:
    title: str
    weeks_ago: int
    method: Method
    account_md: str
    #: criterion code -> how this evidence shows it
    justifications: dict[str, str]
    files: tuple[Callable[[], media.DemoFile], ...] = ()
    review: Review | None = None
    #: where an assessor-led record took place
    context: str = ""


# ------------------------------------------------------------- Lee Learner: just started

LEE_FIRST_NOTES = Piece(
    title="First conversation with the Thursday reading group",
    weeks_ago=1,
    method=Method.REFLECTIVE_ACCOUNT,
    account_md="""\
I met the Thursday reading group at Brookfield Library to ask whether they would like to make
something with the arts centre this year.

- Eight members came; most have met every week for over ten years.
- They talked about the poems they have read aloud together and the places in town they
  remind them of.
- **Idea so far:** a poetry trail from the library to the canal, with their own poems.

Still to do: find out what the library and the arts centre can each put in, and write up
what the group expects from us.
""",
    justifications={
        "PC1": "A poetry trail made with the reading group fits the arts centre's remit: "
        "literature, local heritage and work with the library.",
    },
)


# ----------------------------------------------------------- Leah Learner: mid-way through


def _ideas_wall() -> media.DemoFile:
    return media.workshop_photo(
        "youth-panel-ideas-wall.jpg",
        "Eastfield Park mural: our ideas",
        [
            "the old boating lake",
            "bees and wildflowers",
            "the 1960s lido",
            "the Saturday market",
            "no faces of real people!",
        ],
    )


LEAH_YOUTH_PANEL = Piece(
    title="First meeting with the Eastfield Youth Panel",
    weeks_ago=10,
    method=Method.REFLECTIVE_ACCOUNT,
    account_md="""\
## What happened

The Friends of Eastfield Park asked the arts centre whether young people could help brighten
the wall of the park café, which is tagged most weeks. I suggested a mural **designed with**
the Eastfield Youth Panel rather than one we commission for them.

I met the panel (nine young people aged 14 to 19, and their youth worker, Dev) at the
community hall. Before talking about the mural I asked what they wanted from working with us;
they wanted:

1. to be paid or credited properly, not "consulted";
2. to choose the artist with us;
3. to know early what we could **not** do (they remembered a skate park promised and never
   built).

I was open that the arts centre can fund an artist and materials but not the council's
permission for the wall. We wrote their ideas on the flip chart (photo).

## What I learned

Taking the first hour for expectations, not ideas, changed the meeting: the panel started to
treat it as their project.
""",
    justifications={
        "PC1": "I saw that the Friends' request fell within the arts centre's remit (public "
        "art and youth participation) and proposed it as a co-production.",
        "PC2": "I spent the first hour of the meeting on what the panel expected of us and "
        "what we expected of them, before any design talk.",
        "PC3": "The panel and Dev set the objectives (credit, choosing the artist) and the "
        "format (a mural designed in four sessions).",
        "PC5": "I explained what the arts centre can and cannot commit to.",
        "K1": "The account explains why a mural designed with the panel is better for them, "
        "the park and us than one we commission.",
        "K3": "I describe why clarifying expectations mattered after the skate park.",
    },
    files=(_ideas_wall,),
    review=Review(
        feedback={
            "PC2": "A clear example: you gave expectations real time and wrote down what "
            "the panel said.",
            "K3": "Good use of the skate park story to show why this matters.",
        },
        rejected={
            "PC5": "This meeting shows you explaining limits to the panel, but not checking "
            "that the arts centre's own responsibilities (insurance, the council's permission "
            "for the wall, safeguarding) can be met. Map PC5 to evidence of that check.",
        },
    ),
)


LEAH_VOICE_NOTE = Piece(
    title="Voice note after the walk-round with the Friends of Eastfield Park",
    weeks_ago=9,
    method=Method.REFLECTIVE_ACCOUNT,
    account_md="""\
I recorded this voice note on my phone in the car park straight after walking the park with
Maureen and Jim from the Friends of Eastfield Park and Dev from the youth panel.

What I say in it:

- the Friends and the panel want different things: the Friends want a "nice" heritage scene,
  the panel want their own designs, and I can see this becoming a disagreement;
- I will suggest the panel's designs *use* the park's history (the lido, the boating lake),
  so both groups see themselves in it;
- Jim knows the council's parks officer and will introduce me; working through the Friends
  gives us a partner the council already trusts.
""",
    justifications={
        "PC7": "I spotted the likely disagreement between the Friends and the panel early and "
        "planned how to raise it with Dev and Maureen before the first design session.",
        "K2": "I explain how the partnership with the Friends helps the arts centre (their "
        "link to the council) and the community (a café wall they care about).",
    },
    files=(lambda: media.voice_note("walk-round-voice-note.wav"),),
    review=Review(
        feedback={
            "PC7": "You named the problem before it happened and said how you would raise it. "
            "Keep a note of how the conversation with Maureen goes.",
        }
    ),
)


def _mural_plan() -> media.DemoFile:
    return media.scanned_letter(
        "mural-project-plan.pdf",
        "Eastfield Park mural: project plan",
        [
            "Partners: Eastfield Arts Centre, Eastfield Youth Panel, Friends of Eastfield Park.",
            "Deliverables: a 12 metre mural on the park café wall, designed by the youth panel "
            "with a commissioned artist in four workshops, painted over two weekends, and "
            "finished with an anti-graffiti coat.",
            "Timescale: artist chosen by the panel in week 2; design workshops in weeks 3 to 6; "
            "council approval of the design by week 8; painting in weeks 10 and 11; unveiling "
            "at the park's summer fair.",
            "Roles: the arts centre contracts and pays the artist and buys materials; the "
            "panel designs and paints; the Friends host the sessions in the café and liaise "
            "with the council's parks team.",
            "Budget: £3,200 from the arts centre's participation fund.",
        ],
        [("Leah Learner", "Eastfield Arts Centre"), ("Dev Mistry", "Eastfield Youth Panel")],
    )


def mural_budget() -> media.DemoFile:
    return media.scanned_letter(
        "mural-budget-agreed.pdf",
        "Eastfield Park mural: budget as agreed",
        [
            "Artist's fees, 6 days at £250: £1,500. Youth panel vouchers, 9 people: £450.",
            "Paint, primer and anti-graffiti coat: £520. Scaffold tower hire, 2 weekends: £380.",
            "Refreshments for 6 sessions: £150. Contingency (about 6%): £200. Total: £3,200.",
            "Agreed at the planning meeting of the Friends of Eastfield Park. The council's "
            "parks officer confirmed by email that the parks team will clean and prepare the "
            "wall at no cost to the project.",
        ],
        [("Leah Learner", "Eastfield Arts Centre"), ("Maureen Hall", "Friends of Eastfield Park")],
    )


PC4_FEEDBACK = """\
The timescale and deliverables are clear, and the panel's signature shows they agreed them.
What is missing for **PC4** is the **budget**:

- the plan gives a total (£3,200) but not what it is made of;
- nothing shows that the Friends of Eastfield Park or the council's parks team agreed it,
  and the Friends are hosting the sessions.

**To put it right:** add a breakdown (artist's fees, the panel's vouchers, materials, scaffold
hire, refreshments, contingency) and evidence of who agreed it, such as the minutes or an
email, then resubmit this evidence as a new version.
"""

LEAH_PROJECT_PLAN = Piece(
    title="Project plan for the Eastfield Park mural",
    weeks_ago=6,
    method=Method.PRODUCT,
    account_md="""\
The attached plan was agreed with the youth panel at our second meeting and signed by Dev
for the panel. I wrote it in the arts centre's project plan template so that our programme
manager could approve it.

It sets out the deliverables, the timescale leading to the unveiling at the summer fair, who
does what, and the budget.
""",
    justifications={
        "PC4": "The plan sets realistic timescales and deliverables and the budget, agreed with "
        "the youth panel.",
        "PC6": "The plan records roles, deliverables, time and budget in the arts centre's "
        "template, approved by our programme manager.",
        "K8": "Writing the plan meant negotiating who does what: the panel wanted to paint "
        "everything themselves, and we agreed the artist would prime and outline.",
    },
    files=(_mural_plan,),
    review=Review(
        feedback={
            "K8": "The note about negotiating who paints what shows this well.",
        },
        not_yet_met={"PC4": PC4_FEEDBACK},
    ),
)

#: what Leah adds to the plan for version 2, with mural_budget() as a second PDF
LEAH_PLAN_CORRECTION = """

## Version 2: the budget

Following my assessor's feedback I have added the budget breakdown (second PDF). I took it
to the Friends' planning meeting, where it was agreed and minuted, and the council's parks
officer confirmed by email that the parks team will prepare the wall at no cost to us.
"""
LEAH_PC4_CORRECTED = (
    "The plan sets the timescale and deliverables agreed with the youth panel; the budget "
    "breakdown (£3,200) was agreed at the Friends' planning meeting and the parks team's "
    "contribution confirmed by the council."
)

LEAH_OBSERVATION = Piece(
    title="Observation: mural design session with the youth panel",
    weeks_ago=2,
    method=Method.OBSERVATION,
    context="Eastfield Community Hall",
    account_md="""\
I observed the third design workshop (two hours, seven panel members, the artist and Dev).

- Leah opened with a five-minute update: the council had approved the wall, the scaffold was
  booked, and the one action still open (the Friends' key to the café) was Maureen's.
- When two panel members disagreed about including the lido, Leah helped them find a way to
  use both designs and checked with Dev that the plan still fitted the hours agreed.
- She explained the council's rules on wording to a panel member who wanted to add a slogan,
  and offered to help draft the request to the parks officer.
""",
    justifications={
        "PC9": "Leah updated the panel on the progress of every action, hers and others'.",
        "PC10": "She advised a panel member on the council's rules and offered help with the "
        "request: support within the arts centre's remit.",
        "K12": "Her update shows she knows how to keep the panel informed of progress.",
    },
)


# ------------------------------------------------------- Luis Learner: signed off, complete


def _tenants_hall() -> media.DemoFile:
    return media.workshop_photo(
        "riverside-voices-first-meeting.jpg",
        "Riverside Voices: what should it say?",
        [
            "50 years of the estate",
            "the 1987 rent strike",
            "the community garden",
            "our own words, our own voices",
        ],
        accent=(0, 112, 60),
    )


def _letter_of_agreement() -> media.DemoFile:
    return media.scanned_letter(
        "letter-of-agreement-riverside-voices.pdf",
        "Letter of agreement: Riverside Voices",
        [
            "This letter records what Riverside Museum and Riverside Tenants' Association (RTA) "
            "have agreed about Riverside Voices, an exhibition of residents' memories marking "
            "the estate's fiftieth year.",
            "The museum will: train six RTA volunteers in oral history recording; lend recording "
            "equipment; design, install and insure the exhibition in the community gallery for "
            "three months; pay volunteers' travel and refreshments.",
            "The RTA will: recruit residents to be interviewed; host recording days at "
            "Riverside Community Centre; approve every quotation used.",
            "Residents keep the copyright in their recordings and licence them to the museum "
            "for the exhibition and its archive. Either party may withdraw a recording.",
            "Budget: £6,500 from the museum's community programme. Timescale: recording from "
            "March, opening in July.",
        ],
        [("Luis Learner", "Riverside Museum"), ("Marjorie Okafor", "Riverside Tenants' Assoc.")],
    )


def _exhibition_opening() -> media.DemoFile:
    return media.workshop_photo(
        "riverside-voices-feedback-wall.jpg",
        "Riverside Voices: tell us what you think",
        [
            '"I heard my mum\'s voice again"',
            "more about the garden please",
            "do it again for the new flats",
            "volunteers want to keep recording",
        ],
        accent=(212, 53, 28),
    )


LUIS_OPPORTUNITY = Piece(
    title="Finding the Riverside Voices opportunity",
    weeks_ago=18,
    method=Method.REFLECTIVE_ACCOUNT,
    account_md="""\
Riverside estate turns fifty this year. At the museum's community forum Marjorie Okafor,
chair of Riverside Tenants' Association (RTA), said residents felt their history was told by
others. Our community programme exists for exactly this, so I proposed an oral history
exhibition made **with** the RTA.

I met the RTA committee twice before anything was planned:

- first to listen: what they hoped for (residents' own words, the 1987 rent strike told
  properly) and what worried them (the museum "taking" their stories);
- then to say what the museum hoped for and could offer, and to agree the aim together:
  *an exhibition of residents' memories, in their own voices, opening in the community
  gallery for the anniversary*.

Partnership helps us both: the RTA reaches residents we never have, and we bring recording
skills, a gallery and an archive.
""",
    justifications={
        "PC1": "I identified the anniversary as a co-production within the museum's community "
        "programme remit.",
        "PC2": "Two meetings before any planning: the first only to hear the RTA's hopes and "
        "worries, the second for ours.",
        "PC3": "The aim and the format (oral history recordings, a gallery exhibition) were "
        "agreed with the RTA committee.",
        "K1": "I explain why an exhibition made with residents matters more than one about them.",
        "K2": "I set out what each partner brings and how the partnership serves both.",
        "K3": "The RTA's worry about the museum taking their stories shows why expectations "
        "had to be clarified first.",
    },
    files=(_tenants_hall,),
    review=Review(
        feedback={
            "PC2": "Separating listening from planning is exactly the time this criterion asks "
            "for.",
        }
    ),
)

LUIS_AGREEMENT = Piece(
    title="Letter of agreement with Riverside Tenants' Association",
    weeks_ago=15,
    method=Method.PRODUCT,
    account_md="""\
The attached letter of agreement was signed by Marjorie for the RTA and by me for the museum.

Before drafting it I checked with our registrar that the museum could insure the exhibition
and store the recordings, and with our finance officer that the £6,500 was available. Because
residents own their recordings, I asked the council's legal team, who advise the museum on
contracts, for the licence wording; the RTA had the draft read by the Citizens Advice
volunteer they use.

The letter rather than a contract was right here: no money passes to the RTA, and both sides
wanted something short they could read aloud at the committee.
""",
    justifications={
        "PC4": "The letter records the timescale, deliverables and budget agreed with the RTA.",
        "PC5": "I checked with the registrar and the finance officer that the museum's "
        "responsibilities (insurance, storage, budget) could be met before we signed.",
        "PC6": "The letter formalises roles, deliverables, time and budget, with the licence "
        "wording from the council's legal team.",
        "K5": "The letter says what the museum will and will not do (it does not pay "
        "interviewees).",
        "K7": "I explain why a letter of agreement, not a contract, suited this partnership, "
        "and how it protects residents' rights in their recordings.",
        "K10": "I went to the council's legal team; the RTA went to Citizens Advice.",
    },
    files=(_letter_of_agreement,),
    review=Review(),
)

LUIS_PLANNING = Piece(
    title="Project plan, risk log and briefing my colleagues",
    weeks_ago=13,
    method=Method.PRODUCT,
    account_md="""\
## The plan

I used a simple Gantt chart (recording in March and April, editing in May, design in June,
opening in July) and a strengths and weaknesses table for both partners: the RTA's strength
is trust on the estate; its weakness, a committee of volunteers with little time. Ours is the
reverse.

## The risk log

| Risk | What I did |
| --- | --- |
| Residents withdraw recordings late | Agreed a cut-off with the RTA, four weeks before opening |
| Disagreement about the rent strike panel | Raised it with Marjorie early; the RTA chose |
| Volunteers drop out | Trained eight for six places |

## Briefing colleagues

I briefed the learning team, marketing (so the publicity used residents' words, approved by
the RTA), the front-of-house manager and the finance officer, at the monthly programme
meeting and by email after it.
""",
    justifications={
        "PC7": "The risk log shows problems anticipated and shared with Marjorie early.",
        "PC8": "I briefed learning, marketing, front of house and finance at the programme "
        "meeting.",
        "K4": "The Gantt chart and the strengths and weaknesses table for both partners.",
        "K6": "I name who I briefed about budget, marketing and delivery, and why each.",
        "K8": "The plan divides the work between the partners as negotiated.",
        "K9": "The risk log covers the disagreements likely in this partnership.",
        "K11": "The plan and briefings show the project and time management it needed.",
    },
    review=Review(),
)

LUIS_OBSERVATION = Piece(
    title="Observation: oral history recording day",
    weeks_ago=9,
    method=Method.OBSERVATION,
    context="Riverside Community Centre",
    account_md="""\
I observed the second recording day (10am to 3pm, four volunteers, seven residents).

- Luis opened with an update for the RTA committee members present: how many recordings were
  done, which actions were his and which the RTA's, and what was late (the room booking for
  May, which he had already chased).
- A volunteer was unsure how to handle a resident who became upset; Luis advised pausing the
  recording and explained the museum's wellbeing guidance, which the RTA could use too.
- He kept to time and budget for the day.
""",
    justifications={
        "PC9": "Luis updated the RTA on progress with every action, his and the RTA's.",
        "PC10": "He advised a volunteer and shared the museum's wellbeing guidance.",
        "K12": "His update shows how he keeps community stakeholders informed.",
    },
    review=Review(),
)

LUIS_OPENING = Piece(
    title="Exhibition opening, evaluation and what happens next",
    weeks_ago=3,
    method=Method.REFLECTIVE_ACCOUNT,
    account_md="""\
Riverside Voices opened on time, in the week of the anniversary, within budget (£6,340 of
£6,500). 140 people came to the opening, most from the estate.

## Feedback

We asked for feedback three ways: a feedback wall at the opening (photo), a short survey, and
a review meeting with the RTA committee and the volunteers. What we heard:

- residents valued hearing their own and their neighbours' voices;
- they wanted more about the community garden;
- the volunteers want to keep recording.

## What happens next

With the RTA I set up a standing monthly "Riverside Voices" group that the volunteers run,
with museum recording kit on loan and a named contact (me). The RTA committee agreed it and
the museum's head of learning approved the kit loan. I have given the committee written
feedback on what worked in the partnership and asked for theirs; their main point (tell us
sooner when dates slip) is now in our community programme guidelines.
""",
    justifications={
        "PC11": "The exhibition opened on the agreed date, within budget.",
        "PC12": "The monthly volunteer-run group, with kit on loan and a named contact.",
        "PC13": "Feedback from the wall, the survey and the review meeting, used for the next "
        "phase.",
        "K13": "I describe the process for ongoing collaboration and how I gained the RTA's and "
        "the museum's agreement to it.",
        "K14": "Feedback given to and received from the committee, and how we used it.",
    },
    files=(_exhibition_opening,),
    review=Review(
        feedback={"PC13": "Three ways of asking, and you used what you heard. Well done."}
    ),
)

LUIS_PIECES = (LUIS_OPPORTUNITY, LUIS_AGREEMENT, LUIS_PLANNING, LUIS_OPENING)


# ------------------------------------------------ Nell Learner at Northern Arts Training


def _band_room() -> media.DemoFile:
    return media.workshop_photo(
        "band-room-planning.jpg",
        "Millbeck Band and the school",
        [
            "a concert for the band's 150th",
            "children write a march",
            "band members as mentors",
        ],
        accent=(120, 40, 140),
    )


NELL_BAND = Piece(
    title="Planning a schools project with Millbeck Colliery Band",
    weeks_ago=4,
    method=Method.REFLECTIVE_ACCOUNT,
    account_md="""\
Millbeck Colliery Band is 150 next year and wants young players. I met the band committee in
their band room with the head of Millbeck Primary to see whether a co-production could work:
pupils composing a march with band members as mentors, performed at the anniversary concert.

We agreed the aim and the shape (six after-school sessions, then the concert) and that the
band, not the arts trust, chooses the mentors.
""",
    justifications={
        "PC1": "A schools composing project fits our trust's remit for music in the community.",
        "PC3": "The band committee and the head teacher agreed the aim and the format with me.",
        "K1": "I explain what the band, the school and the trust each gain from making it "
        "together.",
    },
    files=(_band_room,),
)
