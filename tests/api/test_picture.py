"""The clinical picture: adherence (partly done sessions count their share), the
change in pain against its baseline with IMMPACT's thresholds, questionnaires
against their own minimal important change, and the verdict with its reasons."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ScheduledSession
from kinetic.schemas.picture import SummarySchema

API = "/api/v1"
# The fake clock's today (tests/conftest.py).
TODAY = date(2026, 3, 10)


@pytest.fixture
def therapist(make_therapist):
    return make_therapist()


@pytest.fixture
def patient(make_patient, therapist, questionnaires):
    return make_patient(therapist)


def pain(client, patient, day: date, **scores):
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()
    response = client.post(
        f"{API}/me/pain", json={**scores, "recorded_at": at}, headers=patient.headers
    )
    assert response.status_code == 201, response.json


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def summary(client, patient, days=28) -> dict:
    response = client.get(f"{API}/me/summary?days={days}", headers=patient.headers)
    assert response.status_code == 200, response.json
    assert SummarySchema().validate(response.json) == {}
    return response.json


def set_sessions(app, patient, statuses: dict[date, tuple[str, float | None]]):
    with app.app_context():
        for session in db.session.scalars(
            select(ScheduledSession).where(ScheduledSession.patient_id == patient.id)
        ):
            if session.date in statuses:
                session.status, session.done_fraction = statuses[session.date]
        db.session.commit()


# -- adherence ---------------------------------------------------------------------


def test_adherence_counts_a_partly_done_session_as_its_share(
    app, client, clock, therapist, patient, make_assignment
):
    # Mon, Wed, Fri from Mon 2 Mar: 2, 4, 6, 9 (past), 11 (future); today is Tue 10.
    make_assignment(patient, therapist, start_date="2026-03-02")
    set_sessions(
        app,
        patient,
        {
            date(2026, 3, 2): ("done", 1.0),
            date(2026, 3, 4): ("partly_done", 0.5),
            # 6 and 9 Mar stay pending: a past pending session is missed.
        },
    )
    found = summary(client, patient, days=14)["adherence"]
    assert found == {
        "due": 4,
        "done": 1,
        "partly_done": 1,
        "missed": 2,
        "ratio": 0.375,
    }


def test_todays_session_counts_once_done_and_never_before(
    app, client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, start_date="2026-03-09")  # Mon 9, Wed 11
    clock.set(datetime(2026, 3, 9, 12, tzinfo=UTC))  # Monday: today's session
    assert summary(client, patient, days=7)["adherence"]["due"] == 0
    assert summary(client, patient, days=7)["adherence"]["ratio"] is None
    set_sessions(app, patient, {date(2026, 3, 9): ("partly_done", 0.25)})
    found = summary(client, patient, days=7)["adherence"]
    assert found["due"] == 1 and found["ratio"] == 0.25


def test_the_summary_window_is_checked(client, clock, patient):
    for days in ("6", "366", "x"):
        response = client.get(f"{API}/me/summary?days={days}", headers=patient.headers)
        assert response.status_code == 422
        assert response.json["errors"]["days"], response.json
    assert summary(client, patient)["window"] == {
        "from": "2026-02-11",
        "to": "2026-03-10",
        "days": 28,
    }


# -- pain --------------------------------------------------------------------------


def test_a_fall_of_2_points_and_30_percent_is_meaningful(
    client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, start_date=days_ago(27).isoformat())
    for n in range(27, 21, -1):  # the plan's first week
        pain(client, patient, days_ago(n), low_back=6, neck=7)
    for n in range(6, -1, -1):  # the last 7 days: low back -2.0 (33%), neck -2 (29%)
        pain(client, patient, days_ago(n), low_back=4, neck=5)
    found = summary(client, patient)
    assert found["pain"]["low_back"] == {
        "baseline": 6.0,
        "recent": 4.0,
        "change": -2.0,
        "change_pct": -33,
        "meaningful": True,
        "direction": "better",
    }
    assert found["pain"]["neck"]["meaningful"] is False  # 2 points but 28.6%
    assert found["pain"]["neck"]["direction"] == "same"
    assert found["verdict"] == "improving"
    assert [r["measure"] for r in found["reasons"]] == ["pain.low_back", "pain.neck"]
    assert found["reasons"][0]["text"].startswith("Low back pain 6.0 → 4.0")


def test_the_baseline_is_the_week_before_the_plan_when_it_has_entries(
    client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, start_date=days_ago(20).isoformat())
    for n in (25, 23):  # two days in the 7 before the plan
        pain(client, patient, days_ago(n), headache=8)
    for n in (20, 19, 18):  # the plan's first week: lower already
        pain(client, patient, days_ago(n), headache=6)
    for n in (3, 1):
        pain(client, patient, days_ago(n), headache=5)
    found = summary(client, patient)["pain"]["headache"]
    assert found["baseline"] == 8.0 and found["recent"] == 5.0
    assert found["change"] == -3.0 and found["change_pct"] == -38
    assert found["meaningful"] is True


def test_a_small_change_or_overlapping_windows_is_no_verdict(
    client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, start_date=days_ago(4).isoformat())
    for n in range(4, -1, -1):
        pain(client, patient, days_ago(n), low_back=6)
    found = summary(client, patient)
    # The recent week still overlaps the baseline week: nothing to compare.
    assert found["pain"]["low_back"]["change"] is None
    assert found["verdict"] == "insufficient_data" and found["reasons"] == []


def test_a_rise_from_a_low_baseline_is_still_worsening(
    client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, start_date=days_ago(20).isoformat())
    for n in (20, 19):
        pain(client, patient, days_ago(n), neck=1, low_back=6)
    for n in (2, 1):
        pain(client, patient, days_ago(n), neck=4, low_back=3)
    found = summary(client, patient)
    # Low back improved meaningfully, but neck rose 3 points: safety first.
    assert found["pain"]["neck"]["direction"] == "worse"
    assert found["pain"]["low_back"]["direction"] == "better"
    assert found["verdict"] == "worsening"
    assert found["reasons"][0]["measure"] == "pain.neck"


def test_a_flare_is_worsening_whatever_the_means(
    client, clock, therapist, patient, make_assignment
):
    make_assignment(patient, therapist, start_date=days_ago(20).isoformat())
    pain(client, patient, days_ago(1), headache=9)
    pain(client, patient, TODAY, headache=8)
    found = summary(client, patient)
    assert found["verdict"] == "worsening"
    assert found["reasons"][0]["measure"] == "flare.headache"
    assert found["reasons"][0]["days"] == ["2026-03-09", "2026-03-10"]


# -- questionnaires ----------------------------------------------------------------


def answer_peg(client, patient, value: int):
    response = client.post(
        f"{API}/me/questionnaire-responses",
        json={
            "questionnaire": "peg-3",
            "answers": {"pain": value, "enjoyment": value, "activity": value},
            "client_id": str(uuid.uuid4()),
        },
        headers=patient.headers,
    )
    assert response.status_code == 201, response.json


def test_peg3_by_its_own_minimal_important_change(
    client, clock, therapist, patient, make_assignment
):
    client.post(
        f"{API}/patients/{patient.id}/questionnaires",
        json={"questionnaire": "peg-3", "every_days": 7},
        headers=therapist.headers,
    )
    answer_peg(client, patient, 6)
    found = summary(client, patient)
    # One answer is a baseline, not a change.
    assert found["questionnaires"][0]["change"] is None
    assert found["verdict"] == "insufficient_data"
    clock.advance(days=14)
    answer_peg(client, patient, 4)
    found = summary(client, patient)
    [peg] = found["questionnaires"]
    assert peg["baseline"] == 6.0 and peg["latest"] == 4.0 and peg["change"] == -2.0
    assert peg["meaningful"] is True and peg["direction"] == "better"
    assert found["verdict"] == "improving"
    assert found["reasons"][0]["measure"] == "questionnaire.peg-3"


# -- who may see it ----------------------------------------------------------------


def test_only_the_patients_therapist_sees_the_summary(
    client, clock, therapist, patient, make_therapist
):
    url = f"{API}/patients/{patient.id}/summary"
    assert client.get(url, headers=therapist.headers).status_code == 200
    assert client.get(url, headers=make_therapist().headers).status_code == 404
    assert client.get(url, headers=patient.headers).status_code == 403
    assert client.get(url).status_code == 401
    mine = client.get(f"{API}/me/summary", headers=therapist.headers)
    assert mine.status_code == 403
