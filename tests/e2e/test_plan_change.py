"""A therapist changes a plan through the API; the patient's Today shows at once
what changed, with the therapist's note."""

from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in

NOTE = "One more set of the first exercise; stop if it hurts."


def change_the_plan(live_server, patient) -> list[str]:
    email, password = DEMO["therapist"]
    login = {"email": email, "password": password}
    token = call(live_server, "POST", "/auth/login", login)["token"]
    plan = call(live_server, "GET", f"/patients/{patient['id']}", token=token)
    path = f"/assignments/{plan['assignments'][0]['id']}/prescription"
    rx = call(live_server, "GET", path, token=token)
    rx["phases"][0]["exercises"][0]["sets"] += 1
    rx["note"] = NOTE
    changed = call(live_server, "PUT", path, rx, token=token)
    assert changed["version"] == 2
    return changed["changes"]


def test_the_patient_sees_what_changed_on_today(phone, live_server, new_patient):
    patient = new_patient("Changed Plan", program="neck-headache-relief")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    session = page.locator("section.session")
    expect(session).to_have_count(1)
    expect(session.locator(".rx-banner")).to_have_count(0)  # version 1, no note

    changes = change_the_plan(live_server, patient)
    assert changes[-1] == "Plan note changed" and len(changes) == 2
    page.reload()

    banner = page.locator("section.session .rx-banner")
    expect(banner).to_contain_text("Changed by your therapist on")
    expect(banner.locator(".rx-changes li")).to_have_text(changes)
    expect(banner).to_contain_text(NOTE)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "today-plan-change")
