"""The NOS importer reads text as providers find it published, however messy, into exact data."""

from pathlib import Path

import pytest

from portfolio.standards.datafile import read_standard_file
from portfolio.standards.importer import NosImportError, import_nos

SEED = Path("/work/shared/seeds/nos-develop-deliver-coproductions.txt")
DATA = Path(__file__).resolve().parent / "data" / "nos"
CRITERIA = Path(__file__).resolve().parent.parent / "criteria"
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "‚Äč", "â€"]

PC1 = "identify opportunities for co-productions that fall within the remit of your organisation"
PC13 = (
    "gain feedback from community representatives and community members at appropriate times "
    "to inform future approaches to co-productions"
)
PC6 = (
    "document and formalise roles, responsibilities, deliverables, time, and budget for "
    "co-productions in line with your organisation's procedures, consulting with contractual "
    "specialists when required"
)
K1 = "the importance and benefits of co-productions"
K13 = "processes to encourage ongoing collaboration and how to gain agreement and support for them"
K14 = (
    "why it is important to give and receive constructive feedback, and how to make use of feedback"
)


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def texts(data) -> dict[str, str]:
    return {c.code: c.text for c in data.performance_criteria + data.knowledge_items}


def everything(data) -> str:
    return data.model_dump_json()


def test_the_seed_imports_to_exactly_13_criteria_and_14_knowledge_items():
    data = import_nos(seed_bytes())

    assert [c.code for c in data.performance_criteria] == [f"PC{n}" for n in range(1, 14)]
    assert [c.code for c in data.knowledge_items] == [f"K{n}" for n in range(1, 15)]
    found = texts(data)
    assert found["PC1"] == PC1
    assert found["PC6"] == PC6
    assert found["PC13"] == PC13
    assert found["K1"] == K1
    assert found["K13"] == K13
    assert found["K14"] == K14


def test_no_encoding_debris_reaches_the_data():
    serialised = import_nos(seed_bytes()).model_dump_json(indent=None)
    decoded = import_nos(seed_bytes()).model_dump()
    for debris in INVISIBLE:
        assert debris not in str(decoded), repr(debris)
    assert "\\u200b" not in serialised
    assert import_nos(seed_bytes()).overview.startswith("This standard is about developing")


def test_the_seed_metadata_and_trailing_sections_are_read():
    data = import_nos(seed_bytes())
    assert data.title == (
        "Develop and deliver co-productions with communities for a creative or cultural "
        "organisation"
    )
    assert data.suite == "Cultural Heritage"
    assert data.developed_by == "Creative & Cultural Skills"
    assert data.approved_on.isoformat() == "2022-03-30"
    assert data.indicative_review_date.isoformat() == "2026-03-30"
    assert data.keywords == [
        "partnerships", "relationships", "collaboration", "cultural heritage",
        "creative organisation", "community", "community groups", "co-production",
    ]  # fmt: skip
    assert data.relevant_occupations[:3] == [
        "Archaeology and Archaeological Sciences",
        "Artistic and Literary Occupations",
        "Arts, Media and Publishing",
    ]
    assert data.sections == {"Originating Organisation": "Creative and Cultural Skills"}
    assert data.overview.count("\n\n") == 2  # three paragraphs, as published


def test_a_seed_without_urn_or_version_gets_the_documented_defaults():
    data = import_nos(seed_bytes())
    assert data.version == "1"
    assert data.urn.startswith("PROV-") and len(data.urn) == 13
    assert import_nos(seed_bytes()).urn == data.urn  # stable from run to run
    chosen = import_nos(seed_bytes(), urn="CCSCH99", version="2")
    assert (chosen.urn, chosen.version) == ("CCSCH99", "2")


def test_the_shipped_data_file_has_exactly_the_imported_criteria():
    shipped = read_standard_file(next(CRITERIA.glob("*.yaml")))
    imported = import_nos(seed_bytes())
    assert shipped.performance_criteria == imported.performance_criteria
    assert shipped.knowledge_items == imported.knowledge_items
    assert (shipped.title, shipped.urn, shipped.version) == (
        imported.title, imported.urn, imported.version,
    )  # fmt: skip


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "CRLF", "BOM and CRLF", "UTF-16"],
)
def test_the_seed_reads_the_same_in_any_common_encoding(encode):
    expected = import_nos(seed_bytes())
    assert import_nos(encode(SEED.read_text(encoding="utf-8"))) == expected


def test_a_latin_1_file_with_windows_line_endings_keeps_its_accents():
    data = import_nos((DATA / "latin1.txt").read_bytes())
    assert data.title == "Prepare a café area for a heritage event"
    assert texts(data)["K1"] == "food hygiene rules for events, including the café's own rules"
    assert len(data.performance_criteria) == 2


def test_wrapped_items_blank_lines_and_mojibake_are_cleaned():
    data = import_nos((DATA / "wrapped.txt").read_bytes())
    found = texts(data)
    assert found["PC1"] == (
        "agree the purpose of the evaluation with the programme’s funders and partners"
    )
    assert found["PC3"] == (
        "collect feedback from participants, partners and colleagues, recording it in line with "
        "your organisation’s procedures"
    )
    assert found["K1"] == "the purpose of evaluation"
    assert found["K2"] == "different methods of evaluation, and when to use each"
    assert len(data.knowledge_items) == 3
    assert data.keywords == ["evaluation", "learning", "museums", "feedback"]
    assert data.overview == (
        "This standard is about evaluating learning programmes. It is for learning officers "
        "and managers."
    )
    for debris in INVISIBLE:
        assert debris not in everything(data)


def test_elements_subheadings_p_and_k_numbering_and_scope_are_read():
    data = import_nos((DATA / "elements.txt").read_bytes())

    assert [(c.code, c.group) for c in data.performance_criteria] == [
        ("PC1", "Plan tours"), ("PC2", "Plan tours"), ("PC3", "Plan tours"),
        ("PC4", "Deliver tours"), ("PC5", "Deliver tours"), ("PC6", "Deliver tours"),
    ]  # fmt: skip
    assert texts(data)["PC1"] == (
        "find out the needs and interests of the visitors booked on the tour"
    )
    assert [(c.code, c.group) for c in data.knowledge_items] == [
        ("K1", "The site and its collections"), ("K2", "The site and its collections"),
        ("K3", "Working with visitors"), ("K4", "Working with visitors"),
    ]  # fmt: skip
    assert texts(data)["K4"] == "your organisation's procedures for emergencies and lost visitors"
    assert (data.urn, data.version) == ("EXHS07", "3")
    assert data.sections["Scope Performance"] == (
        "Visitors: adults, children, school groups, visitors with access needs"
    )
    assert data.sections["Scope Knowledge"] == "Emergencies: fire, first aid, lost children"
    assert data.sections["Values"] == "Visitors are welcome whatever their background."
    assert data.sections["SOC Code"] == "2451"
    assert data.relevant_occupations == [
        "Curators", "Managers, Directors and Senior Officials", "Museum Assistants",
    ]  # fmt: skip
    assert data.keywords == ["heritage", "tours", "guiding", "visitors"]


def test_the_compact_website_layout_is_read():
    data = import_nos((DATA / "compact.txt").read_bytes())

    assert (data.urn, data.version) == ("EXCH12", "2")
    assert data.approved_on.isoformat() == "2023-05-02"
    # The numbered list in the overview is not criteria, and the quotes are gone.
    assert data.overview == (
        "This standard is about developing and running community workshops. It covers:\n"
        "1. workshops held in the museum\n"
        "2. workshops held in community venues\n"
        "It is for anyone who runs workshops with community groups."
    )
    found = texts(data)
    assert [c.code for c in data.performance_criteria] == ["PC1", "PC2", "PC3", "PC4", "PC5"]
    assert found["PC1"] == "agree the aims of the workshop with the community group"
    # A sub-list restarting at 1 after an item ending in ":" belongs to that item.
    assert found["PC2"] == (
        "identify the risks of the workshop to:\n1. participants\n2. staff and volunteers\n"
        "3. collections"
    )
    assert found["PC3"] == (
        "prepare the resources the workshop needs, including\n- handling objects\n"
        "- printed materials"
    )
    assert found["PC4"] == "run the workshop in line with your organisation's procedures"
    assert found["PC5"] == "gain feedback from participants"
    assert (
        found["K3"] == "the types of resources that support learning, such as:\n- objects\n- images"
    )
    assert len(data.knowledge_items) == 4
    assert data.keywords == ["workshops", "community", "learning", "museums"]


def test_compact_elements_without_blank_lines_are_still_groups():
    text = "\n".join([
        "Lead a guided walk", "Performance criteria", "You must be able to:",
        "Plan the walk", "P1 choose a route", "P2 check the weather forecast",
        "Lead the walk", "P3 brief the walkers on safety", "P4 keep the group together",
        "Knowledge and understanding", "You need to know and understand:",
        "K1 how to read a map", "K2 what to do if someone is hurt",
    ])  # fmt: skip
    data = import_nos(text)
    assert [c.group for c in data.performance_criteria] == [
        "Plan the walk", "Plan the walk", "Lead the walk", "Lead the walk",
    ]  # fmt: skip
    assert texts(data)["PC2"] == "check the weather forecast"


def test_knowledge_numbered_on_from_the_performance_criteria_is_read():
    text = (
        "A standard\nPerformance criteria\n1. do one thing\n2. do another\n"
        "Knowledge and understanding\n3. know one thing\n4. know another\n"
    )
    data = import_nos(text)
    assert [(c.code, c.text) for c in data.knowledge_items] == [
        ("K1", "know one thing"), ("K2", "know another"),
    ]  # fmt: skip


def test_a_wrapped_line_starting_with_a_number_stays_in_its_item():
    data = import_nos((DATA / "wrapped_numbers.txt").read_bytes())

    found = texts(data)
    assert [c.code for c in data.performance_criteria] == ["PC1", "PC2", "PC3", "PC4"]
    # "2 days" is the next item's number, "3 metres" the one after: neither starts an item.
    assert found["PC1"] == (
        "check the tyres, lights and mirrors every 2 days and before each journey"
    )
    assert found["PC2"] == "park the minibus at least 3 metres from the school gates"
    assert found["PC3"] == (
        "load wheelchairs using the lift, with no more than 12 kilograms on the platform rail"
    )
    assert found["K1"] == (
        "the legal limits on driving hours, which allow no more than 9 hours at the wheel in a day"
    )
    assert len(data.knowledge_items) == 2


def test_a_bare_number_in_the_compact_layout_is_wrapped_text_in_a_dotted_list():
    text = "\n".join([
        "Drive a forklift", "Performance criteria", "You must be able to:",
        '"1. check the truck at least', "2 times a day", "2. park the truck at least",
        '3 metres from any door"', "Knowledge and understanding",
        "You need to know and understand:", '"1. the controls"',
    ])  # fmt: skip
    data = import_nos(text)
    assert [c.text for c in data.performance_criteria] == [
        "check the truck at least 2 times a day",
        "park the truck at least 3 metres from any door",
    ]


def test_a_list_numbered_with_bare_numbers_is_read_by_number_and_indentation():
    data = import_nos((DATA / "bare_numbers.txt").read_bytes())

    assert [c.text for c in data.performance_criteria] == [
        "open and close the hall at the booked times",
        "check the fire exits are clear for 3 metres on each side",
        "report repairs to the committee",
    ]
    # Numbered on from the criteria, as older standards do.
    assert [c.text for c in data.knowledge_items] == [
        "the hall's booking rules", "where the keys are kept",
    ]  # fmt: skip


def test_a_bare_number_that_is_not_the_next_item_does_not_start_one():
    text = (
        "Store tools\nPerformance criteria\nP1 store tools in the locked cabinet\n"
        "P2 keep no more than\n40 blades in the sharps box\nP3 log what you store\n"
        "Knowledge and understanding\nK1 why tools are locked away\n"
    )
    data = import_nos(text)
    assert texts(data)["PC2"] == "keep no more than 40 blades in the sharps box"
    assert len(data.performance_criteria) == 3


def compact(performance: list[str], knowledge: list[str] | None = None) -> str:
    """A standard in the website's compact layout: no blank lines, each list in quotes."""

    def quoted(lines: list[str]) -> list[str]:
        return f'"{chr(10).join(lines)}"'.split(chr(10))

    return "\n".join(
        ["Serve customers in a shop", "URN: SHOP01", "Performance criteria", "You must be able to:"]
        + quoted(performance)
        + ["Knowledge and understanding", "You need to know and understand:"]
        + quoted(knowledge or ["1. how the till works"])
    )


def test_a_sub_list_reaching_the_next_items_number_does_not_swallow_that_item():
    data = import_nos(
        compact(
            ["1. greet customers", "2. find out what customers need by:", "1. asking questions",
             "2. listening carefully", "3. offer suitable products"],
            ["1. the shop's service standards", "2. how to handle complaints:", "1. listen",
             "2. apologise", "3. how to record complaints"],
        )
    )  # fmt: skip

    assert [c.text for c in data.performance_criteria] == [
        "greet customers",
        "find out what customers need by:\n1. asking questions\n2. listening carefully",
        "offer suitable products",
    ]
    assert [c.text for c in data.knowledge_items] == [
        "the shop's service standards",
        "how to handle complaints:\n1. listen\n2. apologise",
        "how to record complaints",
    ]


def test_a_sub_list_longer_than_the_tie_is_read_from_what_follows():
    data = import_nos(
        compact(["1. greet customers", "2. check the shop is safe for:", "1. children",
                 "2. wheelchair users", "3. people with guide dogs", "4. older customers",
                 "3. offer suitable products", "4. thank customers"])
    )  # fmt: skip

    assert [c.text for c in data.performance_criteria] == [
        "greet customers",
        "check the shop is safe for:\n1. children\n2. wheelchair users\n"
        "3. people with guide dogs\n4. older customers",
        "offer suitable products",
        "thank customers",
    ]


def test_indented_sub_lists_are_read_by_their_indentation():
    data = import_nos((DATA / "sub_lists.txt").read_bytes())

    found = texts(data)
    assert [c.code for c in data.performance_criteria] == [f"PC{n}" for n in range(1, 6)]
    assert found["PC2"] == (
        "find out what visitors want from their visit by:\n1. asking open questions\n"
        "2. listening to their answers"
    )
    assert found["PC3"] == "suggest a route round the garden"
    assert found["PC4"].splitlines()[1:] == [
        "1. children", "2. wheelchair users", "3. people with guide dogs", "4. older visitors",
    ]  # fmt: skip
    assert found["PC5"] == "record the number of visitors"
    assert [c.text for c in data.knowledge_items][2] == "where the first aid kit is kept"


def test_a_sub_list_whose_numbering_fits_no_reading_is_refused_with_its_line():
    text = compact(
        ["1. greet customers", "2. find out what customers need by:", "1. asking questions",
         "2. listening carefully", "4. offer products"]
    )  # fmt: skip

    with pytest.raises(NosImportError) as refused:
        import_nos(text)

    assert str(refused.value) == (
        "Line 9: Performance criteria item 4 comes where item 3 (or part 3 of the list inside "
        "item 2) was expected; check whether an item is missing or misnumbered."
    )


def test_indentation_that_contradicts_the_numbering_is_refused_not_guessed():
    text = (
        "Welcome visitors\n\nPerformance criteria\n\n  1. greet visitors\n"
        "  2. check the garden is safe for:\n       1. children\n       2. dogs\n"
        "       3. older visitors\n  5. record visitors\n\n"
        "Knowledge and Understanding\n\n  1. the layout of the garden\n"
    )
    with pytest.raises(NosImportError, match=r"^Line 10: Performance criteria item 5 comes"):
        import_nos(text)


def test_a_list_too_ambiguous_to_read_is_refused_rather_than_guessed(monkeypatch):
    monkeypatch.setattr("portfolio.standards.numbered.MAX_READINGS", 1)
    text = (DATA / "compact.txt").read_bytes()  # needs a second reading of item 2's sub-list

    with pytest.raises(NosImportError) as refused:
        import_nos(text)

    assert str(refused.value).startswith("Line 17: the numbering of the Performance criteria")
    assert "indent each sub-list under its item" in str(refused.value)


def test_headings_after_the_knowledge_list_start_sections_of_their_own():
    data = import_nos((DATA / "trailing_headings.txt").read_bytes())

    assert [c.text for c in data.knowledge_items] == [
        "the allotment's rules", "how to store tools safely",
    ]  # fmt: skip
    assert data.sections == {
        "Key terms": "Plot: an area of land let to one member",
        "Validated": "Yes",
    }
    # "Date Approved" is the approval date, not an item numbered 14.
    assert data.approved_on.isoformat() == "2024-02-14"
    assert data.indicative_review_date.isoformat() == "2028-02-14"


def test_a_closing_quote_ends_its_list_in_the_compact_layout():
    text = "\n".join([
        "Drive a forklift", "URN: LOG001", "Performance Criteria", "You must be able to",
        '"P1. check the truck before use', 'P2. park the truck"', "Scope of driving",
        '"Indoors and outdoors"', "Knowledge & Understanding", "You need to know and understand",
        '"K1. the controls of the truck', 'K2. safe load limits"', "Key terms",
        '"Load limit: the most the truck may lift"', "Date Approved", "30 Mar 2022",
    ])  # fmt: skip

    data = import_nos(text)

    assert [c.text for c in data.performance_criteria] == [
        "check the truck before use", "park the truck",
    ]  # fmt: skip
    assert [c.text for c in data.knowledge_items] == [
        "the controls of the truck", "safe load limits",
    ]  # fmt: skip
    assert data.sections == {
        "Scope of driving": "Indoors and outdoors",
        "Key terms": "Load limit: the most the truck may lift",
    }
    assert data.approved_on.isoformat() == "2022-03-30"


@pytest.mark.parametrize(
    "heading",
    ["Knowledge & Understanding", "Knowledge and understanding", "KNOWLEDGE AND UNDERSTANDING",
     "K&U", "K & U", "Underpinning knowledge", "Knowledge and Understanding:"],
)  # fmt: skip
def test_the_knowledge_heading_is_recognised_however_it_is_written(heading):
    text = (
        f"Drive a forklift\nPerformance criteria\n1. check the truck\n2. park the truck\n"
        f"{heading}\n1. the controls\n"
    )
    data = import_nos(text)
    assert [c.text for c in data.performance_criteria] == ["check the truck", "park the truck"]
    assert [c.text for c in data.knowledge_items] == ["the controls"]


def test_a_date_heading_with_more_under_it_keeps_the_date_once():
    text = (
        "Drive a forklift\n\nApproved on: 30 Mar 2022\n\nPerformance criteria\n\n"
        "1. check the truck\n\nKnowledge and Understanding\n\n1. the controls\n\n"
        "Indicative Review Date\n\n30 Mar 2026\n\nUnder review by the steering group\n\n"
        "Date Approved\n\n1 Apr 2022\n\nVersion Number\n\nsometime soon\n"
    )

    data = import_nos(text)

    assert data.indicative_review_date.isoformat() == "2026-03-30"
    assert data.approved_on.isoformat() == "2022-03-30"  # the first one published
    assert data.sections == {
        "Indicative Review Date": "Under review by the steering group",
        "Date Approved": "1 Apr 2022",  # a second, different date is kept, not lost
        "Version Number": "sometime soon",
    }
    assert data.version == "sometime"


def test_a_date_in_an_unknown_form_is_kept_once_as_published():
    text = (
        "Drive a forklift\nApproved on: spring 2022\nPerformance criteria\n1. check the truck\n"
        "Knowledge and understanding\n1. the controls\nIndicative Review Date\nlate 2026\n"
        "to be confirmed\n"
    )

    data = import_nos(text)

    assert (data.approved_on, data.indicative_review_date) == (None, None)
    assert data.sections == {
        "Indicative Review Date": "late 2026\nto be confirmed",
        "Approved on": "spring 2022",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Line 1: the file is empty."),
        ("   \n\n\t\n", "Line 1: the file is empty."),
        ("Dear Sam,\nThanks for lunch.\n", "Line 2: reached the end of the text without finding "
         "a 'Performance criteria' section"),
        ("A title\nPerformance criteria\nYou must be able to:\nsome words\n",
         "Line 2: the 'Performance criteria' section has no numbered items."),
        ("A title\nPerformance criteria\n1. do a thing\n", "Line 3: reached the end of the text "
         "without finding a 'Knowledge and understanding' section"),
        ("A title\nPerformance criteria\n1. do a thing\n2. do more\n4. skip\n"
         "Knowledge and understanding\n1. know\n",
         "Line 5: Performance criteria item 4 comes where item 3 was expected"),
        ("Performance criteria\n1. do a thing\nKnowledge and understanding\n1. know\n",
         "Line 1: no title found"),
        ("T\nURN: has spaces\nPerformance criteria\n1. do\nKnowledge and understanding\n1. know\n",
         "Line 2: urn may only contain letters"),
        ("x" * 501 + "\nPerformance criteria\n1. do\nKnowledge and understanding\n1. know\n",
         "Line 1: title is longer than 500 characters."),
    ],
)  # fmt: skip
def test_text_that_is_not_a_nos_is_refused_naming_the_problem_and_line(text, message):
    with pytest.raises(NosImportError) as refused:
        import_nos(text)
    assert str(refused.value).startswith(message)
