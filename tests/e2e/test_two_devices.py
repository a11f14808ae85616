"""Two devices, one session: the phone finishes a session that the tablet has
already finished with other answers. The server keeps the tablet's (409 with
the stored session), and the phone shows that session and says why."""

from playwright.sync_api import expect

from conftest import call, sign_in


def test_a_session_finished_on_another_device_shows_those_answers(
    phone, live_server, new_patient
):
    patient = new_patient("Two Devices")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    card = page.locator("section.session")
    expect(card).to_have_count(1)
    card.get_by_text("Show all exercises").click()
    card.get_by_role("checkbox").first.check()
    card.get_by_label("How hard was it?").fill("3")

    (session,) = call(live_server, "GET", "/me/today", token=patient["token"])[
        "sessions"
    ]
    tablet = {"difficulty": 9, "pain_during": 8, "notes": "Too hard today"}
    path = f"/sessions/{session['id']}/complete"
    call(live_server, "POST", path, tablet, patient["token"])

    card.get_by_role("button", name="Finish session").click()

    expect(page.get_by_text("already finished with other answers")).to_be_visible()
    expect(card.get_by_role("button", name="Finish session")).to_have_count(0)
    (stored,) = call(live_server, "GET", "/me/today", token=patient["token"])[
        "sessions"
    ]
    assert (stored["difficulty"], stored["notes"]) == (9, "Too hard today")
    assert stored["status"] == "done"
