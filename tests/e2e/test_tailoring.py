"""The therapist tailors a patient's plan on a desktop; the patient sees exactly
that on Today on a phone, and again offline."""

import re

from playwright.sync_api import expect

from conftest import DEMO, call, no_developer_words, screenshot, sign_in

NOTE = "Fewer stretches this week; tell me how the new one feels."
TAILORED = [
    "Relaxed belly breathing",
    "Shoulder shrug and release",
    "Levator scapulae stretch",
    "Chin tuck (lying)",
]


def tailor_first_phase(page) -> None:
    phase = page.locator("fieldset.phase").first
    expect(phase.locator(".rx-name")).to_have_count(4)
    shrug = phase.locator("li.rx", has_text="Shoulder shrug and release")
    shrug.get_by_label("Sets").fill("3")
    phase.get_by_role("button", name="Remove Upper trapezius stretch").click()
    expect(phase.get_by_text("Upper trapezius stretch")).to_have_count(0)

    phase.get_by_role("button", name="Add exercise").click()
    picker = page.get_by_role("dialog")
    picker.get_by_label("Search by name").fill("levator")
    expect(picker.locator("li.pick")).to_have_count(1)
    picker.get_by_text("Full text of Levator scapulae stretch").click()
    expect(picker.get_by_role("heading", name="Cautions")).to_be_visible()
    picker.get_by_role("button", name="Add Levator scapulae stretch").click()
    expect(picker).to_be_hidden()

    added = phase.locator("li.rx", has_text="Levator scapulae stretch")
    added.get_by_label("Side").select_option("left")
    added.get_by_label("Note for the patient").fill("Gently, no pulling.")
    phase.get_by_role("button", name="Move Levator scapulae stretch up").click()
    expect(phase.locator(".rx-name")).to_have_text(TAILORED)
    page.get_by_label("Note for the whole plan (optional)").fill(NOTE)


def test_therapist_tailors_a_plan_and_the_patient_sees_it(
    desktop, phone, live_server, new_patient
):
    patient = new_patient("Tailor Patient", program="neck-headache-relief")
    page = desktop.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and violations.append(msg),
    )
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("link", name="Pat Demo")).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}/plan")
    page.get_by_role("link", name="Tailor plan Neck-related headache relief").click()
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
    no_developer_words(page)

    tailor_first_phase(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("form.tailor-form .status")).to_have_text(
        "Saved as version 2. The patient sees it from today."
    )
    history = page.locator("section.history")
    expect(history.get_by_text("Version 2")).to_be_visible()
    expect(history).to_contain_text(NOTE)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "tailor-plan")

    email, password = DEMO["therapist"]
    login = {"email": email, "password": password}
    therapist = call(live_server, "POST", "/auth/login", login)["token"]
    plan = call(live_server, "GET", f"/patients/{patient['id']}", token=therapist)
    rx = call(
        live_server,
        "GET",
        f"/assignments/{plan['assignments'][0]['id']}/prescription",
        token=therapist,
    )
    assert rx["version"] == 2 and rx["note"] == NOTE
    assert [e["name"] for e in rx["phases"][0]["exercises"]] == TAILORED

    assert not violations
    mobile = phone.new_page()
    sign_in(mobile, patient["email"], patient["password"])
    expect_tailored_today(mobile)
    mobile.wait_for_function("navigator.serviceWorker.controller !== null")
    mobile.reload()  # through the service worker, which keeps a copy of Today
    expect_tailored_today(mobile)
    phone.set_offline(True)
    mobile.reload()
    expect_tailored_today(mobile)
    phone.set_offline(False)


def expect_tailored_today(page) -> None:
    session = page.locator("section.session")
    expect(session).to_have_count(1)
    banner = session.locator(".rx-banner")
    expect(banner).to_contain_text("Changed by your therapist on")
    expect(banner).to_contain_text(NOTE)
    expect(session.locator(".facts")).to_contain_text(f"{len(TAILORED)} exercises")
    session.get_by_text("Show all exercises").click()
    expect(session.locator(".ex-name")).to_have_text(TAILORED)
    doses = session.locator(".exercise")
    dose = re.compile(r"^3 × 6, hold 3 s(, rest \d+ s)?$")
    expect(doses.nth(1).locator(".dose")).to_have_text(dose)
    expect(doses.nth(2).locator(".dose")).to_contain_text("left side")
    expect(doses.nth(2).locator(".rx-note")).to_have_text(
        "Your therapist: Gently, no pulling."
    )
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_program_is_tailored_before_it_is_assigned(desktop, live_server, new_patient):
    patient = new_patient("Assign Tailored", program="neck-headache-relief")
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("link", name="Pat Demo")).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}/plan")
    page.get_by_label("Program").select_option("low-back-core-stabilisation")
    page.get_by_role("button", name="Tailor exercises first").click()
    dialog = page.get_by_role("dialog")
    first = dialog.locator("fieldset.phase").first
    first.get_by_role("button", name="Remove Heel slide with bracing").click()
    first.locator("li.rx").first.get_by_label("Sets").fill("11")
    dialog.get_by_role("button", name="Use these exercises").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".tailor-box")).to_contain_text("Tailored:")

    page.get_by_role("button", name="Assign program").click()
    dialog = page.get_by_role("dialog")  # opened again, the error beside its field
    sets = dialog.locator("fieldset.phase").first.locator("li.rx").first
    expect(sets.get_by_label("Sets")).to_have_attribute("aria-invalid", "true")
    shown = sets.locator(".field-error:not([hidden])")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("10")
    sets.get_by_label("Sets").fill("3")
    dialog.get_by_role("button", name="Use these exercises").click()
    page.get_by_role("button", name="Assign program").click()
    expect(page.get_by_text("Assigned Low-back core stabilisation")).to_be_visible()

    email, password = DEMO["therapist"]
    login = {"email": email, "password": password}
    therapist = call(live_server, "POST", "/auth/login", login)["token"]
    plans = call(
        live_server, "GET", f"/patients/{patient['id']}/assignments", token=therapist
    )
    made = next(a for a in plans if a["program"] == "low-back-core-stabilisation")
    rx = call(
        live_server, "GET", f"/assignments/{made['id']}/prescription", token=therapist
    )
    foundation = rx["phases"][0]["exercises"]
    assert [e["exercise"] for e in foundation] == [
        "abdominal-bracing",
        "pelvic-tilt-crook-lying",
        "glute-bridge",
    ]
    assert foundation[0]["sets"] == 3
