"""The exercise and program library as the API serves it."""

import pytest

API = "/api/v1"


@pytest.fixture
def user(make_therapist, programs):
    return make_therapist()


def test_exercises_are_listed_with_their_full_text(client, user):
    response = client.get(f"{API}/exercises", headers=user.headers)
    assert response.status_code == 200
    by_slug = {e["slug"]: e for e in response.json}
    assert set(by_slug) == {"test-bracing", "test-chin-tuck"}
    bracing = by_slug["test-bracing"]
    assert bracing["category"] == "core_stabilisation"
    assert bracing["regions"] == ["low_back"]
    assert bracing["instructions"][0] == "Lie on your back with your knees bent."
    assert bracing["cues"] and bracing["cautions"]
    assert bracing["dosage"] == {"sets": 2, "reps": 8, "hold_seconds": 5}
    assert bracing["source"] == ["000_b555e4ddcfa7718e.txt"]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("category=postural_correction", ["test-chin-tuck"]),
        ("region=low_back", ["test-bracing"]),
        ("region=headache&category=core_stabilisation", []),
    ],
)
def test_exercises_filter_by_category_and_region(client, user, query, slugs):
    response = client.get(f"{API}/exercises?{query}", headers=user.headers)
    assert response.status_code == 200
    assert [e["slug"] for e in response.json] == slugs


def test_one_exercise_and_a_missing_one(client, user):
    found = client.get(f"{API}/exercises/test-chin-tuck", headers=user.headers)
    assert found.status_code == 200
    assert found.json["name"] == "Test chin tuck"
    missing = client.get(f"{API}/exercises/no-such-thing", headers=user.headers)
    assert missing.status_code == 404
    assert missing.json == {
        "code": 404,
        "status": "Not Found",
        "message": "No such exercise.",
    }


def test_programs_are_listed_at_their_current_version(client, user):
    response = client.get(f"{API}/programs", headers=user.headers)
    assert response.status_code == 200
    (program,) = response.json
    assert program["slug"] == "test-plan"
    assert program["version"] == 1
    assert program["weeks"] == 4
    assert program["regions"] == ["low_back", "neck"]
    assert "sessions" not in program  # the list is a summary


def test_a_program_carries_its_phases_exercises_and_dosage(client, user):
    response = client.get(f"{API}/programs/test-plan", headers=user.headers)
    assert response.status_code == 200
    body = response.json
    assert [p["name"] for p in body["sessions"]] == ["Foundation", "Build"]
    assert [p["weeks"] for p in body["sessions"]] == [[1, 2], [3, 4]]
    build = body["sessions"][1]["exercises"]
    assert [e["slug"] for e in build] == ["test-bracing", "test-chin-tuck"]
    # A phase that gives no reps or hold takes the exercise's own.
    assert build[0]["dosage"] == {"sets": 3, "reps": 8, "hold_seconds": 5}
    assert build[1]["dosage"] == {"sets": 2, "hold_seconds": 3}
    assert body["advice"] == [
        "See a physiotherapist if nothing improves after a few weeks."
    ]
    missing = client.get(f"{API}/programs/nothing", headers=user.headers)
    assert missing.status_code == 404
    assert missing.json["message"] == "No such program."
