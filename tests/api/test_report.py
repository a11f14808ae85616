"""The progress report: its figures over a period, the PDF read back as text
(pypdf), and the period's bad inputs."""

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ScheduledSession, User
from kinetic.services import questionnaires, safety

API = "/api/v1"


# PEG-3 (mean of three items) answered before and during the period, and the PGIC.
ANSWERS = (
    ("peg-3", "2026-02-24", (7, 6, 5)),  # 6.0: the baseline, before the period
    ("peg-3", "2026-03-03", (5, 5, 5)),  # 5.0: down 1.0, the minimal important change
    ("peg-3", "2026-03-09", (6, 5, 5)),  # 5.3: down 0.7, not enough
    ("pgic", "2026-03-09", (2,)),  # much improved
)


def answered(patient_id: int, therapist_id: int) -> None:
    patient = db.session.get(User, patient_id)
    therapist = db.session.get(User, therapist_id)
    for slug, on, values in ANSWERS:
        row, _ = questionnaires.schedule(
            patient,
            therapist,
            {"questionnaire": slug, "every_days": 7, "start_date": date(2026, 2, 24)},
        )
        at = datetime.combine(date.fromisoformat(on), time(18), UTC)
        db.session.add(questionnaires.new_response(patient, row, list(values), at))
        db.session.flush()


def tailor(client, therapist, assignment_id) -> None:
    """Version 2: one more set of the bracing, and a note."""
    path = f"{API}/assignments/{assignment_id}/prescription"
    plan = client.get(path, headers=therapist.headers).json
    plan["phases"][0]["exercises"][0]["sets"] += 1
    plan["note"] = "Slower this week."
    answer = client.put(path, json=plan, headers=therapist.headers)
    assert answer.status_code == 200, answer.json


@pytest.fixture
def history(
    app, client, clock, make_therapist, make_patient, make_assignment, questionnaires
):
    """Mondays and Thursdays from Monday 2 March; today is Tuesday 10 March.
    Of the three sessions before today (2, 5 and 9 March), two are done: one with
    only the bracing ticked (and the player's feedback), one without ticks (all of
    it done). The plan was tailored today, and questionnaires answered."""
    therapist = make_therapist("Dr Report")
    patient = make_patient(therapist)
    plan = make_assignment(
        patient, therapist, start_date="2026-03-02", days_of_week=[0, 3]
    )
    with app.app_context():
        sessions = db.session.scalars(
            select(ScheduledSession).order_by(ScheduledSession.date)
        ).all()
        first, second = sessions[0], sessions[1]
        for session, ticked in ((first, ["test-bracing"]), (second, None)):
            session.status, session.exercises_done = "done", ticked
        first.exercise_feedback = [
            {
                "exercise": "test-bracing",
                "sets_done": 2,
                "pain": 3,
                "effort": "too_hard",
            }
        ]
        answered(patient.id, therapist.id)
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
    clock.advance(hours=1)
    tailor(client, therapist, plan)
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
    assert keys == [
        "progress",
        "plan",
        "plan_changes",
        "adherence",
        "exercise_feedback",
        "pain",
        "questionnaires",
        "alerts",
    ]
    sections = {s["key"]: s for s in report["sections"]}
    [plan] = sections["plan"]["data"]["assignments"]
    assert plan["prescription_version"] == 2
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


def table(section: dict) -> dict:
    [found] = [b for b in section["blocks"] if b["type"] == "table"]
    return found


def test_plan_changes_name_each_version_who_when_and_what(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient)

    section = next(s for s in report["sections"] if s["key"] == "plan_changes")
    assert section["title"] == "Plan changes"
    found = table(section)
    assert found["columns"] == [
        "Plan",
        "Version",
        "When",
        "Who",
        "What changed",
        "Note",
    ]
    first, second = found["rows"]
    assert first[:3] == ["Test plan", "v1", "10 Mar 2026 12:00"]
    assert first[3].startswith("Dr Report") and first[4] == "Prescribed from Test plan"
    assert first[5] == "–"
    assert second[:3] == ["Test plan", "v2", "10 Mar 2026 13:00"]
    assert "Foundation: Test bracing 2 × 6 → 3 × 6" in second[4]
    assert "Plan note changed" in second[4]
    assert second[5] == "Slower this week."
    versions = section["data"]["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["note"] == "Slower this week."
    assert versions[1]["changed_at"] == "2026-03-10T13:00:00+00:00"


def test_questionnaires_have_baseline_change_band_and_important_change(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient)

    section = next(s for s in report["sections"] if s["key"] == "questionnaires")
    found = table(section)
    assert found["columns"][-2:] == ["Change", "Important change"]
    assert found["rows"] == [
        # PEG-3 has no bands (see its file).
        ["PEG-3", "3 Mar 2026", "5.0", "–", "6.0 (24 Feb 2026)", "-1.0", "Yes"],
        ["PEG-3", "9 Mar 2026", "5.3", "–", "6.0 (24 Feb 2026)", "-0.7", "No"],
        ["PGIC", "9 Mar 2026", "2", "much improved", "–", "–", "Yes"],
    ]
    texts = " ".join(b["text"] for b in section["blocks"] if b["type"] == "text")
    assert "PEG-3: lower is better; a fall of 1 or more" in texts
    assert "PGIC rates change itself: “Much improved” or better counts." in texts
    peg, pgic = section["data"]["questionnaires"]
    assert peg["baseline"] == {"date": "2026-02-24", "score": 6.0}
    assert [r["change_from_baseline"] for r in peg["responses"]] == [-1.0, -0.7]
    assert [r["meaningful"] for r in peg["responses"]] == [True, False]
    assert peg["minimal_important_change"] == 1.0
    assert pgic["baseline"] is None
    assert pgic["responses"][0]["meaningful"] is True
    assert pgic["responses"][0]["baseline"] is False


def test_how_the_exercises_went_comes_from_the_player(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient)

    section = next(s for s in report["sections"] if s["key"] == "exercise_feedback")
    assert table(section)["rows"] == [
        ["Test bracing", "1", "0", "3.0", "0 / 0 / 1", "0"]
    ]
    [bracing] = section["data"]["exercises"]
    assert bracing["mean_pain"] == 3.0 and bracing["effort"]["too_hard"] == 1


def test_a_baseline_in_the_period_reads_as_the_baseline(client, history):
    therapist, patient = history

    report = get_report(client, therapist, patient, "from=2026-02-20&to=2026-03-04")

    section = next(s for s in report["sections"] if s["key"] == "questionnaires")
    rows = table(section)["rows"]
    assert [r[5] for r in rows] == ["Baseline", "-1.0"]


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
    # The plan changes: the new version, who made it, what changed and the note.
    assert "Plan changes" in text and "v2" in text
    assert "Plan note changed" in text and "Slower this week." in text
    # How the exercises went, from the player.
    assert "How the exercises went" in text and "0 / 0 / 1" in text
    # The questionnaires: scores, baseline, change and the important change.
    assert "Questionnaires" in text and "PEG-3" in text
    assert "6.0 (24 Feb 2026)" in text and "-1.0" in text and "-0.7" in text
    assert "much improved" in text
    assert "Progress as of 10 Mar 2026" in text
    order = [text.index(t) for t in ("Plan changes", "Sessions done", "Questionnaires")]
    assert order == sorted(order)
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
    assert "No changes to the plan in this period." in texts
    assert "No questionnaires answered in this period." in texts
    # The player's section shows only when the player told something.
    assert "exercise_feedback" not in [s["key"] for s in report["sections"]]


def test_a_long_plan_note_is_cut_in_the_pdf_not_a_server_error(client, history):
    # A note of 2 000 characters made a table row taller than a page: fpdf2
    # refused it and the PDF answered 500 (found by schemathesis).
    therapist, patient = history
    (plan,) = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    ).json
    path = f"{API}/assignments/{plan['id']}/prescription"
    body = client.get(path, headers=therapist.headers).json
    body["note"] = "word " * 399 + "end"
    assert client.put(path, json=body, headers=therapist.headers).status_code == 200

    answer = client.get(
        f"{API}/patients/{patient.id}/report.pdf?from=2026-03-01&to=2026-03-10",
        headers=therapist.headers,
    )

    assert answer.status_code == 200, answer.get_data(as_text=True)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages
    )
    assert "word word" in text and text.count("word") < 100  # cut short
    report = get_report(client, therapist, patient)
    assert "word " * 399 + "end" in str(report)  # the JSON keeps it whole
