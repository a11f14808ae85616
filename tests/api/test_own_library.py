"""A therapist's own exercises and programs: the same limits as the files, who sees
them, versions, archiving, and browsing the library."""

import pytest

API = "/api/v1"

MOVE = {
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


def plan_body(slug="desk-neck", exercise="wall-nod", **changes):
    return {
        "slug": slug,
        "title": "Desk neck routine",
        "summary": "For long days at a desk.",
        "regions": ["neck"],
        "weeks": 3,
        "days_of_week": [0, 2],
        "sessions_per_day": 1,
        "sessions": [
            {
                "name": "Start",
                "weeks": [1, 1],
                "exercises": [{"exercise": exercise, "sets": 2, "side": "both"}],
            },
            {
                "name": "Build",
                "weeks": [2, 3],
                "exercises": [
                    {"exercise": exercise, "sets": 3, "rest_seconds": 20},
                    {"exercise": "test-chin-tuck", "sets": 1, "note": "Eyes level."},
                ],
            },
        ],
        **changes,
    }


@pytest.fixture
def therapist(make_therapist, programs):
    return make_therapist()


def create(client, who, body=MOVE, kind="exercises"):
    return client.post(f"{API}/{kind}", json=body, headers=who.headers)


def slugs(client, who, query="", kind="exercises"):
    response = client.get(f"{API}/{kind}{query}", headers=who.headers)
    assert response.status_code == 200, response.json
    return [(item["slug"], item["owner"]) for item in response.json]


def test_a_therapist_creates_an_exercise_seen_by_them_alone(
    client, therapist, make_therapist, make_patient
):
    response = create(client, therapist)

    assert response.status_code == 201, response.json
    assert response.json | {"sources": []} == {
        **MOVE,
        "owner": "me",
        "editable": True,
        "version": 1,
        "archived": False,
        "sources": [],
        "figure": None,  # a therapist's own exercise may have no figure
        "drawing": None,
    }
    assert ("wall-nod", "me") in slugs(client, therapist)
    assert ("test-bracing", "library") in slugs(client, therapist)
    other = make_therapist()
    assert "wall-nod" not in dict(slugs(client, other))
    assert (
        client.get(f"{API}/exercises/wall-nod", headers=other.headers).status_code
        == 404
    )
    # Their patient sees it only once it is in one of their plans.
    patient = make_patient(therapist)
    assert "wall-nod" not in dict(slugs(client, patient))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "test-bracing"}, "slug"),  # the library's
        ({"slug": "Wall Nod"}, "slug"),
        ({"slug": "x" * 81}, "slug"),
        ({"category": "magic"}, "category"),
        ({"regions": []}, "regions"),
        ({"instructions": ["Only one step."]}, "instructions"),
        ({"dosage": {"sets": 11, "reps": 5}}, "dosage.sets"),
        ({"dosage": {"sets": 1}}, "dosage.reps"),
        (
            {"dosage": {"sets": 1, "reps": 5, "rest_seconds": 601}},
            "dosage.rest_seconds",
        ),
        ({"source": ["made-up.txt"]}, "source.0"),
        ({"name": ""}, "name"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_a_bad_exercise_is_422_naming_the_field(client, therapist, change, field):
    response = create(client, therapist, {**MOVE, **change})

    assert response.status_code == 422, response.json
    assert field in response.json["message"], response.json
    assert field.split(".")[0] in response.json["errors"]
    assert "wall-nod" not in dict(slugs(client, therapist))


def test_a_therapist_may_not_reuse_their_own_slug(client, therapist):
    create(client, therapist)

    response = create(client, therapist, {**MOVE, "name": "Another"})

    assert response.status_code == 422
    assert response.json["errors"] == {
        "slug": ["You already have one with this slug; choose another."]
    }


def test_two_therapists_may_use_the_same_slug(client, therapist, make_therapist):
    create(client, therapist)
    other = make_therapist()

    assert create(client, other).status_code == 201


def test_editing_makes_a_new_version_and_the_slug_stays(client, therapist):
    create(client, therapist)
    path = f"{API}/exercises/wall-nod"

    edited = client.put(
        path, json={**MOVE, "name": "Wall nods"}, headers=therapist.headers
    )
    same = client.put(
        path, json={**MOVE, "name": "Wall nods"}, headers=therapist.headers
    )
    renamed = client.put(
        path, json={**MOVE, "slug": "other"}, headers=therapist.headers
    )
    no_slug = {k: v for k, v in MOVE.items() if k != "slug"}
    without = client.put(path, json=no_slug, headers=therapist.headers)

    assert edited.status_code == 200 and edited.json["version"] == 2
    assert edited.json["name"] == "Wall nods"
    assert same.json["version"] == 2  # nothing changed
    assert renamed.status_code == 422 and "slug" in renamed.json["errors"]
    assert without.status_code == 200 and without.json["version"] == 3


def test_the_library_cannot_be_edited_or_archived_by_a_therapist(client, therapist):
    path = f"{API}/exercises/test-bracing"
    body = {**MOVE, "slug": "test-bracing"}

    edited = client.put(path, json=body, headers=therapist.headers)
    archived = client.delete(path, headers=therapist.headers)

    assert edited.status_code == 403 and "YAML" in edited.json["message"]
    assert archived.status_code == 403
    assert client.get(path, headers=therapist.headers).json["name"] == "Test bracing"


def test_archiving_hides_an_exercise_but_keeps_it_readable(client, therapist):
    create(client, therapist)

    response = client.delete(f"{API}/exercises/wall-nod", headers=therapist.headers)

    assert response.status_code == 204
    assert "wall-nod" not in dict(slugs(client, therapist))
    assert slugs(client, therapist, "?archived=true") == [("wall-nod", "me")]
    one = client.get(f"{API}/exercises/wall-nod", headers=therapist.headers)
    assert one.status_code == 200 and one.json["archived"] is True
    again = client.delete(f"{API}/exercises/wall-nod", headers=therapist.headers)
    assert again.status_code == 204
    program = create(client, therapist, plan_body(), "programs")
    assert program.status_code == 422
    assert "sessions.0.exercises.0.exercise" in program.json["message"]


def test_browsing_by_words_region_and_category(client, therapist):
    create(client, therapist)

    assert slugs(client, therapist, "?q=nod") == [("wall-nod", "me")]
    assert slugs(client, therapist, "?q=WALL%20nod") == [("wall-nod", "me")]
    assert slugs(client, therapist, "?q=fixture") == [
        ("test-bracing", "library"),
        ("test-chin-tuck", "library"),
    ]
    assert dict(slugs(client, therapist, "?region=low_back")) == {
        "test-bracing": "library"
    }
    assert dict(slugs(client, therapist, "?category=postural_correction")) == {
        "test-chin-tuck": "library",
        "wall-nod": "me",
    }
    assert slugs(client, therapist, "?q=nothing-like-this") == []


def test_a_therapist_builds_a_program_from_library_and_own_exercises(client, therapist):
    create(client, therapist)

    response = create(client, therapist, plan_body(), "programs")

    assert response.status_code == 201, response.json
    program = response.json
    assert (program["owner"], program["version"], program["archived"]) == (
        "me",
        1,
        False,
    )
    build = program["sessions"][1]["exercises"]
    assert build[0]["dosage"] == {"sets": 3, "reps": 5, "rest_seconds": 20}
    assert build[1]["note"] == "Eyes level." and build[0]["note"] is None
    assert program["sessions"][0]["exercises"][0]["dosage"]["side"] == "both"
    assert ("desk-neck", "me") in slugs(client, therapist, kind="programs")
    assert slugs(client, therapist, "?q=desk", kind="programs") == [("desk-neck", "me")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "test-plan"}, "slug"),
        ({"weeks": 4}, "weeks"),
        ({"sessions_per_day": 4}, "sessions_per_day"),
        (
            {
                "sessions": plan_body()["sessions"][:1]
                + [{**plan_body()["sessions"][1], "weeks": [3, 3]}]
            },
            "sessions.1.weeks",
        ),
        (
            {"sessions": [{"name": "All", "weeks": [1, 3], "exercises": []}]},
            "sessions.0.exercises",
        ),
        (
            {
                "sessions": [
                    {
                        "name": "All",
                        "weeks": [1, 3],
                        "exercises": [{"exercise": "nope", "sets": 1}],
                    }
                ]
            },
            "sessions.0.exercises.0.exercise",
        ),
        (
            {
                "sessions": [
                    {
                        "name": "All",
                        "weeks": [1, 3],
                        "exercises": [
                            {"exercise": "wall-nod", "sets": 1, "side": "top"}
                        ],
                    }
                ]
            },
            "sessions.0.exercises.0.side",
        ),
    ],
    ids=lambda v: str(v)[:40],
)
def test_a_bad_program_is_422_naming_the_field(client, therapist, change, field):
    create(client, therapist)

    response = create(client, therapist, plan_body(**change), "programs")

    assert response.status_code == 422, response.json
    assert field in response.json["message"], response.json
    assert "desk-neck" not in dict(slugs(client, therapist, kind="programs"))


def test_editing_a_program_leaves_running_plans_on_their_version(
    client, clock, therapist, make_patient
):
    create(client, therapist)
    create(client, therapist, plan_body(), "programs")
    patient = make_patient(therapist)
    assigned = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "desk-neck"},
        headers=therapist.headers,
    )
    assert assigned.status_code == 201, assigned.json
    body = plan_body()
    body["sessions"][0]["exercises"][0]["sets"] = 4

    edited = client.put(
        f"{API}/programs/desk-neck", json=body, headers=therapist.headers
    )

    assert edited.status_code == 200 and edited.json["version"] == 2
    plans = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    ).json
    assert plans[0]["program_version"] == 1
    sessions = client.get(f"{API}/me/sessions", headers=patient.headers).json
    assert sessions[0]["exercises"][0]["dosage"]["sets"] == 2
    # Through the plan, the patient sees their therapist's program and exercise.
    mine = client.get(f"{API}/programs/desk-neck", headers=patient.headers)
    assert mine.status_code == 200 and mine.json["owner"] == "therapist"
    assert ("wall-nod", "therapist") in slugs(client, patient)


def test_an_archived_program_cannot_be_assigned(client, therapist, make_patient):
    create(client, therapist)
    create(client, therapist, plan_body(), "programs")
    patient = make_patient(therapist)

    archived = client.delete(f"{API}/programs/desk-neck", headers=therapist.headers)
    response = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "desk-neck"},
        headers=therapist.headers,
    )

    assert archived.status_code == 204
    assert response.status_code == 422 and "program" in response.json["errors"]
    assert slugs(client, therapist, "?archived=true", kind="programs") == [
        ("desk-neck", "me")
    ]


def test_another_therapists_program_cannot_be_assigned(
    client, therapist, make_therapist, make_patient
):
    create(client, therapist)
    create(client, therapist, plan_body(), "programs")
    other = make_therapist()
    patient = make_patient(other)

    response = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "desk-neck"},
        headers=other.headers,
    )

    assert response.status_code == 422
    assert response.json["errors"] == {"program": ["No program with this slug."]}


def test_the_therapists_export_holds_their_own_items_as_files(client, therapist):
    create(client, therapist)
    create(client, therapist, plan_body(), "programs")

    export = client.get(f"{API}/me/export", headers=therapist.headers)

    assert export.status_code == 200
    assert export.json["own_exercises"] == [MOVE]
    (program,) = export.json["own_programs"]
    assert program["slug"] == "desk-neck"
    assert program["sessions"][0]["exercises"] == [
        {"exercise": "wall-nod", "sets": 2, "reps": 5, "side": "both"}
    ]
