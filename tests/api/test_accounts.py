"""Accounts: sign-up with and without invites, sign-in and its throttle, tokens,
the caller's own profile, export, erasure and invites."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, or_, select

from kinetic.extensions import db
from kinetic.models import (
    Alert,
    Assignment,
    AuthToken,
    CareTeamMember,
    Invite,
    PainEntry,
    ScheduledSession,
    User,
)

API = "/api/v1"
PASSWORD = "correct horse battery"
# A new account's details for health-record exports: none given, email not shared.
NO_DETAILS = {
    "family_name": None,
    "given_name": None,
    "birth_date": None,
    "sex": None,
    "share_email_in_exports": False,
}


# -- helpers ---------------------------------------------------------------------------


def assert_error(response, status: int, field: str | None = None) -> dict:
    """Every error is JSON with an integer `code` equal to the status and a string
    `message`; a 422 also names each bad field in `errors`."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert isinstance(body, dict), body
    assert type(body["code"]) is int and body["code"] == status, body
    assert isinstance(body["message"], str) and body["message"], body
    if status == 422:
        assert isinstance(body["errors"], dict) and body["errors"], body
    if field is not None:
        assert field in body["errors"], body
        assert body["errors"][field], body
    return body


def all_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def assert_no_secrets(response, *secrets: str) -> None:
    """No password (or other secret) and no password field in the body."""
    text = response.get_data(as_text=True)
    for secret in secrets:
        assert secret not in text
    assert not {k for k in all_keys(response.json) if "password" in k.lower()}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def register(client, **body):
    return client.post(f"{API}/auth/register", json=body)


def therapist_body(**extra) -> dict:
    return {
        "email": "ada@example.org",
        "password": PASSWORD,
        "name": "Ada Physio",
        "role": "therapist",
        **extra,
    }


def patient_body(code: str, **extra) -> dict:
    return {
        "email": "paul@example.org",
        "password": PASSWORD,
        "name": "Paul Patient",
        "invite_code": code,
        **extra,
    }


def invite(client, therapist, **body) -> str:
    response = client.post(f"{API}/invites", json=body, headers=therapist.headers)
    assert response.status_code == 201, response.json
    return response.json["code"]


def login(client, email: str, password: str):
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


def me(client, token: str):
    return client.get(f"{API}/me", headers=bearer(token))


def patient_ids(client, therapist) -> list[int]:
    response = client.get(f"{API}/patients", headers=therapist.headers)
    assert response.status_code == 200, response.json
    return [p["id"] for p in response.json]


# -- registration ----------------------------------------------------------------------


def test_a_therapist_registers_and_the_token_signs_them_in(client):
    response = register(client, **therapist_body(email="Ada@Example.ORG"))

    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {"token", "user"}
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    user = body["user"]
    assert user == {
        "id": user["id"],
        "email": "ada@example.org",
        "name": "Ada Physio",
        "role": "therapist",
        "timezone": "UTC",
        "therapist_name": None,
        **NO_DETAILS,
        # A therapist who signs up alone runs a clinic of one.
        "clinic": {
            "id": user["clinic"]["id"],
            "name": "Ada Physio's practice",
            "role": "admin",
            "treats_patients": True,
        },
    }
    assert_no_secrets(response, PASSWORD)

    signed_in = me(client, body["token"])
    assert signed_in.status_code == 200
    assert signed_in.json == user
    assert_no_secrets(signed_in, PASSWORD)


def test_a_patient_registers_with_an_invite_and_joins_that_therapist(
    client, make_therapist
):
    therapist, other = make_therapist(), make_therapist()
    code = invite(client, therapist)

    response = register(client, **patient_body(code, timezone="Europe/Berlin"))

    assert response.status_code == 201, response.json
    user = response.json["user"]
    assert user == {
        "id": user["id"],
        "email": "paul@example.org",
        "name": "Paul Patient",
        "role": "patient",
        "timezone": "Europe/Berlin",
        "therapist_name": "Therapist 1",
        **NO_DETAILS,
    }
    assert_no_secrets(response, PASSWORD, code)
    assert me(client, response.json["token"]).json == user
    assert patient_ids(client, therapist) == [user["id"]]
    assert patient_ids(client, other) == []


def test_an_explicit_patient_role_with_an_invite_is_accepted(client, make_therapist):
    code = invite(client, make_therapist())

    response = register(client, **patient_body(code, role="patient"))

    assert response.status_code == 201, response.json
    assert response.json["user"]["role"] == "patient"


def test_an_invite_code_enrols_only_one_patient(client, make_therapist):
    therapist = make_therapist()
    code = invite(client, therapist)
    first = register(client, **patient_body(code))
    assert first.status_code == 201

    second = register(client, **patient_body(code, email="petra@example.org"))

    assert_error(second, 422, "invite_code")
    assert "token" not in second.json
    assert_error(login(client, "petra@example.org", PASSWORD), 401)
    assert patient_ids(client, therapist) == [first.json["user"]["id"]]


def test_an_unknown_invite_code_is_refused(client, make_therapist):
    make_therapist()

    response = register(client, **patient_body("no-such-code"))

    assert_error(response, 422, "invite_code")


@pytest.mark.parametrize(
    ("elapsed", "status"),
    [
        ({"days": 13, "hours": 23}, 201),
        ({"days": 14}, 422),
        ({"days": 14, "seconds": 1}, 422),
        ({"days": 20}, 422),
    ],
    ids=["a-day-before-expiry", "at-expiry", "just-past-expiry", "long-expired"],
)
def test_an_invite_expires_after_14_days(
    client, clock, make_therapist, elapsed, status
):
    therapist = make_therapist()
    code = invite(client, therapist)
    clock.advance(**elapsed)

    response = register(client, **patient_body(code))

    if status == 201:
        assert response.status_code == 201, response.json
        assert patient_ids(client, therapist) == [response.json["user"]["id"]]
    else:
        assert_error(response, 422, "invite_code")
        assert patient_ids(client, therapist) == []


def test_an_invite_for_another_email_is_refused_and_stays_usable(
    client, make_therapist
):
    therapist = make_therapist()
    code = invite(client, therapist, email="Anna@Example.org", name="Anna")

    wrong = register(client, **patient_body(code, email="mallory@example.org"))
    assert_error(wrong, 422, "email")
    assert_error(login(client, "mallory@example.org", PASSWORD), 401)

    # The address is compared without regard to case.
    right = register(client, **patient_body(code, email="anna@EXAMPLE.org"))
    assert right.status_code == 201, right.json
    assert right.json["user"]["email"] == "anna@example.org"
    assert patient_ids(client, therapist) == [right.json["user"]["id"]]


@pytest.mark.parametrize(
    "email",
    ["ada@example.org", "ADA@example.org"],
    ids=["same-email", "same-email-other-case"],
)
def test_a_second_account_with_the_same_email_is_a_conflict(client, email):
    first = register(client, **therapist_body())
    assert first.status_code == 201

    second = register(client, **therapist_body(email=email, password="other pass"))

    assert_error(second, 409)
    assert "token" not in second.json
    # The first account keeps its password.
    assert login(client, "ada@example.org", PASSWORD).status_code == 200
    assert_error(login(client, "ada@example.org", "other pass"), 401)


def test_a_duplicate_patient_email_does_not_use_up_the_invite(client, make_therapist):
    therapist = make_therapist()
    register(client, **therapist_body(email="taken@example.org"))
    code = invite(client, therapist)

    taken = register(client, **patient_body(code, email="taken@example.org"))
    assert_error(taken, 409)

    fresh = register(client, **patient_body(code))
    assert fresh.status_code == 201, fresh.json


@pytest.mark.parametrize("role", ["therapist", "patient"])
def test_a_sign_up_that_loses_the_race_for_its_email_is_a_conflict(
    client, make_therapist, monkeypatch, role
):
    """Two sign-ups with one new email at once: both find no account, and the
    second's insert meets the unique email. 409 as for any taken email (it was a
    500), and the loser's invite is not used up."""
    from kinetic.services import accounts

    register(client, **therapist_body(email="taken@example.org"))
    code = invite(client, make_therapist())
    body = (
        therapist_body if role == "therapist" else lambda **e: patient_body(code, **e)
    )
    real_lookup = accounts.find_user_by_email
    calls = []

    def lookup_that_misses_once(email):
        calls.append(email)
        return None if len(calls) == 1 else real_lookup(email)

    monkeypatch.setattr(accounts, "find_user_by_email", lookup_that_misses_once)
    lost = register(client, **body(email="taken@example.org"))
    monkeypatch.undo()

    assert len(calls) == 2  # the insert failed and the email was looked up again
    assert_error(lost, 409)
    assert "token" not in lost.json
    assert register(client, **patient_body(code)).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"role": "patient"}, 422, "invite_code"),
        ({}, 422, "invite_code"),
        ({"role": "therapist", "invite_code": "VALID"}, 422, "invite_code"),
        ({"role": "admin"}, 422, "role"),
        ({"role": "admin", "invite_code": "VALID"}, 422, "role"),
    ],
    ids=[
        "patient-without-invite",
        "no-role-and-no-invite",
        "therapist-with-invite",
        "unknown-role",
        "unknown-role-with-invite",
    ],
)
def test_role_and_invite_must_match(client, make_therapist, body, status, field):
    therapist = make_therapist()
    code = invite(client, therapist)
    body = {k: code if v == "VALID" else v for k, v in body.items()}
    data = {"email": "eve@example.org", "password": PASSWORD, "name": "Eve", **body}

    response = register(client, **data)

    assert_error(response, status, field)
    assert_error(login(client, "eve@example.org", PASSWORD), 401)
    # A refused sign-up leaves the invite unused.
    assert register(client, **patient_body(code)).status_code == 201


def test_therapist_sign_up_can_be_switched_off(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "THERAPIST_SIGNUP", False)

    response = register(client, **therapist_body())

    assert_error(response, 403)
    assert_error(login(client, "ada@example.org", PASSWORD), 401)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"email": None}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": 12345678}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"name": 42}, "name"),
        ({"name": ""}, "name"),
        ({"name": "n" * 121}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": 1}, "timezone"),
        ({"is_admin": True}, "is_admin"),
        ({"invite_code": ""}, "invite_code"),
    ],
    ids=[
        "bad-email",
        "empty-email",
        "null-email",
        "too-long-email",
        "short-password",
        "non-string-password",
        "too-long-password",
        "non-string-name",
        "empty-name",
        "too-long-name",
        "unknown-timezone",
        "non-string-timezone",
        "unknown-field",
        "empty-invite-code",
    ],
)
def test_register_refuses_a_bad_field(client, change, field):
    response = register(client, **therapist_body(**change))

    body = assert_error(response, 422, field)
    assert "token" not in body
    assert_error(login(client, "ada@example.org", PASSWORD), 401)


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_register_requires_each_field(client, missing):
    data = therapist_body()
    del data[missing]

    assert_error(client.post(f"{API}/auth/register", json=data), 422, missing)


def test_register_refuses_a_body_that_is_not_an_object(client):
    response = client.post(f"{API}/auth/register", json=["ada@example.org"])

    assert_error(response, 422)


# -- login, logout and tokens ----------------------------------------------------------


def test_login_answers_a_fresh_token_and_the_user(client, make_patient):
    patient = make_patient(timezone="Europe/Berlin")

    response = login(client, patient.email.upper(), patient.password)

    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"token", "user"}
    assert body["token"] != patient.token
    assert body["user"] == {
        "id": patient.id,
        "email": patient.email,
        "name": body["user"]["name"],
        "role": "patient",
        "timezone": "Europe/Berlin",
        "therapist_name": body["user"]["therapist_name"],
        **NO_DETAILS,
    }
    assert_no_secrets(response, patient.password)
    assert me(client, body["token"]).json == body["user"]
    # Signing in again does not end the older session.
    assert me(client, patient.token).status_code == 200


def test_a_wrong_password_and_an_unknown_email_look_the_same(client, make_therapist):
    therapist = make_therapist()

    wrong = login(client, therapist.email, "wrong password")
    unknown = login(client, "nobody@example.org", therapist.password)

    assert_error(wrong, 401)
    assert_error(unknown, 401)
    assert wrong.json == unknown.json
    assert "token" not in wrong.json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "correct horse"}, "email"),
        ({"email": "therapist1@example.org"}, "password"),
        ({"email": "therapist1@example.org", "password": ""}, "password"),
        ({"email": "therapist1@example.org", "password": 1}, "password"),
        ({"email": 7, "password": "correct horse"}, "email"),
    ],
    ids=[
        "no-email",
        "no-password",
        "empty-password",
        "non-string-password",
        "non-string-email",
    ],
)
def test_login_refuses_a_malformed_body(client, make_therapist, body, field):
    make_therapist()

    assert_error(client.post(f"{API}/auth/login", json=body), 422, field)


def test_repeated_failed_logins_are_throttled_per_account_and_address(
    client, make_therapist
):
    victim, colleague = make_therapist(), make_therapist()

    for attempt in range(5):
        email = victim.email if attempt % 2 else victim.email.upper()
        assert_error(login(client, email, f"guess {attempt}"), 401)

    throttled = login(client, victim.email, "guess 5")
    assert_error(throttled, 429)
    assert "token" not in throttled.json
    # Once throttled, even the right password has to wait at this address
    # (test_account_security.py: another address gets in).
    assert_error(login(client, victim.email, victim.password), 429)
    # Another account behind the same address still signs in.
    other = login(client, colleague.email, colleague.password)
    assert other.status_code == 200, other.json
    assert me(client, other.json["token"]).status_code == 200


def test_successful_logins_are_not_counted_as_failures(client, make_therapist):
    therapist = make_therapist()

    for _ in range(8):
        assert login(client, therapist.email, therapist.password).status_code == 200
    assert_error(login(client, therapist.email, "wrong"), 401)


def test_logout_ends_only_that_token(client, make_therapist):
    therapist = make_therapist()
    second = login(client, therapist.email, therapist.password).json["token"]

    response = client.post(f"{API}/auth/logout", headers=therapist.headers)

    assert response.status_code == 204
    assert response.get_data() == b""
    assert_error(me(client, therapist.token), 401)
    assert_error(client.post(f"{API}/auth/logout", headers=therapist.headers), 401)
    assert me(client, second).status_code == 200


def test_a_token_expires_after_30_days(client, clock, make_patient):
    patient = make_patient()

    clock.advance(days=29, hours=23)
    assert me(client, patient.token).status_code == 200

    clock.advance(days=1, hours=1)
    assert_error(me(client, patient.token), 401)

    # Signing in again gives a token that works.
    fresh = login(client, patient.email, patient.password)
    assert fresh.status_code == 200
    assert me(client, fresh.json["token"]).status_code == 200


def test_a_token_is_dead_at_31_days(client, clock, make_therapist):
    therapist = make_therapist()

    clock.advance(days=31)

    assert_error(me(client, therapist.token), 401)
    assert_error(client.get(f"{API}/patients", headers=therapist.headers), 401)


# -- the caller's own profile ----------------------------------------------------------


def test_get_me_answers_the_signed_in_user(client, make_therapist, make_patient):
    therapist = make_therapist()
    patient = make_patient(therapist, timezone="America/New_York")

    response = me(client, patient.token)

    assert response.status_code == 200
    assert response.json == {
        "id": patient.id,
        "email": patient.email,
        "name": response.json["name"],
        "role": "patient",
        "timezone": "America/New_York",
        "therapist_name": "Therapist 1",
        **NO_DETAILS,
    }
    assert_no_secrets(response, patient.password)
    assert me(client, therapist.token).json["role"] == "therapist"


def test_patch_me_changes_name_and_timezone(client, make_patient):
    patient = make_patient()

    response = client.patch(
        f"{API}/me",
        json={"name": "Paula P.", "timezone": "Australia/Sydney"},
        headers=patient.headers,
    )

    assert response.status_code == 200, response.json
    expected = {
        "id": patient.id,
        "email": patient.email,
        "name": "Paula P.",
        "role": "patient",
        "timezone": "Australia/Sydney",
        "therapist_name": "Therapist 1",
        **NO_DETAILS,
    }
    assert response.json == expected
    assert me(client, patient.token).json == expected


def test_patch_me_with_only_a_name_keeps_the_timezone(client, make_patient):
    patient = make_patient(timezone="Europe/Berlin")

    response = client.patch(
        f"{API}/me", json={"name": "Just a name"}, headers=patient.headers
    )

    assert response.status_code == 200
    assert response.json["name"] == "Just a name"
    assert response.json["timezone"] == "Europe/Berlin"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": "n" * 121}, "name"),
        ({"role": "therapist"}, "role"),
        ({"email": "new@example.org"}, "email"),
        ({"password": "a new password"}, "password"),
    ],
    ids=[
        "unknown-timezone",
        "empty-timezone",
        "null-timezone",
        "empty-name",
        "non-string-name",
        "too-long-name",
        "role-is-not-editable",
        "email-is-not-editable",
        "password-is-not-editable",
    ],
)
def test_patch_me_refuses_a_bad_field_and_changes_nothing(
    client, make_patient, body, field
):
    patient = make_patient(timezone="Europe/Berlin")
    before = me(client, patient.token).json

    assert_error(
        client.patch(f"{API}/me", json=body, headers=patient.headers), 422, field
    )

    assert me(client, patient.token).json == before
    assert login(client, patient.email, patient.password).status_code == 200


def test_patch_me_sets_and_clears_the_details_for_exports(client, make_patient):
    patient = make_patient()
    details = {
        "family_name": "Okafor",
        "given_name": "Ngozi Ada",
        "birth_date": "1984-02-29",
        "sex": "female",
        "share_email_in_exports": True,
    }

    response = client.patch(f"{API}/me", json=details, headers=patient.headers)

    assert response.status_code == 200, response.json
    assert {k: response.json[k] for k in details} == details
    assert response.json["name"] == me(client, patient.token).json["name"]  # kept
    assert me(client, patient.token).json == response.json
    cleared = client.patch(
        f"{API}/me",
        json={"family_name": None, "birth_date": None, "sex": None},
        headers=patient.headers,
    )
    assert cleared.status_code == 200, cleared.json
    assert {k: cleared.json[k] for k in details} == {
        **details,
        "family_name": None,
        "birth_date": None,
        "sex": None,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"family_name": ""}, "family_name"),
        ({"family_name": "f" * 121}, "family_name"),
        ({"given_name": 7}, "given_name"),
        ({"birth_date": "1984-02-30"}, "birth_date"),
        ({"birth_date": "2026-03-12"}, "birth_date"),  # the fake clock: 10 March
        ({"birth_date": "1899-12-31"}, "birth_date"),
        ({"sex": "f"}, "sex"),
        ({"sex": "Female"}, "sex"),
        ({"share_email_in_exports": "yes"}, "share_email_in_exports"),
        ({"share_email_in_exports": None}, "share_email_in_exports"),
    ],
    ids=[
        "empty-family-name",
        "long-family-name",
        "number-given-name",
        "no-such-day",
        "born-in-the-future",
        "born-before-1900",
        "sex-not-a-code",
        "sex-code-in-capitals",
        "share-as-text",
        "share-null",
    ],
)
def test_patch_me_refuses_a_bad_detail_and_names_it(
    client, clock, make_patient, body, field
):
    patient = make_patient()
    before = me(client, patient.token).json

    assert_error(
        client.patch(f"{API}/me", json=body, headers=patient.headers), 422, field
    )

    assert me(client, patient.token).json == before


# -- erasure ---------------------------------------------------------------------------


@pytest.fixture
def patient_with_records(client, clock, make_therapist, make_patient, make_assignment):
    """A therapist with two patients; the first has pain entries, a plan, a done
    session and an open red-flag alert."""
    therapist = make_therapist()
    patient, other = make_patient(therapist), make_patient(therapist)
    for account in (patient, other):
        make_assignment(account, therapist, start_date="2026-03-02")
        response = client.post(
            f"{API}/me/pain", json={"low_back": 4}, headers=account.headers
        )
        assert response.status_code == 201
    client.post(
        f"{API}/me/pain",
        json={"neck": 7, "red_flags": ["stiff_neck_with_fever"]},
        headers=patient.headers,
    )
    sessions = client.get(
        f"{API}/me/sessions?from=2026-03-01&to=2026-03-31", headers=patient.headers
    ).json
    done = client.post(
        f"{API}/sessions/{sessions[0]['id']}/complete",
        json={"difficulty": 3},
        headers=patient.headers,
    )
    assert done.status_code == 200
    return therapist, patient, other


def rows_of(patient_id: int) -> dict:
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return {
        "users": count(User, User.id == patient_id),
        "tokens": count(AuthToken, AuthToken.user_id == patient_id),
        "pain": count(PainEntry, PainEntry.patient_id == patient_id),
        "sessions": count(ScheduledSession, ScheduledSession.patient_id == patient_id),
        "assignments": count(Assignment, Assignment.patient_id == patient_id),
        "alerts": count(Alert, Alert.patient_id == patient_id),
        "invites": count(Invite, Invite.used_by_id == patient_id),
    }


def test_a_patient_erases_their_account_and_every_record(
    app, client, patient_with_records
):
    therapist, patient, other = patient_with_records
    with app.app_context():
        before = rows_of(patient.id)
        other_before = rows_of(other.id)
    assert all(before[k] for k in ("users", "pain", "sessions", "assignments"))

    response = client.delete(f"{API}/me", headers=patient.headers)

    assert response.status_code == 204
    assert response.get_data() == b""
    with app.app_context():
        assert rows_of(patient.id) == dict.fromkeys(before, 0)
        assert rows_of(other.id) == other_before
    assert patient_ids(client, therapist) == [other.id]
    assert_error(
        client.get(f"{API}/patients/{patient.id}", headers=therapist.headers), 404
    )
    assert_error(me(client, patient.token), 401)
    assert_error(client.delete(f"{API}/me", headers=patient.headers), 401)
    assert_error(login(client, patient.email, patient.password), 401)
    # The other patient's diary is untouched.
    pain = client.get(f"{API}/me/pain", headers=other.headers)
    assert pain.status_code == 200 and len(pain.json) == 1


def test_an_erased_patients_email_can_enrol_again(client, make_therapist, make_patient):
    therapist = make_therapist()
    patient = make_patient(therapist)
    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204

    code = invite(client, therapist)
    again = register(client, **patient_body(code, email=patient.email))

    assert again.status_code == 201, again.json
    assert again.json["user"]["email"] == patient.email
    assert patient_ids(client, therapist) == [again.json["user"]["id"]]


def test_erasure_leaves_no_trace_of_the_patient_in_the_therapists_invites(
    app, client, make_therapist
):
    therapist = make_therapist()
    code = invite(client, therapist, email="erase.me@example.org", name="Erase Me")
    patient = register(client, **patient_body(code, email="erase.me@example.org"))
    token = patient.json["token"]

    assert client.delete(f"{API}/me", headers=bearer(token)).status_code == 204

    export = client.get(f"{API}/me/export", headers=therapist.headers)
    assert export.status_code == 200
    text = export.get_data(as_text=True)
    assert "erase.me@example.org" not in text
    assert "Erase Me" not in text
    with app.app_context():
        assert not db.session.scalar(
            select(func.count())
            .select_from(Invite)
            .where(
                or_(Invite.email == "erase.me@example.org", Invite.name == "Erase Me")
            )
        )


def test_a_therapist_cannot_delete_their_account(client, make_therapist, make_patient):
    therapist = make_therapist()
    patient = make_patient(therapist)

    assert_error(client.delete(f"{API}/me", headers=therapist.headers), 403)

    assert me(client, therapist.token).status_code == 200
    assert patient_ids(client, therapist) == [patient.id]


# -- export ----------------------------------------------------------------------------


def test_a_patients_export_holds_their_own_data_and_nothing_of_others(
    client, patient_with_records
):
    _, patient, other = patient_with_records
    client.post(
        f"{API}/me/pain",
        json={"headache": 2, "notes": "secret of the other patient"},
        headers=other.headers,
    )
    own_pain = client.get(f"{API}/me/pain", headers=patient.headers).json
    own_sessions = client.get(
        f"{API}/me/sessions?from=2026-03-01&to=2026-04-30", headers=patient.headers
    ).json
    other_pain = client.get(f"{API}/me/pain", headers=other.headers).json
    other_sessions = client.get(
        f"{API}/me/sessions?from=2026-03-01&to=2026-04-30", headers=other.headers
    ).json

    response = client.get(f"{API}/me/export", headers=patient.headers)

    assert response.status_code == 200, response.json
    body = response.json
    assert body["user"] == me(client, patient.token).json
    assert isinstance(body["exported_at"], str) and "+" in body["exported_at"]
    assert {e["id"] for e in body["pain_entries"]} == {e["id"] for e in own_pain}
    assert {e["patient_id"] for e in body["pain_entries"]} == {patient.id}
    assert sorted(e["neck"] or 0 for e in body["pain_entries"]) == [0, 7]
    (assignment,) = body["assignments"]
    assert assignment["patient_id"] == patient.id
    # Every scheduled row, including those the red flag paused (hidden in the API).
    assert {s["id"] for s in body["sessions"]} >= {s["id"] for s in own_sessions}
    assert {s["assignment_id"] for s in body["sessions"]} == {assignment["id"]}
    assert [s["difficulty"] for s in body["sessions"] if s["status"] == "done"] == [3]
    # Nothing of the other patient.
    text = response.get_data(as_text=True)
    assert other.email not in text
    assert "secret of the other patient" not in text
    assert not {e["id"] for e in other_pain} & {e["id"] for e in body["pain_entries"]}
    assert not {s["id"] for s in other_sessions} & {s["id"] for s in body["sessions"]}
    assert_no_secrets(response, patient.password)


def test_a_therapists_export_lists_invites_but_never_their_codes(
    client, clock, make_therapist, make_patient
):
    therapist, other = make_therapist(), make_therapist()
    make_patient(therapist)
    codes = [
        invite(client, therapist, name="Nina", email="nina@example.org"),
        invite(client, therapist),
    ]
    other_code = invite(client, other, name="Not yours", email="nope@example.org")

    response = client.get(f"{API}/me/export", headers=therapist.headers)

    assert response.status_code == 200, response.json
    body = response.json
    assert body["user"] == me(client, therapist.token).json
    invites = body["invites"]
    assert len(invites) == 3  # two open and the one make_patient used
    assert {(i["name"], i["email"]) for i in invites} >= {
        ("Nina", "nina@example.org"),
        (None, None),
    }
    assert sum(i["used_at"] is not None for i in invites) == 1
    assert {i["expires_at"] for i in invites} == {"2026-03-24T12:00:00+00:00"}
    assert not {k for k in all_keys(body) if "code" in k.lower()}
    text = response.get_data(as_text=True)
    for code in [*codes, other_code]:
        assert code not in text
    assert "Not yours" not in text and "nope@example.org" not in text
    assert "pain_entries" not in body
    assert_no_secrets(response, therapist.password)


# -- invites ---------------------------------------------------------------------------


def test_a_therapist_creates_an_invite(client, clock, make_therapist):
    therapist = make_therapist()

    response = client.post(
        f"{API}/invites",
        json={"name": "Nina", "email": "Nina@Example.org"},
        headers=therapist.headers,
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert isinstance(body["code"], str) and len(body["code"]) >= 8
    assert body["expires_at"] == "2026-03-24T12:00:00+00:00"
    assert body["name"] == "Nina"
    assert body["email"] == "nina@example.org"


def test_an_invite_needs_no_body_fields_and_every_code_differs(
    client, clock, make_therapist
):
    therapist = make_therapist()

    bodies = [
        client.post(f"{API}/invites", json={}, headers=therapist.headers)
        for _ in range(3)
    ]

    assert [b.status_code for b in bodies] == [201, 201, 201]
    assert len({b.json["code"] for b in bodies}) == 3
    assert {b.json["expires_at"] for b in bodies} == {"2026-03-24T12:00:00+00:00"}


def test_a_patient_cannot_create_an_invite(client, make_patient):
    patient = make_patient()

    response = client.post(f"{API}/invites", json={}, headers=patient.headers)

    assert_error(response, 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
        ({"code": "MYOWNCODE"}, "code"),
    ],
    ids=["bad-email", "empty-name", "non-string-name", "chosen-code"],
)
def test_invite_refuses_a_bad_field(client, make_therapist, body, field):
    therapist = make_therapist()

    response = client.post(f"{API}/invites", json=body, headers=therapist.headers)

    assert_error(response, 422, field)


def test_failed_logins_are_also_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3/minute")
    for n in range(3):
        wrong = {"email": f"nobody{n}@example.org", "password": "wrong password"}
        assert client.post(f"{API}/auth/login", json=wrong).status_code == 401
    blocked = client.post(
        f"{API}/auth/login", json={"email": "other@example.org", "password": "x"}
    )
    assert_error(blocked, 429)


def test_the_therapist_is_told_a_patient_deleted_their_account(
    client, clock, make_therapist, make_patient
):
    clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    therapist, stranger = make_therapist(), make_therapist()
    patient = make_patient(therapist)
    assert client.get(f"{API}/me/notifications", headers=therapist.headers).json == []

    name = me(client, patient.token).json["name"]
    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204

    told = client.get(f"{API}/me/notifications", headers=therapist.headers)
    assert told.status_code == 200
    (notice,) = told.json
    assert notice["kind"] == "account_gone"
    assert notice["title"] == "A patient deleted their account"
    assert notice["body"] == (
        f"{name} deleted their account on 2026-12-05; "
        "their records were erased with it."
    )
    assert patient.email not in str(notice)
    assert client.get(f"{API}/me/notifications", headers=stranger.headers).json == []


def test_the_whole_care_team_is_told_and_the_team_goes_with_the_account(
    app, client, clock, make_therapist, make_patient
):
    clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    lead, colleague, outsider = make_therapist(), make_therapist(), make_therapist()
    patient = make_patient(lead)
    with app.app_context():
        db.session.add(CareTeamMember(patient_id=patient.id, therapist_id=colleague.id))
        db.session.commit()

    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204

    for therapist in (lead, colleague):
        told = client.get(f"{API}/me/notifications", headers=therapist.headers)
        assert [n["kind"] for n in told.json] == ["account_gone"]
    assert client.get(f"{API}/me/notifications", headers=outsider.headers).json == []
    with app.app_context():
        left = select(func.count()).select_from(CareTeamMember)
        assert (
            db.session.scalar(left.where(CareTeamMember.patient_id == patient.id)) == 0
        )
