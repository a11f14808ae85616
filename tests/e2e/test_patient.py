"""The patient on a phone: sign in, do today's session, log pain, see trends."""

import re

from playwright.sync_api import expect

from conftest import DEMO, screenshot, sign_in


def test_patient_finishes_todays_session_logs_pain_and_sees_trends(phone):
    page = phone.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and violations.append(msg),
    )
    sign_in(page, *DEMO["patient"])

    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    session = page.locator("section.session").first
    expect(session).to_be_visible()
    expect(session.get_by_role("link", name="Start")).to_be_visible()
    expect(session).to_contain_text(re.compile(r"\d+ exercises · about \d+ min"))
    screenshot(page, "today")
    session.get_by_text("Show all exercises").click()
    expect(session.locator(".caution").first).to_be_visible()
    tick = session.get_by_role("checkbox").first
    tick.check()
    expect(tick).to_be_checked()
    session.get_by_label("How hard was it?").fill("4")
    session.get_by_label("Pain during the session").fill("2")
    session.get_by_role("button", name="Finish session").click()
    # One exercise of several ticked: partly done, and said so kindly.
    done = re.compile(r"^Partly done: 1 of [2-9] exercises\. Thank you — every bit")
    expect(page.get_by_text(done)).to_be_visible()
    session.get_by_text("Show all exercises").click()
    expect(session.get_by_role("checkbox", checked=True)).to_have_count(1)

    page.get_by_role("link", name="Log pain").click()
    expect(page.get_by_role("heading", name="Log pain")).to_be_visible()
    score(page, "Low back", "3").check()
    score(page, "Neck", "2").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("form .status")).to_have_text("Saved.")
    newest = page.locator(".entries li").first
    expect(newest).to_contain_text("Low back 3 · Neck 2")
    page.locator("form .status").evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(page, "pain")

    # A mistyped score is corrected.
    newest.get_by_role("button", name=re.compile("^Correct entry")).click()
    expect(score(page, "Low back", "3")).to_be_checked()
    score(page, "Low back", "4").check()
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("form .status")).to_have_text("Corrected.")
    expect(newest).to_contain_text("Low back 4 · Neck 2")
    expect(newest).to_contain_text("Corrected")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    page.get_by_role("link", name="Trends").click()
    chart = page.get_by_role("img", name=re.compile("trend", re.IGNORECASE))
    expect(chart).to_be_visible()
    expect(chart.locator("canvas").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Adherence: \d+ %"))).to_be_visible()
    page.get_by_role("button", name="7 days").click()
    expect(chart).to_have_attribute("aria-label", "Pain trends, last 7 days")
    summary_id = chart.get_attribute("aria-describedby")
    expect(page.locator(f"#{summary_id}")).to_contain_text("Low back: average")
    screenshot(page, "trends")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert not violations


def score(page, region: str, value: str):
    """The button for one score of a region: a radio in a group named for it."""
    group = page.get_by_role("radiogroup", name=region, exact=True)
    return group.get_by_role("radio", name=value, exact=True)


def test_wrong_password_is_told_in_plain_words(phone):
    page = phone.new_page()
    page.goto("/")
    page.get_by_label("Email").fill(DEMO["patient"][0])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()


def test_patient_sets_a_daily_reminder_and_signs_out(phone):
    page = phone.new_page()
    sign_in(page, *DEMO["patient"])
    page.get_by_role("link", name="Reminders").click()
    page.get_by_label("Remind me every day").check()
    page.get_by_label("Reminder time").fill("07:30")
    page.get_by_role("button", name="Save reminder").click()
    # Headless Chromium denies notifications: the reminder comes in the app.
    saved = page.get_by_text("Saved. Notifications are blocked for this site")
    expect(saved).to_contain_text("every day at 07:30 appears in the app only")

    page.reload()
    expect(page.get_by_label("Reminder time")).to_have_value("07:30")
    expect(page.get_by_label("Remind me every day")).to_be_checked()

    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate("localStorage.getItem('kc.token')") is None
