"""A visitor opens the public pages in a real browser."""


def test_visitor_sees_the_home_page_styled_and_accessible(page, assert_accessible):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Gather and assess")
    # The stylesheet from GOV.UK Frontend loaded (served locally, not from a CDN).
    font_size = page.eval_on_selector("h1", "el => getComputedStyle(el).fontSize")
    assert font_size in {"32px", "48px"}
    assert page.eval_on_selector("body", "el => el.classList.contains('js-enabled')")
    assert_accessible(page)


def test_visitor_opens_a_standard_from_the_list_and_reads_it(page, assert_accessible, standard):
    page.goto("/standards")
    assert_accessible(page)

    page.get_by_role("link", name=standard.title).click()

    assert page.get_by_role("heading", level=1).inner_text() == standard.title
    criteria = page.get_by_role("table", name="Performance criteria")
    assert criteria.get_by_role("row").count() == 1 + 13
    knowledge = page.get_by_role("table", name="Knowledge and understanding")
    assert knowledge.get_by_role("rowheader", name="K14").is_visible()
    assert page.get_by_role("heading", name="7. Record, reflect, review, revise").is_visible()
    assert_accessible(page)

    # The tip's links take the learner to the criteria it supports.
    page.locator("#tip-7").get_by_role("link", name="PC13").click()
    assert page.url.endswith("#PC13")
