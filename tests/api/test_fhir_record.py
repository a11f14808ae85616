"""Issue 24 in the FHIR bundle: the patient as they chose to be named (and no
email unless they allowed it), the therapist in a CareTeam the CarePlans name
(not as the patient's GP), CarePlan activities with statuses from their dates on
the patient's day, and exercise-pain reports apart from the pain diary. Every
bundle passes the official R4 schema and fhir.resources (fhir_checks.py)."""

from datetime import UTC, datetime

import pytest
from fhir_checks import of, resources

API = "/api/v1"
SNOMED = "http://snomed.info/sct"


def bundle(client, account) -> list[dict]:
    return resources(client.get(f"{API}/me/fhir", headers=account.headers))


def patch_me(client, account, **body) -> dict:
    answer = client.patch(f"{API}/me", json=body, headers=account.headers)
    assert answer.status_code == 200, answer.json
    return answer.json


# -- the patient and the therapist -----------------------------------------------------


def test_the_patient_carries_only_what_they_gave(client, make_therapist, make_patient):
    """Issue 24, 3: names, birth date and sex when given; the email only when
    allowed; the identifier's value is the patient's id in PUBLIC_URL's system."""
    patient = make_patient(make_therapist())

    [before] = of(bundle(client, patient), "Patient")
    patch_me(
        client,
        patient,
        family_name="Okafor",
        given_name="Ngozi Ada",
        birth_date="1984-02-29",
        sex="female",
    )
    [named] = of(bundle(client, patient), "Patient")
    patch_me(client, patient, share_email_in_exports=True)
    [shared] = of(bundle(client, patient), "Patient")

    name = before["name"][0]["text"]
    assert before["name"] == [{"text": name}]
    assert before["identifier"] == [
        {"system": "http://127.0.0.1:8000/api/v1/users", "value": str(patient.id)}
    ]
    for absent in ("telecom", "gender", "birthDate", "generalPractitioner"):
        assert absent not in before
    assert "telecom" not in named and "generalPractitioner" not in named
    assert named["name"] == [
        {"text": name, "family": "Okafor", "given": ["Ngozi", "Ada"]}
    ]
    assert (named["gender"], named["birthDate"]) == ("female", "1984-02-29")
    assert shared["telecom"] == [{"system": "email", "value": patient.email}]
    assert named["identifier"] == shared["identifier"] == before["identifier"]


def test_the_therapist_is_in_the_care_team_not_the_general_practitioner(
    client, make_therapist, make_patient, make_assignment
):
    """Issue 24, 3: a Practitioner in a CareTeam that every CarePlan names; the
    therapist's email stays out unless they allowed it too."""
    therapist = make_therapist("Dr Team")
    patient = make_patient(therapist)
    first = make_assignment(patient, therapist, start_date="2026-03-02")
    stopped = client.patch(
        f"{API}/assignments/{first}",
        json={"status": "stopped"},
        headers=therapist.headers,
    )
    assert stopped.status_code == 200, stopped.json
    make_assignment(patient, therapist, start_date="2026-03-09")

    found = bundle(client, patient)

    [person] = of(found, "Patient")
    [practitioner] = of(found, "Practitioner")
    [team] = of(found, "CareTeam")
    assert "generalPractitioner" not in person
    assert "telecom" not in practitioner
    assert practitioner["name"][0]["text"].startswith("Dr Team")
    assert team["status"] == "active"
    assert team["subject"]["reference"] == person["fullUrl"]
    [member] = team["participant"]
    assert member["member"]["reference"] == practitioner["fullUrl"]
    [role] = member["role"]
    assert role["coding"] == [
        {"system": SNOMED, "code": "36682004", "display": "Physiotherapist"}
    ]
    plans = of(found, "CarePlan")
    assert len(plans) == 2
    for plan in plans:
        assert plan["careTeam"] == [{"reference": team["fullUrl"]}]
        assert plan["author"]["reference"] == practitioner["fullUrl"]
    patch_me(client, therapist, share_email_in_exports=True, family_name="Team")
    [practitioner] = of(bundle(client, patient), "Practitioner")
    assert practitioner["telecom"] == [{"system": "email", "value": therapist.email}]
    assert practitioner["name"][0]["family"] == "Team"


# -- CarePlan activities from their dates ----------------------------------------------


def statuses(plan: dict) -> dict[str, set[str]]:
    """Each phase's activity statuses, by the phase's first day."""
    out: dict[str, set[str]] = {}
    for activity in plan["activity"]:
        detail = activity["detail"]
        start = detail["scheduledTiming"]["repeat"]["boundsPeriod"]["start"]
        out.setdefault(start, set()).add(detail["status"])
    return out


@pytest.fixture
def december(clock, make_therapist, make_patient, make_assignment):
    """Asked on 4 December (as in the issue), two patients of one therapist: one
    whose plan's first phase ended on 20 November and whose second ends that day,
    one whose plan's phases start on 5 and 19 December."""

    def make(timezone: str = "UTC"):
        clock.set(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
        therapist = make_therapist()
        patients = []
        for start in ("2026-11-07", "2026-12-05"):
            patient = make_patient(therapist, timezone=timezone)
            make_assignment(patient, therapist, start_date=start)
            patients.append(patient)
        return therapist, patients

    return make


def plans_of(client, therapist, patients) -> list[dict]:
    found = [
        resources(client.get(f"{API}/patients/{p.id}/fhir", headers=therapist.headers))
        for p in patients
    ]
    return [plan for resources_ in found for plan in of(resources_, "CarePlan")]


def test_activities_follow_their_dates_on_the_patients_day(client, december):
    """Issue 24, 4: ended before the day completed, containing it in-progress,
    starting after it not-started."""
    therapist, patients = december()

    running, coming = plans_of(client, therapist, patients)

    assert running["status"] == coming["status"] == "active"
    assert statuses(running) == {
        "2026-11-07": {"completed"},  # 7-20 November
        "2026-11-21": {"in-progress"},  # 21 November - 4 December
    }
    assert statuses(coming) == {
        "2026-12-05": {"not-started"},
        "2026-12-19": {"not-started"},
    }


def test_the_day_is_the_patients_own(client, december):
    """12:00 UTC on 4 December is already 5 December in Auckland."""
    therapist, patients = december("Pacific/Auckland")

    running, coming = plans_of(client, therapist, patients)

    assert statuses(running)["2026-11-21"] == {"completed"}
    assert statuses(coming) == {
        "2026-12-05": {"in-progress"},
        "2026-12-19": {"not-started"},
    }


@pytest.mark.parametrize(
    ("status", "plan_status", "activity"),
    [("stopped", "revoked", "stopped"), ("paused", "on-hold", "on-hold")],
)
def test_a_stopped_or_paused_plan_holds_every_activity(
    client, december, status, plan_status, activity
):
    therapist, patients = december()
    for patient in patients:
        [plan] = client.get(
            f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
        ).json
        answer = client.patch(
            f"{API}/assignments/{plan['id']}",
            json={"status": status},
            headers=therapist.headers,
        )
        assert answer.status_code == 200, answer.json

    found = plans_of(client, therapist, patients)

    assert [p["status"] for p in found] == [plan_status, plan_status]
    for plan in found:
        assert {s for phase in statuses(plan).values() for s in phase} == {activity}


def test_a_plan_past_its_end_is_completed_throughout(client, clock, december):
    therapist, patients = december()
    clock.set(datetime(2027, 1, 2, 12, 0, tzinfo=UTC))  # both ended, tokens valid

    found = plans_of(client, therapist, patients)

    assert [p["status"] for p in found] == ["completed", "completed"]
    for plan in found:
        assert {s for phase in statuses(plan).values() for s in phase} == {"completed"}


# -- exercise-pain reports -------------------------------------------------------------


def test_exercise_pain_reports_are_their_own_observations(
    client, clock, make_therapist, make_patient, make_assignment
):
    """Issue 24, exercise pain: "Stop: this hurts" reports name the exercise and
    their plan, and are not among the pain diary's observations."""
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(patient, therapist, start_date="2026-03-02", days_of_week=[0, 3])
    day = "2026-03-09"  # a Monday of the first phase: Test bracing
    [session] = client.get(
        f"{API}/me/sessions?from={day}&to={day}", headers=patient.headers
    ).json
    hurt = client.post(
        f"{API}/me/pain",
        json={
            "neck": 7,
            "session_id": session["id"],
            "exercise": "test-bracing",
            "recorded_at": "2026-03-09T18:00:00+00:00",
        },
        headers=patient.headers,
    )
    assert hurt.status_code == 201, hurt.json
    diary = client.post(f"{API}/me/pain", json={"neck": 3}, headers=patient.headers)
    assert diary.status_code == 201, diary.json

    found = bundle(client, patient)

    observations = of(found, "Observation")
    [report] = [o for o in observations if o["id"].startswith("exercise-pain-")]
    [entry] = [o for o in observations if o["id"].startswith("pain-")]
    assert entry["valueInteger"] == 3 and len(entry["category"]) == 1
    assert "component" not in entry and "basedOn" not in entry
    assert report["valueInteger"] == 7
    assert report["effectiveDateTime"] == "2026-03-09T18:00:00+00:00"
    assert report["code"]["coding"][0]["code"] == "72514-3"
    assert report["code"]["text"] == "Pain severity 0-10 during an exercise"
    assert report["code"]["text"] != entry["code"]["text"]
    assert report["category"][1]["text"].startswith("Pain during an exercise")
    assert report["component"] == [
        {"code": {"text": "Exercise being done"}, "valueString": "Test bracing"}
    ]
    assert "Test bracing" in report["note"][0]["text"]
    [plan] = of(found, "CarePlan")
    assert report["basedOn"] == [{"reference": plan["fullUrl"]}]
    assert report["bodySite"]["coding"][0]["code"] == "45048000"
