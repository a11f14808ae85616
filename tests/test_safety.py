"""The safety rules of programs/safety.yaml, each on both sides of its threshold:
red flags, worsening, no improvement, neck flexion, disengagement; deduplication,
pause and resume, and the alerts a therapist sees."""

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kinetic.extensions import db
from kinetic.models import Alert, PainEntry

API = "/api/v1"
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
START = date(2026, 2, 1)  # the program starts; days 0-6 are the baseline week
DATA = Path(__file__).parent / "data" / "programs"


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.fixture
def setup(client, clock, make_therapist, make_patient, make_assignment):
    """A therapist and a patient whose program started on START."""
    therapist = make_therapist()
    patient = make_patient(therapist)
    assignment_id = make_assignment(
        patient, therapist, start_date=START, days_of_week=EVERY_DAY, weeks=8
    )
    return therapist, patient, assignment_id


def log(client, clock, patient, n: int, **body):
    """A pain entry on day n of the program, at noon UTC, with the clock there."""
    at = datetime.combine(day(n), datetime.min.time(), UTC) + timedelta(hours=12)
    clock.set(at + timedelta(minutes=1))
    response = client.post(
        f"{API}/me/pain",
        json={"recorded_at": at.isoformat(), **body},
        headers=patient.headers,
    )
    assert response.status_code == 201, response.json
    return response.json


def kinds(app, patient, status="open", missed=False) -> list[str]:
    """The patient's alerts by kind. The fixture's plan has sessions every day
    that the tests leave undone, so `disengaged` is left out unless asked for."""
    with app.app_context():
        try:
            found = db.session.scalars(
                select(Alert.kind).where(
                    Alert.patient_id == patient.id, Alert.status == status
                )
            )
            return sorted(k for k in found if missed or k != "disengaged")
        finally:
            db.session.remove()


def alerts(client, therapist, query="", missed=False) -> list[dict]:
    response = client.get(f"{API}/alerts{query}", headers=therapist.headers)
    assert response.status_code == 200, response.json
    return [a for a in response.json if missed or a["kind"] != "disengaged"]


def codes(entry) -> list[str]:
    return [a["code"] for a in entry["advice"]]


def baseline_week(client, clock, patient, score=3, region="low_back"):
    for n in range(7):
        log(client, clock, patient, n, **{region: score})


# -- red flags -------------------------------------------------------------------------


def test_a_red_flag_advises_urgent_care_alerts_once_and_pauses_the_plan(
    app, client, clock, setup
):
    therapist, patient, assignment_id = setup
    entry = log(
        client,
        clock,
        patient,
        3,
        low_back=6,
        red_flags=["saddle_numbness", "bladder_bowel_change"],
        client_id="6b0f7f0e-8d4c-4c59-9a51-3c1d7c6f7a10",
    )

    urgent = entry["advice"][0]
    assert urgent["level"] == "urgent" and urgent["code"] == "red_flag"
    assert "urgent medical care now" in urgent["text"]
    assert "numbness between the legs" in urgent["text"]
    [alert] = alerts(client, therapist)
    assert alert["kind"] == "red_flag" and alert["status"] == "open"
    assert alert["detail"]["codes"] == ["bladder_bowel_change", "saddle_numbness"]
    assert alert["detail"]["paused_assignments"] == [assignment_id]
    assert alert["patient_name"] == "Patient 1"
    assert "plan(s) paused" in alert["summary"]
    plan = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert [a["status"] for a in plan.json] == ["paused"]
    today = client.get(f"{API}/me/today", headers=patient.headers).json
    assert today["sessions"] == [] and today["paused_plans"] == 1

    # The phone sends the same entry again: no second alert.
    again = client.post(
        f"{API}/me/pain",
        json={
            "low_back": 6,
            "red_flags": ["saddle_numbness"],
            "client_id": "6b0f7f0e-8d4c-4c59-9a51-3c1d7c6f7a10",
        },
        headers=patient.headers,
    )
    assert again.status_code == 200 and again.json["advice"][0]["level"] == "urgent"
    assert kinds(app, patient) == ["red_flag"]

    # The therapist resumes the plan: today's session is back.
    resumed = client.patch(
        f"{API}/assignments/{assignment_id}",
        json={"status": "active"},
        headers=therapist.headers,
    )
    assert resumed.status_code == 200
    today = client.get(f"{API}/me/today", headers=patient.headers).json
    assert len(today["sessions"]) == 1 and today["paused_plans"] == 0


def test_each_entry_with_red_flags_is_its_own_alert(app, client, clock, setup):
    _, patient, _ = setup
    log(client, clock, patient, 3, neck=4, red_flags=["stiff_neck_with_fever"])
    log(client, clock, patient, 3, headache=9, red_flags=["sudden_severe_headache"])
    assert kinds(app, patient) == ["red_flag", "red_flag"]


def test_an_entry_without_red_flags_raises_none(app, client, clock, setup):
    _, patient, _ = setup
    entry = log(client, clock, patient, 3, low_back=5, red_flags=[])
    assert "red_flag" not in codes(entry)
    assert kinds(app, patient) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"low_back": 3, "red_flags": ["headache_worse_lying"]}, "red_flags"),
        (
            {"low_back": 3, "red_flags": ["saddle_numbness", "saddle_numbness"]},
            "red_flags",
        ),
        ({"low_back": 3, "red_flags": "saddle_numbness"}, "red_flags"),
        ({"low_back": 3, "symptoms": ["neck_flexion"]}, "symptoms"),
    ],
)
def test_unknown_codes_are_422_and_nothing_is_stored(app, client, setup, body, field):
    _, patient, _ = setup
    response = client.post(f"{API}/me/pain", json=body, headers=patient.headers)
    assert response.status_code == 422
    assert field in response.json["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PainEntry)) == 0
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 0


def test_the_checklist_asks_every_red_flag_in_plain_words(client, setup):
    _, patient, _ = setup
    answer = client.get(f"{API}/safety/checklist", headers=patient.headers).json
    assert {f["code"] for f in answer["red_flags"]} == {
        "bladder_bowel_change",
        "saddle_numbness",
        "progressive_leg_weakness",
        "fever_or_weight_loss",
        "sudden_severe_headache",
        "headache_worse_upright",
        "stiff_neck_with_fever",
    }
    assert all(f["question"].endswith("?") for f in answer["red_flags"])
    assert [s["code"] for s in answer["symptoms"]] == ["neck_flexion_back_pain"]
    assert "{signs}" in answer["urgent_advice"]


# -- neck flexion ----------------------------------------------------------------------


def test_back_pain_on_neck_flexion_advises_and_alerts_once(app, client, clock, setup):
    therapist, patient, _ = setup
    entry = log(
        client, clock, patient, 3, low_back=4, symptoms=["neck_flexion_back_pain"]
    )
    [advice] = [a for a in entry["advice"] if a["code"] == "neck_flexion_back_pain"]
    assert advice["level"] == "caution"
    assert "avoid bending your head forward deeply" in advice["text"]
    log(client, clock, patient, 4, low_back=4, symptoms=["neck_flexion_back_pain"])
    assert kinds(app, patient) == ["neck_flexion"]
    [alert] = alerts(client, therapist)
    assert "bending the head forward" in alert["summary"]


# -- worsening -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recent", "raised"), [(5, True), ([4, 5, 5, 5, 5, 5, 5], False)]
)
def test_worsening_when_the_week_is_two_points_above_baseline(
    app, client, clock, setup, recent, raised
):
    therapist, patient, _ = setup
    baseline_week(client, clock, patient, score=3)
    scores = recent if isinstance(recent, list) else [recent] * 7
    for n, score in zip(range(14, 21), scores, strict=True):
        entry = log(client, clock, patient, n, low_back=score)
    # 5 every day: +2.0 over baseline 3 from the second day on; a 4 first keeps
    # every partial week below +2 (4.5, 4.67, ... 4.86).
    assert ("worsening" in kinds(app, patient)) is raised
    assert ("worsening" in codes(entry)) is raised
    if raised:
        [alert] = [a for a in alerts(client, therapist) if a["kind"] == "worsening"]
        [reason] = alert["detail"]["reasons"]
        assert {k: v for k, v in reason.items() if k != "text"} == {
            "measure": "pain.low_back",
            "direction": "worse",
            "baseline": 3.0,
            "recent": 5.0,
            "change": 2.0,
            "change_pct": 67,
        }
        assert "Low back pain 3.0 → 5.0 (+2.0 points, +67%)" in alert["summary"]


def test_the_first_weeks_are_not_compared_with_themselves(app, client, clock, setup):
    _, patient, _ = setup
    for n in range(10):
        log(client, clock, patient, n, neck=3 if n < 3 else 6)
    assert "worsening" not in kinds(app, patient)


@pytest.mark.parametrize(("scores", "raised"), [([8, 3, 9], True), ([8, 7, 3], False)])
def test_worsening_on_two_of_the_last_three_days_at_8_or_more(
    app, client, clock, setup, scores, raised
):
    _, patient, _ = setup
    entries = [
        log(client, clock, patient, n, headache=score)
        for n, score in zip((8, 9, 10), scores, strict=True)
    ]
    assert ("worsening" in kinds(app, patient)) is raised
    assert codes(entries[0]) == ["high_pain"]  # one high score: gentle advice only
    if raised:
        assert codes(entries[2]) == ["worsening"]


def test_an_open_alert_is_not_raised_again_until_acknowledged_and_cooled_down(
    app, client, clock, setup
):
    therapist, patient, _ = setup
    for n in (8, 9):
        log(client, clock, patient, n, headache=9)
    log(client, clock, patient, 10, headache=9)
    assert kinds(app, patient).count("worsening") == 1

    [alert] = [a for a in alerts(client, therapist) if a["kind"] == "worsening"]
    ack = client.patch(
        f"{API}/alerts/{alert['id']}",
        json={"status": "acknowledged"},
        headers=therapist.headers,
    )
    assert ack.status_code == 200 and ack.json["status"] == "acknowledged"
    log(client, clock, patient, 11, headache=9)  # within the 3-day cooldown
    assert "worsening" not in kinds(app, patient)
    for n in (12, 13, 14):
        log(client, clock, patient, n, headache=9)
    assert kinds(app, patient).count("worsening") == 1  # raised anew after it


# -- no improvement --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recent", "on_day", "raised"),
    [(4, 21, True), (3, 21, False), (4, 20, False)],
    ids=["20pct-fall-day-21", "40pct-fall", "too-early"],
)
def test_no_improvement_after_three_weeks(
    app, client, clock, setup, recent, on_day, raised
):
    therapist, patient, _ = setup
    baseline_week(client, clock, patient, score=5)
    for n in range(on_day - 6, on_day + 1):
        entry = log(client, clock, patient, n, low_back=recent)
    assert ("no_improvement" in kinds(app, patient)) is raised
    assert ("no_improvement" in codes(entry)) is raised
    if raised:
        [alert] = [
            a for a in alerts(client, therapist) if a["kind"] == "no_improvement"
        ]
        [reason] = alert["detail"]["reasons"]
        assert reason["measure"] == "pain.low_back" and reason["direction"] == "same"
        assert (reason["baseline"], reason["recent"]) == (5.0, 4.0)
        assert (reason["change"], reason["change_pct"]) == (-1.0, -20)
        assert alert["detail"]["days_on_program"] == 21
        advice = next(a for a in entry["advice"] if a["code"] == "no_improvement")
        assert "professional evaluation is the next step" in advice["text"]


def test_not_eased_advice_is_given_once_and_kept_in_notifications(
    app, client, clock, setup
):
    _, patient, _ = setup
    baseline_week(client, clock, patient, score=5)
    entries = [log(client, clock, patient, n, low_back=4) for n in range(15, 24)]
    with_advice = [
        n
        for n, e in zip(range(15, 24), entries, strict=True)
        if "no_improvement" in codes(e)
    ]
    assert with_advice == [21]  # only the entry that raised the alert
    notes = client.get(f"{API}/me/notifications", headers=patient.headers).json
    [note] = [n for n in notes if n["kind"] == "advice"]
    assert "professional evaluation is the next step" in note["body"]
    assert note["url"] == "/#/trends"


def test_no_improvement_closes_itself_when_the_picture_improves(
    app, client, clock, setup
):
    therapist, patient, _ = setup
    baseline_week(client, clock, patient, score=5)
    for n in range(15, 22):
        log(client, clock, patient, n, low_back=4)
    [alert] = [a for a in alerts(client, therapist) if a["kind"] == "no_improvement"]
    assert alert["status"] == "open"
    for n in range(22, 29):  # a week at 3: 40% and 2 points below the baseline
        entry = log(client, clock, patient, n, low_back=3)
    assert "no_improvement" not in codes(entry)
    [alert] = [a for a in alerts(client, therapist) if a["kind"] == "no_improvement"]
    assert alert["status"] == "resolved"
    assert alert["detail"]["resolved"]["date"] == day(28).isoformat()
    assert "Closed by itself" in alert["summary"]
    assert "Low back pain 5.0 → 3.0" in alert["summary"]


def test_no_improvement_ignores_a_low_baseline(app, client, clock, setup):
    _, patient, _ = setup
    baseline_week(client, clock, patient, score=2)
    for n in range(15, 22):
        log(client, clock, patient, n, low_back=2)
    assert "no_improvement" not in kinds(app, patient)


# -- disengagement and the nightly review ----------------------------------------------


def test_three_missed_sessions_in_a_row_alert_at_night(
    app, client, clock, runner, setup
):
    therapist, patient, _ = setup
    # Sessions every day from 1 February; the one of the 3rd is done.
    clock.set(datetime(2026, 2, 3, 12, tzinfo=UTC))
    today = client.get(f"{API}/me/today", headers=patient.headers).json
    session_id = today["sessions"][0]["id"]
    done = client.post(
        f"{API}/sessions/{session_id}/complete", json={}, headers=patient.headers
    )
    assert done.status_code == 200

    def review(at: str) -> str:
        result = runner.invoke(args=["safety", "evaluate", "--at", at])
        assert result.exit_code == 0, result.output
        return result.output

    # 6 February, 02:30 (the patient is in UTC): the 4th and 5th missed, the 3rd done.
    assert "0 alert(s)" in review("2026-02-06T02:30:00+00:00")
    # The hourly review at 14:00 UTC looks only at patients for whom it is 02:00.
    assert "0 alert(s)" in review("2026-02-07T14:00:00+00:00")
    # 7 February, 02:30: the 4th, 5th and 6th missed in a row.
    assert "1 alert(s)" in review("2026-02-07T02:30:00+00:00")
    [alert] = alerts(client, therapist, "?status=open", missed=True)
    assert alert["kind"] == "disengaged"
    assert alert["detail"]["missed"] == ["2026-02-04", "2026-02-05", "2026-02-06"]
    assert "Missed 3 sessions in a row" in alert["summary"]
    assert "0 alert(s)" in review("2026-02-08T02:30:00+00:00")  # deduplicated


# -- the alerts list -------------------------------------------------------------------


def test_alerts_list_open_first_newest_first_and_filters(app, client, clock, setup):
    therapist, patient, _ = setup
    log(client, clock, patient, 1, low_back=3, red_flags=["fever_or_weight_loss"])
    log(client, clock, patient, 2, low_back=3, red_flags=["saddle_numbness"])
    log(client, clock, patient, 3, low_back=3, symptoms=["neck_flexion_back_pain"])
    first = alerts(client, therapist)
    assert [a["kind"] for a in first] == ["neck_flexion", "red_flag", "red_flag"]
    client.patch(
        f"{API}/alerts/{first[0]['id']}",
        json={"status": "acknowledged"},
        headers=therapist.headers,
    )
    listed = alerts(client, therapist)
    assert [a["status"] for a in listed] == ["open", "open", "acknowledged"]
    assert [a["detail"]["codes"] for a in listed[:2]] == [
        ["saddle_numbness"],
        ["fever_or_weight_loss"],
    ]
    assert len(alerts(client, therapist, "?status=open")) == 2
    assert len(alerts(client, therapist, "?status=acknowledged")) == 1
    assert len(alerts(client, therapist, f"?patient_id={patient.id}")) == 3
    assert alerts(client, therapist, "?patient_id=999999") == []
    summary = client.get(f"{API}/patients", headers=therapist.headers).json
    assert summary[0]["open_alerts"] == 2


def test_acknowledging_twice_changes_nothing(client, clock, setup):
    therapist, patient, _ = setup
    log(client, clock, patient, 1, low_back=3, red_flags=["fever_or_weight_loss"])
    [alert] = alerts(client, therapist)
    url = f"{API}/alerts/{alert['id']}"
    first = client.patch(
        url, json={"status": "acknowledged"}, headers=therapist.headers
    )
    clock.advance(hours=1)
    second = client.patch(
        url, json={"status": "acknowledged"}, headers=therapist.headers
    )
    assert first.json == second.json


@pytest.mark.parametrize(
    "body", [{"status": "open"}, {"status": "done"}, {}, {"status": None}]
)
def test_an_alert_can_only_be_acknowledged(client, clock, setup, body):
    therapist, patient, _ = setup
    log(client, clock, patient, 1, low_back=3, red_flags=["fever_or_weight_loss"])
    [alert] = alerts(client, therapist)
    response = client.patch(
        f"{API}/alerts/{alert['id']}", json=body, headers=therapist.headers
    )
    assert response.status_code == 422 and "status" in response.json["errors"]
    assert alerts(client, therapist)[0]["status"] == "open"


def test_another_therapist_never_sees_the_alerts(client, clock, make_therapist, setup):
    _, patient, _ = setup
    log(client, clock, patient, 1, low_back=3, red_flags=["fever_or_weight_loss"])
    other = make_therapist()
    assert alerts(client, other) == []
    assert alerts(client, other, f"?patient_id={patient.id}") == []


# -- the rules file --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("  - code: saddle_numbness", "  - code: numb_saddle"),
            "missing saddle_numbness",
        ),
        (lambda t: t.replace("{signs}", "the signs"), "Must contain {signs}"),
        (
            lambda t: t.replace("  cooldown_days: 3 ", "  cooldown_days: lots "),
            "(worsening.cooldown_days): Not a valid integer",
        ),
        (
            lambda t: t.replace("source: [guidance]", "source: [a-blog-post.txt]"),
            "disengaged.source[0]",
        ),
    ],
    ids=["contract-code", "signs", "number", "source"],
)
def test_a_broken_rules_file_is_named_with_its_line(runner, tmp_path, edit, expected):
    shutil.copytree(DATA, tmp_path / "programs")
    rules = tmp_path / "programs" / "safety.yaml"
    rules.write_text(edit(rules.read_text()))
    result = runner.invoke(args=["programs", "validate", str(tmp_path / "programs")])
    assert result.exit_code == 1
    assert "safety.yaml:" in result.output and expected in result.output


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("meaningful_percent: 30", "meaningful_percent: 0"),
            "picture.yaml:33 (pain.meaningful_percent): Must be greater than or "
            "equal to 1",
        ),
        (
            lambda t: t.replace("primary: [peg-3,", "primary: [peg-4,"),
            "picture.yaml:45 (questionnaires.primary[0]): no questionnaire peg-4",
        ),
        (
            lambda t: t.replace("    high_days: 2", "    high_days: 5"),
            "(pain.flare.high_days): Cannot exceed of_last_days",
        ),
        (lambda t: t.replace("verdict:", "verdicts:"), "(verdict)"),
    ],
    ids=["percent", "questionnaire", "flare", "missing"],
)
def test_a_broken_picture_file_is_named_with_its_line(
    runner, tmp_path, questionnaires, edit, expected
):
    shutil.copytree(DATA, tmp_path / "programs")
    shutil.copytree(
        Path(__file__).parents[1] / "programs" / "questionnaires",
        tmp_path / "programs" / "questionnaires",
    )
    figures = tmp_path / "programs" / "picture.yaml"
    figures.write_text(edit(figures.read_text()))
    result = runner.invoke(args=["programs", "validate", str(tmp_path / "programs")])
    assert result.exit_code == 1, result.output
    assert expected in result.output


@pytest.mark.parametrize("name", ["safety.yaml", "picture.yaml"])
def test_the_shipped_rules_match_the_test_copy(name):
    shipped = Path(__file__).parents[1] / "programs" / name
    assert shipped.read_text() == (DATA / name).read_text()


# -- the rules read before an entry is written -----------------------------------------


@pytest.mark.parametrize(
    ("n", "scores"),
    [
        (20, {"low_back": 9}),  # a worsening day after the baseline week
        (20, {"neck": 5, "headache": 2}),  # a region with no baseline
        (3, {"low_back": 8}),  # inside the baseline week, beside an entry
        (-40, {"low_back": 1}),  # before the plan and the window: not counted
        (8, {"low_back": 7}),  # after days 0-6 and entries on 9 to 14
    ],
)
def test_findings_read_before_writing_match_those_read_after(
    app, client, clock, setup, n, scores
):
    """POST /me/pain works out the rules before writing the entry (counting it
    in), so that SQLite's write lock is held for the writes alone; the findings
    must be the ones the written entry gives."""
    from kinetic.models import User
    from kinetic.services import diary, safety

    _, patient, _ = setup
    baseline_week(client, clock, patient)
    for m in range(9, 15):
        log(client, clock, patient, m, low_back=6)
    clock.set(datetime.combine(day(20), datetime.min.time(), UTC) + timedelta(hours=13))
    at = datetime.combine(day(n), datetime.min.time(), UTC) + timedelta(hours=12)
    with app.app_context():
        user = db.session.get(User, patient.id)
        entry, new = diary.pain_to_record(user, {"recorded_at": at, **scores})
        assert new
        before = safety.findings(user, day(20), pending=entry)
        diary.save_pain(user, entry)
        after = safety.findings(user, day(20))
        db.session.rollback()
    assert before == after
    assert [f.kind for f in before] == [f.kind for f in after]
