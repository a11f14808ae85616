"""The Account screen (issues 23, 24 and 25): name and time zone, change the
password, then sign in with the new one elsewhere; sign out everywhere signs the
other browser out too; download my data; delete my account (a patient's only);
the optional details for health-record exports."""

import json
import re
import urllib.error

import pytest
from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in

NEW_PASSWORD = "violet tractor umbrella"


def open_account(page) -> None:
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()


def test_a_therapist_finds_the_account_screen_in_the_menu(desktop):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()

    open_account(page)

    expect(page.get_by_label("Current password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out everywhere")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Dr Demo Therapist")
    expect(page.get_by_role("button", name="Download my data")).to_be_visible()
    # What does not apply to a therapist is not offered: their screens show times
    # in the device's zone, and only a patient's account can be deleted.
    expect(page.get_by_label("Time zone")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete my account")).to_have_count(0)
    expect(page.get_by_role("link", name="Set reminders")).to_have_count(0)
    screenshot(page, "account-therapist-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "account-therapist-390")


def test_change_the_password_then_sign_out_everywhere(phone, desktop, new_patient):
    patient = new_patient("Acco Untholder")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_account(page)
    screenshot(page, "account")

    # Errors are shown on their fields.
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This is not your current password.")).to_be_visible()
    expect(page.get_by_label("Current password")).to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_label("Current password").fill(patient["password"])
    page.get_by_label("New password").fill("password12")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("one of the most common ones")).to_be_visible()
    expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()

    # The new password signs in on another browser; the old one no longer does.
    other = desktop.new_page()
    sign_in(other, patient["email"], patient["password"])
    expect(other.get_by_text("Wrong email or password.")).to_be_visible()
    sign_in(other, patient["email"], NEW_PASSWORD)
    expect(other.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_account(other)
    screenshot(other, "account-desktop")

    # Sign out everywhere asks first, then ends both sessions.
    page.get_by_role("button", name="Sign out everywhere").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("Sign out on every device")).to_be_hidden()
    page.get_by_role("button", name="Sign out everywhere").click()
    page.get_by_role("button", name="Yes, sign out everywhere").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("signed out on every device")).to_be_visible()
    assert page.evaluate("localStorage.getItem('kc.token')") is None

    other.reload()
    expect(other.get_by_role("button", name="Sign in")).to_be_visible()
    assert other.evaluate("localStorage.getItem('kc.token')") is None


def test_a_patient_edits_the_profile_downloads_the_data_and_deletes_the_account(
    phone, desktop, live_server, new_patient
):
    patient = new_patient("Della Account")
    therapist = call(live_server, "GET", "/me", token=patient["token"])[
        "therapist_name"
    ]
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_account(page)
    expect(page.locator(".lead")).to_contain_text(f"Your therapist is {therapist}.")
    screenshot(page, "account-patient-390")

    # Name and time zone: an empty name is refused on its field, then saved.
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Your name").fill("Della Renamed")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    me = call(live_server, "GET", "/me", token=patient["token"])
    assert (me["name"], me["timezone"]) == ("Della Renamed", "Europe/Berlin")
    expect(page.locator("#who")).to_contain_text("Della Renamed")

    # The reminder link leads to Reminders.
    page.get_by_role("link", name="Set reminders").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
    open_account(page)

    # Download my data: a dated JSON file of the patient's own data.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    name = download.value.suggested_filename
    assert re.fullmatch(r"kinetic-chain-my-data-\d{4}-\d{2}-\d{2}\.json", name), name
    data = json.loads(open(download.value.path()).read())
    assert data["user"]["email"] == patient["email"]
    assert "pain_entries" in data and "sessions" in data
    expect(page.get_by_text("Downloaded:")).to_be_visible()

    wide = desktop.new_page()
    sign_in(wide, patient["email"], patient["password"])
    expect(wide.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_account(wide)
    screenshot(wide, "account-patient-1280")

    # Delete: the confirmation says what goes and what the therapist sees; Cancel
    # keeps everything.
    page.get_by_role("button", name="Delete my account").click()
    confirm = page.get_by_role("group", name="Delete your account for good?")
    expect(confirm).to_contain_text("your pain diary")
    expect(confirm).to_contain_text("your messages with your therapist")
    expect(confirm).to_contain_text(
        f"What {therapist} sees: you disappear from their list of patients"
    )
    expect(confirm).to_contain_text(
        "They are told that you deleted your account (your name and the day"
    )
    confirm.get_by_role(
        "button", name="Yes, delete everything"
    ).scroll_into_view_if_needed()
    screenshot(page, "account-delete-confirm-390")
    page.get_by_role("button", name="Cancel, keep my account").click()
    expect(confirm).to_be_hidden()
    assert call(live_server, "GET", "/me", token=patient["token"])["id"] == me["id"]

    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("button", name="Yes, delete everything").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(
        page.get_by_text("Your account and everything stored about you")
    ).to_be_visible()
    assert page.evaluate("localStorage.getItem('kc.token')") is None
    credentials = {"email": patient["email"], "password": patient["password"]}
    with pytest.raises(urllib.error.HTTPError) as refused:
        call(live_server, "POST", "/auth/login", credentials)
    assert refused.value.code == 401
    wide.reload()
    expect(wide.get_by_role("button", name="Sign in")).to_be_visible()

    # The therapist is told, on their list of patients: the name and the day.
    desk = desktop.new_page()
    sign_in(desk, *DEMO["therapist"])
    notices = desk.get_by_role("region", name="Recent changes")
    expect(notices).to_contain_text(f"{me['name']} deleted their account on")


def test_a_patient_gives_details_for_health_records(phone, live_server, new_patient):
    patient = new_patient("Ngozi Okafor")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_account(page)
    details = page.get_by_role("form", name="Details for health records")
    expect(details.get_by_label("Include my email address")).not_to_be_checked()

    details.get_by_label("Given name(s)").fill("Ngozi Ada")
    details.get_by_label("Family name").fill("Okafor")
    details.get_by_label("Date of birth").fill("2199-01-01")
    details.get_by_label("Sex").select_option("female")
    details.get_by_label("Include my email address").check()
    details.get_by_role("button", name="Save details").click()
    # The server's 422 is shown on its field.
    expect(details.get_by_text("Must not be in the future.")).to_be_visible()
    expect(details.get_by_label("Date of birth")).to_have_attribute(
        "aria-invalid", "true"
    )
    details.get_by_label("Date of birth").fill("1984-02-29")
    details.get_by_role("button", name="Save details").click()
    expect(details.get_by_text("Saved.")).to_be_visible()
    screenshot(page, "account-details")

    page.reload()
    details = page.get_by_role("form", name="Details for health records")
    expect(details.get_by_label("Family name")).to_have_value("Okafor")
    expect(details.get_by_label("Date of birth")).to_have_value("1984-02-29")
    expect(details.get_by_label("Include my email address")).to_be_checked()
    me = call(live_server, "GET", "/me", token=patient["token"])
    assert {k: me[k] for k in ("given_name", "family_name", "birth_date", "sex")} == {
        "given_name": "Ngozi Ada",
        "family_name": "Okafor",
        "birth_date": "1984-02-29",
        "sex": "female",
    }
    assert me["share_email_in_exports"] is True and me["name"] == "Ngozi Okafor"
