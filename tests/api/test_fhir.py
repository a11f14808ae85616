"""The FHIR R4 bundle: every resource validates against the R4B models of
fhir.resources, pain scores carry LOINC 72514-3 and SNOMED CT body sites, and
each assignment is a CarePlan with its exercises."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner

API = "/api/v1"
MODELS = {
    "Patient": Patient,
    "Practitioner": Practitioner,
    "Observation": Observation,
    "CarePlan": CarePlan,
}
SITES = {"37822005": "low back", "45048000": "neck", "69536005": "head"}


@pytest.fixture
def record(client, clock, make_therapist, make_patient, make_assignment):
    therapist = make_therapist("Dr Fhir")
    patient = make_patient(therapist)
    make_assignment(patient, therapist, start_date="2026-03-02", days_of_week=[0, 3])
    for body in ({"low_back": 6, "neck": 3}, {"headache": 8}):
        answer = client.post(f"{API}/me/pain", json=body, headers=patient.headers)
        assert answer.status_code == 201
        clock.advance(hours=2)
    return therapist, patient


def resources(answer) -> list[dict]:
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "application/fhir+json"
    data = json.loads(answer.data)
    Bundle.model_validate(data)  # the bundle as a whole, with every entry
    assert data["type"] == "collection"
    for entry in data["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
        # The full URL travels with the resource here, so references can be checked.
        entry["resource"]["fullUrl"] = entry["fullUrl"]
    assert len({e["fullUrl"] for e in data["entry"]}) == len(data["entry"])
    return [entry["resource"] for entry in data["entry"]]


def of(found: list[dict], kind: str) -> list[dict]:
    return [r for r in found if r["resourceType"] == kind]


def test_the_therapists_bundle_validates_and_carries_the_codes(client, record):
    therapist, patient = record

    found = resources(
        client.get(f"{API}/patients/{patient.id}/fhir", headers=therapist.headers)
    )

    [person] = of(found, "Patient")
    assert person["name"] == [{"text": patient_name(client, patient)}]
    [practitioner] = of(found, "Practitioner")
    assert practitioner["name"][0]["text"].startswith("Dr Fhir")
    observations = of(found, "Observation")
    assert len(observations) == 3  # one per score, not per entry
    for observation in observations:
        [coding] = observation["code"]["coding"]
        assert (coding["system"], coding["code"]) == ("http://loinc.org", "72514-3")
        [site] = observation["bodySite"]["coding"]
        assert site["system"] == "http://snomed.info/sct"
        assert site["code"] in SITES
        assert 0 <= observation["valueInteger"] <= 10
    scores = {
        o["bodySite"]["coding"][0]["code"]: o["valueInteger"] for o in observations
    }
    assert scores == {"37822005": 6, "45048000": 3, "69536005": 8}
    [plan] = of(found, "CarePlan")
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["period"] == {"start": "2026-03-02", "end": "2026-03-29"}
    names = [a["detail"]["code"]["text"] for a in plan["activity"]]
    assert "Test bracing" in names
    timing = plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    assert timing["dayOfWeek"] == ["mon", "thu"]
    assert plan["subject"]["reference"] == person["fullUrl"]
    assert plan["author"]["reference"] == practitioner["fullUrl"]
    assert {o["subject"]["reference"] for o in observations} == {person["fullUrl"]}


def patient_name(client, patient) -> str:
    return client.get(f"{API}/me", headers=patient.headers).json["name"]


def test_the_patients_own_bundle_is_the_same_record(client, record):
    therapist, patient = record

    theirs = resources(
        client.get(f"{API}/patients/{patient.id}/fhir", headers=therapist.headers)
    )
    mine = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    assert mine == theirs and len(mine) == 6


def test_a_paused_plan_is_on_hold(client, record):
    therapist, patient = record
    plans = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    ).json
    client.patch(
        f"{API}/assignments/{plans[0]['id']}",
        json={"status": "paused"},
        headers=therapist.headers,
    )

    found = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    [plan] = of(found, "CarePlan")
    assert plan["status"] == "on-hold"
    assert {a["detail"]["status"] for a in plan["activity"]} == {"on-hold"}


def test_a_new_patient_has_a_bundle_of_two(client, make_therapist, make_patient):
    patient = make_patient(make_therapist())

    found = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    assert [r["resourceType"] for r in found] == ["Patient", "Practitioner"]
