"""The clinical picture in the browser: the therapist's patient page opens with
the summary band and the patient's Trends with the same facts, each showing the
figures the summary endpoint gives."""

from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in

WORDS = {
    "improving": "Improving",
    "unchanged": "No meaningful change",
    "worsening": "Worsening",
    "insufficient_data": "Not enough data yet",
}


def _summary(live_server, who: str, path: str) -> dict:
    token = call(
        live_server,
        "POST",
        "/auth/login",
        {
            "email": DEMO[who][0],
            "password": DEMO[who][1],
        },
    )["token"]
    return call(live_server, "GET", path, token=token)


def test_the_patient_page_opens_with_the_clinical_picture(live_server, desktop):
    [patient] = [
        p
        for p in _summary(live_server, "therapist", "/patients")
        if p["email"] == DEMO["patient"][0]
    ]
    summary = _summary(live_server, "therapist", f"/patients/{patient['id']}/summary")
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    page.get_by_role("link", name="Pat Demo").click()
    # The figures in the band on every section; the words behind them in Overview.
    figures = page.get_by_role("region", name="Summary", exact=True)
    expect(figures.locator(".verdict").first).to_have_text(WORDS[summary["verdict"]])
    ratio = summary["adherence"]["ratio"]
    expect(figures).to_contain_text(f"{round(ratio * 100)} %")
    band = page.get_by_role("region", name="Clinical summary")
    expect(band).to_be_visible()
    expect(band).to_contain_text(f"of {summary['adherence']['due']} due")
    for reason in summary["reasons"]:
        expect(band.get_by_text(reason["text"], exact=True)).to_be_visible()
    # The demo tells one story: improving, and no contrary alert on the page.
    assert summary["verdict"] == "improving"
    expect(page.get_by_text("No improvement", exact=True)).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "patient-summary")


def test_the_patients_trends_say_the_same_in_sentences(live_server, phone):
    summary = _summary(live_server, "patient", "/me/summary")
    page = phone.new_page()
    sign_in(page, *DEMO["patient"])
    page.get_by_role("link", name="Trends").click()
    card = page.get_by_role("region", name="Your progress")
    expect(card).to_be_visible()
    expect(card).to_contain_text("You are improving.")
    ratio = summary["adherence"]["ratio"]
    expect(card).to_contain_text(f"last 28 days: {round(ratio * 100)} %")
    low_back = summary["pain"]["low_back"]
    expect(card).to_contain_text(f"low back pain {low_back['baseline']:g} → ")
    screenshot(page, "trends-progress")
