"""Add to calendar on the Reminders screen: the private link works without a
sign-in, and stopping it makes it 404."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from conftest import screenshot, sign_in


def test_add_to_calendar_gives_a_link_that_can_be_stopped(phone, new_patient):
    patient = new_patient("Calendar Patient")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.get_by_role("link", name="Reminders").click()
    card = page.get_by_role("region", name="Add to calendar")

    card.get_by_role("button", name="Add to calendar").click()
    url = card.get_by_label("Your private calendar link").input_value()
    webcal = card.get_by_role("link", name="Open in calendar app")
    expect(webcal).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])
    card.scroll_into_view_if_needed()
    screenshot(page, "calendar")

    with urllib.request.urlopen(url) as answer:  # no sign-in: the URL is the key
        assert answer.headers.get_content_type() == "text/calendar"
        body = answer.read().decode()
    assert body.count("BEGIN:VEVENT") >= 20 and "BEGIN:VALARM" in body

    card.get_by_role("button", name="Stop the calendar link").click()
    expect(card.get_by_text("The calendar link is stopped")).to_be_visible()
    with pytest.raises(urllib.error.HTTPError) as stopped:
        urllib.request.urlopen(url)
    assert stopped.value.code == 404
