"""The session player's API: per-exercise feedback with the completion, pain
logged from an exercise, the exercise_pain rule, correcting and deleting pain
entries, and the therapist's per-exercise summary."""

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

API = "/api/v1"
DATA = Path(__file__).parents[1] / "data" / "programs"
# Today and yesterday fall in the fixture plan's week 3: both exercises.
WEEK_3 = date(2026, 3, 10) - timedelta(days=15)


@pytest.fixture
def setup(app, clock, make_therapist, make_patient, make_assignment):
    """A patient in week 3 of the fixture plan (both exercises), every day."""
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(
        patient, therapist, start_date=WEEK_3, days_of_week=list(range(7)), weeks=4
    )
    return therapist, patient


def today_session(client, patient) -> dict:
    response = client.get(f"{API}/me/today", headers=patient.headers)
    assert response.status_code == 200, response.json
    (session,) = response.json["sessions"]
    assert [e["slug"] for e in session["exercises"]] == [
        "test-bracing",
        "test-chin-tuck",
    ]
    return session


def complete(client, patient, session_id, **body):
    return client.post(
        f"{API}/sessions/{session_id}/complete", json=body, headers=patient.headers
    )


def pain(client, patient, **body):
    return client.post(f"{API}/me/pain", json=body, headers=patient.headers)


def open_alerts(client, therapist, kind="exercise_pain") -> list[dict]:
    response = client.get(f"{API}/alerts?status=open", headers=therapist.headers)
    assert response.status_code == 200
    return [a for a in response.json if a["kind"] == kind]


# -- completion with per-exercise feedback ---------------------------------------------


def test_completion_keeps_each_exercises_feedback(client, setup):
    _, patient = setup
    session = today_session(client, patient)
    items = [
        {"exercise": "test-bracing", "sets_done": 3, "pain": 2, "effort": "right"},
        {"exercise": "test-chin-tuck", "skipped": True},
    ]
    response = complete(client, patient, session["id"], exercises=items)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "partly_done"  # the chin tuck was skipped
    assert body["done_fraction"] == 0.5
    assert body["exercises_done"] == ["test-bracing"]
    feedback = {i["exercise"]: i for i in body["exercise_feedback"]}
    assert feedback["test-bracing"]["sets_done"] == 3
    assert feedback["test-bracing"]["effort"] == "right"
    assert feedback["test-bracing"]["skipped"] is False
    assert feedback["test-chin-tuck"]["skipped"] is True
    assert (
        today_session(client, patient)["exercise_feedback"] == body["exercise_feedback"]
    )


# In week 3 the bracing is 3 sets of 8 reps, the chin tuck 2 sets.
FULL = [
    {"exercise": "test-bracing", "sets_done": 3, "reps_done": 24, "seconds": 150},
    {"exercise": "test-chin-tuck", "sets_done": 2, "reps_done": 2, "seconds": 8},
]


def test_partial_counts_are_stored_as_sent_never_rounded_up(client, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    items = [
        # A glute bridge ended early: one set in full, the second cut at 4 s.
        {"exercise": "test-bracing", "sets_done": 1, "reps_done": 8, "seconds": 4},
        {"exercise": "test-chin-tuck", "sets_done": 0, "reps_done": 0, "seconds": 2},
    ]
    response = complete(client, patient, session["id"], exercises=items)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "partly_done"
    assert response.json["done_fraction"] == 0
    assert response.json["exercises_done"] == []
    stored = client.get(
        f"{API}/patients/{patient.id}/sessions", headers=therapist.headers
    ).json
    (mine,) = [s for s in stored if s["id"] == session["id"]]
    assert mine["status"] == "partly_done"
    assert [
        {k: i[k] for k in ("exercise", "sets_done", "reps_done", "seconds", "skipped")}
        for i in mine["exercise_feedback"]
    ] == [{**item, "skipped": False} for item in items]


@pytest.mark.parametrize(
    ("items", "status", "fraction", "done"),
    [
        (FULL, "done", 1.0, ["test-bracing", "test-chin-tuck"]),
        (
            [FULL[0], {"exercise": "test-chin-tuck", "skipped": True}],
            "partly_done",
            0.5,
            ["test-bracing"],
        ),
        ([FULL[1]], "partly_done", 0.5, ["test-chin-tuck"]),  # bracing left out
        (
            [{**FULL[0], "sets_done": 2}, FULL[1]],  # one set short
            "partly_done",
            0.5,
            ["test-chin-tuck"],
        ),
        (
            [{**FULL[0], "sets_done": 4}, {**FULL[1], "skipped": True}],
            "partly_done",
            0.5,
            ["test-bracing"],
        ),
        ([{**i, "skipped": True} for i in FULL], "partly_done", 0.0, []),
        (  # no counts: the item is taken at its word
            [{"exercise": "test-bracing"}, {"exercise": "test-chin-tuck"}],
            "done",
            1.0,
            ["test-bracing", "test-chin-tuck"],
        ),
    ],
    ids=[
        "all",
        "skipped",
        "left-out",
        "short",
        "over-and-skipped",
        "none",
        "no-counts",
    ],
)
def test_the_feedback_decides_done_or_partly_done(
    client, setup, items, status, fraction, done
):
    _, patient = setup
    session = today_session(client, patient)
    response = complete(client, patient, session["id"], exercises=items)
    assert response.status_code == 200, response.json
    assert response.json["status"] == status
    assert response.json["done_fraction"] == fraction
    assert response.json["exercises_done"] == done
    again = today_session(client, patient)
    assert (again["status"], again["done_fraction"]) == (status, fraction)


@pytest.mark.parametrize(
    ("body", "status", "fraction"),
    [
        ({"exercises_done": ["test-chin-tuck", "test-bracing"]}, "done", 1.0),
        ({"exercises_done": ["test-chin-tuck"]}, "partly_done", 0.5),
        ({"exercises_done": []}, "partly_done", 0.0),
        ({}, "done", 1.0),
        ({"difficulty": 3}, "done", 1.0),
    ],
    ids=["all", "one", "none", "empty-body", "no-list"],
)
def test_without_feedback_the_ticked_exercises_decide(
    client, setup, body, status, fraction
):
    _, patient = setup
    session = today_session(client, patient)
    response = complete(client, patient, session["id"], **body)
    assert response.status_code == 200, response.json
    assert response.json["status"] == status
    assert response.json["done_fraction"] == fraction


def test_a_repeat_of_a_partly_done_session_changes_nothing_or_conflicts(client, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    items = [{**FULL[0], "sets_done": 1, "pain": 7}, FULL[1]]
    first = complete(client, patient, session["id"], exercises=items)
    assert first.status_code == 200, first.json
    assert first.json["status"] == "partly_done"
    replay = complete(client, patient, session["id"], exercises=items)
    assert replay.status_code == 200, replay.json
    assert replay.json == first.json
    again = complete(client, patient, session["id"], exercises=FULL, difficulty=2)
    assert again.status_code == 409, again.json
    assert again.json["session"] == first.json
    assert today_session(client, patient)["status"] == "partly_done"
    assert len(open_alerts(client, therapist)) == 1  # the pain of 7, raised once


def test_a_partly_done_session_still_needs_to_be_due(client, clock, setup):
    _, patient = setup
    clock.advance(days=1)
    tomorrow = today_session(client, patient)
    clock.advance(days=-1)
    response = complete(client, patient, tomorrow["id"], exercises=FULL[:1])
    assert response.status_code == 409
    assert "not due" in response.json["message"]


def test_the_document_shows_partly_done_and_the_fraction(client):
    schemas = client.get(f"{API}/openapi.json").json["components"]["schemas"]
    session = schemas["Session"]["properties"]
    assert "partly_done" in session["status"]["enum"]
    assert "cancelled" not in session["status"]["enum"]
    assert session["done_fraction"]["readOnly"] is True
    assert session["done_fraction"]["maximum"] == 1


@pytest.mark.parametrize(
    ("items", "field", "words"),
    [
        (
            [{"exercise": "test-bracing"}, {"exercise": "squat"}],
            "exercises.1.exercise",
            "Not in this session: squat",
        ),
        (
            [{"exercise": "test-bracing"}, {"exercise": "test-bracing"}],
            "exercises.1.exercise",
            "Given twice",
        ),
    ],
    ids=["unknown", "twice"],
)
def test_completion_names_the_bad_exercise_and_stays_pending(
    client, setup, items, field, words
):
    _, patient = setup
    session = today_session(client, patient)
    response = complete(client, patient, session["id"], exercises=items)
    assert response.status_code == 422
    assert words in response.json["errors"][field][0]
    assert today_session(client, patient)["status"] == "pending"


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"exercise": "test-bracing", "effort": "meh"}, "effort"),
        ({"exercise": "test-bracing", "pain": 11}, "pain"),
        ({"exercise": "test-bracing", "sets_done": "3"}, "sets_done"),
        ({"sets_done": 3}, "exercise"),
        # The document says boolean: 0 and "yes" are not (schemathesis, ST201).
        ({"exercise": "test-bracing", "skipped": 0}, "skipped"),
        ({"exercise": "test-bracing", "skipped": "yes"}, "skipped"),
    ],
)
def test_completion_rejects_bad_feedback(client, setup, item, field):
    _, patient = setup
    session = today_session(client, patient)
    response = complete(client, patient, session["id"], exercises=[item])
    assert response.status_code == 422
    assert field in response.json["errors"]["exercises"]["0"]
    assert today_session(client, patient)["status"] == "pending"


# -- pain logged from an exercise, and the exercise_pain rule --------------------------


def test_stop_this_hurts_links_the_entry_and_advises_at_once(client, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    response = pain(
        client, patient, neck=4, session_id=session["id"], exercise="test-chin-tuck"
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["session_id"] == session["id"]
    assert body["exercise"] == "test-chin-tuck"
    assert [a["code"] for a in body["advice"]] == ["exercise_pain"]
    assert "next exercise only if it feels comfortable" in body["advice"][0]["text"]
    assert open_alerts(client, therapist) == []  # 4 is below the threshold


def test_pain_of_seven_during_an_exercise_alerts_naming_it(client, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    response = pain(
        client, patient, neck=7, session_id=session["id"], exercise="test-chin-tuck"
    )
    assert response.status_code == 201
    assert "Your therapist will be told" in response.json["advice"][0]["text"]
    (alert,) = open_alerts(client, therapist)
    assert alert["detail"]["exercise"] == "test-chin-tuck"
    assert alert["detail"]["score"] == 7 and alert["detail"]["region"] == "neck"
    assert alert["summary"] == (
        "Pain 7/10 (neck) during Test chin tuck: stopped the exercise."
    )


def test_exercise_pain_alerts_once_per_exercise_per_day(client, clock, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    for score in (8, 9):
        pain(
            client,
            patient,
            neck=score,
            session_id=session["id"],
            exercise="test-chin-tuck",
        )
    assert len(open_alerts(client, therapist)) == 1
    pain(client, patient, low_back=7, session_id=session["id"], exercise="test-bracing")
    assert len(open_alerts(client, therapist)) == 2
    clock.advance(days=1)
    tomorrow = today_session(client, patient)
    pain(client, patient, neck=7, session_id=tomorrow["id"], exercise="test-chin-tuck")
    names = sorted(a["detail"]["date"] for a in open_alerts(client, therapist))
    assert names == ["2026-03-10", "2026-03-10", "2026-03-11"]


@pytest.mark.parametrize(("score", "alerts"), [(6, 0), (7, 1)])
def test_feedback_pain_after_an_exercise_follows_the_threshold(
    client, setup, score, alerts
):
    therapist, patient = setup
    session = today_session(client, patient)
    items = [{"exercise": "test-bracing", "pain": score}]
    assert complete(client, patient, session["id"], exercises=items).status_code == 200
    found = open_alerts(client, therapist)
    assert len(found) == alerts
    if alerts:
        assert found[0]["summary"].endswith("during Test bracing: after the exercise.")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"exercise": "test-bracing"}, "session_id"),
        ({"session_id": 2**31 - 1}, "session_id"),
        ({"exercise": "squat", "session_id": "SESSION"}, "exercise"),
        ({"session_id": "NEIGHBOUR"}, "session_id"),
    ],
    ids=["no-session", "no-such-session", "not-in-session", "someone-elses"],
)
def test_pain_links_must_be_the_patients_own(
    client, setup, make_patient, make_assignment, body, field
):
    therapist, patient = setup
    neighbour = make_patient(therapist)
    make_assignment(neighbour, therapist, days_of_week=list(range(7)))
    ids = {
        "SESSION": today_session(client, patient)["id"],
        "NEIGHBOUR": client.get(f"{API}/me/today", headers=neighbour.headers).json[
            "sessions"
        ][0]["id"],
    }
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = pain(client, patient, low_back=3, **body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert client.get(f"{API}/me/pain", headers=patient.headers).json == []


def test_the_rule_is_data_with_its_threshold(runner, tmp_path):
    shutil.copytree(DATA, tmp_path / "programs")
    rules = tmp_path / "programs" / "safety.yaml"
    text = rules.read_text()
    assert "exercise_pain:\n  score: 7\n" in text
    rules.write_text(
        text.replace("exercise_pain:\n  score: 7", "exercise_pain:\n  score: 11")
    )
    result = runner.invoke(args=["programs", "validate", str(tmp_path / "programs")])
    assert result.exit_code == 1
    assert "safety.yaml:" in result.output and "exercise_pain.score" in result.output


# -- correcting and deleting ---------------------------------------------------------


def patch(client, patient, entry_id, **body):
    return client.patch(f"{API}/me/pain/{entry_id}", json=body, headers=patient.headers)


def delete(client, patient, entry_id):
    return client.delete(f"{API}/me/pain/{entry_id}", headers=patient.headers)


def test_an_entry_is_corrected_within_a_day(client, clock, setup):
    _, patient = setup
    entry = pain(client, patient, low_back=8, neck=2).json
    clock.advance(hours=23)
    response = patch(client, patient, entry["id"], low_back=3)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["low_back"] == 3 and body["neck"] == 2
    assert body["corrected_at"] == "2026-03-11T11:00:00+00:00"
    stored = client.get(f"{API}/me/pain", headers=patient.headers).json
    assert [(e["id"], e["low_back"]) for e in stored] == [(entry["id"], 3)]


def test_after_24_hours_an_entry_stands(client, clock, setup):
    _, patient = setup
    entry = pain(client, patient, low_back=8).json
    clock.advance(hours=24, seconds=1)
    for response in (
        patch(client, patient, entry["id"], low_back=3),
        delete(client, patient, entry["id"]),
    ):
        assert response.status_code == 409
        assert "24 hours" in response.json["message"]
    stored = client.get(f"{API}/me/pain", headers=patient.headers).json
    assert [e["low_back"] for e in stored] == [8]


def test_a_correction_must_leave_a_score(client, setup):
    _, patient = setup
    entry = pain(client, patient, low_back=8).json
    response = patch(client, patient, entry["id"], low_back=None)
    assert response.status_code == 422
    assert "scores" in response.json["errors"]
    stored = client.get(f"{API}/me/pain", headers=patient.headers).json
    assert stored[0]["low_back"] == 8 and stored[0]["corrected_at"] is None


def test_an_entry_is_deleted_within_a_day(client, setup):
    _, patient = setup
    entry = pain(client, patient, headache=9).json
    response = delete(client, patient, entry["id"])
    assert response.status_code == 204
    assert client.get(f"{API}/me/pain", headers=patient.headers).json == []
    assert delete(client, patient, entry["id"]).status_code == 404


def test_a_red_flag_entry_cannot_be_deleted(client, setup):
    therapist, patient = setup
    entry = pain(client, patient, low_back=6, red_flags=["saddle_numbness"]).json
    response = delete(client, patient, entry["id"])
    assert response.status_code == 409
    assert "tell your therapist" in response.json["message"]
    assert len(client.get(f"{API}/me/pain", headers=patient.headers).json) == 1
    assert len(open_alerts(client, therapist, "red_flag")) == 1


def test_alerts_of_a_corrected_or_deleted_entry_stay_and_say_so(client, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    flagged = pain(client, patient, low_back=9, red_flags=["saddle_numbness"]).json
    assert patch(client, patient, flagged["id"], low_back=4).status_code == 200
    (red,) = open_alerts(client, therapist, "red_flag")
    assert red["summary"].endswith("The patient later corrected the entry.")
    assert red["detail"]["entry_corrected_at"] == "2026-03-10T12:00:00+00:00"
    hurt = pain(
        client, patient, low_back=8, session_id=session["id"], exercise="test-bracing"
    ).json
    assert delete(client, patient, hurt["id"]).status_code == 204
    (alert,) = open_alerts(client, therapist)
    assert alert["summary"].endswith("The patient later deleted the entry.")


def test_a_correction_up_to_the_threshold_alerts(client, setup):
    therapist, patient = setup
    session = today_session(client, patient)
    entry = pain(
        client, patient, neck=1, session_id=session["id"], exercise="test-chin-tuck"
    ).json
    assert open_alerts(client, therapist) == []
    response = patch(client, patient, entry["id"], neck=7)
    assert response.status_code == 200
    assert "Your therapist will be told" in response.json["advice"][0]["text"]
    (alert,) = open_alerts(client, therapist)
    assert alert["detail"]["exercise"] == "test-chin-tuck"
    assert patch(client, patient, entry["id"], neck=8).status_code == 200
    assert len(open_alerts(client, therapist)) == 1  # still once that day


def test_another_patients_entry_is_404(client, setup, make_patient):
    therapist, patient = setup
    other = make_patient(therapist)
    entry = pain(client, other, low_back=5).json
    assert patch(client, patient, entry["id"], low_back=1).status_code == 404
    assert delete(client, patient, entry["id"]).status_code == 404
    assert client.get(f"{API}/me/pain", headers=other.headers).json[0]["low_back"] == 5


# -- what the therapist sees -----------------------------------------------------------


def test_the_therapist_sees_feedback_per_exercise(client, clock, setup):
    therapist, patient = setup
    clock.advance(days=-1)
    yesterday = today_session(client, patient)
    items = [
        {"exercise": "test-bracing", "pain": 2, "effort": "too_easy"},
        {"exercise": "test-chin-tuck", "pain": 5, "effort": "too_hard"},
    ]
    assert (
        complete(client, patient, yesterday["id"], exercises=items).status_code == 200
    )
    clock.advance(days=1)
    session = today_session(client, patient)
    pain(client, patient, neck=6, session_id=session["id"], exercise="test-chin-tuck")
    items = [
        {"exercise": "test-bracing", "pain": 4, "effort": "right"},
        {"exercise": "test-chin-tuck", "skipped": True},
    ]
    assert complete(client, patient, session["id"], exercises=items).status_code == 200
    response = client.get(
        f"{API}/patients/{patient.id}/exercise-feedback?days=7",
        headers=therapist.headers,
    )
    assert response.status_code == 200, response.json
    assert response.json == [
        {
            "exercise": "test-bracing",
            "name": "Test bracing",
            "sessions": 2,
            "skipped": 0,
            "mean_pain": 3.0,
            "pain_reports": 2,
            "effort": {"too_easy": 1, "right": 1, "too_hard": 0},
            "stopped_for_pain": 0,
        },
        {
            "exercise": "test-chin-tuck",
            "name": "Test chin tuck",
            "sessions": 1,
            "skipped": 1,
            "mean_pain": 5.0,
            "pain_reports": 1,
            "effort": {"too_easy": 0, "right": 0, "too_hard": 1},
            "stopped_for_pain": 1,
        },
    ]
    one_day = client.get(
        f"{API}/patients/{patient.id}/exercise-feedback?days=1",
        headers=therapist.headers,
    ).json
    assert [(r["exercise"], r["sessions"]) for r in one_day] == [
        ("test-bracing", 1),
        ("test-chin-tuck", 0),
    ]


@pytest.mark.parametrize("days", ["0", "366", "many"])
def test_the_feedback_window_is_checked(client, setup, days):
    therapist, patient = setup
    response = client.get(
        f"{API}/patients/{patient.id}/exercise-feedback?days={days}",
        headers=therapist.headers,
    )
    assert response.status_code == 422
    assert "days" in response.json["errors"]
