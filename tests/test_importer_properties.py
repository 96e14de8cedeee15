"""Whatever a provider feeds the importer, it either reads a standard or says clearly why not.

Property-based: hypothesis generates arbitrary text, NOS-like fragments and well-formed standards.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.standards.datafile import dump, read_standard_file
from portfolio.standards.importer import NosImportError, import_nos
from portfolio.standards.schema import StandardData

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "Performance criteria", "Knowledge and Understanding", "You must be able to:",
    "You need to know and understand:", "Overview", "URN: ABC1", "Version Number", "2",
    "Approved on: 30 Mar 2022", "Indicative Review Date", "31/02/2020", "Scope Performance",
    "Relevant Occupations", "Arts, Media and Publishing", "SOC Code", "a; b; c;", "", "",
    "1. do a thing", "2. do another thing:", "1. a part", "- a bullet", "P1 plan", "K1 know",
    '"1. quoted', 'end of list"', "Element heading", "continued text", "‚Äč", "\u200b", "   ",
    "Title: A standard", "3)", "P", "K1", "a) letter", "\ufeff", "Keywords", "x" * 600,
]  # fmt: skip
noise = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=6)


@st.composite
def nos_like(draw):
    """Text shaped like a NOS, with noise anywhere: mostly imports, sometimes cannot."""
    lines = [draw(st.sampled_from(["A standard", "", "URN: X1", "‚ÄčTitle"]))] + draw(noise)
    for heading in ("Performance criteria", "Knowledge and Understanding"):
        lines.append(heading)
        for number in range(1, draw(st.integers(1, 6)) + 1):
            marker = draw(st.sampled_from(["{}.", "  {}. ", "P{}", "K{}", '"{}.', "{})"]))
            lines.append(marker.format(number) + " " + draw(st.text(min_size=1, max_size=30)))
            lines += draw(noise) if draw(st.integers(0, 4)) == 0 else []
    return "\n".join(lines + draw(noise))


def imports_or_explains(source):
    try:
        data = import_nos(source)
    except NosImportError as error:
        assert str(error).strip(), "an import error must say what is wrong"
        assert str(error).startswith("Line "), str(error)
        return None
    assert isinstance(data, StandardData)
    assert data.performance_criteria and data.knowledge_items
    return data


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_imports_or_fails_with_a_clear_error(text):
    imports_or_explains(text)


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes_import_or_fail_with_a_clear_error(data):
    imports_or_explains(data)


@FAST
@given(nos_like())
def test_nos_like_fragments_import_or_fail_with_a_clear_error(text):
    imports_or_explains(text)


words = st.lists(
    st.sampled_from(
        "agree plan the of community and review with feedback budget time co-production "
        "organisation's colleagues, records".split()
    ),
    min_size=1,
    max_size=12,
).map(" ".join)


@FAST
@given(
    st.lists(words, min_size=1, max_size=15),
    st.lists(words, min_size=1, max_size=15),
    st.booleans(),
    st.booleans(),
)
def test_a_well_formed_standard_imports_to_exactly_its_items(pcs, ks, blank_lines, crlf):
    gap = "\n\n" if blank_lines else "\n"
    text = (
        "A generated standard\n\nDeveloped by: Tests\n\nPerformance criteria\n\n"
        "You must be able to:\n\n"
        + gap.join(f"  {n}. {t}" for n, t in enumerate(pcs, 1))
        + "\n\nKnowledge and Understanding\n\nYou need to know and understand:\n\n"
        + gap.join(f"  {n}. {t}" for n, t in enumerate(ks, 1))
        + "\n"
    )
    if crlf:
        text = text.replace("\n", "\r\n")
    data = import_nos(text.encode("utf-8"))
    assert [c.text for c in data.performance_criteria] == pcs
    assert [c.text for c in data.knowledge_items] == ks


@FAST
@given(nos_like())
def test_whatever_imports_survives_the_trip_through_a_data_file(tmp_path_factory, text):
    data = imports_or_explains(text)
    if data is None:
        return
    path = tmp_path_factory.mktemp("roundtrip") / "standard.yaml"
    path.write_text(dump(data), encoding="utf-8")
    assert read_standard_file(path) == data
