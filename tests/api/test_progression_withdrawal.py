"""A pending progression suggestion follows the newest facts: each event that
removes its grounds withdraws it with the fact in words, one that does not leaves
it pending, and a withdrawn or already decided suggestion cannot be decided."""

import threading
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from sqlalchemy import select, update

from kinetic import scheduler
from kinetic.extensions import db
from kinetic.models import ScheduledSession, Suggestion, User
from kinetic.services import progression, progression_review, reminders, safety
from kinetic.services.accounts import AccountError

API = "/api/v1"
# The clock fixture's today is Tuesday 2026-03-10; test-plan runs Monday,
# Wednesday and Friday. Started on Monday 2 March, today is in week 2, the last
# of Foundation, and the 4 sessions before today are 2, 4, 6 and 9 March.
WEEK_2 = "2026-03-02"


@pytest.fixture
def advance(app, client, clock, make_therapist, make_patient, make_assignment):
    """A pending advance, made from 4 comfortable sessions (100% adherence);
    the clock then moves on a minute, so what follows came after it."""
    therapist = make_therapist()
    patient = make_patient(therapist)
    assignment_id = make_assignment(
        patient, therapist, start_date=WEEK_2, progression="suggest"
    )
    for session_id in sessions_on(app, assignment_id, 2, 4, 6, 9):
        complete(client, patient, session_id, pain=2)
    [found] = suggestions(client, therapist, patient)
    assert found["action"] == "advance" and found["status"] == "pending"
    clock.advance(minutes=1)
    return therapist, patient, assignment_id, found


def sessions_on(app, assignment_id: int, *days: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ScheduledSession.id)
                .where(
                    ScheduledSession.assignment_id == assignment_id,
                    ScheduledSession.date.in_([date(2026, 3, d) for d in days]),
                )
                .order_by(ScheduledSession.date)
            )
        )


def complete(client, patient, session_id: int, pain: int):
    body = {
        "pain_during": min(pain, 3),
        "exercises": [{"exercise": "test-bracing", "pain": pain, "effort": "right"}],
    }
    response = client.post(
        f"{API}/sessions/{session_id}/complete", json=body, headers=patient.headers
    )
    assert response.status_code == 200, response.json


def suggestions(client, therapist, patient) -> list[dict]:
    response = client.get(
        f"{API}/patients/{patient.id}/suggestions", headers=therapist.headers
    )
    assert response.status_code == 200, response.json
    return response.json


def the_one(client, therapist, patient) -> dict:
    [found] = suggestions(client, therapist, patient)
    return found


def pain(client, patient, **body) -> None:
    response = client.post(f"{API}/me/pain", json=body, headers=patient.headers)
    assert response.status_code == 201, response.json


# -- events that withdraw a pending advance --------------------------------------------


def test_exercise_pain_at_the_threshold_withdraws_it(client, app, advance):
    therapist, patient, assignment_id, found = advance
    [monday] = sessions_on(app, assignment_id, 9)
    pain(client, patient, low_back=7, exercise="test-bracing", session_id=monday)

    now = the_one(client, therapist, patient)
    assert now["id"] == found["id"] and now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: pain 7/10 during Test bracing on 10 Mar."
    )
    assert now["decided_at"] is not None


def test_exercise_pain_corrected_up_to_the_threshold_withdraws_it(
    client, app, clock, advance
):
    therapist, patient, assignment_id, _ = advance
    [monday] = sessions_on(app, assignment_id, 9)
    response = client.post(
        f"{API}/me/pain",
        json={"low_back": 5, "exercise": "test-bracing", "session_id": monday},
        headers=patient.headers,
    )
    assert response.status_code == 201, response.json
    assert the_one(client, therapist, patient)["status"] == "pending"

    clock.advance(minutes=5)
    corrected = client.patch(
        f"{API}/me/pain/{response.json['id']}",
        json={"low_back": 8},
        headers=patient.headers,
    )
    assert corrected.status_code == 200, corrected.json

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: pain 8/10 during Test bracing on 10 Mar."
    )


def test_pain_given_for_an_exercise_in_a_completion_withdraws_it(
    client, app, clock, advance
):
    therapist, patient, assignment_id, _ = advance
    clock.set(datetime(2026, 3, 11, 18, 0, tzinfo=UTC))
    [wednesday] = sessions_on(app, assignment_id, 11)
    complete(client, patient, wednesday, pain=8)

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: pain 8/10 during Test bracing on 11 Mar."
    )


def test_a_red_flag_withdraws_it(client, advance):
    therapist, patient, _, _ = advance
    pain(client, patient, low_back=3, red_flags=["bladder_bowel_change"])

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: a red flag was reported on 10 Mar "
        "(a change in bladder or bowel control)."
    )


def test_a_red_flag_in_a_message_withdraws_it(client, advance):
    therapist, patient, _, _ = advance
    response = client.post(
        f"{API}/me/messages",
        json={"body": "I have a fever since yesterday."},
        headers=patient.headers,
    )
    assert response.status_code == 201, response.json

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert "a red flag was reported on 10 Mar" in now["withdrawn_reason"]


def test_an_open_worsening_alert_withdraws_it_in_the_nightly_review(
    app, client, clock, advance
):
    therapist, patient, _, _ = advance
    with app.app_context():
        reason = {"direction": "worse", "text": "Low back pain 3.0 → 5.5"}
        safety.raise_alert(patient.id, "worsening", {"reasons": [reason]})
        db.session.commit()
    clock.set(datetime(2026, 3, 11, 2, 10, tzinfo=UTC))
    scheduler.review_safety(app)

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: pain is getting worse: a worsening alert of 10 Mar is open "
        "(Low back pain 3.0 → 5.5)."
    )


def test_missed_sessions_that_bring_adherence_under_the_minimum_withdraw_it(
    app, client, clock, advance
):
    therapist, patient, _, found = advance
    assert found["figures"]["adherence"] == 1.0
    assert found["figures"]["sessions_due"] == 4 and found["figures"]["missed"] == 0
    # Wednesday missed: 4 of 5 due is 80%, the rule's minimum; it stays.
    clock.set(datetime(2026, 3, 12, 0, 5, tzinfo=UTC))
    with app.app_context():
        assert reminders.mark_missed(clock.now) == 1
    assert the_one(client, therapist, patient)["status"] == "pending"

    # Friday missed too: 4 of 6 is 67%.
    clock.set(datetime(2026, 3, 14, 0, 5, tzinfo=UTC))
    with app.app_context():
        assert reminders.mark_missed(clock.now) == 1

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: 67% of the 6 sessions due in the last 14 days were done "
        "(2 missed), under the 80% it needs."
    )


def test_a_questionnaire_answer_rechecks_it_with_the_newest_sessions(
    app, client, clock, questionnaires, advance
):
    """No rule reads a questionnaire, but an answer re-runs the rule on the
    newest facts: here two sessions that went by undone (not yet marked missed
    by the hourly job) bring adherence under the minimum."""
    therapist, patient, _, _ = advance
    scheduled = client.post(
        f"{API}/patients/{patient.id}/questionnaires",
        json={"questionnaire": "peg-3", "every_days": 7},
        headers=therapist.headers,
    )
    assert scheduled.status_code == 201, scheduled.json

    def answer() -> None:
        response = client.post(
            f"{API}/me/questionnaire-responses",
            json={"questionnaire": "peg-3", "answers": PEG, "client_id": str(uuid4())},
            headers=patient.headers,
        )
        assert response.status_code == 201, response.json

    answer()
    assert the_one(client, therapist, patient)["status"] == "pending"

    clock.set(datetime(2026, 3, 14, 9, 0, tzinfo=UTC))
    answer()
    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"].startswith("Withdrawn: 67% of the 6 sessions")


PEG = {"pain": 7, "enjoyment": 7, "activity": 7}


def test_no_advance_is_made_after_exercise_pain_since_the_plan_changed(
    app, client, clock, make_therapist, make_patient, make_assignment
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    assignment_id = make_assignment(
        patient, therapist, start_date=WEEK_2, progression="suggest"
    )
    done = sessions_on(app, assignment_id, 2, 4, 6, 9)
    for session_id in done[:3]:
        complete(client, patient, session_id, pain=2)
    # "Stop: this hurts" on Monday, then the session finished without pain.
    pain(client, patient, low_back=7, exercise="test-bracing", session_id=done[3])
    complete(client, patient, done[3], pain=1)

    assert suggestions(client, therapist, patient) == []


# -- events that leave it pending ------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"low_back": 6, "exercise": "test-bracing", "session_id": "monday"},
        {"low_back": 5},  # a diary entry, not exercise pain
        {"neck": 2, "symptoms": []},
    ],
    ids=["exercise-pain-6", "diary-5", "diary-2"],
)
def test_pain_that_does_not_remove_its_grounds_leaves_it_pending(
    client, app, advance, body
):
    therapist, patient, assignment_id, found = advance
    if body.get("session_id"):  # under the exercise pain threshold of 7
        [body["session_id"]] = sessions_on(app, assignment_id, 9)
    pain(client, patient, **body)

    now = the_one(client, therapist, patient)
    assert now["status"] == "pending" and now["withdrawn_reason"] is None
    assert now["reason"] == found["reason"]


def test_a_comfortable_completion_leaves_it_pending(client, app, clock, advance):
    therapist, patient, assignment_id, _ = advance
    clock.set(datetime(2026, 3, 11, 18, 0, tzinfo=UTC))
    [wednesday] = sessions_on(app, assignment_id, 11)
    complete(client, patient, wednesday, pain=1)

    assert the_one(client, therapist, patient)["status"] == "pending"


def test_an_ordinary_message_leaves_it_pending(client, advance):
    therapist, patient, _, _ = advance
    response = client.post(
        f"{API}/me/messages", json={"body": "All fine today."}, headers=patient.headers
    )
    assert response.status_code == 201, response.json
    assert the_one(client, therapist, patient)["status"] == "pending"


def test_an_alert_before_it_was_made_does_not_withdraw_it(app, client, advance):
    therapist, patient, _, found = advance
    with app.app_context():
        # A red flag older than the suggestion is not news to it.
        alert = safety.raise_alert(patient.id, "red_flag", {"signs": ["x"]})
        alert.created_at = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
        db.session.commit()
    pain(client, patient, low_back=2)
    assert the_one(client, therapist, patient)["status"] == "pending"


def test_a_pending_step_back_stays_pending_as_its_alert_ages(
    app, client, clock, make_therapist, make_patient, make_assignment
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(patient, therapist, start_date="2026-02-23", progression="suggest")
    with app.app_context():
        safety.raise_alert(patient.id, "exercise_pain", {"score": 8})
        db.session.commit()
        progression_review.evaluate_nightly(clock.now, everyone=True)
    assert the_one(client, therapist, patient)["action"] == "step_back"

    clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))  # the alert is 10 days old
    pain(client, patient, low_back=2)

    assert the_one(client, therapist, patient)["status"] == "pending"


# -- a hold follows the newest sessions too --------------------------------------------


def test_a_comfortable_session_withdraws_a_hold_whose_pain_is_no_longer_there(
    client, app, clock, make_therapist, make_patient, make_assignment
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    assignment_id = make_assignment(
        patient, therapist, start_date=WEEK_2, progression="suggest"
    )
    done = sessions_on(app, assignment_id, 2, 4, 6, 9)
    for session_id, score in zip(done[:3], [6, 2, 7], strict=True):
        body = {"pain_during": score}
        client.post(
            f"{API}/sessions/{session_id}/complete", json=body, headers=patient.headers
        )
    assert the_one(client, therapist, patient)["action"] == "hold"

    client.post(
        f"{API}/sessions/{done[3]}/complete",
        json={"pain_during": 1},
        headers=patient.headers,
    )

    now = the_one(client, therapist, patient)
    assert now["status"] == "withdrawn"
    assert now["withdrawn_reason"] == (
        "Withdrawn: pain during was 6 or more in 1 of the last 3 sessions, and no "
        "region's pain rose by 2 over 7 days."
    )


# -- deciding --------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["accept", "dismiss"])
def test_a_withdrawn_suggestion_cannot_be_decided(client, app, advance, verb):
    therapist, patient, assignment_id, found = advance
    [monday] = sessions_on(app, assignment_id, 9)
    pain(client, patient, low_back=7, exercise="test-bracing", session_id=monday)
    before = the_one(client, therapist, patient)
    assert before["status"] == "withdrawn"

    response = client.post(
        f"{API}/suggestions/{found['id']}/{verb}", headers=therapist.headers
    )

    assert response.status_code == 409
    assert response.json["message"].startswith(
        "This suggestion was withdrawn, so it can no longer be "
    )
    assert (
        "Withdrawn: pain 7/10 during Test bracing on 10 Mar."
        in (response.json["message"])
    )
    assert the_one(client, therapist, patient) == before
    history = client.get(
        f"{API}/assignments/{assignment_id}/prescription/history",
        headers=therapist.headers,
    ).json
    assert [h["version"] for h in history] == [1]


@pytest.mark.parametrize(
    ("first", "second", "status"),
    [
        ("dismiss", "accept", "dismissed"),
        ("accept", "dismiss", "applied"),
        ("dismiss", "dismiss", "dismissed"),
    ],
)
def test_the_second_of_two_decisions_gets_409(client, advance, first, second, status):
    therapist, patient, _, found = advance
    url = f"{API}/suggestions/{found['id']}"
    assert client.post(f"{url}/{first}", headers=therapist.headers).status_code == 200
    after_first = the_one(client, therapist, patient)

    response = client.post(f"{url}/{second}", headers=therapist.headers)

    assert response.status_code == 409
    assert response.json["message"] == f"This suggestion is already {status}."
    assert the_one(client, therapist, patient) == after_first


@pytest.mark.parametrize("decide", [progression.apply, progression.dismiss])
def test_a_decision_on_a_row_decided_meanwhile_changes_nothing(app, advance, decide):
    """Two decisions at the same moment: both read the row as pending, the
    other one's UPDATE wins, and this one finds no pending row to change."""
    therapist, _, _, found = advance
    with app.app_context():
        stale = db.session.get(Suggestion, found["id"])
        assert stale.status == "pending"
        db.session.execute(
            update(Suggestion.__table__)
            .where(Suggestion.__table__.c.id == found["id"])
            .values(status="dismissed")
        )
        with pytest.raises(AccountError) as error:
            decide(stale, db.session.get(User, therapist.id))
        assert error.value.status == 409
        assert "just decided or withdrawn" in error.value.message
        db.session.rollback()


def test_the_patient_never_sees_a_withdrawn_suggestion(client, app, advance):
    therapist, patient, assignment_id, _ = advance
    [monday] = sessions_on(app, assignment_id, 9)
    pain(client, patient, low_back=7, exercise="test-bracing", session_id=monday)
    assert the_one(client, therapist, patient)["status"] == "withdrawn"

    today = client.get(f"{API}/me/today", headers=patient.headers).json
    assert today["plan_changes"] == []
    assert client.get(
        f"{API}/patients/{patient.id}/suggestions", headers=patient.headers
    ).status_code in (401, 403)


def test_the_api_document_names_withdrawn_and_its_reason(client):
    schemas = client.get(f"{API}/openapi.json").json["components"]["schemas"]
    suggestion = schemas["Suggestion"]["properties"]
    assert "withdrawn" in suggestion["status"]["enum"]
    reason = suggestion["withdrawn_reason"]
    assert reason["type"] == "string" and reason["nullable"] is True


def test_two_decisions_at_the_same_moment_one_wins(app, db_kind, advance):
    """Two therapists' requests in two sessions, both having read the row as
    pending: on PostgreSQL the second UPDATE waits for the first to commit and
    then finds no pending row (SQLite lets one writer in at a time anyway)."""
    if db_kind != "postgres":
        pytest.skip("SQLite has one writer at a time")
    therapist, _, _, found = advance
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(verb):
        with app.app_context():
            suggestion = db.session.get(Suggestion, found["id"])
            by = db.session.get(User, therapist.id)
            barrier.wait()
            try:
                verb(suggestion, by)
                db.session.commit()
                outcomes.append(suggestion.status)
            except AccountError as error:
                db.session.rollback()
                outcomes.append(error.status)

    threads = [
        threading.Thread(target=decide, args=(v,))
        for v in (progression.apply, progression.dismiss)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and outcomes.count(409) == 1
    with app.app_context():
        stored = db.session.get(Suggestion, found["id"])
        assert stored.status in ("applied", "dismissed")
        assert stored.status == next(o for o in outcomes if o != 409)
