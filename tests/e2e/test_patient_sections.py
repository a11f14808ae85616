"""The therapist's patient page in sections: a summary band on each, section links
that the keyboard reaches, deep links (#/patients/7/plan) that open their section,
and no section longer than two desktop screens."""

import pytest
from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in

VERDICT = {
    "improving": "Improving",
    "unchanged": "No meaningful change",
    "worsening": "Worsening",
    "insufficient_data": "Not enough data yet",
}
# Each section's path and something only that section shows.
SECTIONS = [
    ("Overview", "", lambda page: page.get_by_role("region", name="Clinical summary")),
    ("Plan", "/plan", lambda page: page.get_by_role("heading", name="Assign program")),
    ("Progress", "/progress", lambda page: page.get_by_role("heading", name="Trends")),
    (
        "Outcomes",
        "/outcomes",
        lambda page: page.get_by_role("heading", name="Schedule a questionnaire"),
    ),
    (
        "Messages",
        "/messages",
        lambda page: page.get_by_role("log", name="Messages with Pat Demo"),
    ),
    (
        "Report",
        "/report",
        lambda page: page.get_by_role("article", name="Progress report, Pat Demo"),
    ),
]


@pytest.fixture(scope="module")
def demo(live_server):
    token = call(
        live_server,
        "POST",
        "/auth/login",
        dict(zip(("email", "password"), DEMO["therapist"], strict=True)),
    )["token"]
    [patient] = [
        p
        for p in call(live_server, "GET", "/patients", token=token)
        if p["email"] == DEMO["patient"][0]
    ]
    summary = call(
        live_server, "GET", f"/patients/{patient['id']}/summary?days=28", token=token
    )
    return patient, summary


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_each_deep_link_opens_its_section_under_the_summary_band(request, demo, size):
    patient, summary = demo
    page = request.getfixturevalue(size).new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("link", name="Pat Demo")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Patient sections")
    for name, path, marker in SECTIONS:
        page.goto(f"/#/patients/{patient['id']}{path}")
        expect(marker(page)).to_be_visible()
        expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(tabs.locator("[aria-current]")).to_have_count(1)
        band = page.get_by_role("region", name="Summary", exact=True)
        expect(band.locator(".verdict").first).to_have_text(VERDICT[summary["verdict"]])
        expect(band).to_contain_text(f"{round(summary['adherence']['ratio'] * 100)} %")
        expect(band).to_contain_text("Unread messages")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        if size == "desktop" and name != "Report":
            # The printable report is a paged document; the others fit two screens.
            height = page.locator(".patient-section").evaluate(
                "el => el.getBoundingClientRect().height"
            )
            assert height <= 2 * 900, f"{name} is {height:.0f} px tall"
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        suffix = "" if size == "desktop" else "-phone"
        screenshot(page, f"patient-{name.lower()}{suffix}")


def test_the_section_links_work_from_the_keyboard(desktop, demo):
    patient, _ = demo
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("link", name="Pat Demo")).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}")
    tabs = page.get_by_role("navigation", name="Patient sections")
    expect(tabs).to_be_visible()
    tabs.get_by_role("link", name="Overview").focus()
    page.keyboard.press("Tab")
    expect(tabs.get_by_role("link", name="Plan")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/patients/{patient['id']}/plan")
    expect(page.get_by_role("heading", name="Assign program")).to_be_visible()
    expect(tabs.get_by_role("link", name="Plan")).to_have_attribute(
        "aria-current", "page"
    )
    # The band's counts lead to where each waits.
    band = page.get_by_role("region", name="Summary", exact=True)
    band.get_by_role("link", name="Unread messages").click()
    expect(page.get_by_role("log", name="Messages with Pat Demo")).to_be_visible()
