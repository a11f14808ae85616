"""Trends for a patient: pain alone on its scale, sessions as a strip of marks
under it, and insights in plain words with the figures behind a disclosure."""

import re

from playwright.sync_api import expect

from conftest import DEMO, screenshot, sign_in


def open_trends(page):
    sign_in(page, *DEMO["patient"])
    page.get_by_role("link", name="Trends").click()
    chart = page.get_by_role("img", name=re.compile("Pain trends"))
    expect(chart.locator("canvas").first).to_be_visible()
    return chart


def test_pain_has_the_only_scale_and_sessions_are_a_strip(phone):
    page = phone.new_page()
    chart = open_trends(page)

    # One x axis and the pain axis: no second scale for sessions.
    expect(chart.locator(".u-axis")).to_have_count(2)
    legend = chart.locator(".legend")
    expect(legend).to_contain_text("Session done")
    expect(legend).to_contain_text("Partly done")
    expect(legend).to_contain_text("Missed")
    expect(legend).not_to_contain_text("right axis")
    summary = page.locator(f"#{chart.get_attribute('aria-describedby')}")
    expect(summary).to_contain_text(re.compile(r"Days with sessions done: [1-9]"))
    chart.scroll_into_view_if_needed()
    screenshot(page, "trends-sessions-strip")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_each_day_gets_one_mark_by_what_was_done(phone):
    page = phone.new_page()
    open_trends(page)
    day = lambda date, due, done, partly: {  # noqa: E731
        "date": date,
        "sessions_scheduled": due,
        "sessions_done": done,
        "sessions_partly_done": partly,
    }
    data = {
        "to": "2026-03-06",
        "days": [
            day("2026-03-01", 0, 0, 0),
            day("2026-03-02", 1, 1, 0),
            day("2026-03-03", 2, 1, 0),
            day("2026-03-04", 1, 0, 1),
            day("2026-03-05", 1, 0, 0),
            day("2026-03-06", 1, 0, 0),
        ],
    }

    marks = page.evaluate(
        "async (data) => (await import('/js/trends.js')).sessionMarks(data)", data
    )

    # Today's session not yet done is not missed.
    assert marks == [None, "done", "partly", "partly", "missed", None]


def test_insights_speak_plainly_with_the_figures_behind_a_disclosure(phone, desktop):
    for context, size in ((phone, "390"), (desktop, "1280")):
        page = context.new_page()
        open_trends(page)
        first = page.locator(".insights li.insight").first
        expect(first).to_contain_text(
            re.compile(r"^On days after .*, your .* (lower|higher) by about \d+ point")
        )
        how = first.locator("details.how")
        expect(how.locator("p").first).to_be_hidden()
        how.get_by_text("How we worked this out").click()
        expect(how).to_contain_text(re.compile(r"averaged \d"))
        expect(how).to_contain_text(re.compile(r"\(\d+ days\)"))
        page.locator("#insights-h").evaluate(
            "el => { el.scrollIntoView(); window.scrollBy(0, -90); }"
        )
        screenshot(page, f"trends-insights-{size}")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, f"trends-{size}")
