"""Questionnaires in the browser: a therapist schedules PEG-3, a patient answers
it on a phone and sees the score; both see scores over time and insights."""

from playwright.sync_api import expect

from conftest import (
    DEMO,
    ask_peg3,
    call,
    open_section,
    screenshot,
    sign_in,
    therapist_token,
)


def test_the_therapist_schedules_an_instrument(desktop, live_server, new_patient):
    patient = new_patient("Quinn Questions")
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}/outcomes")
    expect(page.get_by_role("heading", name="Quinn Questions")).to_be_visible()

    form = page.locator(
        "form", has=page.get_by_role("heading", name="Schedule a questionnaire")
    )
    form.get_by_role("button", name="Schedule questionnaire").click()
    expect(form.locator(".field-error").first).to_have_text("Choose a questionnaire.")
    form.get_by_label("Questionnaire").select_option("function-goals")
    goals = form.get_by_label("Goals, one a line")
    expect(goals).to_be_visible()
    goals.fill("Sit at my desk for an hour\nLift my toddler")
    form.get_by_label("Every … days").fill("14")
    form.get_by_role("button", name="Schedule questionnaire").click()

    expect(form.get_by_role("status")).to_contain_text(
        "Function goals scheduled every 14 days; next due today."
    )
    listed = page.locator("section[aria-labelledby='pq-h'] .plan")
    expect(listed).to_contain_text("Function goals every 14 days")
    expect(listed).to_contain_text("Sit at my desk for an hour; Lift my toddler")
    schedules = call(
        live_server,
        "GET",
        f"/patients/{patient['id']}/questionnaires",
        token=therapist_token(live_server),
    )
    assert [(s["questionnaire"], s["every_days"]) for s in schedules] == [
        ("function-goals", 14)
    ]


def test_the_demo_therapist_sees_scores_and_insights(desktop):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    page.get_by_role("link", name="Pat Demo").click()
    open_section(page, "Outcomes")
    outcome = page.locator("section.outcome[data-questionnaire='peg-3']")
    expect(outcome).to_contain_text("passes the minimal important change")
    expect(outcome.locator("canvas").first).to_be_visible()
    insights = page.locator("section[aria-labelledby='insights-h']")
    expect(insights).to_contain_text("not what caused it")
    expect(insights.locator("li").first).to_contain_text("On days after a session")
    outcome.scroll_into_view_if_needed()
    screenshot(page, "outcomes-therapist")


def test_a_patient_answers_peg3_on_a_phone_and_sees_the_score(
    phone, live_server, new_patient
):
    patient = new_patient("Pia Phone")
    ask_peg3(live_server, patient)
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])

    due = page.locator("section.due")
    expect(due).to_contain_text("PEG-3 · 3 questions")
    due.get_by_role("link", name="Answer PEG-3").click()
    expect(page.get_by_role("heading", name="PEG-3")).to_be_visible()
    questions = page.get_by_role("radiogroup")
    expect(questions).to_have_count(3)
    questions.nth(0).get_by_text("5", exact=True).click()
    questions.nth(1).get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".field-error:visible")).to_have_text(
        "Please choose an answer."
    )

    questions.nth(2).get_by_text("3", exact=True).click()
    expect(page.locator(".field-error:visible")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    box = questions.nth(0).locator("label").first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 44, box
    page.get_by_role("heading", name="PEG-3").scroll_into_view_if_needed()
    screenshot(page, "questionnaire")
    page.get_by_role("button", name="Send answers").click()

    result = page.locator("section.result")
    # No band for the PEG-3: the score stands alone.
    expect(result.locator(".big-score")).to_have_text("PEG-3 score: 4")
    expect(result).to_contain_text("This is your first score, the baseline")
    page.get_by_role("link", name="Trends").first.click()
    card = page.locator("section.outcome[data-questionnaire='peg-3']")
    expect(card).to_contain_text("Your first score, the baseline: 4. Later")
    page.get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(page.locator("section.due")).to_be_hidden()


def test_the_demo_patient_sees_the_peg3_chart_and_insights(phone):
    page = phone.new_page()
    sign_in(page, *DEMO["patient"])
    page.get_by_role("link", name="Trends").click()
    card = page.locator("section.outcome[data-questionnaire='peg-3']")
    expect(card).to_contain_text("since the baseline of 6.3")
    expect(card.locator("canvas").first).to_be_visible()
    expect(page.locator("section[aria-labelledby='insights-h'] .note")).to_contain_text(
        "This shows what happened together, not what caused it."
    )
    expect(page.locator(".insights li").first).to_contain_text("On days after")
    page.locator("#insights-h").evaluate(
        "el => { el.scrollIntoView(); window.scrollBy(0, -90); }"
    )
    screenshot(page, "insights")
    card.scroll_into_view_if_needed()
    screenshot(page, "outcomes")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_answers_given_offline_are_scored_once_back_online(
    phone, live_server, new_patient
):
    patient = new_patient("Oona Offline")
    call(
        live_server,
        "POST",
        f"/patients/{patient['id']}/questionnaires",
        {"questionnaire": "pgic", "every_days": 28},
        therapist_token(live_server),
    )
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    expect(page.locator("section.due")).to_contain_text("PGIC")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()  # through the service worker, which keeps a copy of what is due
    page.get_by_role("link", name="Answer PGIC").click()
    expect(page.get_by_role("radiogroup")).to_have_count(1)

    phone.set_offline(True)
    page.get_by_text("Much improved", exact=True).click()
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator("section.result")).to_contain_text("Saved on this phone")
    expect(page.locator("#sync")).to_have_text("1 waiting to sync")

    phone.set_offline(False)
    expect(page.locator("#sync")).to_be_hidden()
    answers = call(
        live_server, "GET", "/me/questionnaire-responses", token=patient["token"]
    )
    assert [(r["questionnaire"], r["score"], r["meaningful"]) for r in answers] == [
        ("pgic", 2.0, True)
    ]
