"""Issue 25, item 2: on a 390 x 844 phone, what a person must tap is on the first
screen without scrolling: Log pain's Save, the first exercise's cautions (their
confirm button and Start) and the questionnaire's Send answers."""

from playwright.sync_api import expect

from conftest import PHONE, ask_peg3, assert_on_first_screen, call, screenshot, sign_in

PROGRAM = "forward-head-posture-correction"  # its first exercise has cautions


def test_log_pain_save_is_on_the_first_screen(phone, desktop, live_server, new_patient):
    patient = new_patient("Fold Pain")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.get_by_role("link", name="Log pain").click()
    expect(page.get_by_role("heading", name="Log pain")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")

    assert_on_first_screen(page, page.get_by_role("button", name="Save", exact=True))
    assert page.evaluate("document.documentElement.scrollHeight") > PHONE["height"]
    screenshot(page, "fold-pain-390")

    # Saving from the bar works, and its answer shows beside the button.
    radios = page.get_by_role("radiogroup", name="Neck", exact=True)
    radios.get_by_role("radio", name="3", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".action-bar .status")).to_have_text("Saved.")
    (entry,) = call(live_server, "GET", "/me/pain", token=patient["token"])
    assert entry["neck"] == 3

    wide = desktop.new_page()
    sign_in(wide, patient["email"], patient["password"])
    wide.get_by_role("link", name="Log pain").click()
    expect(wide.get_by_role("heading", name="Log pain")).to_be_visible()
    screenshot(wide, "fold-pain-1280")


def test_the_first_exercises_cautions_and_start_are_on_the_first_screen(
    phone, desktop, new_patient
):
    patient = new_patient("Fold Cautions", PROGRAM)
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.session").get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", name="Before your first set")).to_be_visible()

    confirm = page.get_by_role("button", name="I have read these")
    start = page.get_by_role("button", name="Start", exact=True)
    assert_on_first_screen(page, confirm)
    assert_on_first_screen(page, start)
    expect(start).to_be_disabled()
    screenshot(page, "fold-cautions-390")

    confirm.click()
    expect(start).to_be_enabled()
    assert_on_first_screen(page, start)

    wide = desktop.new_page()
    sign_in(wide, patient["email"], patient["password"])
    wide.locator("section.session").get_by_role("link", name="Start").click()
    expect(wide.get_by_role("heading", name="Before your first set")).to_be_visible()
    screenshot(wide, "fold-cautions-1280")


def test_the_questionnaires_send_button_is_on_the_first_screen(
    phone, desktop, live_server, new_patient
):
    patient = new_patient("Fold Questions")
    ask_peg3(live_server, patient)
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.due").get_by_role("link", name="Answer PEG-3").click()
    expect(page.get_by_role("heading", name="PEG-3")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")

    assert_on_first_screen(page, page.get_by_role("button", name="Send answers"))
    screenshot(page, "fold-questionnaire-390")

    wide = desktop.new_page()
    sign_in(wide, patient["email"], patient["password"])
    wide.locator("section.due").get_by_role("link", name="Answer PEG-3").click()
    expect(wide.get_by_role("heading", name="PEG-3")).to_be_visible()
    screenshot(wide, "fold-questionnaire-1280")
