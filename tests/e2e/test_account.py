"""The Account screen (issue 23): change the password, then sign in with the new
one elsewhere; sign out everywhere signs the other browser out too. Issue 24: the
optional details for health-record exports."""

from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in

NEW_PASSWORD = "violet tractor umbrella"


def open_account(page) -> None:
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account")).to_be_visible()


def test_a_therapist_finds_the_account_screen_in_the_menu(desktop):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()

    open_account(page)

    expect(page.get_by_label("Current password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out everywhere")).to_be_visible()


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
