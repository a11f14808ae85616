"""The therapist reviews the demo patient's progression suggestion: reads the
figures, accepts it in one tap, sees the new plan version, and undoes it."""

import re

from playwright.sync_api import expect

from conftest import DEMO, open_section, screenshot, sign_in


def test_therapist_accepts_a_suggestion_and_can_undo_it(desktop):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    row = page.get_by_role("row").filter(has_text="Pat Demo")
    expect(row.get_by_text("1 to review")).to_be_visible()
    row.get_by_role("link", name="1 to review").click()

    panel = page.locator("#suggestions")
    expect(panel.get_by_text("Advance early")).to_be_visible()
    # The demo's own history (its last sessions, its last two weeks), counted by
    # the rules as everywhere else.
    expect(
        panel.get_by_text(re.compile(r"pain during [0-3], [0-3], [0-3]"))
    ).to_be_visible()
    expect(panel.get_by_text(re.compile(r"adherence \d+% \(14 days\)"))).to_be_visible()
    screenshot(page.locator("#suggestions"), "progression")

    panel.get_by_role("button", name="Accept: Advance early").click()
    expect(panel.get_by_text("Applied")).to_be_visible()
    expect(panel.get_by_role("button", name="Accept: Advance early")).to_have_count(0)
    expect(
        page.get_by_text("(version 3)").or_(page.get_by_text("Version 3"))
    ).not_to_have_count(0)

    panel.get_by_role("button", name="Undo: Advance early").click()
    expect(panel.get_by_text("Undone")).to_be_visible()
    expect(panel.get_by_role("button", name="Undo: Advance early")).to_have_count(0)


def test_a_withdrawn_suggestion_shows_its_reason_and_no_accept(browser, live_server):
    """The panel as the API answers it for a withdrawn advance (the API's side,
    each event that withdraws one, is in tests/api/test_progression_withdrawal.py)."""
    withdrawn = {
        "id": 999,
        "assignment_id": 1,
        "patient_id": 2,
        "program_title": "Whole spine",
        "action": "advance",
        "reason": "Pain during the last 3 sessions was 2, 1 and 2 out of 10.",
        "figures": {"pain_during": [2, 1, 2], "adherence": 0.8, "adherence_days": 14},
        "explanation": "Move on to the next phase early.",
        "status": "withdrawn",
        "withdrawn_reason": "Withdrawn: pain 7/10 during Glute bridge on 4 Dec.",
        "automatic": False,
        "created_at": "2026-12-04T09:00:00+00:00",
        "decided_at": "2026-12-04T10:00:00+00:00",
        "prescription_version": None,
        "can_undo": False,
    }
    # No service worker: its fetches would pass by the page's route.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server,
        service_workers="block",
    )
    page = context.new_page()
    page.route(
        "**/api/v1/patients/*/suggestions",
        lambda route: route.fulfill(json=[withdrawn]),
    )
    sign_in(page, *DEMO["therapist"])
    page.get_by_role("link", name="Pat Demo").first.click()
    open_section(page, "Plan")

    panel = page.locator("#suggestions")
    expect(panel.get_by_text("Withdrawn", exact=False).first).to_be_visible()
    expect(
        panel.get_by_text("Withdrawn: pain 7/10 during Glute bridge on 4 Dec.")
    ).to_be_visible()
    expect(panel.get_by_role("button", name="Accept: Advance early")).to_have_count(0)
    expect(panel.get_by_role("button", name="Dismiss: Advance early")).to_have_count(0)
    context.close()
