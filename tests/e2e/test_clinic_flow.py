"""Issue 26 in the browser: the clinic's admin invites a therapist, who joins
through the link and lands on Patients; the admin (the lead) adds them to a
patient's care team; the new therapist opens the patient, and the patient's
Account screen then lists them under "Who opened your record"; the admin removes
a therapist, handing the patients they lead to a colleague (the lead changes)."""

import re
import uuid
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from conftest import DEMO, PHONE, call, screenshot, sign_in, therapist_token

WIDE = {"width": 1280, "height": 900}


def open_menu_link(page, name: str) -> None:
    page.get_by_text("Menu").click()
    page.get_by_role("link", name=name, exact=True).click()


def show(locator) -> None:
    """Scrolls the element to the top of the screen, below the sticky bar."""
    locator.evaluate("el => scrollTo(0, el.getBoundingClientRect().top + scrollY - 76)")


def both_widths(page, name: str, at=None) -> None:
    """The screen from its top (or from `at`), at 1280 px and at 390 px (then back)."""
    start = page.viewport_size
    for label, size in (("1280", WIDE), ("390", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_load_state("networkidle")
        if at is None:
            page.evaluate("window.scrollTo(0, 0)")
        else:
            show(at)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (
            f"{name} runs off the side at {label} px"
        )
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(start)


def test_a_clinic_grows_shares_a_patient_and_hands_patients_over(
    desktop, phone, browser, live_server, new_patient
):
    patient = new_patient("Casey Careteam")
    admin_token = therapist_token(live_server)
    admin = call(live_server, "GET", "/me", token=admin_token)
    name = "Robin Newcomer"
    email = f"robin-{uuid.uuid4().hex[:8]}@example.org"

    # 1. The admin invites a therapist from the Clinic screen (in the menu).
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    open_menu_link(page, "Clinic")
    expect(page.get_by_role("heading", name="Clinic", exact=True)).to_be_visible()
    members = page.get_by_role("region", name="Members")
    expect(members).to_contain_text(admin["name"])
    form = page.get_by_role("form", name="Invite a therapist")
    form.get_by_label("Their name (optional)").fill(name)
    form.get_by_label("Their email (optional)").fill(email)
    form.get_by_label("Role").select_option("therapist")
    form.get_by_role("button", name="Create invite").click()
    link = page.locator("a.enrol-link").get_attribute("href")
    code = page.locator(".invite .code").inner_text()
    assert f"/#/join/{code}" in link
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    invites = page.get_by_role("region", name="Open invites")
    expect(invites).to_contain_text(name)
    both_widths(page, "clinic-admin")
    both_widths(page, "clinic-invite", page.locator(".invite"))

    # 2. The new therapist joins through the link and lands on Patients.
    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", name="Join your clinic")).to_be_visible()
    expect(mobile.get_by_label("Your name")).to_have_value(name)
    expect(mobile.get_by_label("Email")).to_have_value(email)
    expect(mobile.get_by_label("Invite code")).to_have_value(code)
    assert parse_qs(urlsplit(link).fragment.split("?", 1)[1])["email"] == [email]
    mobile.get_by_label("Password").fill("robin-joins-the-clinic")
    mobile.get_by_role("button", name="Create account").click()
    expect(mobile.get_by_role("heading", name="Patients")).to_be_visible()
    expect(mobile.locator("main > p.status.info")).to_contain_text(f"Welcome, {name}")
    robin = call(
        live_server,
        "GET",
        "/me",
        token=mobile.evaluate("localStorage.getItem('kc.token')"),
    )
    assert robin["role"] == "therapist"
    assert robin["clinic"]["id"] == admin["clinic"]["id"]
    # The invite is used: it is no longer open.
    page.reload()
    expect(page.get_by_role("region", name="Members")).to_contain_text(name)
    expect(page.get_by_role("region", name="Open invites")).not_to_contain_text(name)

    # 3. The admin, who leads Casey, adds Robin to Casey's care team.
    page.goto(f"/#/patients/{patient['id']}/team")
    team = page.get_by_role("region", name="Care team")
    expect(team).to_contain_text("Lead")
    add = page.get_by_role("form", name="Add a colleague")
    add.get_by_label("Therapist").select_option(label=name)
    add.get_by_role("button", name="Add to care team").click()
    expect(team.get_by_role("status").first).to_contain_text(
        f"{name} joined the care team"
    )
    expect(team.get_by_role("listitem").filter(has_text=name)).to_be_visible()
    both_widths(page, "care-team-lead", page.locator(".patient-head .summary-band"))

    # 4. Robin sees Casey (led by the admin) under Team, not under Mine, and
    # opens the record; the care team is shown read-only, with Leave.
    mobile.reload()
    row = mobile.get_by_role("row").filter(has_text="Casey Careteam")
    expect(row).to_contain_text(f"Lead: {admin['name']}")
    chips = mobile.get_by_role("group", name="Show patients")
    chips.get_by_role("button", name="Mine").click()
    expect(chips.get_by_role("button", name="Mine")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(mobile.get_by_text("You lead no patients yet.")).to_be_visible()
    chips.get_by_role("button", name="Team").click()
    expect(row).to_be_visible()
    assert mobile.url.endswith("#/patients?scope=team")
    screenshot(mobile, "patients-team-filter-390")
    mobile.get_by_role("link", name="Casey Careteam").click()
    expect(mobile.get_by_role("heading", name="Casey Careteam")).to_be_visible()
    band = mobile.get_by_role("region", name="Summary", exact=True)
    expect(band).to_contain_text(admin["name"])
    band.get_by_role("link", name=re.compile("^Lead")).click()
    team = mobile.get_by_role("region", name="Care team")
    expect(mobile.get_by_role("button", name="Leave this care team")).to_be_visible()
    expect(mobile.get_by_role("button", name="Add to care team")).to_have_count(0)
    expect(team.get_by_role("button")).to_have_count(0)
    show(team)
    screenshot(mobile, "care-team-member-390")
    # Robin writes to Casey; the lead reads it under Robin's name.
    mobile.goto(f"/#/patients/{patient['id']}/messages")
    mobile.get_by_role("textbox", name="Message").fill("Robin here, from the clinic.")
    mobile.get_by_role("button", name="Send").click()
    expect(mobile.locator(".msg").last).to_contain_text("You")
    page.goto(f"/#/patients/{patient['id']}/messages")
    robin_says = page.locator(".msg").filter(has_text="Robin here")
    expect(robin_says.locator(".msg-who")).to_have_text(name)

    # The patient's Account screen lists the team and who opened the record.
    wide = browser.new_context(viewport=WIDE, base_url=live_server)
    own = wide.new_page()
    sign_in(own, patient["email"], patient["password"])
    expect(own.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_menu_link(own, "Account")
    care = own.get_by_role("region", name="Your care team")
    expect(care.get_by_role("listitem").filter(has_text=admin["name"])).to_contain_text(
        "Lead"
    )
    expect(care).to_contain_text(name)
    opened = own.get_by_role("region", name="Who opened your record")
    expect(opened).to_contain_text(f"{name} viewed your record")
    show(care)
    screenshot(own, "account-care-team-1280")
    own.set_viewport_size(PHONE)
    show(care)
    screenshot(own, "account-care-team-390")
    wide.close()

    # 5. The admin makes Robin the lead, then removes Robin from the clinic,
    # handing Casey over to the demo colleague: Casey's lead changes.
    colleague = next(
        m
        for m in call(live_server, "GET", "/clinic/members", token=admin_token)
        if m["id"] not in (admin["id"], robin["id"]) and m["treats_patients"]
    )
    page.goto(f"/#/patients/{patient['id']}/team")
    team = page.get_by_role("region", name="Care team")
    team.get_by_role("button", name=f"Make lead: {name}").click()
    team.get_by_role("button", name=f"Yes, make {name} the lead").click()
    expect(team.get_by_role("status").first).to_contain_text(f"{name} now leads")
    expect(page.get_by_role("button", name="Leave this care team")).to_be_visible()

    open_menu_link(page, "Clinic")
    members = page.get_by_role("region", name="Members")
    members.get_by_role("button", name=f"Remove {name} from the clinic").click()
    confirm = members.get_by_role("form", name=re.compile(f"Remove {name}"))
    expect(confirm).to_contain_text("They lead 1 patient")
    confirm.get_by_role("button", name=f"Yes, remove {name}").click()
    # The hand-over is required: the picker says so.
    expect(confirm.get_by_text("Choose who takes over their patients.")).to_be_visible()
    confirm.get_by_label(re.compile("^Hand their")).select_option(
        label=colleague["name"]
    )
    show(confirm)
    screenshot(page, "clinic-remove-confirm-1280")
    confirm.get_by_role("button", name=f"Yes, remove {name}").click()
    expect(page.locator("main > .screen > .status.ok")).to_contain_text(
        f"{name} was removed."
    )
    expect(members).not_to_contain_text(name)

    page.goto("/#/patients")
    page.reload()
    row = page.get_by_role("row").filter(has_text="Casey Careteam")
    expect(row).to_contain_text(f"Lead: {colleague['name']}")
    both_widths(page, "patients-filters")
    care_team = call(
        live_server, "GET", f"/patients/{patient['id']}/care-team", token=admin_token
    )
    assert care_team["lead"]["id"] == colleague["id"]
    assert robin["id"] not in [m["id"] for m in care_team["members"]]


def test_a_member_who_is_not_an_admin_sees_the_clinic_read_only(phone, live_server):
    page = phone.new_page()
    sign_in(page, "colleague@demo.kinetic", "demo-colleague")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    open_menu_link(page, "Clinic")
    members = page.get_by_role("region", name="Members")
    expect(members).to_contain_text("Dr Demo Therapist")
    expect(members.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("form", name="Invite a therapist")).to_have_count(0)
    screenshot(page, "clinic-member-390")


def test_an_admin_who_does_not_treat_lands_on_the_clinic_and_its_access_log(
    desktop, live_server
):
    page = desktop.new_page()
    sign_in(page, "manager@demo.kinetic", "demo-manager")
    expect(page.get_by_role("heading", name="Clinic", exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(["Clinic", "Library"])
    expect(page.get_by_role("form", name="Invite a therapist")).to_be_visible()
    log = page.get_by_role("form", name="Who opened which record")
    expect(log.get_by_role("list", name="Latest record openings")).to_be_visible()
    expect(log.get_by_role("button", name="Download CSV")).to_be_visible()
    # No patient invites for someone who treats no patients.
    page.goto("/#/patients")
    expect(page.get_by_role("link", name="Invite patient")).to_have_count(0)
    manages = page.get_by_text("You manage the clinic without treating patients")
    expect(manages).to_be_visible()


def test_a_team_member_leaves_a_care_team(phone, live_server, new_patient):
    patient = new_patient("Lee Leaving")
    admin = therapist_token(live_server)
    colleague = next(
        m
        for m in call(live_server, "GET", "/clinic/members", token=admin)
        if m["email"] == "colleague@demo.kinetic"
    )
    path = f"/patients/{patient['id']}/care-team"
    call(live_server, "POST", path, {"therapist_id": colleague["id"]}, admin)

    page = phone.new_page()
    sign_in(page, "colleague@demo.kinetic", "demo-colleague")
    expect(page.get_by_role("link", name="Lee Leaving")).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}/team")
    page.get_by_role("button", name="Leave this care team").click()
    # Keyboard: the question comes with its Yes focused, and Cancel goes back.
    expect(page.get_by_role("button", name="Yes, leave the team")).to_be_focused()
    expect(
        page.get_by_role("group", name=re.compile("Leave Lee's care team"))
    ).to_be_visible()
    page.get_by_role("button", name="Yes, leave the team").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    expect(page.locator("main > p.status.info")).to_contain_text(
        "You left Lee Leaving's care team."
    )
    expect(page.get_by_role("link", name="Lee Leaving")).to_have_count(0)
    team = call(live_server, "GET", path, token=admin)
    assert colleague["id"] not in [m["id"] for m in team["members"]]
