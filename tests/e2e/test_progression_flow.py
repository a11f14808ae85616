"""The therapist reviews the demo patient's progression suggestion: reads the
figures, accepts it in one tap, sees the new plan version, and undoes it."""

from playwright.sync_api import expect

from conftest import DEMO, screenshot, sign_in


def test_therapist_accepts_a_suggestion_and_can_undo_it(desktop):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    row = page.get_by_role("row").filter(has_text="Pat Demo")
    expect(row.get_by_text("1 to review")).to_be_visible()
    page.get_by_role("link", name="Pat Demo").first.click()

    panel = page.locator("#suggestions")
    expect(panel.get_by_text("Advance early")).to_be_visible()
    expect(panel.get_by_text("pain during 2, 1, 2")).to_be_visible()
    expect(panel.get_by_text("adherence 86% (14 days)")).to_be_visible()
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
