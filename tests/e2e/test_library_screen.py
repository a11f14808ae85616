"""The therapist's library: create an exercise of their own through the form (a bad
field is named beside it), and a YAML file with a mistake is refused with its line.
The main screens speak of exercises, programs and sources: slugs and YAML appear
only under "Import / export" and in a form's "Advanced" part. Each item shows whose
it is ("Clinic", "Mine", nothing for the built-in library); a colleague may use the
clinic's items but not change them, and a therapist shares their own."""

import re
import uuid

from playwright.sync_api import expect

from conftest import DEMO, call, no_developer_words, screenshot, sign_in

COLLEAGUE = ("colleague@demo.kinetic", "demo-colleague")

BAD_YAML = """slug: {slug}
name: Wall slide
category: postural_correction
regions: [neck]
summary: Slide the arms up a wall while keeping the chin gently tucked.
instructions:
  - Stand with your back against a wall.
  - Slide your arms up and down slowly.
cues: [Keep your ribs down.]
cautions: [Stop if you feel tingling in your arms.]
dosage:
  sets: 12
  reps: 8
"""


def open_library(page, who=DEMO["therapist"]):
    sign_in(page, *who)
    page.get_by_role("link", name="Library", exact=True).click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible()
    # A cold server's first list (every exercise's figure) can take seconds.
    expect(page.locator(".lib-item").first).to_be_visible(timeout=20000)


def test_therapist_creates_an_exercise_through_the_form(desktop):
    page = desktop.new_page()
    open_library(page)
    page.get_by_label("Search by name").fill("chin tuck")
    expect(page.locator(".lib-item", has_text="Chin tuck (sitting)")).to_be_visible()
    names = page.locator(".lib-item h2").all_inner_texts()
    assert len(names) >= 2 and all("chin tuck" in n.lower() for n in names)
    page.get_by_label("Search by name").fill("")
    page.get_by_label("Region").select_option("low_back")
    page.get_by_label("Category").select_option("nerve_glide")
    names = page.locator(".lib-item h2").all_inner_texts()
    assert names and all("nerve" in name.lower() for name in names)
    page.get_by_label("Category").select_option("")
    page.get_by_label("Region").select_option("")

    no_developer_words(page)
    screenshot(page, "library-exercises")

    page.get_by_role("link", name="Programs", exact=True).click()
    shared = page.locator(".lib-item", has_text="Desk-break neck routine")
    expect(shared.locator(".owner")).to_have_text("Clinic")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    no_developer_words(page)
    screenshot(page, "library")
    menu = page.locator("details.io-menu")
    menu.locator("summary").click()
    expect(page.get_by_text("Upload a YAML file")).to_be_visible()
    screenshot(page, "library-import-export")
    menu.locator("summary").click()

    page.get_by_role("link", name="New program").click()
    expect(page.get_by_role("heading", name="New program")).to_be_visible()
    expect(page.get_by_role("button", name="Create program")).to_be_visible()
    no_developer_words(page)
    screenshot(page, "library-new-program")
    page.get_by_role("link", name="← Back").click()
    page.get_by_role("link", name="Exercises", exact=True).click()

    tag = uuid.uuid4().hex[:6]
    page.get_by_role("link", name="New exercise").click()
    expect(page.get_by_role("heading", name="New exercise")).to_be_visible()
    no_developer_words(page)
    page.get_by_label("Name", exact=True).fill(f"Desk posture reset {tag}")
    page.get_by_label("Category").select_option("postural_correction")
    page.get_by_label("Neck", exact=True).check()
    page.get_by_label("Summary").fill(
        "A short reset of head and shoulders at the desk."
    )
    page.get_by_label("Steps").fill("Sit tall with both feet on the floor.")
    page.get_by_label("Tips").fill("Move slowly.")
    page.get_by_label("Cautions").fill("Stop if you feel dizzy or tingling.")
    page.get_by_label("Reps").fill("8")
    no_developer_words(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "library-new-exercise")
    page.get_by_text("Advanced", exact=True).click()
    expect(page.get_by_label("Short name (slug)")).to_have_value(
        f"desk-posture-reset-{tag}"
    )
    screenshot(page.locator("details.advanced"), "library-new-exercise-advanced")
    page.get_by_text("Advanced", exact=True).click()
    page.get_by_role("button", name="Create exercise").click()
    steps_error = page.locator(".field", has=page.get_by_label("Steps")).locator(
        ".field-error"
    )
    expect(steps_error).to_be_visible()
    expect(page.get_by_label("Steps")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Steps").fill(
        "Sit tall with both feet on the floor.\nDraw your chin gently back and hold."
    )
    page.get_by_role("button", name="Create exercise").click()
    expect(
        page.get_by_role("heading", name=f"Desk posture reset {tag}")
    ).to_be_visible()
    # The short name was made from the name, untouched.
    expect(page).to_have_url(
        re.compile(f"#/library/exercises/desk-posture-reset-{tag}$")
    )
    expect(page.locator(".owner.mine")).to_have_text("Mine")
    no_developer_words(page)
    screenshot(page, "library-exercise")
    expect(page.get_by_text("Draw your chin gently back and hold.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()

    page.get_by_role("link", name="← Exercises").click()
    page.get_by_label("Show").select_option("me")
    mine = page.locator(".lib-item", has_text="Desk posture reset")
    expect(mine).to_be_visible(timeout=20000)  # the list, fetched again
    expect(mine.locator(".owner")).to_have_text("Mine")


def test_a_bad_yaml_upload_names_the_line_and_stores_nothing(desktop, live_server):
    page = desktop.new_page()
    open_library(page)
    slug = f"wall-slide-{uuid.uuid4().hex[:6]}"
    page.get_by_label("Upload a YAML file").set_input_files(
        files=[
            {
                "name": f"{slug}.yaml",
                "mimeType": "application/yaml",
                "buffer": BAD_YAML.format(slug=slug).encode(),
            }
        ]
    )
    status = page.locator("p.status.error")
    expect(status).to_contain_text(f"{slug}.yaml was not saved")
    expect(status.locator(".problems li")).to_have_count(1)
    expect(status.locator(".problems li")).to_contain_text("Line 12")
    expect(status.locator(".problems li code")).to_have_text("dosage.sets")

    email, password = DEMO["therapist"]
    login = {"email": email, "password": password}
    token = call(live_server, "POST", "/auth/login", login)["token"]
    found = call(live_server, "GET", f"/exercises?q={slug}", token=token)
    assert found == []


def test_a_copy_gets_its_own_short_name_without_asking(desktop):
    page = desktop.new_page()
    open_library(page)
    page.get_by_role("link", name="Chin tuck (sitting)").click()
    expect(page.get_by_role("heading", name="Chin tuck (sitting)")).to_be_visible()
    no_developer_words(page)
    for ending in ("", "-2"):
        page.get_by_role("link", name="Make a copy").click()
        expect(
            page.get_by_role("heading", name=re.compile("a copy of"))
        ).to_be_visible()
        page.get_by_role("button", name="Create exercise").click()
        # The second copy's name makes the first one's short name: it takes the next.
        expect(page).to_have_url(
            re.compile(f"#/library/exercises/chin-tuck-sitting{ending}$")
        )
        expect(page.locator(".owner.mine")).to_have_text("Mine")


def test_the_library_on_a_phone_keeps_files_in_the_menu(phone):
    page = phone.new_page()
    open_library(page)
    no_developer_words(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "library-exercises-phone")
    page.get_by_role("link", name="New exercise").click()
    expect(page.get_by_role("button", name="Create exercise")).to_be_visible()
    no_developer_words(page)
    screenshot(page, "library-new-exercise-phone")
    page.get_by_role("link", name="← Back").click()
    page.locator(".lib-item h2 a").first.click()
    expect(page.get_by_role("link", name="Make a copy")).to_be_visible()
    no_developer_words(page)
    page.locator("details.io-menu summary").click()
    expect(page.get_by_role("button", name="Download as a YAML file")).to_be_visible()
    screenshot(page, "library-exercise-phone")


def test_a_colleague_uses_the_clinics_program_but_cannot_change_it(desktop, phone):
    for context, suffix in ((desktop, ""), (phone, "-phone")):
        page = context.new_page()
        open_library(page, COLLEAGUE)
        page.get_by_role("link", name="Programs", exact=True).click()
        page.get_by_label("Show").select_option("clinic")
        shared = page.locator(".lib-item", has_text="Desk-break neck routine")
        expect(shared.locator(".owner")).to_have_text("Clinic")
        # The built-in programs carry no badge and are not listed under "Clinic".
        expect(page.locator(".lib-item")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        no_developer_words(page)
        screenshot(page, f"library-clinic{suffix}")
        page.get_by_label("Show").select_option("library")
        expect(page.locator(".lib-item").first).to_be_visible()
        expect(page.locator(".lib-item .owner")).to_have_count(0)

        page.get_by_label("Show").select_option("clinic")
        shared.get_by_role("link", name="Desk-break neck routine").click()
        heading = page.get_by_role("heading", name="Desk-break neck routine")
        expect(heading).to_be_visible()
        only = page.get_by_text("Only its author and the clinic's admins")
        expect(only).to_be_visible()
        expect(page.get_by_role("link", name="Edit")).to_have_count(0)
        expect(page.get_by_role("button", name="Archive")).to_have_count(0)
        share = page.get_by_role("button", name="Share with the clinic")
        expect(share).to_have_count(0)
        expect(page.get_by_role("link", name="Make a copy")).to_be_visible()
        no_developer_words(page)
        screenshot(page, f"library-clinic-program{suffix}")
        page.close()


def test_a_therapist_makes_a_clinic_exercise_and_shares_their_own(desktop):
    page = desktop.new_page()
    open_library(page)
    tag = uuid.uuid4().hex[:6]
    made = ((f"Clinic reset {tag}", "The clinic"), (f"Own reset {tag}", None))
    for name, owner in made:
        page.goto("/#/library/exercises/new")
        expect(page.get_by_role("heading", name="New exercise")).to_be_visible()
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Category").select_option("postural_correction")
        page.get_by_label("Neck", exact=True).check()
        page.get_by_label("Summary").fill("A short reset at the desk.")
        page.get_by_label("Steps").fill("Sit tall.\nDraw your chin gently back.")
        page.get_by_label("Tips").fill("Move slowly.")
        page.get_by_label("Cautions").fill("Stop if you feel dizzy.")
        page.get_by_label("Reps").fill("8")
        expect(page.get_by_label("Only me")).to_be_checked()
        if owner:
            page.get_by_label(owner).check()
            choice = page.locator("fieldset", has_text="Who can use it")
            screenshot(choice, "library-new-exercise-owner")
        page.get_by_role("button", name="Create exercise").click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        badge = page.locator(".lib-head .owner")
        expect(badge).to_have_text("Clinic" if owner else "Mine")
        # The author may change it either way.
        expect(page.get_by_role("link", name="Edit")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Share with the clinic").click()
    done = page.get_by_text(f"Own reset {tag} is now shared with the clinic.")
    expect(done).to_be_visible()
    expect(page.locator(".lib-head .owner")).to_have_text("Clinic")
    expect(page.get_by_role("button", name="Share with the clinic")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    no_developer_words(page)
    screenshot(page, "library-shared-exercise")
