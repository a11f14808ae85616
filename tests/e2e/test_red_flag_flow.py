"""A red flag from the patient's pain form to the therapist's alert list: urgent
advice at once, the plan paused, the alert acknowledged and the plan resumed."""

from playwright.sync_api import expect

from conftest import DEMO, call, open_section, screenshot, sign_in


def test_a_red_flag_reaches_the_therapist(phone, desktop, live_server, new_patient):
    patient = new_patient("Flagged Patient")

    # The patient logs pain and ticks a warning sign.
    mobile = phone.new_page()
    sign_in(mobile, patient["email"], patient["password"])
    expect(mobile.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    mobile.get_by_role("link", name="Log pain").click()
    low_back = mobile.get_by_role("radiogroup", name="Low back", exact=True)
    low_back.get_by_role("radio", name="6", exact=True).check()
    mobile.get_by_text("Any warning signs? Tap to check").click()
    mobile.get_by_label("Any numbness between your legs").check()
    mobile.get_by_role("button", name="Save").click()

    urgent = mobile.get_by_role("alert").filter(has_text="Seek urgent medical care now")
    expect(urgent).to_be_visible()
    expect(urgent).to_contain_text("numbness between the legs or around the buttocks")
    expect(urgent).to_be_focused()
    screenshot(mobile, "red-flag-advice")
    plans = call(live_server, "GET", "/me/today", token=patient["token"])
    assert plans["sessions"] == [] and plans["paused_plans"] == 1
    mobile.get_by_role("link", name="Today").click()
    expect(mobile.get_by_text("Your exercise plan is on hold")).to_be_visible()

    # The therapist sees it first thing, acknowledges it and resumes the plan.
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    alerts_link = page.get_by_role("link", name="Alerts")
    expect(alerts_link).to_contain_text("1")
    alerts_link.click()
    card = page.get_by_role("article", name="Red flag, Flagged Patient")
    expect(card).to_contain_text("numbness between the legs")
    expect(card).to_contain_text("1 plan(s) paused")
    screenshot(page, "alerts")
    card.get_by_role("button", name="Acknowledge").click()
    expect(
        page.get_by_role("article", name="Red flag, Flagged Patient")
    ).to_contain_text("acknowledged")
    expect(alerts_link).not_to_contain_text("1")

    page.get_by_role("link", name="Flagged Patient").first.click()
    expect(page.get_by_role("heading", name="Flagged Patient")).to_be_visible()
    open_section(page, "Plan")
    page.get_by_role("button", name="Resume").first.click()
    expect(page.get_by_role("button", name="Pause").first).to_be_visible()
    today = call(live_server, "GET", "/me/today", token=patient["token"])
    assert len(today["sessions"]) == 1
