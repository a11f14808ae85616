"""Care teams: the lead adds and removes clinic colleagues and hands over the lead,
a member may leave, everyone on the team sees and acts on the record and the
answers name who did it; a clinic colleague off the team and another clinic's
therapist see nothing."""

import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ClinicMember, Notification, Suggestion, User
from kinetic.services import care_teams, safety
from kinetic.services.accounts import AccountError
from kinetic.services.clinics import clinic_id_of

API = "/api/v1"


def join(app, clinic_of, member, role="therapist", treats_patients=True) -> None:
    """Moves `member` into the clinic of `clinic_of` (as helper A's invites will)."""
    with app.app_context():
        clinic_id = clinic_id_of(db.session.get(User, clinic_of.id))
        row = db.session.scalar(
            select(ClinicMember).where(ClinicMember.user_id == member.id)
        )
        row.clinic_id, row.role, row.treats_patients = clinic_id, role, treats_patients
        db.session.commit()


@dataclass
class Clinic:
    lead: object  # the patient's lead therapist (and the clinic's admin)
    colleague: object  # a treating therapist of the clinic
    bystander: object  # another treating therapist of the clinic, off the team
    manager: object  # an admin of the clinic who does not treat patients
    stranger: object  # a therapist of another clinic
    patient: object


@pytest.fixture
def clinic(app, clock, make_therapist, make_patient) -> Clinic:
    lead = make_therapist("Ada")
    colleague, bystander = make_therapist("Ben"), make_therapist("Cleo")
    manager, stranger = make_therapist("Dora"), make_therapist("Eve")
    join(app, lead, colleague)
    join(app, lead, bystander)
    join(app, lead, manager, role="admin", treats_patients=False)
    return Clinic(lead, colleague, bystander, manager, stranger, make_patient(lead))


def name(app, account) -> str:
    with app.app_context():
        return db.session.get(User, account.id).name


def team(client, caller, patient):
    return client.get(f"{API}/patients/{patient.id}/care-team", headers=caller.headers)


def add(client, caller, patient, therapist_id):
    return client.post(
        f"{API}/patients/{patient.id}/care-team",
        json={"therapist_id": therapist_id},
        headers=caller.headers,
    )


def remove(client, caller, patient, therapist_id):
    return client.delete(
        f"{API}/patients/{patient.id}/care-team/{therapist_id}", headers=caller.headers
    )


def lead(client, caller, patient, therapist_id):
    return client.post(
        f"{API}/patients/{patient.id}/lead",
        json={"therapist_id": therapist_id},
        headers=caller.headers,
    )


def members(answer) -> list[tuple[int, bool]]:
    return [(m["id"], m["lead"]) for m in answer["members"]]


def notifications(app, patient) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Notification)
            .where(Notification.user_id == patient.id)
            .order_by(Notification.id)
        ).all()
        return [(n.kind, n.title) for n in rows]


def assert_error(response, status, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["code"] == status and response.json["message"]
    if field:
        assert list(response.json["errors"]) == [field], response.json
    return response.json


# -- the team and its changes ----------------------------------------------------------


def test_a_new_patient_has_their_lead_alone_on_the_team(app, client, clinic):
    c = clinic

    response = team(client, c.lead, c.patient)

    assert response.status_code == 200, response.json
    assert response.json == {
        "patient_id": c.patient.id,
        "lead": {"id": c.lead.id, "name": name(app, c.lead)},
        "members": [
            {
                "id": c.lead.id,
                "name": name(app, c.lead),
                "lead": True,
                "added_at": None,
                "added_by": None,
            }
        ],
    }


def test_the_lead_adds_a_colleague_and_the_patient_is_told(app, client, clock, clinic):
    c = clinic

    response = add(client, c.lead, c.patient, c.colleague.id)

    assert response.status_code == 201, response.json
    ada, ben = name(app, c.lead), name(app, c.colleague)
    assert response.json["members"][1] == {
        "id": c.colleague.id,
        "name": ben,
        "lead": False,
        "added_at": "2026-03-10T12:00:00+00:00",
        "added_by": {"id": c.lead.id, "name": ada},
    }
    assert members(response.json) == [(c.lead.id, True), (c.colleague.id, False)]
    assert team(client, c.colleague, c.patient).json == response.json
    assert notifications(app, c.patient) == [
        ("care_team", f"{ben} joined your care team")
    ]
    listed = client.get(f"{API}/me/notifications", headers=c.patient.headers).json
    assert [n["title"] for n in listed] == [f"{ben} joined your care team"]


def test_members_are_listed_after_the_lead_by_name(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.bystander.id)  # Cleo, then Ben: by name
    add(client, c.lead, c.patient, c.colleague.id)

    answer = team(client, c.lead, c.patient).json

    assert [m["id"] for m in answer["members"]] == [
        c.lead.id,
        c.colleague.id,
        c.bystander.id,
    ]


def test_adding_someone_already_on_the_team_is_200_and_changes_nothing(
    app, client, clock, clinic
):
    c = clinic
    first = add(client, c.lead, c.patient, c.colleague.id)
    clock.advance(hours=1)

    again = add(client, c.lead, c.patient, c.colleague.id)
    the_lead = add(client, c.lead, c.patient, c.lead.id)

    assert again.status_code == 200 and again.json == first.json
    assert the_lead.status_code == 200 and the_lead.json == first.json
    assert len(notifications(app, c.patient)) == 1


def test_only_the_lead_adds_to_the_team(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)

    response = add(client, c.colleague, c.patient, c.bystander.id)

    assert_error(response, 403)
    assert "lead" in response.json["message"]
    assert members(team(client, c.lead, c.patient).json) == [
        (c.lead.id, True),
        (c.colleague.id, False),
    ]


@pytest.mark.parametrize(
    "who", ["stranger", "manager", "patient", "missing", "patient_of_stranger"]
)
def test_only_a_treating_therapist_of_the_clinic_can_join(
    app, client, clinic, make_patient, who
):
    c = clinic
    therapist_id = {
        "stranger": c.stranger.id,  # another clinic's
        "manager": c.manager.id,  # an admin who does not treat patients
        "patient": c.patient.id,
        "missing": 2**31 - 1,
        "patient_of_stranger": make_patient(c.stranger).id,
    }[who]

    add_response = add(client, c.lead, c.patient, therapist_id)
    lead_response = lead(client, c.lead, c.patient, therapist_id)

    for response in (add_response, lead_response):
        assert_error(response, 422, "therapist_id")
        assert "clinic" in response.json["errors"]["therapist_id"][0]
    # The answer for another clinic's therapist reveals nothing more than for none.
    assert add_response.json == add(client, c.lead, c.patient, 2**31 - 1).json
    assert members(team(client, c.lead, c.patient).json) == [(c.lead.id, True)]
    assert notifications(app, c.patient) == []


@pytest.mark.parametrize(
    "body", [{}, {"therapist_id": "x"}, {"therapist_id": 0}, {"therapist_id": None}]
)
def test_a_bad_therapist_id_is_422_naming_it(client, clinic, body):
    c = clinic
    for path in ("care-team", "lead"):
        response = client.post(
            f"{API}/patients/{c.patient.id}/{path}", json=body, headers=c.lead.headers
        )
        assert_error(response, 422, "therapist_id")


def test_the_lead_removes_a_member_who_then_sees_nothing(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)

    response = remove(client, c.lead, c.patient, c.colleague.id)

    assert response.status_code == 204 and response.get_data() == b""
    assert members(team(client, c.lead, c.patient).json) == [(c.lead.id, True)]
    assert_error(team(client, c.colleague, c.patient), 404)
    gone = client.get(f"{API}/patients/{c.patient.id}", headers=c.colleague.headers)
    assert_error(gone, 404)


def test_a_member_may_leave_but_not_remove_others(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)
    add(client, c.lead, c.patient, c.bystander.id)

    other = remove(client, c.colleague, c.patient, c.bystander.id)
    the_lead = remove(client, c.colleague, c.patient, c.lead.id)
    leaving = remove(client, c.colleague, c.patient, c.colleague.id)

    assert_error(other, 403)
    assert_error(the_lead, 403)
    assert leaving.status_code == 204
    assert members(team(client, c.lead, c.patient).json) == [
        (c.lead.id, True),
        (c.bystander.id, False),
    ]


def test_the_lead_cannot_leave_before_handing_over(client, clinic):
    c = clinic

    response = remove(client, c.lead, c.patient, c.lead.id)

    assert_error(response, 422, "therapist_id")
    assert "transfer the lead first" in response.json["message"]
    assert members(team(client, c.lead, c.patient).json) == [(c.lead.id, True)]


@pytest.mark.parametrize("who", ["bystander", "stranger", "missing"])
def test_removing_someone_not_on_the_team_is_404(client, clinic, who):
    c = clinic
    therapist_id = {"bystander": c.bystander.id, "stranger": c.stranger.id}.get(
        who, 2**31 - 1
    )

    response = remove(client, c.lead, c.patient, therapist_id)

    assert_error(response, 404)


def test_the_lead_hands_over_and_stays_on_the_team(app, client, clock, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)
    clock.advance(days=1)

    response = lead(client, c.lead, c.patient, c.colleague.id)

    assert response.status_code == 200, response.json
    ada, ben = name(app, c.lead), name(app, c.colleague)
    assert response.json["lead"] == {"id": c.colleague.id, "name": ben}
    assert members(response.json) == [(c.colleague.id, True), (c.lead.id, False)]
    assert response.json["members"][1]["added_at"] == "2026-03-11T12:00:00+00:00"
    assert notifications(app, c.patient)[-1] == (
        "care_team",
        f"{ben} now leads your care",
    )
    # The old lead is a member now: they may leave, not change the team.
    assert_error(add(client, c.lead, c.patient, c.bystander.id), 403)
    assert_error(lead(client, c.lead, c.patient, c.lead.id), 403)
    assert add(client, c.colleague, c.patient, c.bystander.id).status_code == 201
    assert remove(client, c.lead, c.patient, c.lead.id).status_code == 204
    assert members(team(client, c.colleague, c.patient).json) == [
        (c.colleague.id, True),
        (c.bystander.id, False),
    ]
    me = client.get(f"{API}/me/care-team", headers=c.patient.headers).json
    assert me["lead"] == {"id": c.colleague.id, "name": ben}
    assert ada not in [m["name"] for m in me["members"]]


def test_the_lead_may_go_to_a_colleague_not_yet_on_the_team(app, client, clinic):
    c = clinic

    response = lead(client, c.lead, c.patient, c.bystander.id)

    assert response.status_code == 200, response.json
    assert members(response.json) == [(c.bystander.id, True), (c.lead.id, False)]
    with app.app_context():
        assert db.session.get(User, c.patient.id).therapist_id == c.bystander.id


def test_handing_the_lead_to_the_lead_changes_nothing(app, client, clinic):
    c = clinic

    response = lead(client, c.lead, c.patient, c.lead.id)

    assert response.status_code == 200
    assert members(response.json) == [(c.lead.id, True)]
    assert notifications(app, c.patient) == []


def test_only_the_lead_hands_over(client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)

    response = lead(client, c.colleague, c.patient, c.colleague.id)

    assert_error(response, 403)
    assert team(client, c.lead, c.patient).json["lead"]["id"] == c.lead.id


# -- the patient's view ----------------------------------------------------------------


def test_the_patient_sees_their_care_team(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)

    response = client.get(f"{API}/me/care-team", headers=c.patient.headers)

    assert response.status_code == 200, response.json
    assert response.json == team(client, c.lead, c.patient).json
    assert "email" not in str(response.json)
    assert_error(client.get(f"{API}/me/care-team", headers=c.lead.headers), 403)
    assert_error(client.get(f"{API}/me/care-team"), 401)


def test_a_patient_without_a_therapist_has_an_empty_team(app, client, clinic):
    c = clinic
    with app.app_context():
        db.session.get(User, c.patient.id).therapist_id = None
        db.session.commit()

    response = client.get(f"{API}/me/care-team", headers=c.patient.headers)

    assert response.status_code == 200
    assert response.json == {"patient_id": c.patient.id, "lead": None, "members": []}


# -- the patient list ------------------------------------------------------------------


def test_the_list_shows_the_lead_and_my_part_and_filters_by_scope(
    app, client, clinic, make_patient
):
    c = clinic
    shared = c.patient
    own = make_patient(c.colleague)  # the colleague leads this one
    add(client, c.lead, shared, c.colleague.id)

    def listed(caller, scope=None):
        query = f"?scope={scope}" if scope else ""
        response = client.get(f"{API}/patients{query}", headers=caller.headers)
        assert response.status_code == 200, response.json
        return [(p["id"], p["lead"]["id"], p["my_part"]) for p in response.json]

    assert listed(c.colleague) == sorted(
        [(shared.id, c.lead.id, "member"), (own.id, c.colleague.id, "lead")]
    )
    assert listed(c.colleague, "all") == listed(c.colleague)
    assert listed(c.colleague, "mine") == [(own.id, c.colleague.id, "lead")]
    assert listed(c.colleague, "team") == [(shared.id, c.lead.id, "member")]
    assert listed(c.lead) == [(shared.id, c.lead.id, "lead")]
    assert listed(c.lead, "team") == []
    assert listed(c.bystander) == []
    ada = client.get(f"{API}/patients", headers=c.colleague.headers).json
    assert {p["lead"]["name"] for p in ada} == {
        name(app, c.lead),
        name(app, c.colleague),
    }


@pytest.mark.parametrize("scope", ["everyone", "MINE", ""])
def test_an_unknown_scope_is_422_naming_it(client, clinic, scope):
    response = client.get(f"{API}/patients?scope={scope}", headers=clinic.lead.headers)

    assert_error(response, 422, "scope")


def test_the_patient_detail_carries_the_care_team(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)

    response = client.get(f"{API}/patients/{c.patient.id}", headers=c.colleague.headers)

    assert response.status_code == 200, response.json
    assert response.json["care_team"] == team(client, c.lead, c.patient).json
    assert response.json["lead"] == {"id": c.lead.id, "name": name(app, c.lead)}
    assert response.json["my_part"] == "member"


# -- a member sees and acts on the whole record, and the answers say who -------------


@pytest.fixture
def shared(app, client, clinic, make_assignment, questionnaires):
    """The patient on a plan, with a diary entry, an alert, a pending suggestion
    and a message, and the colleague on the care team."""
    c = clinic
    assignment_id = make_assignment(c.patient, c.lead, days_of_week=[1])
    client.post(f"{API}/me/pain", json={"neck": 3}, headers=c.patient.headers)
    client.post(f"{API}/me/messages", json={"body": "Hello"}, headers=c.patient.headers)
    with app.app_context():
        alert = safety.raise_alert(c.patient.id, "disengaged", {"missed": []})
        suggestion = Suggestion(
            assignment_id=assignment_id,
            patient_id=c.patient.id,
            action="advance",
            trigger="advance:v1:p0",
            reason="Comfortable sessions.",
            figures={"to_phase": "Build"},
            status="pending",
        )
        db.session.add(suggestion)
        db.session.commit()
        ids = {
            "assignment": assignment_id,
            "alert": alert.id,
            "suggestion": suggestion.id,
        }
    assert add(client, c.lead, c.patient, c.colleague.id).status_code == 201
    return ids


READS = [
    "/patients/{p}",
    "/patients/{p}/assignments",
    "/patients/{p}/pain",
    "/patients/{p}/sessions",
    "/patients/{p}/trends",
    "/patients/{p}/summary",
    "/patients/{p}/questionnaires",
    "/patients/{p}/suggestions",
    "/patients/{p}/messages",
    "/patients/{p}/care-team",
    "/assignments/{a}/prescription",
    "/assignments/{a}/prescription/history",
    "/alerts?patient_id={p}",
]


def test_a_member_sees_the_whole_record(client, clinic, shared):
    c = clinic
    for path in READS:
        url = API + path.format(p=c.patient.id, a=shared["assignment"])
        theirs = client.get(url, headers=c.colleague.headers)
        lead_sees = client.get(url, headers=c.lead.headers)
        assert theirs.status_code == 200, (path, theirs.json)
        if path != "/patients/{p}":  # my_part differs
            assert theirs.json == lead_sees.json, path
    pain = client.get(
        f"{API}/patients/{c.patient.id}/pain", headers=c.colleague.headers
    )
    assert [e["neck"] for e in pain.json] == [3]
    alerts = client.get(f"{API}/alerts", headers=c.colleague.headers).json
    assert [a["id"] for a in alerts] == [shared["alert"]]


def test_a_member_prescribes_and_the_version_names_them(app, client, clinic, shared):
    c = clinic
    url = f"{API}/assignments/{shared['assignment']}/prescription"
    current = client.get(url, headers=c.colleague.headers).json
    body = {
        "note": "Gentler.",
        "phases": [
            {
                "name": p["name"],
                "weeks": p["weeks"],
                "exercises": [
                    {"exercise": e["exercise"], "sets": 1} for e in p["exercises"]
                ],
            }
            for p in current["phases"]
        ],
    }

    response = client.put(url, json=body, headers=c.colleague.headers)

    assert response.status_code == 200, response.json
    ben = {"id": c.colleague.id, "name": name(app, c.colleague)}
    assert response.json["changed_by"] == ben
    history = client.get(f"{url}/history", headers=c.lead.headers).json
    assert [v["changed_by"]["id"] for v in history] == [c.colleague.id, c.lead.id]


def test_a_member_acknowledges_an_alert_and_it_names_them(app, client, clinic, shared):
    c = clinic
    listed = client.get(f"{API}/alerts", headers=c.lead.headers).json
    assert listed[0]["acknowledged_by"] is None

    response = client.patch(
        f"{API}/alerts/{shared['alert']}",
        json={"status": "acknowledged"},
        headers=c.colleague.headers,
    )

    assert response.status_code == 200, response.json
    ben = {"id": c.colleague.id, "name": name(app, c.colleague)}
    assert response.json["acknowledged_by"] == ben
    assert response.json["status"] == "acknowledged"
    listed = client.get(f"{API}/alerts", headers=c.lead.headers).json
    assert listed[0]["acknowledged_by"] == ben


@pytest.mark.parametrize("decision", ["accept", "dismiss"])
def test_a_member_decides_a_suggestion_and_it_names_them(
    app, client, clinic, shared, decision
):
    c = clinic
    pending = client.get(
        f"{API}/patients/{c.patient.id}/suggestions", headers=c.lead.headers
    ).json
    assert pending[0]["decided_by"] is None

    response = client.post(
        f"{API}/suggestions/{shared['suggestion']}/{decision}",
        headers=c.colleague.headers,
    )

    assert response.status_code == 200, response.json
    ben = {"id": c.colleague.id, "name": name(app, c.colleague)}
    assert response.json["decided_by"] == ben
    listed = client.get(
        f"{API}/patients/{c.patient.id}/suggestions", headers=c.lead.headers
    ).json
    assert listed[0]["decided_by"] == ben


def test_a_member_writes_and_every_message_names_its_sender(
    app, client, clinic, shared
):
    c = clinic
    written = client.post(
        f"{API}/patients/{c.patient.id}/messages",
        json={"body": "Ben here, from Ada's team."},
        headers=c.colleague.headers,
    )
    client.post(
        f"{API}/patients/{c.patient.id}/messages",
        json={"body": "And Ada."},
        headers=c.lead.headers,
    )

    assert written.status_code == 201, written.json
    ben = {"id": c.colleague.id, "name": name(app, c.colleague)}
    assert written.json["sender"] == ben
    thread = client.get(f"{API}/me/messages", headers=c.patient.headers).json
    assert [(m["body"], m["sender"]) for m in thread] == [
        ("Hello", {"id": c.patient.id, "name": name(app, c.patient)}),
        ("Ben here, from Ada's team.", ben),
        ("And Ada.", {"id": c.lead.id, "name": name(app, c.lead)}),
    ]
    seen = client.get(
        f"{API}/patients/{c.patient.id}/messages", headers=c.lead.headers
    ).json
    assert [m["sender"]["id"] for m in seen] == [
        c.patient.id,
        c.colleague.id,
        c.lead.id,
    ]
    titles = [t for kind, t in notifications(app, c.patient) if kind == "message"]
    assert titles == [
        f"New message from {ben['name']}",
        "New message from " + name(app, c.lead),
    ]


def test_a_member_reads_the_patients_message_but_not_a_colleagues(
    client, clinic, shared
):
    c = clinic
    thread = client.get(
        f"{API}/patients/{c.patient.id}/messages", headers=c.lead.headers
    ).json
    from_patient = thread[0]["id"]
    from_lead = client.post(
        f"{API}/patients/{c.patient.id}/messages",
        json={"body": "See you Tuesday."},
        headers=c.lead.headers,
    ).json["id"]

    colleagues = client.post(
        f"{API}/messages/{from_lead}/read", headers=c.colleague.headers
    )
    patients = client.post(
        f"{API}/messages/{from_patient}/read", headers=c.colleague.headers
    )

    assert_error(colleagues, 403)  # the patient is its recipient
    assert patients.status_code == 200 and patients.json["read_at"] is not None
    thread = client.get(f"{API}/me/messages", headers=c.patient.headers).json
    assert [m["read_at"] is None for m in thread] == [False, True]


def test_a_member_schedules_a_questionnaire_and_assigns_a_plan(client, clinic, shared):
    c = clinic
    scheduled = client.post(
        f"{API}/patients/{c.patient.id}/questionnaires",
        json={"questionnaire": "peg-3", "every_days": 7},
        headers=c.colleague.headers,
    )
    paused = client.patch(
        f"{API}/assignments/{shared['assignment']}",
        json={"status": "paused"},
        headers=c.colleague.headers,
    )

    assert scheduled.status_code == 201, scheduled.json
    assert paused.status_code == 200 and paused.json["status"] == "paused"


# -- outside the team: nothing --------------------------------------------------------


@pytest.mark.parametrize("who", ["bystander", "manager", "stranger"])
def test_a_therapist_off_the_team_gets_404_for_the_patient(client, clinic, shared, who):
    c = clinic
    outsider = getattr(c, who)
    missing = 2**31 - 1
    for path in READS:
        url = API + path.format(p=c.patient.id, a=shared["assignment"])
        gone = API + path.format(p=missing, a=missing)
        if "alerts" in path:
            assert client.get(url, headers=outsider.headers).json == []
            continue
        response = client.get(url, headers=outsider.headers)
        assert_error(response, 404)
        assert response.json == client.get(gone, headers=outsider.headers).json, path
    acknowledged = client.patch(
        f"{API}/alerts/{shared['alert']}",
        json={"status": "acknowledged"},
        headers=outsider.headers,
    )
    assert_error(acknowledged, 404)


@pytest.mark.parametrize("who", ["bystander", "stranger"])
def test_every_care_team_route_is_404_off_the_team(app, client, clinic, shared, who):
    c = clinic
    outsider = getattr(c, who)
    before = team(client, c.lead, c.patient).json
    calls = [
        team(client, outsider, c.patient),
        add(client, outsider, c.patient, outsider.id),
        add(client, outsider, c.patient, c.colleague.id),
        remove(client, outsider, c.patient, c.colleague.id),
        remove(client, outsider, c.patient, outsider.id),
        lead(client, outsider, c.patient, outsider.id),
    ]

    for response in calls:
        assert_error(response, 404)
        assert response.json["message"] == "No such patient."
    assert team(client, c.lead, c.patient).json == before


def test_a_member_assigns_a_program(app, client, clinic, programs, make_patient):
    c = clinic
    patient = make_patient(c.lead)
    add(client, c.lead, patient, c.colleague.id)

    response = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "test-plan"},
        headers=c.colleague.headers,
    )

    assert response.status_code == 201, response.json
    plan = client.get(
        f"{API}/assignments/{response.json['id']}/prescription",
        headers=c.lead.headers,
    ).json
    ben = {"id": c.colleague.id, "name": name(app, c.colleague)}
    assert plan["changed_by"] == ben


# -- at the same moment ---------------------------------------------------------------


def at_once(app, *changes) -> list:
    """Each change in its own session and thread, all past a barrier together:
    what each returned, or the status it was refused with."""
    barrier = threading.Barrier(len(changes))
    outcomes = [None] * len(changes)

    def run(n, change, by, therapist_id):
        with app.app_context():
            patient = db.session.get(User, change[0])
            caller = db.session.get(User, by)
            barrier.wait()
            try:
                outcomes[n] = change[1](patient, caller, therapist_id)
                db.session.commit()
            except AccountError as error:
                db.session.rollback()
                outcomes[n] = error.status

    threads = [
        threading.Thread(target=run, args=(n, (c[0], c[1]), c[2], c[3]))
        for n, c in enumerate(changes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_hand_overs_at_once_leave_one_lead_and_lose_no_one(app, client, clinic):
    c = clinic
    add(client, c.lead, c.patient, c.colleague.id)

    outcomes = at_once(
        app,
        (c.patient.id, care_teams.transfer_lead, c.lead.id, c.colleague.id),
        (c.patient.id, care_teams.transfer_lead, c.lead.id, c.bystander.id),
    )

    assert sorted(outcomes, key=str) == [403, True]
    answer = team(client, c.lead, c.patient).json
    new_lead = c.colleague.id if outcomes[0] is True else c.bystander.id
    assert answer["lead"]["id"] == new_lead
    assert sorted(answer["members"], key=lambda m: not m["lead"])[0]["id"] == new_lead
    on_team = {m["id"] for m in answer["members"]}
    assert {c.lead.id, c.colleague.id} <= on_team and len(on_team) == len(
        answer["members"]
    )
    titles = [t for _, t in notifications(app, c.patient) if "leads" in t]
    assert len(titles) == 1


def test_the_same_colleague_added_twice_at_once_joins_once(app, client, clinic):
    c = clinic

    outcomes = at_once(
        app,
        (c.patient.id, care_teams.add_member, c.lead.id, c.colleague.id),
        (c.patient.id, care_teams.add_member, c.lead.id, c.colleague.id),
    )

    assert sorted(outcomes) == [False, True]
    assert members(team(client, c.lead, c.patient).json) == [
        (c.lead.id, True),
        (c.colleague.id, False),
    ]
    assert len(notifications(app, c.patient)) == 1
