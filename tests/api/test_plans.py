"""Assignments and the sessions they schedule, in the patient's own calendar."""

import threading
from datetime import UTC, datetime

import pytest

API = "/api/v1"


@pytest.fixture
def pair(make_therapist, make_patient, programs):
    therapist = make_therapist()
    return therapist, make_patient(therapist)


def assign(client, therapist, patient, **body):
    return client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "test-plan", **body},
        headers=therapist.headers,
    )


def sessions(client, patient, start, end):
    response = client.get(
        f"{API}/me/sessions?from={start}&to={end}", headers=patient.headers
    )
    assert response.status_code == 200, response.json
    return response.json


def test_assignment_takes_its_defaults_from_the_program(client, clock, pair):
    therapist, patient = pair
    response = assign(client, therapist, patient)
    assert response.status_code == 201
    body = response.json
    assert body["program"] == "test-plan"
    assert body["program_version"] == 1
    assert body["start_date"] == "2026-03-10"  # the patient's today
    assert body["end_date"] == "2026-04-06"  # 4 weeks
    assert body["days_of_week"] == [0, 2, 4]
    assert body["sessions_per_day"] == 1
    assert body["status"] == "active"
    planned = sessions(client, patient, "2026-03-10", "2026-04-30")
    assert len(planned) == 12
    assert {s["status"] for s in planned} == {"pending"}
    assert planned[-1]["date"] == "2026-04-06"


def test_assignment_with_its_own_schedule(client, clock, pair):
    therapist, patient = pair
    response = assign(
        client,
        therapist,
        patient,
        start_date="2026-03-16",
        weeks=2,
        days_of_week=[1, 3],
        sessions_per_day=2,
    )
    assert response.status_code == 201, response.json
    planned = sessions(client, patient, "2026-03-01", "2026-04-30")
    assert [(s["date"], s["slot"]) for s in planned[:4]] == [
        ("2026-03-17", 1),
        ("2026-03-17", 2),
        ("2026-03-19", 1),
        ("2026-03-19", 2),
    ]
    assert len(planned) == 8


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"program": "no-such-program"}, "program"),
        ({"program": ""}, "program"),
        ({"weeks": 0}, "weeks"),
        ({"weeks": 53}, "weeks"),
        ({"weeks": "2"}, "weeks"),
        ({"weeks": 2.5}, "weeks"),
        ({"days_of_week": [7]}, "days_of_week"),
        ({"days_of_week": []}, "days_of_week"),
        ({"days_of_week": [1, 1]}, "days_of_week"),
        ({"sessions_per_day": 4}, "sessions_per_day"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"colour": "red"}, "colour"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else "-".join(map(str, v)),
)
def test_assignment_rejects_bad_input_and_stores_nothing(
    client, clock, pair, body, field
):
    therapist, patient = pair
    response = assign(client, therapist, patient, **body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert response.json["code"] == 422
    listed = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert listed.json == []
    assert sessions(client, patient, "2026-01-01", "2026-12-31") == []


def test_sessions_before_today_read_as_missed(client, clock, pair):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-02")
    planned = sessions(client, patient, "2026-03-02", "2026-03-13")
    assert [(s["date"], s["status"]) for s in planned] == [
        ("2026-03-02", "missed"),
        ("2026-03-04", "missed"),
        ("2026-03-06", "missed"),
        ("2026-03-09", "missed"),
        ("2026-03-11", "pending"),
        ("2026-03-13", "pending"),
    ]


def test_today_lists_the_session_with_this_weeks_exercises(client, clock, pair):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-09")
    clock.set(datetime(2026, 3, 11, 9, 0, tzinfo=UTC))
    today = client.get(f"{API}/me/today", headers=patient.headers)
    assert today.status_code == 200
    assert today.json["date"] == "2026-03-11"
    (session,) = today.json["sessions"]
    assert session["status"] == "pending"
    assert session["program"] == "test-plan"
    (exercise,) = session["exercises"]
    assert exercise["slug"] == "test-bracing"
    assert exercise["dosage"] == {"sets": 2, "reps": 6}
    assert exercise["cautions"] == ["Stop if pain spreads down a leg."]


def test_later_phases_progress(client, clock, pair):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-09")
    week_three = sessions(client, patient, "2026-03-23", "2026-03-23")
    slugs = [e["slug"] for e in week_three[0]["exercises"]]
    assert slugs == ["test-bracing", "test-chin-tuck"]
    bracing, chin_tuck = week_three[0]["exercises"]
    assert bracing["dosage"] == {"sets": 3, "reps": 8, "hold_seconds": 5}
    assert chin_tuck["dosage"] == {"sets": 2, "hold_seconds": 3}


def complete(client, patient, session_id, **body):
    return client.post(
        f"{API}/sessions/{session_id}/complete", json=body, headers=patient.headers
    )


def test_completing_a_session_again_with_the_same_answers_changes_nothing(
    client, clock, pair
):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-09")
    (session,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    answers = {
        "exercises_done": ["test-bracing"],
        "difficulty": 4,
        "pain_during": 2,
        "notes": "Felt fine",
    }
    first = complete(client, patient, session["id"], **answers)
    assert first.status_code == 200
    assert first.json["status"] == "done"
    assert first.json["difficulty"] == 4
    assert first.json["exercises_done"] == ["test-bracing"]
    clock.advance(hours=1)
    again = complete(client, patient, session["id"], **answers)  # an offline replay
    assert again.status_code == 200, again.json
    assert again.json == first.json


def test_completing_a_session_again_with_other_answers_is_a_conflict(
    client, clock, pair
):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-09")
    (session,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    first = complete(client, patient, session["id"], difficulty=4, notes="Felt fine")
    assert first.status_code == 200

    for body in ({"difficulty": 9}, {}, {"difficulty": 4}):
        again = complete(client, patient, session["id"], **body)
        assert again.status_code == 409, again.json
        assert again.json["code"] == 409
        assert "already finished" in again.json["message"]
        assert again.json["session"] == first.json
    (stored,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    assert stored == first.json


def test_of_two_completions_at_once_the_first_stored_wins(
    app, client, clock, pair, monkeypatch
):
    """Two devices finish the session together: both read it pending, and the
    other device's completion is stored between this one's read and its write.
    This one must not overwrite it: 409 with the stored (winning) session."""
    from kinetic.extensions import db
    from kinetic.models import User
    from kinetic.services import plans

    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-09")
    (session,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    read_pending = plans.patients_session

    def read_then_lose_the_race(user, session_id):
        stale = read_pending(user, session_id)
        assert stale.status == "pending"
        with app.app_context():  # the other device, on its own connection
            other = read_pending(db.session.get(User, user.id), session_id)
            plans.complete_session(other, {"pain_during": 9, "difficulty": 5})
            db.session.commit()
        return stale

    monkeypatch.setattr(plans, "patients_session", read_then_lose_the_race)
    response = complete(client, patient, session["id"], difficulty=1)
    monkeypatch.undo()

    assert response.status_code == 409, response.json
    won = response.json["session"]
    assert (won["status"], won["pain_during"], won["difficulty"]) == ("done", 9, 5)
    (stored,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    assert stored == won


def test_a_cancelled_session_cannot_be_completed(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient, start_date="2026-03-09").json
    (session,) = sessions(client, patient, "2026-03-11", "2026-03-11")
    paused = client.patch(
        f"{API}/assignments/{plan['id']}",
        json={"status": "paused"},
        headers=therapist.headers,
    )
    assert paused.status_code == 200
    clock.advance(days=1)
    response = complete(client, patient, session["id"])
    assert response.status_code == 409
    assert "cancelled" in response.json["message"]
    assert "session" not in response.json
    assert sessions(client, patient, "2026-03-11", "2026-03-11") == []


def test_a_missed_session_can_still_be_completed(client, clock, pair):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-02")
    missed = sessions(client, patient, "2026-03-02", "2026-03-02")[0]
    assert missed["status"] == "missed"
    response = complete(client, patient, missed["id"])
    assert response.status_code == 200
    assert response.json["status"] == "done"


def test_a_future_session_cannot_be_completed(client, clock, pair):
    therapist, patient = pair
    assign(client, therapist, patient)
    future = sessions(client, patient, "2026-03-13", "2026-03-13")[0]
    response = complete(client, patient, future["id"])
    assert response.status_code == 409
    assert "not due" in response.json["message"]
    assert sessions(client, patient, "2026-03-13", "2026-03-13")[0]["status"] == (
        "pending"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"exercises_done": ["not-in-this-session"]}, "exercises_done"),
        ({"exercises_done": "test-bracing"}, "exercises_done"),
        ({"difficulty": 11}, "difficulty"),
        ({"pain_during": -1}, "pain_during"),
        ({"pain_during": "3"}, "pain_during"),
        ({"notes": "x" * 2001}, "notes"),
        ({"mood": "good"}, "mood"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_completion_rejects_bad_input_and_stays_pending(
    client, clock, pair, body, field
):
    therapist, patient = pair
    assign(client, therapist, patient, start_date="2026-03-09")
    (session,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    response = complete(client, patient, session["id"], **body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    (after,) = sessions(client, patient, "2026-03-09", "2026-03-09")
    assert after["status"] == "missed"
    assert after["completed_at"] is None


def test_pausing_hides_sessions_from_today_and_resuming_restores_them(
    client, clock, pair
):
    therapist, patient = pair
    assignment = assign(client, therapist, patient, start_date="2026-03-02").json
    clock.set(datetime(2026, 3, 11, 9, 0, tzinfo=UTC))

    def patch(status):
        return client.patch(
            f"{API}/assignments/{assignment['id']}",
            json={"status": status},
            headers=therapist.headers,
        )

    paused = patch("paused")
    assert paused.status_code == 200
    assert paused.json["status"] == "paused"
    assert client.get(f"{API}/me/today", headers=patient.headers).json["sessions"] == []
    # The past stays as it was: missed sessions still count as missed.
    past = sessions(client, patient, "2026-03-02", "2026-03-10")
    assert [s["status"] for s in past] == ["missed"] * 4

    assert patch("active").json["status"] == "active"
    (today,) = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]
    assert today["date"] == "2026-03-11"

    assert patch("stopped").json["status"] == "stopped"
    assert sessions(client, patient, "2026-03-11", "2026-04-30") == []
    again = patch("active")
    assert again.status_code == 409
    assert again.json["code"] == 409


def test_assignment_status_must_be_known(client, clock, pair):
    therapist, patient = pair
    assignment = assign(client, therapist, patient).json
    response = client.patch(
        f"{API}/assignments/{assignment['id']}",
        json={"status": "finished"},
        headers=therapist.headers,
    )
    assert response.status_code == 422
    assert "status" in response.json["errors"]


def test_a_program_is_assigned_once_while_a_plan_of_it_runs(client, clock, pair):
    therapist, patient = pair
    first = assign(client, therapist, patient)
    assert first.status_code == 201

    for status in ("active", "paused"):
        changed = client.patch(
            f"{API}/assignments/{first.json['id']}",
            json={"status": status},
            headers=therapist.headers,
        )
        assert changed.status_code == 200
        again = assign(client, therapist, patient, weeks=2)
        assert again.status_code == 409, again.json
        assert again.json["code"] == 409
        assert "already has a plan of this program" in again.json["message"]
    listed = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert [a["id"] for a in listed.json] == [first.json["id"]]

    client.patch(
        f"{API}/assignments/{first.json['id']}",
        json={"status": "stopped"},
        headers=therapist.headers,
    )
    assert assign(client, therapist, patient).status_code == 201


def test_five_assignments_of_one_program_at_once_make_one_plan(
    app, clock, pair, make_patient
):
    therapist, patient = pair
    start = threading.Barrier(5)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(assign(client, therapist, patient).status_code)

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [201, 409, 409, 409, 409]
    listed = app.test_client().get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert len(listed.json) == 1
    # Another patient of the same therapist is not held up by the first's plan.
    other = make_patient(therapist)
    assert assign(app.test_client(), therapist, other).status_code == 201


def test_patient_detail_lists_active_and_paused_plans(client, clock, pair):
    therapist, patient = pair
    stopped = assign(client, therapist, patient).json
    client.patch(
        f"{API}/assignments/{stopped['id']}",
        json={"status": "stopped"},
        headers=therapist.headers,
    )
    first = assign(client, therapist, patient).json
    detail = client.get(f"{API}/patients/{patient.id}", headers=therapist.headers)
    assert detail.status_code == 200
    assert [a["id"] for a in detail.json["assignments"]] == [first["id"]]
    assert detail.json["email"] == patient.email
    everything = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert {a["id"] for a in everything.json} == {first["id"], stopped["id"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-03-10&to=2026-03-01", "to"),
        ("from=2025-01-01&to=2026-03-01", "to"),
        ("from=yesterday", "from"),
    ],
)
def test_session_range_must_make_sense(client, clock, pair, query, field):
    _, patient = pair
    response = client.get(f"{API}/me/sessions?{query}", headers=patient.headers)
    assert response.status_code == 422
    assert field in response.json["errors"]


# Kiritimati is UTC+14 and Pago Pago UTC-11: at 12:00 UTC on Tuesday 10 March it is
# already Wednesday in one and still early Tuesday in the other.
@pytest.mark.parametrize(
    ("timezone", "local_today", "sessions_today"),
    [
        ("Pacific/Kiritimati", "2026-03-11", 1),
        ("Pacific/Pago_Pago", "2026-03-10", 0),
    ],
)
def test_today_follows_the_patients_timezone(
    client,
    clock,
    make_therapist,
    make_patient,
    programs,
    timezone,
    local_today,
    sessions_today,
):
    therapist = make_therapist()
    patient = make_patient(therapist, timezone=timezone)
    made = assign(client, therapist, patient)
    assert made.json["start_date"] == local_today
    today = client.get(f"{API}/me/today", headers=patient.headers).json
    assert today["date"] == local_today
    assert len(today["sessions"]) == sessions_today


def test_a_session_turns_missed_at_local_midnight(
    client, clock, make_therapist, make_patient, programs
):
    therapist = make_therapist()
    patient = make_patient(therapist, timezone="Pacific/Kiritimati")
    assign(client, therapist, patient, start_date="2026-03-11")
    clock.set(datetime(2026, 3, 11, 9, 59, tzinfo=UTC))  # 23:59 on the 11th there
    (session,) = sessions(client, patient, "2026-03-11", "2026-03-11")
    assert session["status"] == "pending"
    clock.set(datetime(2026, 3, 11, 10, 1, tzinfo=UTC))  # 00:01 on the 12th there
    (session,) = sessions(client, patient, "2026-03-11", "2026-03-11")
    assert session["status"] == "missed"
