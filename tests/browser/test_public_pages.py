"""A visitor opens the public pages in a real browser."""


def test_visitor_sees_the_home_page_styled_and_accessible(page, assert_accessible):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Gather and assess")
    # The stylesheet from GOV.UK Frontend loaded (served locally, not from a CDN).
    font_size = page.eval_on_selector("h1", "el => getComputedStyle(el).fontSize")
    assert font_size in {"32px", "48px"}
    assert page.eval_on_selector("body", "el => el.classList.contains('js-enabled')")
    assert_accessible(page)
