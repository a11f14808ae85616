"""Trends: daily means, 7-day rolling means, adherence, and the therapist's list in
a fixed number of queries."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from kinetic.extensions import db
from kinetic.schemas.diary import TrendsSchema

API = "/api/v1"


def post(client, patient, at: str, **scores):
    response = client.post(
        f"{API}/me/pain", json={**scores, "recorded_at": at}, headers=patient.headers
    )
    assert response.status_code == 201, response.json
    return response.json


def test_daily_values_are_means_of_the_days_entries(client, clock, make_patient):
    patient = make_patient()
    post(client, patient, "2026-03-09T08:00:00Z", low_back=4, neck=1)
    post(client, patient, "2026-03-09T20:00:00Z", low_back=7)
    post(client, patient, "2026-03-10T09:00:00Z", headache=2)
    trends = client.get(f"{API}/me/trends?days=3", headers=patient.headers).json
    assert trends["from"] == "2026-03-08" and trends["to"] == "2026-03-10"
    days = {d["date"]: d for d in trends["days"]}
    assert days["2026-03-08"]["low_back"] is None
    assert days["2026-03-09"]["low_back"] == 5.5
    assert days["2026-03-09"]["neck"] == 1.0
    assert days["2026-03-09"]["headache"] is None
    assert days["2026-03-10"]["headache"] == 2.0
    assert days["2026-03-10"]["low_back"] is None


def test_rolling_mean_uses_the_trailing_days_with_values(client, clock, make_patient):
    patient = make_patient()
    # Days before the window still feed its first rolling values.
    post(client, patient, "2026-03-02T12:00:00Z", neck=8)  # before the window
    post(client, patient, "2026-03-04T12:00:00Z", neck=6)
    post(client, patient, "2026-03-08T12:00:00Z", neck=2)
    trends = client.get(f"{API}/me/trends?days=3", headers=patient.headers).json
    # 8th: 2nd..8th -> 8, 6, 2; 9th: 3rd..9th -> 6, 2; 10th: 4th..10th -> 6, 2.
    assert trends["rolling_7"]["neck"] == [5.33, 4.0, 4.0]
    assert trends["rolling_7"]["low_back"] == [None, None, None]
    trends = client.get(f"{API}/me/trends?days=9", headers=patient.headers).json
    # 2nd: 8 alone; 3rd: 8; 4th..8th: 8,6 -> 7, then 8,6,2 -> 5.33; 9th drops the 2nd.
    assert trends["rolling_7"]["neck"][0] == 8.0
    assert trends["rolling_7"]["neck"][2] == 7.0
    assert trends["rolling_7"]["neck"][6] == 5.33
    assert trends["rolling_7"]["neck"][7] == 4.0


def test_the_trend_is_sent_in_its_schemas_form(
    client, clock, make_therapist, make_patient, make_assignment
):
    # The answer skips marshmallow's dump: it must load with the schema that
    # documents it and dump back the same, empty days, sessions and means included.
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(patient, therapist, start_date="2026-03-02")
    post(client, patient, "2026-03-04T12:00:00Z", neck=6, low_back=1)
    post(client, patient, "2026-03-09T08:00:00Z", low_back=4, headache=3)
    post(client, patient, "2026-03-09T20:00:00Z", low_back=7)

    mine = client.get(f"{API}/me/trends?days=14", headers=patient.headers)
    theirs = client.get(
        f"{API}/patients/{patient.id}/trends?days=14", headers=therapist.headers
    )

    assert mine.status_code == 200 and theirs.status_code == 200
    assert mine.json == theirs.json
    schema = TrendsSchema()
    assert schema.dump(schema.load(mine.json)) == mine.json
    assert (
        mine.json["from"] == "2026-02-25"
        and mine.json["days"][0]["date"] == "2026-02-25"
    )
    assert any(d["sessions_scheduled"] for d in mine.json["days"])
    assert {d["low_back"] for d in mine.json["days"]} >= {None, 5.5}


def test_adherence_counts_past_sessions_and_todays_done_ones(
    client, clock, make_therapist, make_patient, make_assignment
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    # Mon 2, Wed 4, Fri 6, Mon 9, Wed 11 (today is Tue 10)
    make_assignment(patient, therapist, start_date="2026-03-02")
    planned = client.get(
        f"{API}/me/sessions?from=2026-03-02&to=2026-03-11", headers=patient.headers
    ).json
    for session in planned[:2]:
        client.post(f"{API}/sessions/{session['id']}/complete", headers=patient.headers)
    trends = client.get(f"{API}/me/trends?days=14", headers=patient.headers).json
    assert trends["adherence"] == 0.5  # 2 done of 4 due
    scheduled = {
        d["date"]: (d["sessions_scheduled"], d["sessions_done"]) for d in trends["days"]
    }
    assert scheduled["2026-03-02"] == (1, 1)
    assert scheduled["2026-03-06"] == (1, 0)
    assert scheduled["2026-03-10"] == (0, 0)

    clock.set(datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    client.post(f"{API}/sessions/{planned[4]['id']}/complete", headers=patient.headers)
    trends = client.get(f"{API}/me/trends?days=14", headers=patient.headers).json
    assert trends["adherence"] == 0.6  # today's done session counts: 3 of 5


def test_no_sessions_means_no_adherence_figure(client, clock, make_patient):
    patient = make_patient()
    trends = client.get(f"{API}/me/trends", headers=patient.headers).json
    assert trends["adherence"] is None
    assert len(trends["days"]) == 30


@pytest.mark.parametrize("days", ["0", "366", "abc", "-3"])
def test_trend_window_must_be_1_to_365_days(client, make_patient, days):
    patient = make_patient()
    response = client.get(f"{API}/me/trends?days={days}", headers=patient.headers)
    assert response.status_code == 422
    assert "days" in response.json["errors"]


def test_therapist_sees_the_patients_trends(
    client, clock, make_therapist, make_patient
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    post(client, patient, "2026-03-10T08:00:00Z", low_back=3)
    response = client.get(
        f"{API}/patients/{patient.id}/trends?days=1", headers=therapist.headers
    )
    assert response.status_code == 200
    assert response.json["days"][0]["low_back"] == 3.0


def test_latest_holds_the_most_recent_score_per_region(
    client, clock, make_therapist, make_patient
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    post(client, patient, "2026-03-08T08:00:00Z", low_back=6, headache=4)
    post(client, patient, "2026-03-09T08:00:00Z", low_back=5)
    post(client, patient, "2026-03-10T08:00:00Z", neck=2)
    (row,) = client.get(f"{API}/patients", headers=therapist.headers).json
    assert row["latest"] == {
        "low_back": 5,
        "neck": 2,
        "headache": 4,
        "recorded_at": "2026-03-10T08:00:00+00:00",
    }
    assert row["open_alerts"] == 0
    assert row["adherence_7d"] is None


@contextmanager
def counted_statements(app):
    statements = []

    def count(*args, **kwargs):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_patient_list_costs_the_same_queries_for_3_or_12_patients(
    app, client, clock, make_therapist, make_patient, make_assignment
):
    def fill(count):
        therapist = make_therapist()
        for n in range(count):
            patient = make_patient(therapist, timezone=["UTC", "Asia/Tokyo"][n % 2])
            make_assignment(patient, therapist, start_date="2026-03-02")
            post(client, patient, "2026-03-09T08:00:00Z", low_back=n % 10)
        return therapist

    small, large = fill(3), fill(12)
    costs = []
    for therapist in (small, large):
        with counted_statements(app) as statements:
            response = client.get(f"{API}/patients", headers=therapist.headers)
        assert response.status_code == 200
        costs.append(len(statements))
    assert len(response.json) == 12
    assert costs[0] == costs[1]
    # The token, the patients, the threads, the sessions, and one statement for
    # the latest scores with the open alerts and pending suggestions.
    assert costs[1] <= 5
