"""The clinic: its name, its members and their roles, the admins' invites for
therapists (and signing up with one), and removing a member with the hand-over
of their patients."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import CareTeamMember, ClinicMember, Invite, Notification, User
from kinetic.services import clinics

API = "/api/v1"
PASSWORD = "correct horse battery"


@dataclass
class Member:
    id: int
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def assert_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert body["code"] == status and isinstance(body["message"], str), body
    if field is not None:
        assert list(body["errors"]) == [field], body
    else:
        assert "errors" not in body, body
    return body


def invite(client, admin, **body):
    response = client.post(f"{API}/clinic/invites", json=body, headers=admin.headers)
    assert response.status_code == 201, response.json
    return response.json


def register(client, code: str, email: str, name: str = "New Colleague", **extra):
    body = {"email": email, "password": PASSWORD, "name": name, "invite_code": code}
    return client.post(f"{API}/auth/register", json={**body, **extra})


counter = iter(range(1, 100_000))


def join(client, admin, name: str = "Colleague", role: str = "therapist") -> Member:
    """A therapist who joins the admin's clinic through an invite."""
    code = invite(client, admin, role=role)["code"]
    response = register(client, code, f"member{next(counter)}@example.org", name)
    assert response.status_code == 201, response.json
    return Member(response.json["user"]["id"], response.json["token"])


def clinic(client, who) -> dict:
    response = client.get(f"{API}/clinic", headers=who.headers)
    assert response.status_code == 200, response.json
    return response.json


def member_list(client, who) -> list[dict]:
    response = client.get(f"{API}/clinic/members", headers=who.headers)
    assert response.status_code == 200, response.json
    return response.json


def patch_member(client, who, member_id: int, **body):
    return client.patch(
        f"{API}/clinic/members/{member_id}", json=body, headers=who.headers
    )


def remove(client, who, member_id: int, body=None):
    return client.delete(
        f"{API}/clinic/members/{member_id}", json=body, headers=who.headers
    )


def put_on_team(app, patient_id: int, therapist_id: int) -> None:
    with app.app_context():
        db.session.add(CareTeamMember(patient_id=patient_id, therapist_id=therapist_id))
        db.session.commit()


def lead_of(app, patient_id: int) -> int | None:
    with app.app_context():
        lead = db.session.get(User, patient_id).therapist_id
        db.session.remove()
    return lead


def team_of(app, patient_id: int) -> list[int]:
    with app.app_context():
        ids = db.session.scalars(
            select(CareTeamMember.therapist_id)
            .where(CareTeamMember.patient_id == patient_id)
            .order_by(CareTeamMember.therapist_id)
        ).all()
        db.session.remove()
    return list(ids)


def membership(app, user_id: int) -> tuple | None:
    with app.app_context():
        row = db.session.scalar(
            select(ClinicMember).where(ClinicMember.user_id == user_id)
        )
        found = (row.clinic_id, row.role, row.treats_patients) if row else None
        db.session.remove()
    return found


@pytest.fixture
def admin(make_therapist):
    return make_therapist("Admin")


# -- GET and PATCH /clinic -------------------------------------------------------------


def test_a_therapist_who_signed_up_alone_runs_a_clinic_of_one(client, clock, admin):
    body = clinic(client, admin)

    assert body == {
        "id": body["id"],
        "name": "Admin 1's practice",
        "created_at": "2026-03-10T12:00:00+00:00",
        "my_role": "admin",
        "treats_patients": True,
        "member_count": 1,
    }


def test_a_member_sees_the_clinic_with_their_own_role(client, admin):
    colleague = join(client, admin)

    mine, theirs = clinic(client, admin), clinic(client, colleague)

    assert theirs["id"] == mine["id"] and theirs["name"] == mine["name"]
    assert (mine["my_role"], theirs["my_role"]) == ("admin", "therapist")
    assert mine["member_count"] == theirs["member_count"] == 2


def test_an_admin_renames_the_clinic(client, admin):
    response = client.patch(
        f"{API}/clinic", json={"name": "Riverside Physio"}, headers=admin.headers
    )

    assert response.status_code == 200, response.json
    assert response.json["name"] == "Riverside Physio"
    assert response.json["my_role"] == "admin"
    assert clinic(client, admin)["name"] == "Riverside Physio"
    me = client.get(f"{API}/me", headers=admin.headers).json
    assert me["clinic"]["name"] == "Riverside Physio"


def test_a_member_who_is_not_an_admin_cannot_rename_it(client, admin):
    colleague = join(client, admin)

    response = client.patch(
        f"{API}/clinic", json={"name": "Mine now"}, headers=colleague.headers
    )

    assert_error(response, 403)
    assert clinic(client, admin)["name"] == "Admin 1's practice"


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 121}, {"name": 7}])
def test_a_clinic_name_is_1_to_120_characters(client, admin, body):
    response = client.patch(f"{API}/clinic", json=body, headers=admin.headers)

    assert_error(response, 422, "name")
    assert clinic(client, admin)["name"] == "Admin 1's practice"


# -- GET /clinic/members ---------------------------------------------------------------


def test_members_are_listed_by_name_with_their_patients(
    app, client, clock, admin, make_patient, make_therapist
):
    zoe = join(client, admin, "Zoe Zimmer")
    clock.advance(days=1)
    bea = join(client, admin, "Bea Brown", role="admin")
    led = make_patient(admin)
    make_patient(admin)
    put_on_team(app, led.id, zoe.id)
    make_patient(make_therapist())  # another clinic's patient counts nowhere here

    listed = member_list(client, zoe)

    assert listed == [
        {
            "id": admin.id,
            "name": "Admin 1",
            "email": admin.email,
            "role": "admin",
            "treats_patients": True,
            "joined_at": "2026-03-10T12:00:00+00:00",
            "lead_count": 2,
            "team_count": 0,
        },
        {
            "id": bea.id,
            "name": "Bea Brown",
            "email": listed[1]["email"],
            "role": "admin",
            "treats_patients": True,
            "joined_at": "2026-03-11T12:00:00+00:00",
            "lead_count": 0,
            "team_count": 0,
        },
        {
            "id": zoe.id,
            "name": "Zoe Zimmer",
            "email": listed[2]["email"],
            "role": "therapist",
            "treats_patients": True,
            "joined_at": "2026-03-10T12:00:00+00:00",
            "lead_count": 0,
            "team_count": 1,
        },
    ]


def test_members_of_another_clinic_are_not_listed(client, admin, make_therapist):
    other = make_therapist("Other")
    join(client, other, "Their colleague")

    assert [m["id"] for m in member_list(client, admin)] == [admin.id]
    assert len(member_list(client, other)) == 2


# -- invites for therapists ------------------------------------------------------------


def test_an_admin_invites_a_therapist_with_a_join_link(client, clock, admin):
    body = invite(client, admin, name="Nina Nurse", email="Nina@Example.org")

    assert body == {
        "code": body["code"],
        "url": body["url"],
        "expires_at": "2026-03-24T12:00:00+00:00",
        "name": "Nina Nurse",
        "email": "nina@example.org",
        "role": "therapist",
    }
    code = body["code"]
    assert len(code) >= 12
    # The PWA's "Join your clinic" screen, filled in.
    assert body["url"] == (
        f"http://127.0.0.1:8000/#/join/{code}?name=Nina+Nurse&email=nina%40example.org"
    )


def test_an_invite_with_no_details_joins_as_a_therapist(client, admin):
    body = client.post(f"{API}/clinic/invites", headers=admin.headers)

    assert body.status_code == 201, body.json
    assert body.json["role"] == "therapist"
    assert (body.json["name"], body.json["email"]) == (None, None)
    assert body.json["url"].endswith(f"/#/join/{body.json['code']}")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "owner"}, "role"),
        ({"role": "patient"}, "role"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_bad_invite_is_refused_by_field(app, client, admin, body, field):
    response = client.post(f"{API}/clinic/invites", json=body, headers=admin.headers)

    assert_error(response, 422, field)
    with app.app_context():
        assert db.session.scalars(select(Invite)).all() == []


def test_only_admins_invite_therapists_and_list_or_withdraw_invites(app, client, admin):
    colleague = join(client, admin)
    opened = invite(client, admin)
    with app.app_context():
        invite_id = db.session.scalar(select(Invite.id).where(Invite.used_at.is_(None)))

    made = client.post(f"{API}/clinic/invites", json={}, headers=colleague.headers)
    listed = client.get(f"{API}/clinic/invites", headers=colleague.headers)
    withdrawn = client.delete(
        f"{API}/clinic/invites/{invite_id}", headers=colleague.headers
    )

    for response in (made, listed, withdrawn):
        assert_error(response, 403)
    assert len(client.get(f"{API}/clinic/invites", headers=admin.headers).json) == 1
    assert register(client, opened["code"], "late@example.org").status_code == 201


def test_open_invites_are_listed_newest_first_and_used_or_expired_ones_not(
    client, clock, admin
):
    used = invite(client, admin, name="Used")
    assert register(client, used["code"], "used@example.org").status_code == 201
    invite(client, admin, name="Expired")
    clock.advance(days=10)
    invite(client, admin, name="Older", email="older@example.org")
    clock.advance(hours=1)
    invite(client, admin, name="Newer", role="admin")
    client.post(f"{API}/invites", json={"name": "A patient"}, headers=admin.headers)
    clock.advance(days=4, seconds=1)  # the first ones' 14 days are over

    response = client.get(f"{API}/clinic/invites", headers=admin.headers)

    assert response.status_code == 200, response.json
    assert [(i["name"], i["email"], i["role"]) for i in response.json] == [
        ("Newer", None, "admin"),
        ("Older", "older@example.org", "therapist"),
    ]
    assert set(response.json[0]) == {"id", "name", "email", "role", "expires_at"}
    assert response.json[1]["expires_at"] == "2026-04-03T12:00:00+00:00"


def test_a_withdrawn_invite_can_no_longer_be_used(client, admin):
    code = invite(client, admin)["code"]
    (listed,) = client.get(f"{API}/clinic/invites", headers=admin.headers).json

    response = client.delete(
        f"{API}/clinic/invites/{listed['id']}", headers=admin.headers
    )

    assert response.status_code == 204, response.get_data(as_text=True)
    assert client.get(f"{API}/clinic/invites", headers=admin.headers).json == []
    assert_error(register(client, code, "late@example.org"), 422, "invite_code")
    again = client.delete(f"{API}/clinic/invites/{listed['id']}", headers=admin.headers)
    assert_error(again, 404)


def test_another_clinics_or_a_used_or_a_patients_invite_cannot_be_withdrawn(
    app, client, admin, make_therapist
):
    other = make_therapist("Other")
    theirs = invite(client, other)
    used = invite(client, admin)
    assert register(client, used["code"], "used@example.org").status_code == 201
    client.post(f"{API}/invites", json={}, headers=admin.headers)
    with app.app_context():
        their_id, used_id, patient_id = db.session.scalars(
            select(Invite.id).order_by(Invite.id)
        ).all()
        db.session.remove()

    for invite_id in (their_id, used_id, patient_id, 2**31 - 1):
        response = client.delete(
            f"{API}/clinic/invites/{invite_id}", headers=admin.headers
        )
        assert_error(response, 404)
    assert len(client.get(f"{API}/clinic/invites", headers=other.headers).json) == 1
    assert register(client, theirs["code"], "theirs@example.org").status_code == 201


def test_clinic_invites_are_limited_per_account_like_patient_invites(
    app, client, admin, monkeypatch
):
    monkeypatch.setitem(app.config, "INVITE_LIMIT_PER_ACCOUNT", "3/hour")
    for _ in range(3):
        invite(client, admin)

    response = client.post(f"{API}/clinic/invites", json={}, headers=admin.headers)

    assert_error(response, 429)
    assert len(client.get(f"{API}/clinic/invites", headers=admin.headers).json) == 3


# -- signing up with a clinic's invite -------------------------------------------------


@pytest.mark.parametrize("role", [None, "therapist"])
def test_a_therapist_joins_the_clinic_with_its_invite(client, admin, role):
    code = invite(client, admin, email="nina@example.org")["code"]
    extra = {"role": role} if role else {}

    response = register(client, code, "Nina@Example.org", "Nina Nurse", **extra)

    assert response.status_code == 201, response.json
    user = response.json["user"]
    place = clinic(client, admin)
    assert user["role"] == "therapist" and user["therapist_name"] is None
    assert user["clinic"] == {
        "id": place["id"],
        "name": "Admin 1's practice",
        "role": "therapist",
        "treats_patients": True,
    }
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    assert client.get(f"{API}/me", headers=headers).json == user
    signed_in = client.post(
        f"{API}/auth/login", json={"email": "nina@example.org", "password": PASSWORD}
    )
    assert signed_in.json["user"] == user
    assert [m["name"] for m in member_list(client, admin)] == ["Admin 1", "Nina Nurse"]
    assert clinic(client, admin)["member_count"] == 2


def test_an_admin_invite_makes_an_admin_even_with_therapist_sign_up_off(
    app, client, admin, monkeypatch
):
    code = invite(client, admin, role="admin")["code"]
    monkeypatch.setitem(app.config, "THERAPIST_SIGNUP", False)

    response = register(client, code, "boss@example.org")

    assert response.status_code == 201, response.json
    assert response.json["user"]["clinic"]["role"] == "admin"
    assert response.json["user"]["clinic"]["treats_patients"] is True
    # Alone, without an invite, sign-up stays off.
    alone = client.post(
        f"{API}/auth/register",
        json={
            "email": "solo@example.org",
            "password": PASSWORD,
            "name": "Solo",
            "role": "therapist",
        },
    )
    assert_error(alone, 403)


def test_a_clinic_invite_is_used_once_and_only_by_its_address(client, admin):
    code = invite(client, admin, email="nina@example.org")["code"]

    elsewhere = register(client, code, "eve@example.org")
    first = register(client, code, "nina@example.org")
    second = register(client, code, "nina2@example.org")

    assert_error(elsewhere, 422, "email")
    assert first.status_code == 201, first.json
    assert_error(second, 422, "invite_code")


def test_a_clinic_invite_does_not_make_a_patient_nor_a_patient_invite_a_therapist(
    app, client, admin
):
    clinic_code = invite(client, admin)["code"]
    patient_code = client.post(f"{API}/invites", json={}, headers=admin.headers)
    patient_code = patient_code.json["code"]

    as_patient = register(client, clinic_code, "p@example.org", role="patient")
    as_therapist = register(client, patient_code, "t@example.org", role="therapist")

    assert_error(as_patient, 422, "invite_code")
    assert_error(as_therapist, 422, "invite_code")
    with app.app_context():
        used = select(Invite).where(Invite.used_at.isnot(None))
        assert db.session.scalar(used) is None
    # Both codes still work the right way round.
    assert register(client, clinic_code, "t@example.org").json["user"]["role"] == (
        "therapist"
    )
    patient = register(client, patient_code, "p@example.org").json["user"]
    assert patient["role"] == "patient" and "clinic" not in patient


def test_an_expired_clinic_invite_is_refused(client, clock, admin):
    code = invite(client, admin)["code"]
    clock.advance(days=14)

    assert_error(register(client, code, "late@example.org"), 422, "invite_code")


# -- PATCH /clinic/members/{id} --------------------------------------------------------


def test_an_admin_makes_a_therapist_an_admin_and_back(client, admin):
    colleague = join(client, admin, "Colleague")

    up = patch_member(client, admin, colleague.id, role="admin")
    down = patch_member(client, colleague, admin.id, role="therapist")

    assert up.status_code == 200, up.json
    assert up.json["role"] == "admin" and up.json["id"] == colleague.id
    assert set(up.json) == {
        "id",
        "name",
        "email",
        "role",
        "treats_patients",
        "joined_at",
        "lead_count",
        "team_count",
    }
    assert down.status_code == 200, down.json
    assert down.json["role"] == "therapist"
    assert clinic(client, admin)["my_role"] == "therapist"
    me = client.get(f"{API}/me", headers=admin.headers).json
    assert me["clinic"]["role"] == "therapist"


def test_the_last_admin_cannot_step_down(app, client, admin):
    join(client, admin)

    response = patch_member(client, admin, admin.id, role="therapist")

    assert_error(response, 422, "role")
    assert membership(app, admin.id)[1] == "admin"


def test_an_admin_without_patients_may_stop_treating_and_then_invites_no_patient(
    app, client, admin
):
    response = patch_member(client, admin, admin.id, treats_patients=False)

    assert response.status_code == 200, response.json
    assert response.json["treats_patients"] is False
    assert clinic(client, admin)["treats_patients"] is False
    refused = client.post(f"{API}/invites", json={}, headers=admin.headers)
    assert_error(refused, 403)
    # They still invite therapists, and list the members.
    assert invite(client, admin)["role"] == "therapist"
    assert len(member_list(client, admin)) == 1
    # And may treat again.
    back = patch_member(client, admin, admin.id, treats_patients=True)
    assert back.json["treats_patients"] is True
    again = client.post(f"{API}/invites", json={}, headers=admin.headers)
    assert again.status_code == 201, again.json


def test_a_patient_invite_from_before_an_admin_stopped_treating_is_refused(
    app, client, admin
):
    code = client.post(f"{API}/invites", json={}, headers=admin.headers).json["code"]
    stopped = patch_member(client, admin, admin.id, treats_patients=False)
    assert stopped.status_code == 200, stopped.json

    response = register(client, code, "p@example.org")

    assert_error(response, 422, "invite_code")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.role == "patient")) is None


def test_a_therapist_role_always_treats_patients(app, client, admin):
    colleague = join(client, admin)

    response = patch_member(client, admin, colleague.id, treats_patients=False)
    both = patch_member(
        client, admin, colleague.id, role="therapist", treats_patients=False
    )

    assert_error(response, 422, "treats_patients")
    assert_error(both, 422, "treats_patients")
    assert membership(app, colleague.id)[2] is True


def test_a_non_treating_admin_cannot_become_a_plain_therapist(app, client, admin):
    manager = join(client, admin, "Manager", role="admin")
    stopped = patch_member(client, admin, manager.id, treats_patients=False)
    assert stopped.status_code == 200, stopped.json

    response = patch_member(client, admin, manager.id, role="therapist")
    fixed = patch_member(
        client, admin, manager.id, role="therapist", treats_patients=True
    )

    assert_error(response, 422, "role")
    assert fixed.status_code == 200, fixed.json
    assert (fixed.json["role"], fixed.json["treats_patients"]) == ("therapist", True)


@pytest.mark.parametrize("part", ["lead", "team"])
def test_an_admin_with_patients_must_hand_them_over_before_not_treating(
    app, client, admin, make_patient, make_therapist, part
):
    colleague = join(client, admin, role="admin")
    patient = make_patient(admin)
    if part == "team":
        put_on_team(app, patient.id, colleague.id)
    who = admin if part == "lead" else colleague

    response = patch_member(client, admin, who.id, treats_patients=False)

    body = assert_error(response, 422, "treats_patients")
    assert "hand over their patients first" in body["errors"]["treats_patients"][0]
    assert membership(app, who.id)[2] is True


def test_a_member_who_is_not_an_admin_changes_no_one(app, client, admin):
    colleague = join(client, admin)

    for target in (admin.id, colleague.id, 2**31 - 1):
        response = patch_member(client, colleague, target, role="admin")
        assert_error(response, 403)
    assert membership(app, colleague.id)[1] == "therapist"


def test_a_member_of_another_clinic_is_404_like_no_one(
    app, client, admin, make_therapist, make_patient
):
    other = make_therapist("Other")
    theirs = join(client, other)
    patient = make_patient(other)

    for target in (other.id, theirs.id, patient.id, 2**31 - 1):
        changed = patch_member(client, admin, target, role="admin")
        removed = remove(client, admin, target, {"hand_over_to": admin.id})
        assert_error(changed, 404)
        assert_error(removed, 404)
        assert changed.json == removed.json
    assert membership(app, theirs.id)[1] == "therapist"
    assert membership(app, other.id)[1] == "admin"
    assert lead_of(app, patient.id) == other.id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "role"),
        ({"role": "owner"}, "role"),
        ({"treats_patients": "no"}, "treats_patients"),
        ({"treats_patients": 0}, "treats_patients"),
        ({"name": "x"}, "name"),
    ],
)
def test_a_bad_member_change_is_refused_by_field(app, client, admin, body, field):
    colleague = join(client, admin)

    response = patch_member(client, admin, colleague.id, **body)

    assert_error(response, 422, field)
    assert membership(app, colleague.id)[1:] == ("therapist", True)


# -- DELETE /clinic/members/{id}: leaving with the hand-over ---------------------------


def test_removing_a_member_hands_their_patients_over_in_one_step(
    app, client, admin, make_patient
):
    leaving = join(client, admin, "Leaving Lee")
    taking = join(client, admin, "Taking Tia")
    place = clinic(client, admin)["id"]
    first, second = make_patient(leaving), make_patient(leaving)
    admins_patient = make_patient(admin)
    put_on_team(app, first.id, taking.id)  # Tia already shares first's care
    put_on_team(app, first.id, admin.id)  # and so does the admin
    put_on_team(app, admins_patient.id, leaving.id)

    response = remove(client, admin, leaving.id, {"hand_over_to": taking.id})

    assert response.status_code == 204, response.get_data(as_text=True)
    assert lead_of(app, first.id) == lead_of(app, second.id) == taking.id
    # Tia's own place on first's team is now the lead; the admin stays on it.
    assert team_of(app, first.id) == [admin.id]
    assert team_of(app, admins_patient.id) == []
    assert lead_of(app, admins_patient.id) == admin.id
    # Lee now works alone in a clinic of one and still signs in.
    own = clinic(client, leaving)
    assert own["id"] != place
    assert (own["my_role"], own["member_count"]) == ("admin", 1)
    assert membership(app, leaving.id) == (own["id"], "admin", True)
    assert [m["id"] for m in member_list(client, admin)] == [admin.id, taking.id]
    assert client.get(f"{API}/patients", headers=leaving.headers).json == []
    assert_error(client.get(f"{API}/patients/{first.id}", headers=leaving.headers), 404)
    seen = client.get(f"{API}/patients/{first.id}", headers=taking.headers)
    assert seen.status_code == 200, seen.json
    for patient in (first, second):
        news = client.get(f"{API}/me/notifications", headers=patient.headers).json
        assert [(n["kind"], n["title"]) for n in news] == [
            ("care_team", "Taking Tia now leads your care")
        ]
        me = client.get(f"{API}/me", headers=patient.headers).json
        assert me["therapist_name"] == "Taking Tia"
    untouched = client.get(f"{API}/me/notifications", headers=admins_patient.headers)
    assert untouched.json == []


def test_a_member_without_patients_is_removed_without_a_hand_over(app, client, admin):
    colleague = join(client, admin)

    response = remove(client, admin, colleague.id)

    assert response.status_code == 204, response.get_data(as_text=True)
    assert clinic(client, colleague)["member_count"] == 1
    assert len(member_list(client, admin)) == 1


def test_hand_over_to_is_required_when_they_lead_patients(
    app, client, admin, make_patient
):
    colleague = join(client, admin)
    patient = make_patient(colleague)

    for body in (None, {}, {"hand_over_to": None}):
        response = remove(client, admin, colleague.id, body)
        assert_error(response, 422, "hand_over_to")
    assert lead_of(app, patient.id) == colleague.id
    assert membership(app, colleague.id)[1] == "therapist"


@pytest.mark.parametrize(
    "who", ["themselves", "non-treating-admin", "other-clinic", "patient", "nobody"]
)
def test_hand_over_to_must_be_another_treating_member(
    app, client, admin, make_patient, make_therapist, who
):
    colleague = join(client, admin)
    patient = make_patient(colleague)
    manager = join(client, admin, "Manager", role="admin")
    patch_member(client, admin, manager.id, treats_patients=False)
    target = {
        "themselves": lambda: colleague.id,
        "non-treating-admin": lambda: manager.id,
        "other-clinic": lambda: make_therapist("Other").id,
        "patient": lambda: patient.id,
        "nobody": lambda: 2**31 - 1,
    }[who]()

    response = remove(client, admin, colleague.id, {"hand_over_to": target})

    assert_error(response, 422, "hand_over_to")
    assert lead_of(app, patient.id) == colleague.id
    assert membership(app, colleague.id)[1] == "therapist"


@pytest.mark.parametrize("value", ["7", 1.5, True, 0, -1])
def test_hand_over_to_is_a_user_id(client, admin, value):
    colleague = join(client, admin)

    response = remove(client, admin, colleague.id, {"hand_over_to": value})

    assert_error(response, 422, "hand_over_to")


def test_the_last_admin_cannot_be_removed_even_by_themselves(app, client, admin):
    colleague = join(client, admin)

    response = remove(client, admin, admin.id, {"hand_over_to": colleague.id})

    assert_error(response, 422, "member")
    assert membership(app, admin.id)[1] == "admin"
    assert clinic(client, admin)["member_count"] == 2


def test_an_admin_may_leave_while_another_admin_remains(
    app, client, admin, make_patient
):
    other_admin = join(client, admin, "Second", role="admin")
    patient = make_patient(admin)

    response = remove(client, admin, admin.id, {"hand_over_to": other_admin.id})

    assert response.status_code == 204, response.get_data(as_text=True)
    assert lead_of(app, patient.id) == other_admin.id
    assert [m["id"] for m in member_list(client, other_admin)] == [other_admin.id]
    assert clinic(client, admin)["member_count"] == 1


def test_a_member_who_is_not_an_admin_removes_no_one(app, client, admin, make_patient):
    colleague = join(client, admin)
    other = join(client, admin, "Other")
    make_patient(other)

    for target in (other.id, colleague.id, admin.id):
        response = remove(client, colleague, target, {"hand_over_to": colleague.id})
        assert_error(response, 403)
    assert clinic(client, admin)["member_count"] == 3


def test_a_failure_half_way_leaves_nothing_half_written(
    app, client, admin, make_patient, monkeypatch
):
    leaving = join(client, admin)
    patient = make_patient(leaving)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(clinics, "start_clinic", broken)
    with pytest.raises(RuntimeError):
        remove(client, admin, leaving.id, {"hand_over_to": admin.id})

    assert lead_of(app, patient.id) == leaving.id
    assert membership(app, leaving.id)[1] == "therapist"
    with app.app_context():
        assert db.session.scalars(select(Notification)).all() == []


def test_invites_and_patients_hold_after_a_removal(app, client, admin, make_patient):
    """The removed member's therapist invites for the clinic still work (they
    are the clinic's), and the handed-over patient's new lead can act at once."""
    second_admin = join(client, admin, "Second", role="admin")
    code = invite(client, second_admin)["code"]
    patient = make_patient(second_admin)
    removed = remove(client, admin, second_admin.id, {"hand_over_to": admin.id})
    assert removed.status_code == 204

    joined = register(client, code, "late@example.org")
    sent = client.post(
        f"{API}/patients/{patient.id}/messages",
        json={"body": "I look after you now."},
        headers=admin.headers,
    )

    assert joined.status_code == 201, joined.json
    assert joined.json["user"]["clinic"]["id"] == clinic(client, admin)["id"]
    assert sent.status_code == 201, sent.json
    assert lead_of(app, patient.id) == admin.id


def patient_code(client, therapist) -> str:
    response = client.post(f"{API}/invites", json={}, headers=therapist.headers)
    assert response.status_code == 201, response.json
    return response.json["code"]


def test_a_leaving_members_patient_codes_pass_to_whoever_takes_over(app, client, admin):
    colleague = join(client, admin)
    code = patient_code(client, colleague)
    assert (
        remove(client, admin, colleague.id, {"hand_over_to": admin.id}).status_code
        == 204
    )

    joined = register(client, code, "late-patient@example.org", "Late Patient")

    assert joined.status_code == 201, joined.json
    assert lead_of(app, joined.json["user"]["id"]) == admin.id


def test_a_leaving_members_patient_codes_are_withdrawn_when_nobody_takes_over(
    client, admin
):
    colleague = join(client, admin)
    code = patient_code(client, colleague)
    assert remove(client, admin, colleague.id).status_code == 204

    joined = register(client, code, "late-patient@example.org", "Late Patient")

    body = assert_error(joined, 422, "invite_code")
    assert "unknown, used or expired" in body["errors"]["invite_code"][0]


def test_an_admin_who_does_not_treat_sees_the_members_never_a_record(
    client, admin, make_patient
):
    manager = join(client, admin, "Manager", role="admin")
    stopped = patch_member(client, manager, manager.id, treats_patients=False)
    assert stopped.status_code == 200, stopped.json
    patient = make_patient(admin)

    members = member_list(client, manager)
    listed = client.get(f"{API}/patients", headers=manager.headers)
    record = client.get(f"{API}/patients/{patient.id}", headers=manager.headers)
    invited = client.post(f"{API}/invites", json={}, headers=manager.headers)

    assert [m["name"] for m in members] == ["Admin 1", "Manager"]
    assert listed.status_code == 200 and listed.json == []
    assert_error(record, 404)
    body = assert_error(invited, 403)
    assert body["message"] == "You do not treat patients, so you cannot invite one."
    me = client.get(f"{API}/me", headers=manager.headers).json
    assert me["clinic"]["role"] == "admin"
    assert me["clinic"]["treats_patients"] is False


def test_an_admin_demoted_meanwhile_changes_no_one(app, client, admin):
    """The admin check is made again under the clinic's lock: an admin who was
    made a therapist after their request was let in cannot act on it."""
    second = join(client, admin, "Second", role="admin")
    with app.app_context():
        caller = clinics.membership_of(db.session.get(User, second.id))
        # Meanwhile, in another request, the admin makes them a therapist.
        demoted = patch_member(client, admin, second.id, role="therapist")
        assert demoted.status_code == 200, demoted.json

        with pytest.raises(clinics.AccountError) as refused:
            clinics.update_member(caller, admin.id, {"role": "therapist"})
        db.session.rollback()
        with pytest.raises(clinics.AccountError) as not_removed:
            clinics.remove_member(caller, admin.id, None)
        db.session.remove()

    assert refused.value.status == not_removed.value.status == 403
    assert membership(app, admin.id)[1] == "admin"
