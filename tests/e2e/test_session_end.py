"""Issue 25, item 7: the end of a session says what was done (exercises, minutes,
pain reported), a kind word and the next session's day; the questionnaire's
result leads back to Today."""

import re

from playwright.sync_api import expect

from conftest import ask_peg3, assert_on_first_screen, call, screenshot, sign_in

PROGRAM = "forward-head-posture-correction"  # three exercises


def test_the_end_of_a_session_says_what_was_done_and_when_the_next_is(
    phone, desktop, live_server, new_patient
):
    patient = new_patient("Enda Session", PROGRAM)
    (session,) = call(live_server, "GET", "/me/today", token=patient["token"])[
        "sessions"
    ]
    first = session["exercises"][0]
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.session").get_by_role("link", name="Start").click()
    page.get_by_role("button", name="I have read these").click()

    # The first exercise hurts: recorded, then skipped; the others are skipped.
    page.get_by_role("button", name="Stop: this hurts").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("radiogroup", name="How much does it hurt?").get_by_role(
        "radio", name="6", exact=True
    ).check()
    dialog.get_by_role("button", name="Record it").click()
    dialog.get_by_role("button", name="Skip this exercise").click()
    for exercise in session["exercises"][1:]:
        expect(page.get_by_role("heading", name=exercise["name"])).to_be_visible()
        page.get_by_role("button", name="Skip").click()
    page.get_by_role("button", name="Finish session").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    summary = page.locator("section.summary")
    expect(summary).to_contain_text("Thank you — every bit counts.")
    expect(summary.get_by_role("heading", name="What you did")).to_be_visible()
    expect(summary).to_contain_text(
        "0 of 3 exercises done. Under a minute of exercise."
    )
    rows = summary.locator(".done-list li")
    expect(rows).to_have_count(3)
    # The exercise stopped for pain says so; the two never started were skipped.
    expect(rows.nth(0)).to_contain_text("stopped: it hurt")
    expect(rows.nth(1)).to_contain_text("skipped")
    expect(rows.nth(2)).to_contain_text("skipped")
    expect(summary).to_contain_text(
        f"Pain you reported: {first['name']} 6/10 (you stopped it)."
    )
    expect(summary.locator(".next-session")).to_have_text(
        "Your next session: tomorrow (Forward head posture correction)."
    )
    screenshot(page, "session-end-390")
    # The way out is on the first screen, not under the summary.
    assert_on_first_screen(page, page.get_by_role("link", name="Back to Today"))
    page.get_by_role("link", name="Back to Today").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def test_a_full_session_ends_with_a_kind_word_and_no_pain(
    desktop, live_server, new_patient
):
    patient = new_patient("Fulla Session", PROGRAM)
    page = desktop.new_page()
    page.clock.install()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.session").get_by_role("link", name="Start").click()
    (session,) = call(live_server, "GET", "/me/today", token=patient["token"])[
        "sessions"
    ]
    for exercise in session["exercises"]:
        expect(page.get_by_role("heading", name=exercise["name"])).to_be_visible()
        confirm = page.get_by_role("button", name="I have read these")
        if confirm.count():
            confirm.click()
        page.get_by_role("button", name="Start", exact=True).click()
        # Fast-forward through every set, rest and hold of the dose.
        page.clock.run_for(20 * 60 * 1000)
        page.get_by_role("button", name=re.compile("^(Next exercise|Finish)$")).click()
    page.get_by_role("button", name="Finish session").click()

    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    summary = page.locator("section.summary")
    expect(summary).to_contain_text("You did every exercise.")
    expect(summary).to_contain_text(
        re.compile(r"All 3 exercises done\. About \d+ minutes? of exercise\.")
    )
    expect(summary).to_contain_text("You reported no pain during the exercises.")
    expect(summary.locator(".next-session")).to_contain_text("tomorrow")
    screenshot(page, "session-end-1280")


def test_the_questionnaire_result_leads_back_to_today(phone, live_server, new_patient):
    patient = new_patient("Quentin Back")
    ask_peg3(live_server, patient)
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.due").get_by_role("link", name="Answer PEG-3").click()
    questions = page.get_by_role("radiogroup")
    for n in range(3):
        questions.nth(n).get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Send answers").click()
    result = page.locator("section.result")
    expect(result).to_contain_text("PEG-3 score: 4")
    screenshot(page, "questionnaire-result-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "questionnaire-result-1280")
    result.get_by_role("link", name="Back to Today").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(page.locator("section.due")).to_be_hidden()
