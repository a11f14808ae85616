"""Questionnaires: the instruments, scoring every one of them (edges and bad
answers), scheduling and due dates across time zones, exactly-once answers, the
change from the baseline, the reminder line, export and erasure."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from kinetic.extensions import db
from kinetic.models import Notification, QuestionnaireResponse, QuestionnaireSchedule
from kinetic.services import questionnaires, reminders

API = "/api/v1"
PEG = {"pain": 2, "enjoyment": 2, "activity": 2}
GOALS = ["Sit at my desk for an hour", "Walk to the shop"]


@pytest.fixture
def therapist(make_therapist):
    return make_therapist()


@pytest.fixture
def patient(make_patient, therapist, questionnaires):
    return make_patient(therapist)


def schedule(client, therapist, patient, **body):
    body = {"questionnaire": "peg-3", "every_days": 7, **body}
    return client.post(
        f"{API}/patients/{patient.id}/questionnaires",
        json=body,
        headers=therapist.headers,
    )


def answer(client, patient, answers, questionnaire="peg-3", client_id=None):
    return client.post(
        f"{API}/me/questionnaire-responses",
        json={
            "questionnaire": questionnaire,
            "answers": answers,
            "client_id": client_id or str(uuid.uuid4()),
        },
        headers=patient.headers,
    )


def due(client, patient) -> list[dict]:
    response = client.get(f"{API}/me/questionnaires/due", headers=patient.headers)
    assert response.status_code == 200, response.json
    return response.json


# -- the instruments -------------------------------------------------------------------


def test_the_instruments_are_listed_with_source_licence_and_change(
    client, patient, questionnaires
):
    response = client.get(f"{API}/questionnaires", headers=patient.headers)

    assert response.status_code == 200
    by_slug = {q["slug"]: q for q in response.json}
    assert sorted(by_slug) == ["function-goals", "peg-3", "pgic"]
    peg = by_slug["peg-3"]
    assert peg["better"] == "lower" and peg["score_range"] == [0, 10]
    assert peg["minimal_important_change"]["basis"] == "starting_value"
    assert "Krebs" in peg["source"]["citation"]
    assert peg["licence"]["read_at"]
    assert by_slug["pgic"]["licence"]["status"] == "public_domain"
    assert by_slug["function-goals"]["per_patient_items"] is True


def test_one_instrument_has_its_items_and_a_missing_one_is_404(client, patient):
    peg = client.get(f"{API}/questionnaires/peg-3", headers=patient.headers)
    missing = client.get(f"{API}/questionnaires/sf-36", headers=patient.headers)

    assert peg.status_code == 200
    assert [i["code"] for i in peg.json["items"]] == ["pain", "enjoyment", "activity"]
    assert peg.json["scoring"] == {"method": "mean", "decimals": 1}
    assert missing.status_code == 404 and missing.json["code"] == 404


def test_an_instrument_written_per_patient_has_its_goal_range_and_no_items(
    client, patient
):
    # Its content has no `items` key; the dump once took dict.items for it (a 500).
    goals = client.get(f"{API}/questionnaires/function-goals", headers=patient.headers)

    assert goals.status_code == 200, goals.json
    assert goals.json["per_patient_items"] is True
    assert "items" not in goals.json
    assert goals.json["goals"]["max_items"] == 5
    assert goals.json["scoring"] == {"method": "mean", "decimals": 1}


# -- scoring every instrument ----------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "answers", "score", "band"),
    [
        # No bands for the PEG-3 (its file says why): a mean of 3.7 is not "low".
        ("peg-3", {"pain": 0, "enjoyment": 0, "activity": 0}, 0.0, None),
        ("peg-3", {"pain": 10, "enjoyment": 10, "activity": 10}, 10.0, None),
        ("peg-3", {"pain": 4, "enjoyment": 4, "activity": 3}, 3.7, None),
        ("peg-3", {"pain": 7, "enjoyment": 7, "activity": 6}, 6.7, None),
        ("pgic", {"change": 1}, 1.0, "very much improved"),
        ("pgic", {"change": 4}, 4.0, "no change"),
        ("pgic", {"change": 7}, 7.0, "very much worse"),
        ("function-goals", {"goal_1": 0, "goal_2": 0}, 0.0, "hard to do"),
        ("function-goals", {"goal_1": 10, "goal_2": 5}, 7.5, "mostly possible"),
        ("function-goals", {"goal_1": 5, "goal_2": 4}, 4.5, "partly possible"),
    ],
)
def test_answers_are_scored_on_the_server(
    client, therapist, patient, slug, answers, score, band
):
    goals = GOALS if slug == "function-goals" else None
    assert schedule(client, therapist, patient, questionnaire=slug, goals=goals).json

    response = answer(client, patient, answers, questionnaire=slug)

    assert response.status_code == 201, response.json
    assert response.json["score"] == score
    assert response.json["band"] == band


@pytest.mark.parametrize(
    ("slug", "answers", "field", "message"),
    [
        ("peg-3", {**PEG, "pain": 11}, "answers.pain", "0 and 10"),
        ("peg-3", {**PEG, "pain": -1}, "answers.pain", "0 and 10"),
        ("peg-3", {**PEG, "pain": 2.5}, "answers.pain", "whole"),
        ("peg-3", {**PEG, "pain": "5"}, "answers.pain", "whole"),
        ("peg-3", {**PEG, "pain": True}, "answers.pain", "whole"),
        ("peg-3", {"pain": 2, "activity": 2}, "answers.enjoyment", "Answer"),
        ("peg-3", {**PEG, "enjoyment": None}, "answers.enjoyment", "Answer"),
        ("peg-3", {**PEG, "mood": 1}, "answers.mood", "Not a question"),
        ("pgic", {"change": 0}, "answers.change", "one of 1, 2"),
        ("pgic", {"change": 8}, "answers.change", "one of 1, 2"),
        ("function-goals", {"goal_1": 3}, "answers.goal_2", "Answer"),
        ("function-goals", {"goal_1": 3, "goal_2": 11}, "answers.goal_2", "0 and 10"),
    ],
)
def test_bad_answers_are_422_naming_the_item_and_store_nothing(
    app, client, therapist, patient, slug, answers, field, message
):
    goals = GOALS if slug == "function-goals" else None
    schedule(client, therapist, patient, questionnaire=slug, goals=goals)

    response = answer(client, patient, answers, questionnaire=slug)

    assert response.status_code == 422, response.json
    assert message in " ".join(response.json["errors"][field])
    assert field in response.json["message"]
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(QuestionnaireResponse)
        )
    assert stored == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"questionnaire": "peg-3", "answers": {}}, "client_id"),
        ({"questionnaire": "peg-3", "client_id": "x", "answers": {}}, "client_id"),
        ({"questionnaire": "sf-36", "answers": {}}, "questionnaire"),
        ({"questionnaire": "pgic", "answers": {"change": 1}}, "questionnaire"),
        ({"questionnaire": "peg-3", "answers": [1, 2, 3]}, "answers"),
    ],
)
def test_a_bad_response_body_is_422_naming_the_field(
    client, therapist, patient, body, field
):
    schedule(client, therapist, patient)  # PEG-3 only: PGIC is not asked for
    if field != "client_id":
        body["client_id"] = str(uuid.uuid4())

    response = client.post(
        f"{API}/me/questionnaire-responses", json=body, headers=patient.headers
    )

    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


# -- change from the baseline ----------------------------------------------------------


def test_change_from_baseline_and_the_minimal_important_change(
    client, clock, therapist, patient
):
    schedule(client, therapist, patient)
    first = answer(client, patient, {"pain": 6, "enjoyment": 6, "activity": 6})
    clock.advance(days=7)
    small = answer(client, patient, {"pain": 6, "enjoyment": 5, "activity": 5})
    clock.advance(days=7)
    large = answer(client, patient, {"pain": 5, "enjoyment": 5, "activity": 5})

    assert first.json["change_from_baseline"] == 0.0
    assert first.json["meaningful"] is False
    assert small.json["change_from_baseline"] == -0.7
    assert small.json["meaningful"] is False
    assert large.json["change_from_baseline"] == -1.0
    assert large.json["meaningful"] is True
    listed = client.get(
        f"{API}/me/questionnaire-responses?questionnaire=peg-3",
        headers=patient.headers,
    ).json
    assert [r["score"] for r in listed] == [6.0, 5.3, 5.0]
    assert [r["baseline"] for r in listed] == [True, False, False]


@pytest.mark.parametrize(
    ("later", "score", "change", "meaningful"),
    [
        # 5.33 -> 3.67: -1.67 shows as -1.7 (the rounded scores differ by 1.6).
        ({"pain": 4, "enjoyment": 4, "activity": 3}, 3.7, -1.7, True),
        # 5.33 -> 4.67: -0.67 shows as -0.7 (the rounded scores differ by 0.6).
        ({"pain": 5, "enjoyment": 5, "activity": 4}, 4.7, -0.7, False),
    ],
)
def test_the_change_is_worked_out_from_unrounded_scores_and_rounded_once(
    client, clock, therapist, patient, later, score, change, meaningful
):
    schedule(client, therapist, patient)
    first = answer(client, patient, {"pain": 6, "enjoyment": 5, "activity": 5})
    clock.advance(days=7)

    response = answer(client, patient, later)

    assert first.json["score"] == 5.3
    assert response.status_code == 201, response.json
    assert response.json["score"] == score
    assert response.json["change_from_baseline"] == change
    assert response.json["meaningful"] is meaningful
    listed = client.get(
        f"{API}/patients/{patient.id}/questionnaires", headers=therapist.headers
    ).json
    [peg] = listed
    assert peg["latest"]["change_from_baseline"] == change
    summary = client.get(
        f"{API}/patients/{patient.id}/summary", headers=therapist.headers
    )
    assert summary.status_code == 200, summary.json
    [found] = summary.json["questionnaires"]
    assert (found["baseline"], found["latest"], found["change"]) == (5.3, score, change)
    assert found["meaningful"] is meaningful


def test_higher_is_better_for_goals_and_new_goals_start_a_new_baseline(
    client, clock, therapist, patient
):
    schedule(client, therapist, patient, questionnaire="function-goals", goals=GOALS)
    answer(client, patient, {"goal_1": 2, "goal_2": 2}, "function-goals")
    clock.advance(days=7)
    better = answer(client, patient, {"goal_1": 4, "goal_2": 4}, "function-goals")
    schedule(
        client, therapist, patient, questionnaire="function-goals", goals=["Run 5 km"]
    )
    clock.advance(days=7)
    fresh = answer(client, patient, {"goal_1": 5}, "function-goals")

    assert better.json["change_from_baseline"] == 2.0
    assert better.json["meaningful"] is True
    assert fresh.json["change_from_baseline"] == 0.0
    assert fresh.json["meaningful"] is False


def test_the_baseline_of_new_goals_is_found_past_a_page_of_older_answers(
    client, clock, monkeypatch, therapist, patient
):
    # Pages of two: the old goals' three answers fill a page and a half, and the
    # last two share their time with the new baseline, so the second page starts
    # within a tie.
    monkeypatch.setattr(questionnaires, "BASELINE_PAGE", 2)
    schedule(client, therapist, patient, questionnaire="function-goals", goals=GOALS)
    for value in (1, 2, 3):
        answer(client, patient, {"goal_1": value, "goal_2": value}, "function-goals")
        if value == 1:
            clock.advance(days=1)
    schedule(
        client, therapist, patient, questionnaire="function-goals", goals=["Run 5 km"]
    )
    first = answer(client, patient, {"goal_1": 4}, "function-goals")
    clock.advance(days=7)
    later = answer(client, patient, {"goal_1": 7}, "function-goals")

    assert first.json["baseline"] is True
    assert first.json["change_from_baseline"] == 0.0
    assert later.json["baseline"] is False
    assert later.json["change_from_baseline"] == 3.0


@pytest.mark.parametrize(("rating", "meaningful"), [(1, True), (2, True), (3, False)])
def test_pgic_is_meaningful_from_much_improved(
    client, therapist, patient, rating, meaningful
):
    schedule(client, therapist, patient, questionnaire="pgic", every_days=28)

    response = answer(client, patient, {"change": rating}, "pgic")

    assert response.json["meaningful"] is meaningful
    assert response.json["change_from_baseline"] is None


# -- exactly once ----------------------------------------------------------------------


def test_the_same_client_id_again_is_200_with_the_first_response(
    app, client, therapist, patient
):
    schedule(client, therapist, patient)
    key = str(uuid.uuid4())
    first = answer(
        client, patient, {"pain": 3, "enjoyment": 3, "activity": 3}, client_id=key
    )
    again = answer(
        client, patient, {"pain": 9, "enjoyment": 9, "activity": 9}, client_id=key
    )

    assert first.status_code == 201 and again.status_code == 200
    assert again.json == first.json
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(QuestionnaireResponse)
        )
    assert count == 1


# -- scheduling and due dates ----------------------------------------------------------


def test_scheduling_validates_its_fields(client, therapist, patient):
    cases = [
        ({"every_days": 0}, "every_days"),
        ({"every_days": "7"}, "every_days"),
        ({"questionnaire": "nope"}, "questionnaire"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"goals": GOALS}, "goals"),
        ({"questionnaire": "function-goals"}, "goals"),
        ({"questionnaire": "function-goals", "goals": ["x" * 10] * 6}, "goals"),
    ]
    for body, field in cases:
        response = schedule(client, therapist, patient, **body)
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["errors"], (body, response.json)


def test_a_schedule_is_due_from_its_start_and_every_n_days_after_an_answer(
    client, clock, therapist, patient
):
    made = schedule(client, therapist, patient, start_date="2026-03-12")
    assert made.status_code == 201
    assert made.json["next_due"] == "2026-03-12" and made.json["due"] is False
    assert due(client, patient) == []

    clock.set(datetime(2026, 3, 12, 8, 0, tzinfo=UTC))
    (item,) = due(client, patient)
    assert item["questionnaire"] == "peg-3" and item["due_date"] == "2026-03-12"
    assert [i["code"] for i in item["items"]] == ["pain", "enjoyment", "activity"]

    clock.set(datetime(2026, 3, 14, 8, 0, tzinfo=UTC))  # answered two days late
    answer(client, patient, {"pain": 3, "enjoyment": 3, "activity": 3})
    assert due(client, patient) == []
    listed = client.get(
        f"{API}/patients/{patient.id}/questionnaires", headers=therapist.headers
    ).json
    assert listed[0]["next_due"] == "2026-03-19"  # the schedule keeps its rhythm
    assert [r["score"] for r in listed[0]["responses"]] == [3.0]
    clock.set(datetime(2026, 3, 19, 0, 30, tzinfo=UTC))
    assert [d["questionnaire"] for d in due(client, patient)] == ["peg-3"]


@pytest.mark.parametrize(
    ("timezone", "instant", "is_due"),
    [
        # 23:30 UTC on the 11th is already the 12th in Auckland (UTC+13) ...
        ("Pacific/Auckland", datetime(2026, 3, 11, 11, 30, tzinfo=UTC), True),
        ("Pacific/Auckland", datetime(2026, 3, 11, 10, 30, tzinfo=UTC), False),
        # ... and still the 11th in Los Angeles (UTC-7 after the March change).
        ("America/Los_Angeles", datetime(2026, 3, 12, 6, 30, tzinfo=UTC), False),
        ("America/Los_Angeles", datetime(2026, 3, 12, 7, 30, tzinfo=UTC), True),
    ],
)
def test_due_dates_are_the_patients_own_days(
    client, clock, make_patient, therapist, questionnaires, timezone, instant, is_due
):
    patient = make_patient(therapist, timezone=timezone)
    schedule(client, therapist, patient, start_date="2026-03-12")

    clock.set(instant)

    assert bool(due(client, patient)) is is_due


def test_scheduling_again_changes_the_schedule_and_answers_200(
    client, clock, therapist, patient
):
    schedule(client, therapist, patient)
    answer(client, patient, {"pain": 3, "enjoyment": 3, "activity": 3})

    again = schedule(client, therapist, patient, every_days=14)

    assert again.status_code == 200
    assert again.json["every_days"] == 14
    assert again.json["next_due"] == "2026-03-24"
    assert len(again.json["responses"]) == 1


# -- the reminder, export and erasure --------------------------------------------------


def test_the_reminder_mentions_a_due_questionnaire(
    app, client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, days_of_week=[1])  # a session today
    client.put(
        f"{API}/me/reminders",
        json={"enabled": True, "time": "18:00"},
        headers=patient.headers,
    )
    schedule(client, therapist, patient)
    with app.app_context():
        reminders.claim_due(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
        (note,) = db.session.scalars(select(Notification)).all()
        assert note.body == reminders.REMINDER_BODY_QUESTIONNAIRE
        assert "questionnaire" in note.body


def test_the_reminder_is_plain_without_a_due_questionnaire(
    app, client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, days_of_week=[1])
    client.put(
        f"{API}/me/reminders",
        json={"enabled": True, "time": "18:00"},
        headers=patient.headers,
    )
    schedule(client, therapist, patient, start_date="2026-03-11")
    with app.app_context():
        reminders.claim_due(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
        (note,) = db.session.scalars(select(Notification)).all()
        assert note.body == reminders.REMINDER_BODY


def test_responses_are_exported_and_erased_with_the_account(
    app, client, therapist, patient
):
    schedule(client, therapist, patient)
    answer(client, patient, {"pain": 3, "enjoyment": 4, "activity": 5})

    export = client.get(f"{API}/me/export", headers=patient.headers).json
    assert [r["score"] for r in export["questionnaire_responses"]] == [4.0]
    assert export["questionnaire_responses"][0]["answers"] == {
        "pain": 3,
        "enjoyment": 4,
        "activity": 5,
    }
    assert export["questionnaire_schedules"][0]["questionnaire"] == "peg-3"

    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204
    with app.app_context():
        for model in (QuestionnaireResponse, QuestionnaireSchedule):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
