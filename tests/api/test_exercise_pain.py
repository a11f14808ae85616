"""Exercise-pain reports ("Stop: this hurts" in the player) are their own record:
they move no diary figure (trends, the patient list, the safety rules, the
report, the pain lists), get only their own advice, still alert the therapist,
and show on the trend as `exercise_pain`."""

from datetime import UTC, date, datetime, timedelta

import pytest

from kinetic.extensions import db
from kinetic.models import User
from kinetic.schemas.diary import TrendsSchema
from kinetic.services import diary, safety

API = "/api/v1"
TODAY = date(2026, 3, 10)  # the fake clock's day
# Started 22 days ago, sessions every day: week 4 today, both exercises.
START = TODAY - timedelta(days=22)
NO_IMPROVEMENT = "has not eased much"


@pytest.fixture
def setup(app, clock, make_therapist, make_patient, make_assignment):
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(
        patient, therapist, start_date=START, days_of_week=list(range(7)), weeks=4
    )
    return therapist, patient


def at(day: date, hour: int = 8) -> str:
    return (
        datetime.combine(day, datetime.min.time(), UTC).replace(hour=hour).isoformat()
    )


def post(client, patient, **body):
    response = client.post(f"{API}/me/pain", json=body, headers=patient.headers)
    assert response.status_code == 201, response.json
    return response.json


def session_on(client, patient, day: date) -> int:
    response = client.get(
        f"{API}/me/sessions?from={day}&to={day}", headers=patient.headers
    )
    assert response.status_code == 200, response.json
    (session,) = response.json
    return session["id"]


def hurts(client, patient, day=TODAY, exercise="test-chin-tuck", **scores):
    session_id = session_on(client, patient, day)
    hour = 11 if day == TODAY else 18
    return post(
        client,
        patient,
        recorded_at=at(day, hour),
        session_id=session_id,
        exercise=exercise,
        **scores,
    )


def get(client, account, path):
    response = client.get(f"{API}{path}", headers=account.headers)
    assert response.status_code == 200, response.json
    return response.json


def diary_views(client, therapist, patient) -> dict:
    """Everything that reads the diary, as both sides see it."""
    mine = get(client, patient, "/me/trends?days=14")
    report = get(client, therapist, f"/patients/{patient.id}/report")
    (row,) = get(client, therapist, "/patients")
    return {
        "trend": {k: v for k, v in mine.items() if k != "exercise_pain"},
        "latest": row["latest"],
        "report_pain": next(s for s in report["sections"] if s["key"] == "pain"),
        "my_pain": get(client, patient, "/me/pain"),
        "their_pain": get(client, therapist, f"/patients/{patient.id}/pain"),
        "insights": get(client, patient, "/me/insights"),
    }


def test_a_hurts_report_moves_no_diary_figure(client, setup):
    therapist, patient = setup
    post(client, patient, recorded_at=at(TODAY - timedelta(2)), low_back=3, neck=2)
    post(client, patient, recorded_at=at(TODAY - timedelta(1)), low_back=4)
    post(client, patient, recorded_at=at(TODAY), neck=1)
    before = diary_views(client, therapist, patient)
    assert before["latest"]["low_back"] == 4 and before["latest"]["neck"] == 1
    assert len(before["my_pain"]) == 3

    hurts(client, patient, TODAY - timedelta(1), neck=9)
    hurts(client, patient, low_back=8, neck=6, exercise="test-bracing")

    after = diary_views(client, therapist, patient)
    assert after == before
    days = {d["date"]: d for d in after["trend"]["days"]}
    assert days[str(TODAY)]["neck"] == 1.0 and days[str(TODAY)]["low_back"] is None


def test_the_trend_lists_each_scored_region_oldest_first(client, setup):
    therapist, patient = setup
    old = TODAY - timedelta(days=20)  # outside 14 days, in week 1: bracing only
    hurts(client, patient, old, exercise="test-bracing", neck=5)
    yesterday = hurts(client, patient, TODAY - timedelta(1), neck=9)
    today = hurts(client, patient, low_back=8, neck=6, exercise="test-bracing")

    mine = get(client, patient, "/me/trends?days=14")
    theirs = get(client, therapist, f"/patients/{patient.id}/trends?days=14")
    assert mine == theirs
    assert mine["exercise_pain"] == [
        {
            "recorded_at": f"{TODAY - timedelta(1)}T18:00:00+00:00",
            "date": str(TODAY - timedelta(1)),
            "exercise": "test-chin-tuck",
            "exercise_name": "Test chin tuck",
            "session_id": yesterday["session_id"],
            "region": "neck",
            "score": 9,
        },
        *[
            {
                "recorded_at": f"{TODAY}T11:00:00+00:00",
                "date": str(TODAY),
                "exercise": "test-bracing",
                "exercise_name": "Test bracing",
                "session_id": today["session_id"],
                "region": region,
                "score": score,
            }
            for region, score in (("low_back", 8), ("neck", 6))
        ],
    ]
    schema = TrendsSchema()  # sent without marshmallow: it must match its document
    assert schema.dump(schema.load(mine)) == mine
    longer = get(client, patient, "/me/trends?days=30")["exercise_pain"]
    assert [item["score"] for item in longer] == [5, 9, 8, 6]


def no_improvement_weeks(client, patient) -> list[dict]:
    """A baseline of 5 in the first week, 4 in the last: no improvement. The
    entries of the last week, one of which was told so (once)."""
    for n in range(7):
        post(client, patient, recorded_at=at(START + timedelta(n)), low_back=5)
    return [
        post(client, patient, recorded_at=at(TODAY - timedelta(n)), low_back=4)
        for n in range(6, -1, -1)
    ]


def findings_now(app, patient, pending=None):
    with app.app_context():
        user = db.session.get(User, patient.id)
        entry = None
        if pending:
            entry, _ = diary.pain_to_record(user, pending)
        try:
            return safety.findings(user, TODAY, pending=entry)
        finally:
            db.session.rollback()


def alert_kinds(client, therapist) -> list[str]:
    return sorted(a["kind"] for a in get(client, therapist, "/alerts?status=open"))


@pytest.mark.parametrize("red_flags", [[], ["saddle_numbness"]])
def test_hurts_advice_is_its_own_even_when_no_improvement_holds(
    app, client, setup, red_flags
):
    therapist, patient = setup
    told = [
        [a["code"] for a in entry["advice"]]
        for entry in no_improvement_weeks(client, patient)
    ]
    assert sum(codes.count("no_improvement") for codes in told) == 1
    found = findings_now(app, patient)
    assert "no_improvement" in [f.kind for f in found]
    kinds = alert_kinds(client, therapist)

    report = hurts(client, patient, low_back=9, red_flags=red_flags)

    codes = [a["code"] for a in report["advice"]]
    assert codes == ["exercise_pain", *(["red_flag"] if red_flags else [])]
    assert not any(NO_IMPROVEMENT in a["text"] for a in report["advice"])
    raised = ["exercise_pain", *(["red_flag"] if red_flags else [])]
    assert alert_kinds(client, therapist) == sorted(kinds + raised)
    if not red_flags:  # a red flag pauses the plan, which moves the baseline
        assert findings_now(app, patient) == found


def test_a_correction_of_a_hurts_report_gets_no_diary_advice(app, client, setup):
    _, patient = setup
    no_improvement_weeks(client, patient)
    report = hurts(client, patient, low_back=2)
    response = client.patch(
        f"{API}/me/pain/{report['id']}", json={"low_back": 9}, headers=patient.headers
    )
    assert response.status_code == 200, response.json
    assert [a["code"] for a in response.json["advice"]] == ["exercise_pain"]


def test_hurts_reports_count_in_no_rule(app, client, setup):
    therapist, patient = setup
    for n in (2, 1, 0):  # 9s on three days: the diary's "high scores" would hold
        report = hurts(client, patient, TODAY - timedelta(n), headache=9)
        assert [a["code"] for a in report["advice"]] == ["exercise_pain"]
    kinds = [f.kind for f in findings_now(app, patient)]
    assert kinds == ["disengaged"]  # the undone sessions; no worsening
    assert "worsening" not in alert_kinds(client, therapist)
    # The rules read before writing (POST's path) leave a report out as well.
    pending = {
        "recorded_at": datetime(2026, 3, 10, 11, tzinfo=UTC),
        "headache": 10,
        "session_id": session_on(client, patient, TODAY),
        "exercise": "test-chin-tuck",
    }
    assert findings_now(app, patient, pending) == findings_now(app, patient)
