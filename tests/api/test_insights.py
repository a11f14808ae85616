"""Insights: shown only with enough data, with the numbers on each side and the
caution that they show what happened together, not what caused it."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import PainEntry, ScheduledSession
from kinetic.services import insights

API = "/api/v1"
START = date(2026, 2, 9)  # a Monday; the fake clock's today is Tuesday 2026-03-10
YESTERDAY = date(2026, 3, 9)


@pytest.fixture
def therapist(make_therapist):
    return make_therapist()


@pytest.fixture
def patient(make_patient, therapist):
    return make_patient(therapist)


def plan(app, make_assignment, patient, therapist, done) -> None:
    """Mon/Wed/Fri sessions from START; those whose date `done` accepts are done."""
    make_assignment(patient, therapist, start_date=START, weeks=8)
    with app.app_context():
        for session in db.session.scalars(select(ScheduledSession)):
            if session.date < date(2026, 3, 10) and done(session.date):
                session.status = "done"
                session.completed_at = datetime.combine(session.date, time(18), UTC)
        db.session.commit()


def log(app, patient, first: date, scores) -> None:
    """One entry a day from `first` to yesterday; `scores(day)` gives its fields."""
    with app.app_context():
        day = first
        while day <= YESTERDAY:
            db.session.add(
                PainEntry(
                    patient_id=patient.id,
                    recorded_at=datetime.combine(day, time(20), UTC),
                    local_date=day,
                    **scores(day),
                )
            )
            day += timedelta(days=1)
        db.session.commit()


def mine(client, patient) -> list[dict]:
    response = client.get(f"{API}/me/insights", headers=patient.headers)
    assert response.status_code == 200, response.json
    return response.json


def after_session(day: date) -> bool:
    return (day - timedelta(days=1)).weekday() in (0, 2, 4)


def test_too_short_a_history_shows_nothing(
    app, client, clock, patient, therapist, make_assignment
):
    plan(app, make_assignment, patient, therapist, done=lambda d: True)
    first = YESTERDAY - timedelta(days=insights.MIN_SPAN_DAYS - 3)
    log(app, patient, first, lambda d: {"low_back": 3 if after_session(d) else 6})

    assert mine(client, patient) == []


def test_too_few_days_on_one_side_shows_nothing_for_that_comparison(
    app, client, clock, patient, therapist, make_assignment
):
    # Only the first week's sessions done: 3 days after a session, 26 without.
    plan(app, make_assignment, patient, therapist, done=lambda d: d < date(2026, 2, 14))
    log(app, patient, START, lambda d: {"low_back": 4})

    found = mine(client, patient)

    assert [f for f in found if f["kind"] == "after_session"] == []


def test_pain_after_sessions_and_per_exercise_with_enough_data(
    app, client, clock, patient, therapist, make_assignment
):
    plan(app, make_assignment, patient, therapist, done=lambda d: True)
    chin_tuck_from = date(2026, 2, 23)  # the plan's second phase adds it

    def scores(day):
        neck_after = after_session(day) and day > chin_tuck_from
        return {
            "low_back": 3 if after_session(day) else 5,
            "neck": 2 if neck_after else 4,
        }

    log(app, patient, START, scores)

    found = {
        (f["kind"], f["region"], f.get("exercise")): f for f in mine(client, patient)
    }

    low_back = found[("after_session", "low_back", None)]
    assert (low_back["mean_with"], low_back["mean_without"]) == (3.0, 5.0)
    assert low_back["difference"] == -2.0
    assert (low_back["n_with"], low_back["n_without"]) == (12, 17)
    assert low_back["sentence"].startswith("On days after a session, low back pain")
    assert low_back["sentence"].endswith(insights.CAUTION)
    assert low_back["plain"] == (
        "On days after your exercises, your low back pain was lower by about 2 points."
    )
    chin = found[("exercise", "neck", "test-chin-tuck")]
    assert (chin["n_with"], chin["mean_with"], chin["mean_without"]) == (6, 2.0, 4.0)
    assert "Test chin tuck" in chin["sentence"]
    assert chin["plain"] == (
        "On days after Test chin tuck, your neck pain was lower by about 2 points."
    )
    bracing = found[("exercise", "low_back", "test-bracing")]
    assert bracing["difference"] == -2.0
    assert all(f["sentence"].endswith(insights.CAUTION) for f in found.values())
    # Every session done: no weeks with low adherence to compare with.
    assert not [k for k in found if k[0] == "weekly_adherence"]


def test_weekly_adherence_against_the_weekly_change_in_pain(
    app, client, clock, patient, therapist, make_assignment
):
    # Weeks end yesterday (Monday): sessions done in the 1st and 3rd weeks back.
    def in_week(day: date, weeks_back: int) -> bool:
        end = YESTERDAY - timedelta(days=7 * weeks_back)
        return end - timedelta(days=6) <= day <= end

    plan(
        app,
        make_assignment,
        patient,
        therapist,
        done=lambda d: in_week(d, 0) or in_week(d, 2),
    )
    weekly = {0: 4, 1: 6, 2: 5, 3: 6, 4: 6}
    log(
        app,
        patient,
        START,
        lambda d: {"neck": next(v for k, v in weekly.items() if in_week(d, k))},
    )

    found = [f for f in mine(client, patient) if f["kind"] == "weekly_adherence"]

    (neck,) = found
    assert neck["region"] == "neck"
    assert (neck["n_with"], neck["n_without"]) == (2, 2)
    assert (neck["mean_with"], neck["mean_without"]) == (-1.5, 0.5)
    assert neck["difference"] == -2.0
    assert "at least 80% of sessions done" in neck["sentence"]
    assert neck["plain"] == (
        "In weeks when you did most of your sessions, your neck pain eased about 2 "
        "points more than in other weeks."
    )


def test_the_therapist_sees_their_patients_insights(
    app, client, clock, patient, therapist, make_assignment
):
    plan(app, make_assignment, patient, therapist, done=lambda d: True)
    log(app, patient, START, lambda d: {"low_back": 3 if after_session(d) else 5})

    response = client.get(
        f"{API}/patients/{patient.id}/insights", headers=therapist.headers
    )

    assert response.status_code == 200
    assert response.json == mine(client, patient)
    assert response.json[0]["kind"] == "after_session"


@pytest.mark.parametrize(
    ("difference", "plain"),
    [
        (-1.2, "your neck pain was lower by about 1 point."),
        (-0.6, "your neck pain was lower by about 1 point."),
        (-0.4, "your neck pain was about the same as on other days."),
        (0.0, "your neck pain was about the same as on other days."),
        (0.4, "your neck pain was about the same as on other days."),
        (1.5, "your neck pain was higher by about 2 points."),
        (-3.4, "your neck pain was lower by about 3 points."),
    ],
)
def test_the_plain_sentence_rounds_to_whole_points(difference, plain):
    sentence = insights._plain_day("your exercises", "neck", difference)

    assert sentence == f"On days after your exercises, {plain}"


@pytest.mark.parametrize(
    ("difference", "plain"),
    [
        (-2.0, "eased about 2 points more than in other weeks."),
        (0.8, "eased about 1 point less than in other weeks."),
        (0.2, "changed about as much as in other weeks."),
    ],
)
def test_the_weekly_plain_sentence_says_which_way(difference, plain):
    sentence = insights._plain_weekly("headache", difference)

    weeks = "In weeks when you did most of your sessions"
    assert sentence == f"{weeks}, your headache {plain}"
