"""A visitor browses the loaded standards: the list, then one standard in full."""

import re
from html import unescape

from portfolio.extensions import db
from portfolio.models import Criterion


def text_of(response) -> str:
    """The page as a person reads it: tags removed, spaces collapsed."""
    html = response.get_data(as_text=True)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_standards_page_lists_each_loaded_standard_with_a_link(client, standard):
    response = client.get("/standards")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/standards/{standard.id}"' in page
    assert standard.title in text_of(response)
    assert f"{standard.urn} 1 13 14" in text_of(response)


def test_the_standards_page_says_when_nothing_is_loaded(client):
    assert "No standards are loaded yet." in text_of(client.get("/standards"))


def test_a_standard_page_shows_its_metadata_overview_and_every_criterion(client, standard):
    response = client.get(f"/standards/{standard.id}")

    assert response.status_code == 200
    page = text_of(response)
    assert f"<title>{standard.title} – NOS evidence portfolio</title>" in response.get_data(
        as_text=True
    )
    for fact in (
        f"URN {standard.urn}",
        "Version 1",
        "Business sectors (suites) Cultural Heritage",
        "Developed by Creative & Cultural Skills",
        "Approved on 30 March 2022",
        "Indicative review date 30 March 2026",
        "Relevant occupations Archaeology and Archaeological Sciences Artistic",
    ):
        assert fact in page
    assert "Overview This standard is about developing and delivering co-productions" in page
    for criterion in standard.criteria:
        assert f"{criterion.code} {criterion.text}" in page
    assert "K14 why it is important to give and receive constructive feedback" in page
    assert "Keywords partnerships, relationships, collaboration" in page
    assert "Originating Organisation Creative and Cultural Skills" in page


def test_relevant_occupations_are_listed_one_per_item_even_with_commas_in_names(client, standard):
    html = client.get(f"/standards/{standard.id}").get_data(as_text=True)

    row = html[html.index("Relevant occupations") :]
    listed = re.findall(r"<li>([^<]*)</li>", row[: row.index("</ul>")])
    assert listed == standard.occupations
    assert "Arts, Media and Publishing" in listed
    assert len(listed) == 11


def test_the_nine_top_tips_appear_as_learner_guidance_linked_to_their_criteria(client, standard):
    response = client.get(f"/standards/{standard.id}")
    html = response.get_data(as_text=True)
    page = text_of(response)

    assert "Guidance for learners" in page
    # The standard's guidance is Markdown, rendered.
    assert re.search(r"<strong>(&#34;|&quot;|\")Co-production: the nine top tips", html)
    assert "7. Record, reflect, review, revise" in page
    tip = html[html.index('id="tip-7"') : html.index('id="tip-8"')]
    assert 'href="#PC13"' in tip and 'href="#K14"' in tip
    row = html[html.index('id="PC13"') : html.index("</tr>", html.index('id="PC13"'))]
    assert 'href="#tip-7">Record, reflect, review, revise</a>' in row


def test_criteria_under_elements_are_grouped_and_their_guidance_shown(client, standard):
    for code in ("PC1", "PC2"):
        standard.criterion(code).group = "Find opportunities"
    standard.criterion("PC2").guidance_md = "Ask **who** is missing.\n\n<script>x()</script>"
    db.session.commit()

    response = client.get(f"/standards/{standard.id}")
    html = response.get_data(as_text=True)

    assert '<h3 class="govuk-heading-s">Find opportunities</h3>' in html
    assert "Guidance on PC2" in html
    assert "Ask <strong>who</strong> is missing." in html
    assert "<script>x()" not in html


def test_a_criterion_with_a_sub_list_shows_each_part_on_its_own_line(client, standard):
    criterion = db.session.scalars(db.select(Criterion).where(Criterion.code == "PC3")).one()
    criterion.text = "identify the risks to:\n1. people\n2. collections"
    db.session.commit()

    html = client.get(f"/standards/{standard.id}").get_data(as_text=True)

    assert "identify the risks to:" in html
    assert "<li>1. people</li><li>2. collections</li>" in html


def test_an_unknown_standard_is_not_found(client, standard):
    response = client.get(f"/standards/{standard.id + 1}")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
