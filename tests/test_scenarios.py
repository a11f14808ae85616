"""Every surface tells the same story: each synthetic history in
tests/scenarios/histories.yaml is built through the API (its sessions set in
the database), then the summary (both roles), the patient list, the trends (both
roles), the report and its PDF, and the alerts are asked, and each must show the
clinical picture's verdict and adherence, and the alerts and advice it implies."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ScheduledSession, User
from kinetic.models.plans import session_exercises
from kinetic.services import progression_review, safety

API = "/api/v1"
TODAY = date(2026, 3, 30)
HISTORIES = yaml.safe_load(
    (Path(__file__).parent / "scenarios" / "histories.yaml").read_text()
)
STATUS = {"D": ("done", 1.0), "P": ("partly_done", 0.5), "M": ("pending", None)}
VERDICT_WORDS = {
    "improving": "Improving",
    "unchanged": "No meaningful change",
    "worsening": "Worsening",
    "insufficient_data": "Not enough data yet",
}


def test_there_are_at_least_twelve_histories_with_every_verdict():
    assert len(HISTORIES) >= 12
    verdicts = {h["expect"]["verdict"] for h in HISTORIES}
    assert verdicts == set(VERDICT_WORDS)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def get(client, who, url) -> dict:
    response = client.get(f"{API}{url}", headers=who.headers)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.json


def _set_sessions(app, patient, start: date, letters: str) -> None:
    with app.app_context():
        rows = db.session.scalars(
            select(ScheduledSession).where(ScheduledSession.patient_id == patient.id)
        )
        by_day = {s.date: s for s in rows}
        for n, letter in enumerate(letters):
            session = by_day.get(start + timedelta(days=n))
            if letter == "-" or session is None:
                continue
            session.status, session.done_fraction = STATUS[letter]
            if letter != "M":
                session.completed_at = at(session.date, 18)
                session.pain_during = 2
        db.session.commit()


def _session_on(app, patient, day: date) -> tuple[int, str]:
    with app.app_context():
        session = db.session.scalar(
            select(ScheduledSession).where(
                ScheduledSession.patient_id == patient.id, ScheduledSession.date == day
            )
        )
        return session.id, session_exercises(session)[0]["slug"]


def _events(history: dict) -> dict[int, list[tuple]]:
    """Per day back from today: what the patient sends, in the order sent."""
    events: dict[int, list[tuple]] = {}
    for first, last, scores in history.get("pain", []):
        for back in range(first, last - 1, -1):
            day_scores = {
                region: value[back % len(value)] if isinstance(value, list) else value
                for region, value in scores.items()
            }
            events.setdefault(back, []).append(("pain", day_scores))
    for back, value in history.get("peg", []):
        events.setdefault(back, []).append(("peg", value))
    for back, scores in history.get("exercise_pain", []):
        events.setdefault(back, []).append(("hurts", scores))
    return events


def build(app, client, clock, therapist, patient, make_assignment, history) -> dict:
    """Lives the history day by day; returns what the patient was told."""
    start = TODAY - timedelta(days=history["plan_start"])
    make_assignment(
        patient,
        therapist,
        start_date=start,
        days_of_week=list(range(7)),
        weeks=history["plan_start"] // 7 + 2,
    )
    _set_sessions(app, patient, start, history.get("sessions", ""))
    if history.get("peg"):
        clock.set(at(TODAY - timedelta(days=max(b for b, _ in history["peg"]))))
        response = client.post(
            f"{API}/patients/{patient.id}/questionnaires",
            json={"questionnaire": "peg-3", "every_days": 7},
            headers=therapist.headers,
        )
        assert response.status_code in (200, 201), response.json
    told = {"not_eased": 0, "hurts_advice": []}
    for back, happenings in sorted(_events(history).items(), reverse=True):
        day = TODAY - timedelta(days=back)
        for n, (kind, value) in enumerate(happenings):
            clock.set(at(day) + timedelta(minutes=n))
            told = _send(app, client, patient, day, kind, value, told)
    clock.set(at(TODAY, 23))
    with app.app_context():  # the nightly reviews, as the scheduler runs them
        user = db.session.get(User, patient.id)
        safety.evaluate(user, TODAY)
        progression_review.after_completion(user, TODAY)
        db.session.commit()
    return told


def _send(app, client, patient, day, kind, value, told) -> dict:
    if kind == "peg":
        body = {
            "questionnaire": "peg-3",
            "answers": dict.fromkeys(("pain", "enjoyment", "activity"), value),
            "client_id": str(uuid.uuid4()),
        }
        response = client.post(
            f"{API}/me/questionnaire-responses", json=body, headers=patient.headers
        )
        assert response.status_code == 201, response.json
        return told
    body = {**value, "recorded_at": at(day).isoformat()}
    if kind == "hurts":
        body["session_id"], body["exercise"] = _session_on(app, patient, day)
    response = client.post(f"{API}/me/pain", json=body, headers=patient.headers)
    assert response.status_code == 201, response.json
    codes = [a["code"] for a in response.json["advice"]]
    told["not_eased"] += codes.count("no_improvement")
    if kind == "hurts":
        told["hurts_advice"] += codes
    return told


@pytest.mark.parametrize("history", HISTORIES, ids=[h["name"] for h in HISTORIES])
def test_every_surface_shows_the_same_picture(
    app,
    client,
    clock,
    make_therapist,
    make_patient,
    make_assignment,
    questionnaires,
    history,
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    told = build(app, client, clock, therapist, patient, make_assignment, history)
    expect = history["expect"]

    mine = get(client, patient, "/me/summary?days=28")
    assert mine == get(client, therapist, f"/patients/{patient.id}/summary?days=28")
    assert mine["verdict"] == expect["verdict"], mine["reasons"]
    assert mine["adherence"] == expect["adherence"]
    ratio = mine["adherence"]["ratio"]

    week = get(client, patient, "/me/summary?days=7")["adherence"]["ratio"]
    [row] = get(client, therapist, "/patients")
    assert row["adherence_7d"] == week

    for who, url in ((patient, "/me"), (therapist, f"/patients/{patient.id}")):
        trend = get(client, who, f"{url}/trends?days=28")
        assert trend["adherence"] == ratio
        assert trend["adherence_detail"] == mine["adherence"]

    first = (TODAY - timedelta(days=27)).isoformat()
    query = f"from={first}&to={TODAY.isoformat()}"
    report = get(client, therapist, f"/patients/{patient.id}/report?{query}")
    sections = {s["key"]: s["data"] for s in report["sections"]}
    assert sections["adherence"]["adherence"] == ratio
    assert sections["adherence"]["sessions_due"] == mine["adherence"]["due"]
    assert sections["progress"]["verdict"] == mine["verdict"]
    assert sections["progress"]["reasons"] == mine["reasons"]
    assert sections["progress"]["adherence"] == mine["adherence"]

    pdf = client.get(
        f"{API}/patients/{patient.id}/report.pdf?{query}", headers=therapist.headers
    )
    assert pdf.status_code == 200
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages
        ).split()
    )
    assert VERDICT_WORDS[mine["verdict"]] in text
    if ratio is not None:
        assert f"{round(ratio * 100)} %" in text

    alerts = get(client, therapist, f"/alerts?patient_id={patient.id}")
    open_kinds = {a["kind"] for a in alerts if a["status"] == "open"}
    assert open_kinds == set(expect["alerts"])
    # The alerts agree with the verdict, whatever the history.
    assert ("worsening" in open_kinds) == (mine["verdict"] == "worsening")
    if "no_improvement" in open_kinds:
        assert mine["verdict"] == "unchanged"
    resolved = {a["kind"] for a in alerts if a["status"] == "resolved"}
    assert resolved == set(expect.get("resolved", []))

    # A suggestion quotes the picture's adherence over its own window.
    suggestions = get(client, therapist, f"/patients/{patient.id}/suggestions")
    found = [f"{s['action']} {s['status']}" for s in suggestions]
    assert found == expect.get("suggestions", [])
    for suggestion in suggestions:
        if (figure := suggestion["figures"].get("adherence")) is not None:
            days = suggestion["figures"]["adherence_days"]
            window = get(client, patient, f"/me/summary?days={days}")
            assert figure == window["adherence"]["ratio"]

    assert told["not_eased"] == expect["not_eased_advice"]
    assert "no_improvement" not in told["hurts_advice"]
