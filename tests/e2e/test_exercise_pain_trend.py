"""Pain during an exercise shows on the Trends chart as its own marks, outside
the day's average."""

import re

from playwright.sync_api import expect

from conftest import call, screenshot, sign_in


def test_a_hurts_report_is_a_mark_not_a_daily_value(phone, live_server, new_patient):
    patient = new_patient("Hurts Trend")
    token = patient["token"]
    (session,) = call(live_server, "GET", "/me/today", token=token)["sessions"]
    exercise = session["exercises"][0]
    call(live_server, "POST", "/me/pain", {"neck": 2}, token=token)
    # 6: below the alert's threshold, so the shared server's alerts stay as the
    # other browser tests count them.
    hurt = {"neck": 6, "session_id": session["id"], "exercise": exercise["slug"]}
    call(live_server, "POST", "/me/pain", hurt, token=token)

    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.get_by_role("link", name="Trends").click()
    chart = page.get_by_role("img", name=re.compile("trend", re.IGNORECASE))
    expect(chart.locator("canvas").first).to_be_visible()
    expect(chart.locator(".legend")).to_contain_text("Pain during an exercise")
    summary = page.locator(f"#{chart.get_attribute('aria-describedby')}")
    expect(summary).to_contain_text("Neck: average 2,")
    expect(summary).to_contain_text(
        f"Pain during an exercise: 1 score, the highest 6 (Neck, {exercise['name']}"
    )
    chart.scroll_into_view_if_needed()
    screenshot(page, "trends-exercise-pain")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
