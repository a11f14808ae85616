"""The screens a patient and a therapist meet most, at a 390 px phone and a 1280 px
desktop: each opens on its heading, nothing runs off the side, and its picture is
kept (docs/screenshots/screen-<name>-<width>.png with KINETIC_SCREENSHOTS=1)."""

import pytest
from playwright.sync_api import expect

from conftest import DEMO, PHONE, screenshot, sign_in

WIDTHS = {"390": PHONE, "1280": {"width": 1280, "height": 900}}

SCREENS = {
    "patient": [
        ("today", "Today"),
        ("pain", "Log pain"),
        ("trends", "Trends"),
        ("reminders", "Reminders"),
        ("account", "Account"),
    ],
    "therapist": [
        ("patients", "Patients"),
        ("library", "Library"),
        ("library/programs", "Library"),
        ("library/programs/new", "New program"),
        ("alerts", "Alerts"),
        ("invite", "Invite a patient"),
        ("clinic", "Clinic"),
    ],
}

OVERFLOW = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("role", sorted(SCREENS))
def test_each_screen_fits_its_width(browser, live_server, role, width):
    context = browser.new_context(
        viewport=WIDTHS[width],
        device_scale_factor=2 if width == "390" else 1,
        base_url=live_server,
    )
    try:
        page = context.new_page()
        sign_in(page, *DEMO[role])
        expect(page.locator("#who")).to_contain_text("Signed in as")
        for hash_, name in SCREENS[role]:
            page.goto(f"/#/{hash_}")
            heading = page.get_by_role("heading", name=name, exact=True)
            expect(heading).to_be_visible()
            if hash_.endswith("/new"):  # the form comes once the library is read
                expect(page.get_by_label("Title", exact=True)).to_be_visible()
            page.wait_for_load_state("networkidle")
            assert page.evaluate(OVERFLOW) <= 0, (hash_, width)
            screenshot(page, f"screen-{hash_.replace('/', '-')}-{width}")
    finally:
        context.close()
