"""Issue 23, findings 3, 4 and 7: sign-up tells nothing about who has an account,
failed sign-ins are throttled per account and address without locking the owner
out, the password policy, changing the password and signing out everywhere."""

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from kinetic.services import passwords

API = "/api/v1"
PASSWORD = "correct horse battery"
NEW_PASSWORD = "violet tractor umbrella"


def assert_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert body["code"] == status and isinstance(body["message"], str), body
    if field is not None:
        assert body["errors"][field], body
    return body


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def register(client, **body):
    return client.post(f"{API}/auth/register", json=body)


def patient_body(code: str, email: str = "paul@example.org", **extra) -> dict:
    return {
        "email": email,
        "password": PASSWORD,
        "name": "Paul Patient",
        "invite_code": code,
        **extra,
    }


def invite(client, therapist, **body) -> str:
    response = client.post(f"{API}/invites", json=body, headers=therapist.headers)
    assert response.status_code == 201, response.json
    return response.json["code"]


def login(client, email: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        f"{API}/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def me(client, token: str):
    return client.get(f"{API}/me", headers=bearer(token))


def change_password(client, token: str, current: str, new: str):
    return client.post(
        f"{API}/me/password",
        json={"current_password": current, "new_password": new},
        headers=bearer(token),
    )


# -- enumeration: sign-up answers alike for a known and an unknown address -------------


@pytest.fixture
def known(make_patient):
    """An address that has an account."""
    return make_patient().email


@pytest.mark.parametrize(
    "code", ["no-such-code", "USED", "EXPIRED"], ids=["unknown", "used", "expired"]
)
def test_a_bad_invite_is_refused_byte_for_byte_alike_for_any_address(
    client, clock, make_therapist, known, code
):
    therapist = make_therapist()
    if code == "USED":
        code = invite(client, therapist)
        assert (
            register(client, **patient_body(code, "first@example.org")).status_code
            == 201
        )
    elif code == "EXPIRED":
        code = invite(client, therapist)
        clock.advance(days=15)

    for_known = register(client, **patient_body(code, known))
    for_unknown = register(client, **patient_body(code, "nobody.here@example.org"))

    assert_error(for_known, 422, "invite_code")
    assert for_known.status_code == for_unknown.status_code
    assert for_known.get_data() == for_unknown.get_data()


def test_an_invite_for_another_address_is_refused_alike_for_any_address(
    client, make_therapist, known
):
    code = invite(client, make_therapist(), email="anna@example.org")

    for_known = register(client, **patient_body(code, known))
    for_unknown = register(client, **patient_body(code, "nobody.here@example.org"))

    assert_error(for_known, 422, "email")
    assert for_known.get_data() == for_unknown.get_data()


def test_a_good_invite_for_a_known_address_gets_a_generic_refusal(
    client, make_therapist, known
):
    therapist = make_therapist()
    code = invite(client, therapist)

    refused = register(client, **patient_body(code, known))

    body = assert_error(refused, 409)
    assert known not in refused.get_data(as_text=True)
    assert "email" not in body["message"].lower() and "errors" not in body
    # The same words as a therapist's sign-up with a taken address, and the code
    # is still good for someone else.
    taken = register(client, email=known, password=PASSWORD, name="T", role="therapist")
    assert taken.get_data() == refused.get_data()
    fresh = register(client, **patient_body(code, "fresh@example.org"))
    assert fresh.status_code == 201, fresh.json


def test_an_invite_to_an_address_with_an_account_answers_like_any_invite(
    client, make_therapist, known
):
    therapist = make_therapist()

    for_known = client.post(
        f"{API}/invites", json={"email": known}, headers=therapist.headers
    )
    for_unknown = client.post(
        f"{API}/invites", json={"email": "new@example.org"}, headers=therapist.headers
    )

    assert for_known.status_code == for_unknown.status_code == 201, for_known.json
    assert set(for_known.json) == set(for_unknown.json)
    # The code is refused when used, and stays unused.
    assert_error(register(client, **patient_body(for_known.json["code"], known)), 409)


def test_sign_ups_are_limited_per_address(app, client, monkeypatch, known):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_PER_ADDRESS", "3/minute")
    for n in range(3):
        body = patient_body("no-such-code", f"guess{n}@example.org")
        assert_error(register(client, **body), 422, "invite_code")

    assert_error(register(client, **patient_body("no-such-code", known)), 429)
    elsewhere = client.post(
        f"{API}/auth/register",
        json=patient_body("no-such-code", known),
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert_error(elsewhere, 422, "invite_code")


def test_invites_are_limited_per_therapist(app, client, monkeypatch, make_therapist):
    monkeypatch.setitem(app.config, "INVITE_LIMIT_PER_ACCOUNT", "2/hour")
    busy, other = make_therapist(), make_therapist()
    invite(client, busy)
    invite(client, busy)

    assert_error(client.post(f"{API}/invites", json={}, headers=busy.headers), 429)
    invite(client, other)


# -- lock-out: throttled per account and address, never the owner elsewhere ------------


def test_the_right_password_gets_in_after_20_wrong_ones_from_another_address(
    client, make_therapist
):
    victim = make_therapist()
    answers = [
        login(client, victim.email, f"guess {n}", "203.0.113.9").status_code
        for n in range(20)
    ]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}

    owner = login(client, victim.email, victim.password, "198.51.100.20")

    assert owner.status_code == 200, owner.json
    assert me(client, owner.json["token"]).status_code == 200
    # The guessing address stays throttled, even with the right password.
    assert_error(login(client, victim.email, victim.password, "203.0.113.9"), 429)


def test_behind_a_proxy_the_pair_is_the_address_the_proxy_saw(
    app, client, monkeypatch, make_therapist
):
    # What register_logging does with TRUSTED_PROXIES=1 (Caddy in front).
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1))
    victim = make_therapist()

    def via_proxy(password: str, forwarded: str):
        return client.post(
            f"{API}/auth/login",
            json={"email": victim.email, "password": password},
            headers={"X-Forwarded-For": forwarded},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )

    for n in range(5):
        assert_error(via_proxy(f"guess {n}", "203.0.113.9"), 401)
    # Claiming the owner's address in the header does not escape: the proxy
    # appends the address it saw, and only that one is trusted.
    spoofed = via_proxy("guess 5", "198.51.100.20, 203.0.113.9")
    assert_error(spoofed, 429)
    assert via_proxy(victim.password, "198.51.100.20").status_code == 200


def test_many_failures_on_one_account_slow_each_address_but_let_the_owner_in(
    app, client, monkeypatch, make_therapist
):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "6/hour")
    victim = make_therapist()
    # Two failures from each of three addresses: allowed, each pair is under 5.
    for n in range(6):
        address = f"203.0.113.{n % 3}"
        assert_error(login(client, victim.email, "guess", address), 401)

    # Now each address may fail once only: the second try waits.
    assert_error(login(client, victim.email, "guess", "192.0.2.1"), 401)
    assert_error(login(client, victim.email, "guess", "192.0.2.1"), 429)
    # The owner from an address that has not failed gets in at once.
    owner = login(client, victim.email, victim.password, "192.0.2.50")
    assert owner.status_code == 200, owner.json
    # Another account is not slowed.
    colleague = make_therapist()
    assert_error(login(client, colleague.email, "guess", "192.0.2.1"), 401)
    assert_error(login(client, colleague.email, "guess", "192.0.2.1"), 401)


# -- the password policy ---------------------------------------------------------------


def test_the_common_passwords_list_is_shipped_and_long_enough(app):
    with app.app_context():
        common = passwords.common_passwords()

    assert len(common) >= 10_000
    assert {"password", "12345678", "qwertyuiop", "iloveyou"} <= common


REFUSED_PASSWORDS = [
    ("short pw!", "at least 10"),
    ("        ", "at least 10"),
    ("password", "at least 10"),
    ("12345678", "at least 10"),
    ("1234567890", "common"),
    ("QwertyUiop", "common"),
    ("password12", "common"),
    ("          ", "different characters"),
    ("abababababab", "different characters"),
    ("ada.lovelace@example.org", "email"),
    ("my Ada.Lovelace is long", "email"),
]
REFUSED_IDS = [
    "nine-characters",
    "eight-spaces",
    "password",
    "12345678",
    "1234567890",
    "qwertyuiop-any-case",
    "password12",
    "ten-spaces",
    "two-characters",
    "the-email",
    "the-emails-name-part",
]


@pytest.mark.parametrize(("password", "why"), REFUSED_PASSWORDS, ids=REFUSED_IDS)
def test_sign_up_refuses_a_weak_password(client, password, why):
    response = register(
        client,
        email="Ada.Lovelace@example.org",
        password=password,
        name="Ada",
        role="therapist",
    )

    body = assert_error(response, 422, "password")
    assert why in " ".join(body["errors"]["password"]).lower()
    assert_error(login(client, "ada.lovelace@example.org", password), 401)


@pytest.mark.parametrize(("password", "why"), REFUSED_PASSWORDS, ids=REFUSED_IDS)
def test_a_password_change_refuses_a_weak_password(client, password, why):
    account = register(
        client,
        email="ada.lovelace@example.org",
        password=PASSWORD,
        name="Ada",
        role="therapist",
    ).json

    response = change_password(client, account["token"], PASSWORD, password)

    body = assert_error(response, 422, "new_password")
    assert why in " ".join(body["errors"]["new_password"]).lower()
    assert login(client, "ada.lovelace@example.org", PASSWORD).status_code == 200


def test_a_short_local_part_does_not_refuse_every_password(client):
    response = register(
        client,
        email="al@example.org",
        password="totally normal",
        name="Al",
        role="therapist",
    )

    assert response.status_code == 201, response.json


# -- changing the password and signing out everywhere ----------------------------------


def test_a_password_change_ends_every_other_session(client, make_patient):
    patient = make_patient()
    phone = login(client, patient.email, patient.password).json["token"]

    response = change_password(client, patient.token, patient.password, NEW_PASSWORD)

    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.get_data() == b""
    assert me(client, patient.token).status_code == 200
    assert_error(me(client, phone), 401)
    assert_error(login(client, patient.email, patient.password), 401)
    assert login(client, patient.email, NEW_PASSWORD).status_code == 200


def test_a_wrong_current_password_changes_nothing(client, make_patient):
    patient = make_patient()
    phone = login(client, patient.email, patient.password).json["token"]

    response = change_password(client, patient.token, "not my password", NEW_PASSWORD)

    assert_error(response, 422, "current_password")
    assert me(client, phone).status_code == 200
    assert login(client, patient.email, patient.password).status_code == 200
    assert_error(login(client, patient.email, NEW_PASSWORD), 401)


def test_the_new_password_must_differ_from_the_current_one(client, make_patient):
    patient = make_patient()

    response = change_password(
        client, patient.token, patient.password, patient.password
    )

    assert_error(response, 422, "new_password")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"current_password": "", "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD, "new_password": 1234567890}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "x" * 257}, "new_password"),
        ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "a": 1}, "a"),
    ],
    ids=["no-current", "no-new", "empty-current", "number", "too-long", "unknown"],
)
def test_a_password_change_refuses_a_malformed_body(client, make_patient, body, field):
    patient = make_patient()

    response = client.post(f"{API}/me/password", json=body, headers=patient.headers)

    assert_error(response, 422, field)
    assert login(client, patient.email, patient.password).status_code == 200


def test_wrong_current_passwords_are_limited(app, client, monkeypatch, make_patient):
    monkeypatch.setitem(app.config, "PASSWORD_CHANGE_LIMIT", "2/minute")
    patient, other = make_patient(), make_patient()
    for _ in range(2):
        wrong = change_password(client, patient.token, "a guess", NEW_PASSWORD)
        assert_error(wrong, 422, "current_password")

    right = change_password(client, patient.token, patient.password, NEW_PASSWORD)

    assert_error(right, 429)
    assert login(client, patient.email, patient.password).status_code == 200
    done = change_password(client, other.token, other.password, NEW_PASSWORD)
    assert done.status_code == 204


def test_sign_out_everywhere_ends_every_session_of_the_account(client, make_patient):
    patient, neighbour = make_patient(), make_patient()
    phone = login(client, patient.email, patient.password).json["token"]

    response = client.post(f"{API}/auth/logout-all", headers=patient.headers)

    assert response.status_code == 204
    assert response.get_data() == b""
    assert_error(me(client, patient.token), 401)
    assert_error(me(client, phone), 401)
    assert me(client, neighbour.token).status_code == 200
    assert_error(client.post(f"{API}/auth/logout-all", headers=patient.headers), 401)
    again = login(client, patient.email, patient.password)
    assert (
        again.status_code == 200 and me(client, again.json["token"]).status_code == 200
    )


def test_the_operators_create_therapist_follows_the_policy(runner, client):
    args = ["users", "create-therapist", "lead@clinic.example", "--name", "Lead"]

    common = runner.invoke(args=args, input="qwertyuiop\nqwertyuiop\n")
    named = runner.invoke(args=args, input="lead-clinic-1\nlead-clinic-1\n")

    assert common.exit_code == 1 and "common" in common.output, common.output
    assert named.exit_code == 1 and "email" in named.output, named.output
    assert_error(login(client, "lead@clinic.example", "qwertyuiop"), 401)
