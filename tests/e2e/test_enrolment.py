"""Issue 25, item 6: the invite link fills in the name and email the therapist
typed, the page prints no stray `null`, and a new patient is welcomed with who
their therapist is and what happens next."""

import uuid
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in, therapist_token


def test_the_invite_fills_in_the_form_and_a_welcome_names_the_therapist(
    desktop, phone, browser, live_server
):
    email = f"sam-{uuid.uuid4().hex[:8]}@example.org"
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    page.get_by_role("link", name="Invite patient").click()
    page.get_by_label("Patient name (optional)").fill("Sam Invited")
    page.get_by_label("Patient email (optional)").fill(email)
    page.get_by_role("button", name="Create invite").click()
    link = page.locator("a.enrol-link").get_attribute("href")
    query = parse_qs(urlsplit(link).fragment.split("?", 1)[1])
    assert query["name"] == ["Sam Invited"] and query["email"] == [email]
    therapist = call(live_server, "GET", "/me", token=therapist_token(live_server))[
        "name"
    ]

    # The same link on a desktop, signed out, for the wide picture.
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    wide_page = wide.new_page()
    wide_page.goto(link)
    expect(wide_page.get_by_label("Your name")).to_have_value("Sam Invited")
    screenshot(wide_page, "enrol-1280")
    wide.close()

    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", name="Join Kinetic Chain")).to_be_visible()
    expect(mobile.get_by_label("Your name")).to_have_value("Sam Invited")
    expect(mobile.get_by_label("Email")).to_have_value(email)
    expect(mobile.get_by_label("Invite code")).to_have_value(query["code"][0])
    assert "null" not in mobile.locator("main").inner_text()
    screenshot(mobile, "enrol-390")

    mobile.get_by_label("Password").fill("sam-is-joining-now")
    mobile.get_by_role("button", name="Create account").click()
    expect(mobile.get_by_role("heading", name="Welcome, Sam Invited")).to_be_visible()
    welcome = mobile.locator("section.welcome")
    expect(welcome).to_contain_text(f"Your therapist is {therapist}.")
    expect(welcome.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(welcome).to_contain_text(f"{therapist} sets up your exercise plan")
    assert "null" not in mobile.locator("main").inner_text()
    screenshot(mobile, "enrol-welcome-390")

    mobile.get_by_role("link", name="Go to Today").click()
    expect(mobile.get_by_role("heading", name="Today", exact=True)).to_be_visible()

    # A desktop sign-up from a typed code (no name or email in the link).
    code = call(live_server, "POST", "/invites", {}, therapist_token(live_server))
    other = desktop.new_page()
    other.goto(f"/#/enrol?code={code['code']}")
    expect(other.get_by_label("Your name")).to_have_value("")
    other.get_by_label("Your name").fill("Desk Top")
    other.get_by_label("Email").fill(f"desk-{uuid.uuid4().hex[:8]}@example.org")
    other.get_by_label("Password").fill("desk-top-signs-up")
    other.get_by_role("button", name="Create account").click()
    expect(other.get_by_role("heading", name="Welcome, Desk Top")).to_be_visible()
    screenshot(other, "enrol-welcome-1280")
