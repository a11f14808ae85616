"""The progress report: its figures over a period, the PDF read back as text
(pypdf), and the period's bad inputs."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ScheduledSession
from kinetic.services import safety

API = "/api/v1"


@pytest.fixture
def history(app, client, clock, make_therapist, make_patient, make_assignment):
    """Mondays and Thursdays from Monday 2 March; today is Tuesday 10 March.
    Of the three sessions before today (2, 5 and 9 March), two are done: one with
    only the bracing ticked, one without ticks (all of it done)."""
    therapist = make_therapist("Dr Report")
    patient = make_patient(therapist)
    make_assignment(patient, therapist, start_date="2026-03-02", days_of_week=[0, 3])
    with app.app_context():
        sessions = db.session.scalars(
            select(ScheduledSession).order_by(ScheduledSession.date)
        ).all()
        first, second = sessions[0], sessions[1]
        for session, ticked in ((first, ["test-bracing"]), (second, None)):
            session.status, session.exercises_done = "done", ticked
        alert = safety.raise_alert(patient.id, "disengaged", {"missed": ["2026-03-09"]})
        db.session.commit()
        alert_id = alert.id
    client.patch(
        f"{API}/alerts/{alert_id}",
        json={"status": "acknowledged"},
        headers=therapist.headers,
    )
    entries = ((8, {"low_back": 7, "neck": 4, "headache": 0}), (1, {"low_back": 3}))
    for days_back, scores in entries:
        recorded = clock.now - timedelta(days=days_back)
        body = {**scores, "recorded_at": recorded.isoformat()}
        assert (
            client.post(
                f"{API}/me/pain", json=body, headers=patient.headers
            ).status_code
            == 201
        )
    return therapist, patient


def get_report(client, therapist, patient, query="from=2026-03-01&to=2026-03-10"):
    answer = client.get(
        f"{API}/patients/{patient.id}/report?{query}", headers=therapist.headers
    )
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_report_has_plan_adherence_pain_and_alerts(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient)

    assert (report["from"], report["to"]) == ("2026-03-01", "2026-03-10")
    keys = [s["key"] for s in report["sections"]]
    assert keys == ["plan", "adherence", "pain", "alerts"]
    sections = {s["key"]: s for s in report["sections"]}
    adherence = sections["adherence"]["data"]
    assert (adherence["sessions_due"], adherence["sessions_done"]) == (3, 2)
    assert adherence["adherence"] == 0.667
    assert adherence["exercises"]["test-bracing"] == {"planned": 3, "done": 2}
    pain = sections["pain"]["data"]["regions"]
    assert pain["low_back"]["mean"] == 5.0 and pain["low_back"]["entries"] == 2
    assert pain["neck"] == {
        "entries": 1,
        "mean": 4.0,
        "lowest": 4,
        "highest": 4,
        "first_week_mean": 4.0,
        "last_week_mean": None,
    }
    # A mean of 0 is a figure, not a missing one.
    assert pain["headache"]["first_week_mean"] == 0.0
    chart = [b for b in sections["pain"]["blocks"] if b["type"] == "chart"]
    assert chart[0]["svg"].startswith("<svg") and "<circle" in chart[0]["svg"]
    [row] = [b for b in sections["alerts"]["blocks"] if b["type"] == "table"][0]["rows"]
    assert row[1] == "Missed sessions"
    assert row[3].startswith("Acknowledged by Dr Report")


def test_the_pdf_reads_back_with_the_name_and_figures(client, history):
    therapist, patient = history
    name = client.get(f"{API}/me", headers=patient.headers).json["name"]

    answer = client.get(
        f"{API}/patients/{patient.id}/report.pdf?from=2026-03-01&to=2026-03-10",
        headers=therapist.headers,
    )

    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert "attachment" in answer.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(answer.data))
    # Table cells wrap: compare with single spaces.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert name in text
    assert "1 Mar 2026 to 10 Mar 2026" in text
    assert "2 of 3" in text and "67 %" in text  # sessions done, adherence
    assert "Test bracing" in text
    assert "5.0" in text  # the low back mean
    assert "Missed sessions" in text and "Acknowledged by Dr Report" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_the_pdf_comes_on_letter_paper_too(client, history):
    therapist, patient = history

    answer = client.get(
        f"{API}/patients/{patient.id}/report.pdf?paper=letter",
        headers=therapist.headers,
    )

    box = PdfReader(io.BytesIO(answer.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_the_default_period_is_the_last_30_days(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient, query="")

    assert report["to"] == "2026-03-10"
    assert report["from"] == (date(2026, 3, 10) - timedelta(days=29)).isoformat()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-03-10&to=2026-03-01", "to"),
        ("from=2024-01-01&to=2026-03-01", "to"),
        ("from=yesterday", "from"),
        ("paper=a3", "paper"),
    ],
)
def test_bad_periods_are_refused_naming_the_field(client, history, query, field):
    therapist, patient = history

    for path in ("report", "report.pdf"):
        answer = client.get(
            f"{API}/patients/{patient.id}/{path}?{query}", headers=therapist.headers
        )
        assert answer.status_code == 422, answer.get_data(as_text=True)
        assert field in answer.json["errors"]


def test_a_period_without_data_says_so(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient, "from=2025-01-01&to=2025-01-31")

    texts = [b.get("text") for s in report["sections"] for b in s["blocks"]]
    assert "No program in this period." in texts
    assert "No pain scores in this period." in texts
    assert "No alerts in this period." in texts
