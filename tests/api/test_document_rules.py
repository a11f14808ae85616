"""The OpenAPI document tells the truth: each rule it states, the server enforces,
and what the server accepts, the document allows."""

import re

import pytest
from jsonschema import Draft4Validator

from kinetic.schemas.common import timezone_names
from kinetic.testing import browser_subscription

API = "/api/v1"


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").json


def component(document, name: str) -> dict:
    """A component as plain JSON Schema: $refs resolved, OpenAPI's `nullable`
    turned into a null type."""
    schemas = document["components"]["schemas"]

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(schemas[node["$ref"].rsplit("/", 1)[1]])
            node = {key: resolve(value) for key, value in node.items()}
            if node.pop("nullable", False):
                node["type"] = [node["type"], "null"]
            return node
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return resolve(schemas[name])


def allows(document, name: str, body: dict) -> bool:
    return Draft4Validator(component(document, name)).is_valid(body)


@pytest.mark.parametrize(
    ("body", "allowed"),
    [
        ({}, False),
        ({"notes": "only notes"}, False),
        ({"low_back": None, "neck": None}, False),
        ({"neck": None, "headache": 0}, True),
        ({"low_back": 4}, True),
    ],
)
def test_at_least_one_pain_score_is_in_the_document_and_enforced(
    client, document, make_patient, body, allowed
):
    patient = make_patient()
    assert allows(document, "PainCreate", body) is allowed
    response = client.post(f"{API}/me/pain", json=body, headers=patient.headers)
    assert response.status_code == (201 if allowed else 422), response.json


@pytest.mark.parametrize(
    ("body", "allowed"),
    [
        ({}, False),
        ({"role": "patient"}, False),
        ({"role": "therapist", "invite_code": "abc"}, True),
        ({"role": "therapist"}, True),
        ({"invite_code": "abc"}, True),
        ({"role": "patient", "invite_code": "abc"}, True),
    ],
)
def test_who_registers_how_is_in_the_document_and_enforced(
    client, document, body, allowed
):
    body = {"email": "new@example.org", "password": "long enough", "name": "N", **body}
    assert allows(document, "Register", body) is allowed
    response = client.post(f"{API}/auth/register", json=body)
    if allowed:
        # A made-up invite code passes the schema, and is then refused by name.
        assert response.status_code == 201 or response.json["errors"] == {
            "invite_code": ["This invite code is unknown, used or expired."]
        }
    else:
        assert response.status_code == 422
        assert "invite_code" in response.json["errors"]


@pytest.mark.parametrize(
    ("body", "allowed"),
    [
        ({}, False),
        ({"note": "not a field"}, False),
        ({"status": "paused"}, True),
        ({"progression": "off"}, True),
        ({"status": "active", "progression": "suggest"}, True),
    ],
)
def test_an_assignment_change_names_at_least_one_field_in_the_document_and_server(
    client, document, make_patient, make_therapist, make_assignment, body, allowed
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    assignment_id = make_assignment(patient, therapist)
    assert allows(document, "AssignmentPatch", body) is allowed
    response = client.patch(
        f"{API}/assignments/{assignment_id}", json=body, headers=therapist.headers
    )
    assert response.status_code == (200 if allowed else 422), response.json


def test_the_timezone_names_are_the_ones_the_server_takes(
    client, document, make_patient
):
    patient = make_patient()
    names = document["components"]["schemas"]["Timezone"]["enum"]
    assert names == timezone_names()
    assert "Europe/Berlin" in names and "Mars/Olympus" not in names
    for schema in ("UserPatch", "Reminders", "Register"):
        assert (
            component(document, schema)["properties"]["timezone"]["allOf"][0]["enum"]
            == names
        )
    good = client.patch(
        f"{API}/me", json={"timezone": "Europe/Berlin"}, headers=patient.headers
    )
    assert good.status_code == 200 and good.json["timezone"] == "Europe/Berlin"
    bad = client.patch(f"{API}/me", json={"timezone": ""}, headers=patient.headers)
    assert bad.status_code == 422 and "timezone" in bad.json["errors"]


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/x", True),
        ("", False),
        ("https://fcm.googleapis.com.evil.org/x", False),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://fcm.googleapis.com\n", False),
    ],
)
def test_push_endpoints_follow_the_documented_pattern(
    client, document, make_patient, endpoint, allowed
):
    patient = make_patient()
    pattern = document["components"]["schemas"]["PushSubscription"]["properties"][
        "endpoint"
    ]["pattern"]
    # JSON Schema reads `$` as the very end, as fullmatch does.
    assert bool(re.fullmatch(pattern, endpoint)) is allowed
    response = client.post(
        f"{API}/me/push-subscriptions",
        json=browser_subscription(endpoint),
        headers=patient.headers,
    )
    assert response.status_code == (201 if allowed else 422), response.json


def test_push_keys_patterns_match_what_browsers_send(document):
    keys = browser_subscription("https://fcm.googleapis.com/x")["keys"]
    assert allows(document, "PushKeys", keys)
    assert not allows(
        document, "PushKeys", {**keys, "p256dh": "A" + keys["p256dh"][1:]}
    )
    assert not allows(document, "PushKeys", {**keys, "auth": keys["auth"] + "x"})


def test_no_text_may_hold_a_nul_character(client, document):
    assert not allows(document, "Login", {"email": "a@b.c", "password": "pw\x00"})
    response = client.post(
        f"{API}/auth/login", json={"email": "a@b.c", "password": "pw\x00"}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"password": ["Must not contain NUL characters."]}


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("0@0.a", True),
        ("first.last+tag@example.org", True),
        ("not-an-email", False),
        ("a@-b.org", False),
        ("a b@example.org", False),
    ],
)
def test_emails_are_what_an_email_input_accepts(client, document, email, allowed):
    body = {"email": email, "password": "long enough", "name": "T", "role": "therapist"}
    assert allows(document, "Register", body) is allowed
    response = client.post(f"{API}/auth/register", json=body)
    assert response.status_code == (201 if allowed else 422), response.json


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/me"),
        ("POST", "/invites"),
        ("POST", "/sessions/{session_id}/complete"),
        ("PATCH", "/me/pain/{entry_id}"),
    ],
)
def test_optional_bodies_are_documented_as_optional(document, method, path):
    operation = document["paths"][f"{API}{path}"][method.lower()]
    assert operation["requestBody"]["required"] is False


def test_each_optional_body_may_be_left_out(
    client, make_therapist, make_patient, make_assignment
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(patient, therapist, days_of_week=list(range(7)))
    me = client.patch(f"{API}/me", headers=patient.headers)
    assert me.status_code == 200 and me.json["timezone"] == "UTC"
    invite = client.post(f"{API}/invites", headers=therapist.headers)
    assert invite.status_code == 201 and invite.json["email"] is None
    (session,) = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]
    done = client.post(
        f"{API}/sessions/{session['id']}/complete", headers=patient.headers
    )
    assert done.status_code == 200 and done.json["status"] == "done"
    entry = client.post(f"{API}/me/pain", json={"neck": 3}, headers=patient.headers)
    same = client.patch(f"{API}/me/pain/{entry.json['id']}", headers=patient.headers)
    assert same.status_code == 200, same.json
    assert (same.json["neck"], same.json["low_back"]) == (3, None)


def test_an_invite_for_an_email_with_an_account_answers_like_any_other(
    client, make_therapist, make_patient
):
    # Issue 23: a 409 here told any therapist which addresses have an account.
    therapist = make_therapist()
    patient = make_patient(therapist)
    response = client.post(
        f"{API}/invites",
        json={"email": patient.email.upper()},
        headers=therapist.headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["email"] == patient.email
    responses = client.get(f"{API}/openapi.json").json["paths"][f"{API}/invites"]
    assert "409" not in responses["post"]["responses"]
    assert "429" in responses["post"]["responses"]


def test_a_lone_to_moves_the_default_from_before_it(client, clock, make_patient):
    patient = make_patient()
    for day in ("2025-12-01", "2025-12-20", "2026-01-10"):
        client.post(
            f"{API}/me/pain",
            json={"low_back": 3, "recorded_at": f"{day}T10:00:00Z"},
            headers=patient.headers,
        )
    # Today is 2026-03-10: the default `from` would lie after this `to`.
    response = client.get(f"{API}/me/pain?to=2025-12-31", headers=patient.headers)
    assert response.status_code == 200, response.json
    assert [entry["date"] for entry in response.json] == ["2025-12-01", "2025-12-20"]
    earlier = client.get(f"{API}/me/pain?to=2025-12-10", headers=patient.headers)
    assert [entry["date"] for entry in earlier.json] == ["2025-12-01"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/auth/login", {"POST", "OPTIONS"}),
        ("PUT", "/me/push-subscriptions", {"POST", "DELETE", "OPTIONS"}),
        ("GET", "/sessions/1/complete", {"POST", "OPTIONS"}),
        ("POST", "/me/today", {"GET", "HEAD", "OPTIONS"}),
        # Not also /exercises/<slug>: `import` and a `.yaml` suffix are no slug.
        ("GET", "/exercises/import", {"POST", "OPTIONS"}),
        ("DELETE", "/programs/import", {"POST", "OPTIONS"}),
        ("PUT", "/exercises/chin-tuck.yaml", {"GET", "HEAD", "OPTIONS"}),
        ("DELETE", "/programs/neck-basics.yaml", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_405_lists_only_the_routes_own_methods(client, method, path, allow):
    response = client.open(f"{API}{path}", method=method)
    assert response.status_code == 405
    assert response.json["code"] == 405
    assert set(response.headers["Allow"].split(", ")) == allow


def test_the_app_shell_is_still_served_outside_the_api(client):
    assert client.get("/js/api.js").status_code == 200
    assert client.get(f"{API}/nothing-here").status_code == 404


@pytest.mark.parametrize(
    "path", ["/exercises/import", "/programs/import", "/exercises/chin-tuck.yaml"]
)
def test_options_lists_only_the_routes_own_methods(client, document, path):
    response = client.options(f"{API}{path}")
    assert response.status_code == 200
    template = re.sub(r"/[a-z-]+\.yaml$", "/{slug}.yaml", path)
    item = document["paths"][f"{API}{template}"]
    documented = {key.upper() for key in item if key != "parameters"}
    assert set(response.headers["Allow"].split(", ")) == documented | {
        "HEAD" if "GET" in documented else "OPTIONS",
        "OPTIONS",
    }


def test_import_is_no_slug_in_the_document_nor_on_the_server(
    client, document, make_therapist, programs
):
    (parameter,) = document["paths"][f"{API}/exercises/{{slug}}"]["parameters"]
    assert parameter["schema"]["not"] == {"enum": ["import"]}
    body = component(document, "SaveAsProgram")
    assert Draft4Validator(body).is_valid({"title": "T", "slug": "import"}) is False
    assert Draft4Validator(body).is_valid({"title": "T", "slug": "imports"}) is True
    therapist = make_therapist()
    exercise = {
        "slug": "import",
        "name": "Wall nod",
        "category": "postural_correction",
        "regions": ["neck"],
        "summary": "A small nod against a wall.",
        "instructions": ["Stand with your back to a wall.", "Nod gently."],
        "cues": ["Slowly."],
        "cautions": ["Stop if you feel dizzy."],
        "dosage": {"sets": 1, "reps": 5},
    }
    refused = client.post(f"{API}/exercises", json=exercise, headers=therapist.headers)
    assert refused.status_code == 422
    assert refused.json["errors"] == {"slug": ["This slug is reserved."]}
    imports = {**exercise, "slug": "imports"}
    made = client.post(f"{API}/exercises", json=imports, headers=therapist.headers)
    assert made.status_code == 201, made.json
    found = client.get(f"{API}/exercises/imports", headers=therapist.headers)
    assert found.status_code == 200 and found.json["slug"] == "imports"
