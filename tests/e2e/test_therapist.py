"""The therapist on a desktop invites a patient, who enrols on a phone through the
link; the therapist assigns a program and the patient sees it on Today."""

import uuid

from playwright.sync_api import expect

from conftest import DEMO, open_section, screenshot, sign_in

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_therapist_invites_a_patient_and_assigns_a_program(desktop, phone):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("link", name="Pat Demo")).to_be_visible()
    screenshot(page, "patients")

    page.get_by_role("link", name="Invite patient").click()
    page.get_by_label("Patient name (optional)").fill("Robin Example")
    page.get_by_role("button", name="Create invite").click()
    link = page.locator("a.enrol-link")
    expect(link).to_be_visible()
    qr = page.get_by_role("img", name="QR code of the enrolment link")
    expect(qr).to_be_visible()
    code = page.locator(".code").inner_text()
    enrol_url = link.get_attribute("href")
    assert enrol_url.endswith(f"/#/enrol?code={code}&name=Robin+Example")
    screenshot(page, "invite")

    mobile = phone.new_page()
    mobile.goto(enrol_url)
    expect(mobile.get_by_label("Invite code")).to_have_value(code)
    mobile.get_by_label("Your name").fill("Robin Example")
    mobile.get_by_label("Email").fill(f"robin-{uuid.uuid4().hex[:8]}@example.org")
    mobile.get_by_label("Password").fill("robin-is-here")
    mobile.get_by_role("button", name="Create account").click()
    mobile.get_by_role("link", name="Go to Today").click()
    expect(mobile.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(mobile.get_by_text("No exercise session today")).to_be_visible()

    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="Robin Example").click()
    expect(page.get_by_role("heading", name="Robin Example")).to_be_visible()
    open_section(page, "Plan")
    page.get_by_label("Program").select_option("low-back-core-stabilisation")
    for day in DAYS:
        page.get_by_label(day, exact=True).check()
    page.get_by_role("button", name="Assign program").click()
    expect(page.get_by_text("Assigned Low-back core stabilisation")).to_be_visible()
    pause = page.get_by_role("button", name="Pause Low-back core stabilisation")
    expect(pause).to_be_visible()
    open_section(page, "Progress")
    expect(page.get_by_role("img", name="Pain trends, last 30 days")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    mobile.reload()
    expect(mobile.locator("section.session")).to_have_count(1)
    expect(
        mobile.get_by_role("heading", name="Low-back core stabilisation")
    ).to_be_visible()


def test_assigning_without_days_shows_the_error_next_to_the_field(desktop):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    page.get_by_role("link", name="Pat Demo").click()
    open_section(page, "Plan")
    page.get_by_label("Program").select_option("neck-headache-relief")
    for day in DAYS:
        page.get_by_label(day, exact=True).uncheck()
    page.get_by_role("button", name="Assign program").click()
    expect(page.locator("#days_of_week-err")).to_be_visible()
    expect(page.locator("form.assign .status")).to_have_text(
        "Please check the fields marked below."
    )
