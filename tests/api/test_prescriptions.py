"""Tailored plans: prescription versions, what each session is pinned to, and the
limits a tailored plan shares with the program files."""

import pytest

API = "/api/v1"


@pytest.fixture
def pair(make_therapist, make_patient, programs):
    therapist = make_therapist()
    return therapist, make_patient(therapist)


def assign(client, therapist, patient, **body):
    response = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "test-plan", **body},
        headers=therapist.headers,
    )
    return response


def prescription(client, therapist, assignment_id):
    response = client.get(
        f"{API}/assignments/{assignment_id}/prescription", headers=therapist.headers
    )
    assert response.status_code == 200, response.json
    return response.json


def put(client, therapist, assignment_id, body):
    return client.put(
        f"{API}/assignments/{assignment_id}/prescription",
        json=body,
        headers=therapist.headers,
    )


def item(exercise, sets, **dose):
    return {"exercise": exercise, "sets": sets, **dose}


def tailored(**changes):
    """Test plan (4 weeks): one dose changed, the chin tuck removed from Build and a
    second bracing... replaced by the chin tuck in Foundation, with a note."""
    return {
        "note": "Slower this week.",
        "phases": [
            {
                "name": "Foundation",
                "weeks": [1, 2],
                "exercises": [
                    item("test-bracing", 3, reps=10, rest_seconds=45, side="left"),
                    item("test-chin-tuck", 1, hold_seconds=20, note="Eyes level."),
                ],
            },
            {
                "name": "Build",
                "weeks": [3, 4],
                "exercises": [item("test-bracing", 3)],
            },
        ],
        **changes,
    }


def test_version_one_is_the_program_as_written(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    assert plan["prescription_version"] == 1

    body = prescription(client, therapist, plan["id"])

    assert body["assignment_id"] == plan["id"]
    assert body["version"] == 1 and body["note"] is None
    assert body["changed_by"]["id"] == therapist.id
    assert body["changes"] == ["Prescribed from Test plan"]
    assert body["weeks"] == 4
    assert [(p["name"], p["weeks"]) for p in body["phases"]] == [
        ("Foundation", [1, 2]),
        ("Build", [3, 4]),
    ]
    assert body["phases"][0]["exercises"] == [
        {
            "exercise": "test-bracing",
            "name": "Test bracing",
            "sets": 2,
            "reps": 6,
            "hold_seconds": None,
            "rest_seconds": None,
            "side": None,
            "note": None,
        }
    ]
    # Neither reps nor hold in the file: the exercise's own.
    build = body["phases"][1]["exercises"]
    assert (build[0]["reps"], build[0]["hold_seconds"]) == (8, 5)


def test_a_plan_longer_than_its_program_stretches_the_last_phase(client, clock, pair):
    therapist, patient = pair
    longer = assign(client, therapist, patient, weeks=6).json
    stop = {"status": "stopped"}  # one plan of a program at a time
    client.patch(
        f"{API}/assignments/{longer['id']}", json=stop, headers=therapist.headers
    )
    shorter = assign(client, therapist, patient, weeks=1).json

    assert [
        p["weeks"] for p in prescription(client, therapist, longer["id"])["phases"]
    ] == [
        [1, 2],
        [3, 6],
    ]
    assert [
        p["weeks"] for p in prescription(client, therapist, shorter["id"])["phases"]
    ] == [[1, 1]]


def test_tailoring_makes_a_new_version_with_who_and_what_changed(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    clock.advance(hours=2)

    response = put(client, therapist, plan["id"], tailored())

    assert response.status_code == 200, response.json
    body = response.json
    assert body["version"] == 2
    assert body["note"] == "Slower this week."
    assert body["changed_at"] == "2026-03-10T14:00:00+00:00"
    assert body["changed_by"]["id"] == therapist.id
    assert body["changes"] == [
        "Foundation: Test bracing 2 × 6 → 3 × 10, rest 45 s, left",
        "Foundation: Test chin tuck added (1 set, hold 20 s)",
        "Build: Test chin tuck removed",
        "Plan note changed",
    ]
    foundation = body["phases"][0]["exercises"]
    assert foundation[0] | {"name": None} == {
        "exercise": "test-bracing",
        "name": None,
        "sets": 3,
        "reps": 10,
        "hold_seconds": None,
        "rest_seconds": 45,
        "side": "left",
        "note": None,
    }
    assert foundation[1]["note"] == "Eyes level."
    history = client.get(
        f"{API}/assignments/{plan['id']}/prescription/history",
        headers=therapist.headers,
    ).json
    assert [v["version"] for v in history] == [2, 1]
    assert history[1]["phases"][0]["exercises"][0]["sets"] == 2


def test_the_read_answers_as_the_schema_dumps_it(client, clock, pair):
    # GET builds its answer without marshmallow; the PUT and the history still
    # dump through PrescriptionSchema: the three must agree, version by version.
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    history = f"{API}/assignments/{plan['id']}/prescription/history"
    first = prescription(client, therapist, plan["id"])
    assert [first] == client.get(history, headers=therapist.headers).json
    clock.advance(hours=2)

    changed = put(client, therapist, plan["id"], tailored())
    read = prescription(client, therapist, plan["id"])

    assert changed.status_code == 200, changed.json
    assert read == changed.json
    assert read["changed_by"]["id"] == therapist.id
    assert read["phases"][0]["exercises"][1]["note"] == "Eyes level."
    assert client.get(history, headers=therapist.headers).json == [read, first]


def test_sending_back_what_was_read_changes_nothing(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    current = prescription(client, therapist, plan["id"])

    response = put(client, therapist, plan["id"], current)

    assert response.status_code == 200, response.json
    assert response.json["version"] == 1
    assert response.json == current


def test_blank_optional_fields_read_as_absent(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    body = prescription(client, therapist, plan["id"])
    first = body["phases"][0]["exercises"][0]
    first.update(side="", note="", rest_seconds=None)
    body["note"] = ""

    response = put(client, therapist, plan["id"], body)

    assert response.status_code == 200, response.json
    assert response.json["version"] == 1  # nothing changed


def test_the_document_allows_the_blanks_and_keys_a_put_accepts(client):
    # A put accepts a blank note or side, nulls and the GET's own keys (above);
    # the document said minLength 1 and no null, so schemathesis flagged the
    # acceptance (ST201). It now says what the server takes.
    schemas = client.get(f"{API}/openapi.json").json["components"]["schemas"]
    exercise = schemas["PrescribedExercise"]["properties"]
    assert "minLength" not in exercise["note"] and exercise["note"]["nullable"]
    assert "" in exercise["side"]["enum"] and exercise["side"]["nullable"]
    assert all(exercise[k]["nullable"] for k in ("reps", "hold_seconds"))
    assert "name" in exercise and "nullable" not in exercise["sets"]
    assert schemas["PrescribedPhase"]["properties"]["focus"]["nullable"]
    assert {"version", "changes", "weeks"} <= set(
        schemas["PrescriptionIn"]["properties"]
    )


@pytest.mark.parametrize("blank", ["", "3"])
def test_a_blank_or_text_number_is_not_a_number(client, clock, pair, blank):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    body = prescription(client, therapist, plan["id"])
    body["phases"][0]["exercises"][0]["reps"] = blank

    response = put(client, therapist, plan["id"], body)

    assert response.status_code == 422, response.json
    assert "reps" in response.json["errors"]["phases"]["0"]["exercises"]["0"]


def test_reordering_is_a_change(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    body = prescription(client, therapist, plan["id"])
    body["phases"][1]["exercises"].reverse()

    response = put(client, therapist, plan["id"], body)

    assert response.json["version"] == 2
    assert response.json["changes"] == ["Build: order changed"]
    names = [e["exercise"] for e in response.json["phases"][1]["exercises"]]
    assert names == ["test-chin-tuck", "test-bracing"]


def sessions_of(client, patient, start="2026-03-01", end="2026-03-31"):
    response = client.get(
        f"{API}/me/sessions?from={start}&to={end}", headers=patient.headers
    )
    assert response.status_code == 200, response.json
    return {s["date"]: s for s in response.json}


def test_done_and_past_sessions_keep_their_version_and_later_ones_follow(
    client, clock, pair
):
    therapist, patient = pair
    # Mondays, Wednesdays and Fridays from Monday 2 March; today is Tuesday 10 March.
    plan = assign(client, therapist, patient, start_date="2026-03-02").json
    before = sessions_of(client, patient)
    done = client.post(
        f"{API}/sessions/{before['2026-03-04']['id']}/complete",
        json={"exercises_done": ["test-bracing"]},
        headers=patient.headers,
    )
    assert done.status_code == 200, done.json

    assert put(client, therapist, plan["id"], tailored()).status_code == 200
    after = sessions_of(client, patient)

    assert after["2026-03-04"]["prescription"]["version"] == 1  # done
    assert after["2026-03-06"]["prescription"]["version"] == 1  # past, missed
    assert after["2026-03-11"]["prescription"]["version"] == 2  # from today on
    assert after["2026-03-27"]["prescription"]["version"] == 2
    assert after["2026-03-04"]["exercises"] == before["2026-03-04"]["exercises"]
    week_two = after["2026-03-11"]["exercises"]
    assert [e["slug"] for e in week_two] == ["test-bracing", "test-chin-tuck"]
    assert week_two[0]["dosage"] == {
        "sets": 3,
        "reps": 10,
        "rest_seconds": 45,
        "side": "left",
    }
    assert (week_two[0]["note"], week_two[1]["note"]) == (None, "Eyes level.")
    # The new exercise may be ticked in a session of the new version.
    ticked = client.post(
        f"{API}/sessions/{after['2026-03-11']['id']}/complete",
        json={"exercises_done": ["test-chin-tuck"]},
        headers=patient.headers,
    )
    assert ticked.status_code == 409  # not due yet: tomorrow
    clock.advance(days=1)
    ticked = client.post(
        f"{API}/sessions/{after['2026-03-11']['id']}/complete",
        json={"exercises_done": ["test-chin-tuck"]},
        headers=patient.headers,
    )
    assert ticked.status_code == 200, ticked.json


def test_today_says_who_changed_the_plan_when_and_why(client, clock, pair):
    therapist, patient = pair
    # Tuesdays: a session today.
    plan = assign(client, therapist, patient, days_of_week=[1]).json
    first = client.get(f"{API}/me/today", headers=patient.headers).json
    assert first["sessions"][0]["prescription"]["version"] == 1

    clock.advance(hours=1)
    changed = put(client, therapist, plan["id"], tailored())
    today = client.get(f"{API}/me/today", headers=patient.headers).json

    (session,) = today["sessions"]
    assert session["prescription"] == {
        "version": 2,
        "changed_at": "2026-03-10T13:00:00+00:00",
        "note": "Slower this week.",
        "changed_by": "Therapist 1",
        "changes": changed.json["changes"],
    }
    assert "Build: Test chin tuck removed" in session["prescription"]["changes"]
    assert session["exercises"][0]["dosage"]["side"] == "left"


def test_a_session_done_today_keeps_its_version_and_its_changes(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient, days_of_week=[1]).json  # today
    (session,) = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]
    done = client.post(
        f"{API}/sessions/{session['id']}/complete", headers=patient.headers
    )
    assert done.status_code == 200, done.json

    clock.advance(hours=1)
    assert put(client, therapist, plan["id"], tailored()).status_code == 200
    (after,) = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]

    assert after["status"] == "done"
    assert after["prescription"]["version"] == 1
    assert after["prescription"]["changes"] == ["Prescribed from Test plan"]
    assert after["exercises"] == session["exercises"]
    next_week = sessions_of(client, patient)["2026-03-17"]["prescription"]
    assert next_week["version"] == 2 and "Plan note changed" in next_week["changes"]


def test_a_paused_plan_resumes_with_the_new_version(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    path = f"{API}/assignments/{plan['id']}"
    client.patch(path, json={"status": "paused"}, headers=therapist.headers)
    put(client, therapist, plan["id"], tailored())
    client.patch(path, json={"status": "active"}, headers=therapist.headers)

    assert sessions_of(client, patient)["2026-03-11"]["prescription"]["version"] == 2


def test_a_stopped_plan_cannot_be_tailored(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    client.patch(
        f"{API}/assignments/{plan['id']}",
        json={"status": "stopped"},
        headers=therapist.headers,
    )

    response = put(client, therapist, plan["id"], tailored())

    assert response.status_code == 409
    assert "stopped" in response.json["message"]
    assert prescription(client, therapist, plan["id"])["version"] == 1


def phase(weeks, *items, name="P"):
    return {"name": name, "weeks": weeks, "exercises": list(items)}


ONE = item("test-bracing", 2)
BAD_PLANS = [
    ([phase([1, 4], item("test-bracing", 0))], "phases.0.exercises.0.sets"),
    ([phase([1, 4], item("test-bracing", 11))], "phases.0.exercises.0.sets"),
    ([phase([1, 4], item("test-bracing", 2, reps=51))], "phases.0.exercises.0.reps"),
    ([phase([1, 4], item("test-bracing", 2, reps=0))], "phases.0.exercises.0.reps"),
    (
        [phase([1, 4], item("test-bracing", 2, hold_seconds=601))],
        "phases.0.exercises.0.hold_seconds",
    ),
    (
        [phase([1, 4], item("test-bracing", 2, rest_seconds=-1))],
        "phases.0.exercises.0.rest_seconds",
    ),
    (
        [phase([1, 4], item("test-bracing", 2, rest_seconds=601))],
        "phases.0.exercises.0.rest_seconds",
    ),
    ([phase([1, 4], item("test-bracing", 2, side="up"))], "phases.0.exercises.0.side"),
    (
        [phase([1, 4], item("test-bracing", 2, note="x" * 601))],
        "phases.0.exercises.0.note",
    ),
    ([phase([1, 4], ONE, item("no-such-move", 2))], "phases.0.exercises.1.exercise"),
    ([phase([1, 4], item("test-bracing", "2"))], "phases.0.exercises.0.sets"),
    ([phase([1, 4], {"sets": 2})], "phases.0.exercises.0.exercise"),
    ([phase([1, 4])], "phases.0.exercises"),
    ([phase([1, 2], ONE), phase([4, 4], ONE)], "phases.1.weeks"),
    ([phase([2, 4], ONE)], "phases.0.weeks"),
    ([phase([1, 3], ONE)], "phases"),
    ([phase([1, 5], ONE)], "phases"),
    ([], "phases"),
]


@pytest.mark.parametrize(("phases", "field"), BAD_PLANS, ids=lambda v: str(v)[:50])
def test_a_bad_plan_is_422_naming_the_field_and_nothing_changes(
    client, clock, pair, phases, field
):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json

    response = put(client, therapist, plan["id"], {"phases": phases})

    assert response.status_code == 422, response.json
    assert field in response.json["message"], response.json
    errors = response.json["errors"]
    for part in field.split("."):
        errors = errors[part]
    assert errors
    assert prescription(client, therapist, plan["id"])["version"] == 1


def test_tailoring_at_assignment(client, clock, pair):
    therapist, patient = pair
    response = assign(
        client,
        therapist,
        patient,
        weeks=2,
        note="Start gently.",
        phases=[phase([1, 2], item("test-chin-tuck", 1, side="both"), name="Start")],
    )

    assert response.status_code == 201, response.json
    body = prescription(client, therapist, response.json["id"])
    assert body["version"] == 1 and body["note"] == "Start gently."
    assert body["changes"] == ["Tailored from Test plan"]
    assert body["phases"][0]["exercises"][0]["side"] == "both"
    session = next(iter(sessions_of(client, patient).values()))
    assert [e["slug"] for e in session["exercises"]] == ["test-chin-tuck"]


def test_a_bad_tailored_assignment_stores_nothing(client, clock, pair):
    therapist, patient = pair
    response = assign(
        client, therapist, patient, phases=[phase([1, 4], item("no-such", 1))]
    )

    assert response.status_code == 422
    assert "phases.0.exercises.0.exercise" in response.json["message"]
    listed = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert listed.json == []


OWN_MOVE = {
    "slug": "wall-nod",
    "name": "Wall nod",
    "category": "postural_correction",
    "regions": ["neck"],
    "summary": "A small nod against a wall.",
    "instructions": ["Stand with your back to a wall.", "Nod gently."],
    "cues": ["Slowly."],
    "cautions": ["Stop if you feel dizzy."],
    "dosage": {"sets": 1, "reps": 5},
}


def test_plans_keep_the_text_they_were_prescribed_with(client, clock, pair):
    therapist, patient = pair
    client.post(f"{API}/exercises", json=OWN_MOVE, headers=therapist.headers)
    plan = assign(
        client, therapist, patient, phases=[phase([1, 4], item("wall-nod", 1))]
    ).json
    edited = {**OWN_MOVE, "summary": "A rewritten summary."}
    client.put(f"{API}/exercises/wall-nod", json=edited, headers=therapist.headers)
    client.delete(f"{API}/exercises/wall-nod", headers=therapist.headers)

    # Archived and edited: the plan keeps it, as first prescribed, on a dose change.
    body = prescription(client, therapist, plan["id"])
    body["phases"][0]["exercises"][0]["sets"] = 2
    changed = put(client, therapist, plan["id"], body)
    assert changed.status_code == 200, changed.json

    session = next(iter(sessions_of(client, patient).values()))
    assert session["exercises"][0]["summary"] == "A small nod against a wall."
    assert session["exercises"][0]["dosage"] == {"sets": 2, "reps": 5}
    # The patient may read their therapist's exercise that is in their plan.
    own = client.get(f"{API}/exercises/wall-nod", headers=patient.headers)
    assert own.status_code == 200 and own.json["owner"] == "therapist"


def test_an_archived_exercise_cannot_be_added(client, clock, pair):
    therapist, patient = pair
    client.post(f"{API}/exercises", json=OWN_MOVE, headers=therapist.headers)
    client.delete(f"{API}/exercises/wall-nod", headers=therapist.headers)
    plan = assign(client, therapist, patient).json
    body = tailored()
    body["phases"][1]["exercises"].append(item("wall-nod", 1))

    response = put(client, therapist, plan["id"], body)

    assert response.status_code == 422
    assert "phases.1.exercises.1.exercise" in response.json["message"]


def test_save_as_program_makes_the_tailored_plan_a_program(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient, days_of_week=[1, 3]).json
    put(client, therapist, plan["id"], tailored())

    response = client.post(
        f"{API}/assignments/{plan['id']}/save-as-program",
        json={"title": "Slow neck & back"},
        headers=therapist.headers,
    )

    assert response.status_code == 201, response.json
    program = response.json
    assert (program["slug"], program["owner"], program["version"]) == (
        "slow-neck-back",
        "me",
        1,
    )
    assert program["days_of_week"] == [1, 3] and program["weeks"] == 4
    first = program["sessions"][0]["exercises"]
    assert [e["slug"] for e in first] == ["test-bracing", "test-chin-tuck"]
    assert first[0]["dosage"]["side"] == "left" and first[1]["note"] == "Eyes level."
    again = client.post(
        f"{API}/assignments/{plan['id']}/save-as-program",
        json={"title": "Slow neck & back"},
        headers=therapist.headers,
    )
    assert again.status_code == 422 and "slug" in again.json["errors"]
    # It can be assigned to another patient as it is.
    other = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "slow-neck-back"},
        headers=therapist.headers,
    )
    assert other.status_code == 201, other.json


def test_save_as_program_refuses_a_library_slug(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json

    response = client.post(
        f"{API}/assignments/{plan['id']}/save-as-program",
        json={"title": "Mine", "slug": "test-plan"},
        headers=therapist.headers,
    )

    assert response.status_code == 422
    assert response.json["errors"] == {
        "slug": ["The library has this slug; choose another."]
    }


def test_the_patients_export_holds_every_version_of_their_plan(client, clock, pair):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    put(client, therapist, plan["id"], tailored())

    export = client.get(f"{API}/me/export", headers=patient.headers)

    assert export.status_code == 200
    versions = export.json["prescriptions"]
    assert sorted(v["version"] for v in versions) == [1, 2]
    assert {v["assignment_id"] for v in versions} == {plan["id"]}


def test_two_therapists_saving_at_once_leaves_the_second_with_a_409(
    app, client, clock, pair, monkeypatch
):
    therapist, patient = pair
    plan = assign(client, therapist, patient).json
    with app.app_context():
        from kinetic.models import Assignment
        from kinetic.services import prescriptions

        first = prescriptions.history(
            prescriptions.db.session.get(Assignment, plan["id"])
        )[0]
        first_id = first.id
        prescriptions.db.session.remove()
    assert put(client, therapist, plan["id"], tailored()).status_code == 200
    # The second request read the plan before the first one saved.
    stale = prescriptions.current
    monkeypatch.setattr(
        prescriptions,
        "current",
        lambda a: prescriptions.db.session.get(type(stale(a)), first_id),
    )

    response = put(client, therapist, plan["id"], tailored(note="Another note."))

    assert response.status_code == 409, response.json
    assert "reload" in response.json["message"]
    monkeypatch.undo()
    assert prescription(client, therapist, plan["id"])["note"] == "Slower this week."
