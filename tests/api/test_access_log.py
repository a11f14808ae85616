"""The access log: one row per therapist, patient, kind and ten minutes, written
with the change or just after the read, never lost silently; read by the
clinic's admins (JSON or CSV) and by the patient."""

import csv
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kinetic.extensions import db
from kinetic.models import (
    AccessLogEntry,
    CareTeamMember,
    ClinicMember,
    Message,
    User,
)
from kinetic.services import access_log, safety

API = "/api/v1"
LOG = f"{API}/clinic/access-log"


@dataclass
class Clinic:
    admin: object  # the patient's lead, admin of the clinic
    colleague: object  # a therapist on the patient's care team
    outsider: object  # a therapist of the clinic, not on the team
    patient: object
    other_patient: object  # the admin's second patient


def join(app, therapist, clinic_of, role="therapist", treats=True):
    """Moves the therapist into clinic_of's clinic."""
    with app.app_context():
        clinic_id = db.session.scalar(
            select(ClinicMember.clinic_id).where(ClinicMember.user_id == clinic_of.id)
        )
        member = db.session.scalar(
            select(ClinicMember).where(ClinicMember.user_id == therapist.id)
        )
        member.clinic_id, member.role, member.treats_patients = clinic_id, role, treats
        db.session.commit()


@pytest.fixture
def clinic(app, clock, make_therapist, make_patient) -> Clinic:
    admin = make_therapist("Lead")
    colleague, outsider = make_therapist("Colleague"), make_therapist("Outsider")
    join(app, colleague, admin)
    join(app, outsider, admin)
    patient, other_patient = make_patient(admin), make_patient(admin)
    with app.app_context():
        db.session.add(
            CareTeamMember(
                patient_id=patient.id, therapist_id=colleague.id, added_by_id=admin.id
            )
        )
        db.session.commit()
    return Clinic(admin, colleague, outsider, patient, other_patient)


def rows(app) -> list[tuple]:
    with app.app_context():
        found = db.session.execute(
            select(
                AccessLogEntry.therapist_id,
                AccessLogEntry.patient_id,
                AccessLogEntry.kind,
                AccessLogEntry.clinic_id,
            ).order_by(AccessLogEntry.id)
        ).all()
        db.session.remove()
    return [tuple(row) for row in found]


def clinic_id(app, therapist) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ClinicMember.clinic_id).where(ClinicMember.user_id == therapist.id)
        )


def log_of(client, admin, **query):
    response = client.get(LOG, query_string=query, headers=admin.headers)
    assert response.status_code == 200, response.json
    return response


# -- one test per kind ------------------------------------------------------------


def test_opening_a_patient_is_a_view_in_both_logs(app, client, clinic):
    patient = clinic.patient
    response = client.get(
        f"{API}/patients/{patient.id}", headers=clinic.colleague.headers
    )
    assert response.status_code == 200

    assert rows(app) == [
        (clinic.colleague.id, patient.id, "view", clinic_id(app, clinic.admin))
    ]
    (row,) = log_of(client, clinic.admin).json
    assert row == {
        "id": row["id"],
        "at": "2026-03-10T12:00:00+00:00",
        "therapist_id": clinic.colleague.id,
        "therapist_name": "Colleague 2",
        "patient_id": patient.id,
        "patient_name": "Patient 1",
        "kind": "view",
    }
    mine = client.get(f"{API}/me/access-log", headers=patient.headers)
    assert mine.status_code == 200
    assert mine.json == [
        {
            "at": "2026-03-10T12:00:00+00:00",
            "therapist_id": clinic.colleague.id,
            "therapist_name": "Colleague 2",
            "kind": "view",
        }
    ]


@pytest.mark.parametrize("path", ["report", "report.pdf"])
def test_the_progress_report_and_its_pdf_are_a_report(app, client, clinic, path):
    patient = clinic.patient
    response = client.get(
        f"{API}/patients/{patient.id}/{path}", headers=clinic.admin.headers
    )
    assert response.status_code == 200

    assert [row[:3] for row in rows(app)] == [(clinic.admin.id, patient.id, "report")]


def test_the_fhir_record_is_fhir(app, client, clinic):
    patient = clinic.patient
    response = client.get(
        f"{API}/patients/{patient.id}/fhir", headers=clinic.admin.headers
    )
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"

    assert [row[:3] for row in rows(app)] == [(clinic.admin.id, patient.id, "fhir")]


def test_an_export_is_export(app, client, clinic, monkeypatch):
    """No therapist-side export of a patient exists yet: the kinds table is where
    one is named. Here the sessions list stands in for it."""
    monkeypatch.setitem(access_log.KINDS, "patients.patient_sessions", "export")
    patient = clinic.patient
    response = client.get(
        f"{API}/patients/{patient.id}/sessions", headers=clinic.admin.headers
    )
    assert response.status_code == 200

    assert [row[:3] for row in rows(app)] == [(clinic.admin.id, patient.id, "export")]
    (row,) = client.get(f"{API}/me/access-log", headers=patient.headers).json
    assert row["kind"] == "export"


def test_a_change_is_written_with_it(app, client, clinic):
    patient = clinic.patient
    response = client.post(
        f"{API}/patients/{patient.id}/messages",
        json={"body": "How is the back?"},
        headers=clinic.colleague.headers,
    )
    assert response.status_code == 201

    assert [row[:3] for row in rows(app)] == [
        (clinic.colleague.id, patient.id, "change")
    ]


def test_acknowledging_an_alert_is_a_change_and_the_lists_are_not_logged(
    app, client, clinic
):
    with app.app_context():
        alert = safety.raise_alert(clinic.patient.id, "disengaged", {"missed": []})
        db.session.commit()
        alert_id = alert.id
    headers = clinic.admin.headers
    assert client.get(f"{API}/patients", headers=headers).status_code == 200
    assert client.get(f"{API}/alerts", headers=headers).status_code == 200
    assert rows(app) == []

    response = client.patch(
        f"{API}/alerts/{alert_id}", json={"status": "acknowledged"}, headers=headers
    )
    assert response.status_code == 200, response.json
    assert [row[:3] for row in rows(app)] == [
        (clinic.admin.id, clinic.patient.id, "change")
    ]


def test_a_patient_reading_their_own_record_is_not_logged(app, client, clinic):
    patient = clinic.patient
    assert client.get(f"{API}/me/fhir", headers=patient.headers).status_code == 200
    assert client.get(f"{API}/me/messages", headers=patient.headers).status_code == 200
    assert rows(app) == []


def test_the_log_can_be_turned_off(app, client, clinic, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESS_LOG_ENABLED", False)
    response = client.get(
        f"{API}/patients/{clinic.patient.id}", headers=clinic.admin.headers
    )
    assert response.status_code == 200
    assert rows(app) == []


# -- one row per ten minutes --------------------------------------------------------


def test_reads_within_ten_minutes_are_one_row(app, client, clinic, clock):
    path = f"{API}/patients/{clinic.patient.id}/trends"
    headers = clinic.admin.headers
    assert client.get(path, headers=headers).status_code == 200  # 12:00
    clock.advance(minutes=9)
    assert client.get(path, headers=headers).status_code == 200  # 12:09
    assert client.get(f"{API}/patients/{clinic.patient.id}", headers=headers)

    assert [row[:3] for row in rows(app)] == [
        (clinic.admin.id, clinic.patient.id, "view")
    ]
    (row,) = log_of(client, clinic.admin).json
    assert row["at"] == "2026-03-10T12:00:00+00:00"  # the first access


def test_reads_eleven_minutes_apart_across_a_window_edge_are_two_rows(
    app, client, clinic, clock
):
    clock.set(datetime(2026, 3, 10, 12, 5, tzinfo=UTC))
    path = f"{API}/patients/{clinic.patient.id}"
    headers = clinic.admin.headers
    assert client.get(path, headers=headers).status_code == 200  # 12:05
    clock.advance(minutes=11)
    assert client.get(path, headers=headers).status_code == 200  # 12:16

    assert len(rows(app)) == 2
    ats = [row["at"] for row in log_of(client, clinic.admin).json]
    assert ats == ["2026-03-10T12:16:00+00:00", "2026-03-10T12:05:00+00:00"]


def test_each_kind_and_each_therapist_has_its_own_row(app, client, clinic):
    patient = clinic.patient
    for therapist in (clinic.admin, clinic.colleague):
        for path in ("", "/fhir", "/messages", "/fhir"):
            response = client.get(
                f"{API}/patients/{patient.id}{path}", headers=therapist.headers
            )
            assert response.status_code == 200
    assert sorted(row[:3] for row in rows(app)) == sorted(
        (t.id, patient.id, kind)
        for t in (clinic.admin, clinic.colleague)
        for kind in ("view", "fhir")
    )


# -- never lost silently ------------------------------------------------------------


def broken_insert(*args, **kwargs):
    raise OperationalError("INSERT INTO access_log", {}, Exception("disk full"))


def refused_insert(*args, **kwargs):
    raise RuntimeError("disk full, or any other failure")


@pytest.mark.parametrize("failure", [broken_insert, refused_insert])
def test_a_read_whose_row_cannot_be_written_is_a_503(
    app, client, clinic, monkeypatch, caplog, failure
):
    monkeypatch.setattr(access_log, "_insert", failure)
    with caplog.at_level(logging.ERROR, logger="kinetic.services.access_log"):
        response = client.get(
            f"{API}/patients/{clinic.patient.id}/fhir", headers=clinic.admin.headers
        )

    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.json["code"] == 503
    assert "access log" in response.json["message"]
    assert "resourceType" not in response.get_data(as_text=True)
    assert "disk full" in caplog.text
    assert rows(app) == []


@pytest.mark.parametrize("failure", [broken_insert, refused_insert])
def test_a_change_whose_row_cannot_be_written_is_not_made(
    app, client, clinic, monkeypatch, caplog, failure
):
    monkeypatch.setattr(access_log, "_insert", failure)
    with caplog.at_level(logging.ERROR, logger="kinetic.services.access_log"):
        response = client.post(
            f"{API}/patients/{clinic.patient.id}/messages",
            json={"body": "Never sent"},
            headers=clinic.admin.headers,
        )

    assert response.status_code == 503
    assert response.json["code"] == 503
    assert "disk full" in caplog.text
    assert rows(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_no_row_for_a_404_or_a_refused_request(app, client, clinic, make_therapist):
    stranger = make_therapist("Stranger")
    patient = clinic.patient
    assert (
        client.get(f"{API}/patients/{patient.id}", headers=stranger.headers).status_code
        == 404
    )
    assert (
        client.get(
            f"{API}/patients/{patient.id}", headers=clinic.outsider.headers
        ).status_code
        == 404
    )
    # Found, then refused: the 422 writes nothing either.
    refused = client.get(
        f"{API}/patients/{patient.id}/report",
        query_string={"from": "2026-03-10", "to": "2026-03-01"},
        headers=clinic.admin.headers,
    )
    assert refused.status_code == 422
    refused = client.post(
        f"{API}/patients/{patient.id}/messages",
        json={"body": ""},
        headers=clinic.admin.headers,
    )
    assert refused.status_code == 422
    assert rows(app) == []


# -- reading the log ----------------------------------------------------------------


def visit(client, therapist, patient, path=""):
    response = client.get(
        f"{API}/patients/{patient.id}{path}", headers=therapist.headers
    )
    assert response.status_code == 200


def test_filters_by_patient_therapist_and_utc_days(app, client, clinic, clock):
    c = clinic
    clock.set(datetime(2026, 3, 8, 23, 55, tzinfo=UTC))
    visit(client, c.admin, c.patient)
    clock.set(datetime(2026, 3, 9, 0, 5, tzinfo=UTC))
    visit(client, c.colleague, c.patient)
    clock.set(datetime(2026, 3, 10, 23, 59, tzinfo=UTC))
    visit(client, c.admin, c.other_patient, "/fhir")

    def listed(**query):
        return [
            (r["therapist_id"], r["patient_id"], r["at"][:16])
            for r in log_of(client, c.admin, **query).json
        ]

    everything = [
        (c.admin.id, c.other_patient.id, "2026-03-10T23:59"),
        (c.colleague.id, c.patient.id, "2026-03-09T00:05"),
        (c.admin.id, c.patient.id, "2026-03-08T23:55"),
    ]
    assert listed() == everything
    assert listed(patient_id=c.patient.id) == everything[1:]
    assert listed(therapist_id=c.admin.id) == [everything[0], everything[2]]
    assert listed(therapist_id=c.admin.id, patient_id=c.patient.id) == everything[2:]
    assert listed(**{"from": "2026-03-09"}) == everything[:2]
    assert listed(to="2026-03-08") == everything[2:]
    assert listed(**{"from": "2026-03-09", "to": "2026-03-09"}) == everything[1:2]
    assert listed(to="2026-03-10") == everything
    assert listed(limit=2) == everything[:2]
    assert listed(patient_id=999_999) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-03-10", "to": "2026-03-09"}, "to"),
        ({"format": "xml"}, "format"),
        ({"limit": 10_001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"patient_id": "me"}, "patient_id"),
        ({"from": "10/03/2026"}, "from"),
    ],
)
def test_bad_filters_are_422_naming_the_field(client, clinic, query, field):
    response = client.get(LOG, query_string=query, headers=clinic.admin.headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]


def test_csv_has_the_same_columns_and_defuses_formulas(app, client, clinic):
    with app.app_context():
        db.session.get(User, clinic.patient.id).name = '=HYPERLINK("http://x.example")'
        db.session.get(User, clinic.colleague.id).name = "@SUM(1+1)"
        db.session.commit()
    visit(client, clinic.colleague, clinic.patient)
    visit(client, clinic.admin, clinic.other_patient, "/report")

    response = log_of(client, clinic.admin, format="csv")

    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="access-log-2026-03-10.csv"'
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == [
        "id",
        "at",
        "therapist_id",
        "therapist_name",
        "patient_id",
        "patient_name",
        "kind",
    ]
    as_json = log_of(client, clinic.admin).json
    assert len(table) == 3 == len(as_json) + 1
    first, second = table[1:]
    assert first == [
        str(as_json[0]["id"]),
        "2026-03-10T12:00:00+00:00",
        str(clinic.admin.id),
        "Lead 1",
        str(clinic.other_patient.id),
        "Patient 2",
        "report",
    ]
    assert second[3] == "'@SUM(1+1)"
    assert second[5] == '\'=HYPERLINK("http://x.example")'
    assert second[6] == "view"
    # The JSON answer keeps the names as they are.
    assert as_json[1]["patient_name"] == '=HYPERLINK("http://x.example")'


def test_only_the_clinics_admins_read_it(app, client, clinic, make_therapist):
    visit(client, clinic.colleague, clinic.patient)
    for member in (clinic.colleague, clinic.outsider):
        response = client.get(LOG, headers=member.headers)
        assert response.status_code == 403
        assert response.json["message"] == (
            "Only the clinic's admins may see its access log."
        )
    refused = client.get(LOG, headers=clinic.patient.headers)
    assert refused.status_code == 403
    # An admin who does not treat patients reads it all the same.
    manager = make_therapist("Manager")
    join(app, manager, clinic.admin, role="admin", treats=False)
    (row,) = log_of(client, manager).json
    assert row["therapist_id"] == clinic.colleague.id
    assert client.get(LOG, query_string={"format": "csv"}).status_code == 401


def test_another_clinics_rows_are_never_shown(
    app, client, clinic, make_therapist, make_patient
):
    elsewhere = make_therapist("Elsewhere")
    their_patient = make_patient(elsewhere)
    visit(client, elsewhere, their_patient)
    visit(client, clinic.admin, clinic.patient)

    mine = log_of(client, clinic.admin).json
    assert [r["therapist_id"] for r in mine] == [clinic.admin.id]
    # Even asked for by their ids.
    assert log_of(client, clinic.admin, therapist_id=elsewhere.id).json == []
    assert log_of(client, clinic.admin, patient_id=their_patient.id).json == []
    csv_text = log_of(client, clinic.admin, format="csv").get_data(as_text=True)
    assert "Elsewhere" not in csv_text
    theirs = log_of(client, elsewhere).json
    assert [r["patient_id"] for r in theirs] == [their_patient.id]
    # Each patient sees only their own record's rows.
    mine = client.get(f"{API}/me/access-log", headers=their_patient.headers).json
    assert [r["therapist_id"] for r in mine] == [elsewhere.id]


def test_a_patient_nobody_opened_gets_an_empty_list(client, clinic):
    visit(client, clinic.admin, clinic.patient)
    response = client.get(f"{API}/me/access-log", headers=clinic.other_patient.headers)
    assert response.status_code == 200
    assert response.json == []
    refused = client.get(f"{API}/me/access-log", headers=clinic.admin.headers)
    assert refused.status_code == 403


def test_a_patient_sees_their_log_newest_first(app, client, clinic, clock):
    visit(client, clinic.admin, clinic.patient)
    clock.advance(minutes=30)
    visit(client, clinic.colleague, clinic.patient, "/report")
    response = client.get(f"{API}/me/access-log", headers=clinic.patient.headers)
    assert [(r["therapist_name"], r["kind"]) for r in response.json] == [
        ("Colleague 2", "report"),
        ("Lead 1", "view"),
    ]
    limited = client.get(
        f"{API}/me/access-log",
        query_string={"limit": 1},
        headers=clinic.patient.headers,
    )
    assert len(limited.json) == 1


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_no_route_changes_or_deletes_a_row(app, client, clinic, method):
    visit(client, clinic.admin, clinic.patient)
    before = rows(app)
    for path in (LOG, f"{API}/me/access-log"):
        response = client.open(path, method=method, headers=clinic.admin.headers)
        assert response.status_code == 405
        assert response.json["code"] == 405
    assert rows(app) == before
