"""The FHIR R4 bundle: every bundle validates against the official FHIR R4 JSON
schema and the R4B models of fhir.resources (fhir_checks.py), pain scores carry
LOINC 72514-3 and SNOMED CT body sites, each assignment is a CarePlan with the
exercises as prescribed now, and each answered questionnaire is a
QuestionnaireResponse with an Observation of its score. Issue 24's defects each
have a test here or in test_fhir_record.py: identifiers from PUBLIC_URL, PEG-3's
LOINC item codes, 406 for XML."""

import json
from uuid import uuid4

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir_checks import of, r4_errors, resources

API = "/api/v1"
LOINC = "http://loinc.org"
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

    assert mine == theirs and len(mine) == 7  # with the care team


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


def test_a_new_patient_has_a_bundle_of_three(client, make_therapist, make_patient):
    patient = make_patient(make_therapist())

    found = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    kinds = [r["resourceType"] for r in found]
    assert kinds == ["Patient", "Practitioner", "CareTeam"]


# -- questionnaires --------------------------------------------------------------------


@pytest.fixture
def answered(client, clock, record, questionnaires):
    """PEG-3 answered twice a week apart (6.0, then 4.7), the PGIC once, and
    function goals once."""
    therapist, patient = record
    schedules = (
        {"questionnaire": "peg-3"},
        {"questionnaire": "pgic"},
        {"questionnaire": "function-goals", "goals": ["Sit at my desk for an hour"]},
    )
    for body in schedules:
        answer = client.post(
            f"{API}/patients/{patient.id}/questionnaires",
            json={"every_days": 7, **body},
            headers=therapist.headers,
        )
        assert answer.status_code == 201, answer.json
    answers = (
        ("peg-3", {"pain": 7, "enjoyment": 6, "activity": 5}),
        ("pgic", {"change": 2}),
        ("function-goals", {"goal_1": 4}),
    )
    for slug, values in answers:
        respond(client, patient, slug, values)
    clock.advance(days=7)
    respond(client, patient, "peg-3", {"pain": 5, "enjoyment": 5, "activity": 4})
    return therapist, patient


def respond(client, patient, slug: str, answers: dict) -> None:
    answer = client.post(
        f"{API}/me/questionnaire-responses",
        json={"questionnaire": slug, "answers": answers, "client_id": str(uuid4())},
        headers=patient.headers,
    )
    assert answer.status_code == 201, answer.json


def scores_of(found: list[dict]) -> list[dict]:
    return [
        o
        for o in of(found, "Observation")
        if o["id"].startswith("questionnaire-score-")
    ]


def test_each_answer_is_a_questionnaire_response_with_its_questions(client, answered):
    therapist, patient = answered

    found = resources(
        client.get(f"{API}/patients/{patient.id}/fhir", headers=therapist.headers)
    )

    responses = of(found, "QuestionnaireResponse")
    assert len(responses) == 4
    first_peg = responses[0]
    assert first_peg["status"] == "completed"
    assert first_peg["authored"] == "2026-03-10T16:00:00+00:00"  # after the record
    [person] = of(found, "Patient")
    assert first_peg["subject"]["reference"] == person["fullUrl"]
    [questionnaire] = first_peg["contained"]
    Questionnaire.model_validate(questionnaire)
    assert first_peg["questionnaire"] == f"#{questionnaire['id']}"
    assert questionnaire["url"].endswith("/api/v1/questionnaires/peg-3")
    assert questionnaire["code"] == [
        {
            "system": LOINC,
            "code": "91148-7",
            "display": "Pain intensity, Enjoyment of life, General activity (PEG) "
            "3 item pain scale",
        }
    ]
    assert [(i["linkId"], i["answer"]) for i in first_peg["item"]] == [
        ("pain", [{"valueInteger": 7}]),
        ("enjoyment", [{"valueInteger": 6}]),
        ("activity", [{"valueInteger": 5}]),
    ]
    assert [i["linkId"] for i in questionnaire["item"]] == [
        "pain",
        "enjoyment",
        "activity",
    ]
    pgic = next(r for r in responses if r["contained"][0]["title"] == "PGIC")
    [change] = pgic["item"]
    assert change["answer"][0]["valueCoding"]["display"] == "Much improved"
    goals = next(r for r in responses if r["contained"][0]["title"] == "Function goals")
    assert goals["item"][0]["text"] == "Sit at my desk for an hour"


def test_each_score_is_an_observation_derived_from_its_response(client, answered):
    therapist, patient = answered

    found = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    responses = {r["fullUrl"]: r for r in of(found, "QuestionnaireResponse")}
    scores = scores_of(found)
    assert len(scores) == 4
    for score in scores:
        [source] = score["derivedFrom"]
        assert source["reference"] in responses
        assert score["category"][0]["coding"][0]["code"] == "survey"
        assert score["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    first, second = [s for s in scores if s["code"]["text"] == "PEG-3 score"]
    loinc, local = first["code"]["coding"]
    assert (loinc["system"], loinc["code"]) == (LOINC, "91147-9")
    assert local["system"].endswith("/api/v1/questionnaires")
    assert local["code"] == "peg-3"
    assert (first["valueQuantity"]["value"], second["valueQuantity"]["value"]) == (
        6.0,
        4.7,
    )
    assert "interpretation" not in second  # PEG-3 has no bands (see its file)
    assert second["note"] == [
        {"text": "Change from baseline -1.3: minimal important change reached."}
    ]
    # No LOINC code for the others: the local code alone.
    others = [s for s in scores if s["code"]["text"] != "PEG-3 score"]
    assert {s["code"]["coding"][0]["code"] for s in others} == {
        "pgic",
        "function-goals",
    }
    assert all(len(s["code"]["coding"]) == 1 for s in others)


def test_the_care_plan_follows_the_tailored_prescription(client, clock, record):
    therapist, patient = record
    [plan] = client.get(
        f"{API}/patients/{patient.id}/assignments", headers=therapist.headers
    ).json
    path = f"{API}/assignments/{plan['id']}/prescription"
    prescription = client.get(path, headers=therapist.headers).json
    foundation = prescription["phases"][0]["exercises"]
    foundation[0].update(sets=4, reps=12, note="Breathe out as you brace.")
    foundation.append({"exercise": "test-chin-tuck", "sets": 1, "hold_seconds": 20})
    prescription["note"] = "More this week: it went well."
    answer = client.put(path, json=prescription, headers=therapist.headers)
    assert answer.status_code == 200, answer.json

    found = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    [care] = of(found, "CarePlan")
    assert care["title"].endswith("prescription version 2)")
    first_phase = [
        a["detail"]
        for a in care["activity"]
        if a["detail"]["scheduledTiming"]["repeat"]["boundsPeriod"]["start"]
        == "2026-03-02"
    ]
    assert [(d["code"]["text"], d["description"]) for d in first_phase] == [
        ("Test bracing", "4 sets of 12. Breathe out as you brace."),
        ("Test chin tuck", "1 set, hold 20 s"),
    ]
    [note] = care["note"]
    assert note["text"] == "More this week: it went well."
    assert note["authorString"].startswith("Dr Fhir")


# -- PUBLIC_URL ------------------------------------------------------------------------


def test_the_host_header_changes_nothing_in_the_bundle(client, answered):
    """Identifier systems, questionnaire URLs and full URLs come from PUBLIC_URL:
    a request naming another host gets the same record, so a hospital matches
    the patient whichever address the export was fetched through."""
    therapist, patient = answered
    path = f"{API}/patients/{patient.id}/fhir"

    plain = client.get(path, headers=therapist.headers)
    elsewhere = client.get(
        path,
        headers={**therapist.headers, "Host": "kinetic.example.org"},
        base_url="https://kinetic.example.org",
    )

    assert plain.status_code == elsewhere.status_code == 200
    first, second = json.loads(plain.data), json.loads(elsewhere.data)
    assert first.pop("id") != second.pop("id")  # a bundle's own id is new each time
    assert first == second
    assert b"kinetic.example.org" not in elsewhere.data
    found = resources(plain)
    [person] = of(found, "Patient")
    assert person["identifier"] == [
        {"system": "http://127.0.0.1:8000/api/v1/users", "value": str(patient.id)}
    ]
    urls = {r["contained"][0]["url"] for r in of(found, "QuestionnaireResponse")}
    assert "http://127.0.0.1:8000/api/v1/questionnaires/peg-3" in urls


# -- the official R4 schema ------------------------------------------------------------


def test_the_official_r4_schema_refuses_what_r4_does_not_allow(client, record):
    """The schema check can fail: a code outside its value set, an element R4
    does not have, a reference of the wrong shape, each named."""
    therapist, patient = record
    answer = client.get(f"{API}/patients/{patient.id}/fhir", headers=therapist.headers)
    bundle = json.loads(answer.data)
    assert r4_errors(bundle) == []
    patient_entry = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Patient"
    )
    patient_entry["gender"] = "f"
    patient_entry["generalPractitioner"] = "Dr Fhir"
    plan = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "CarePlan"
    )
    plan["activity"][0]["detail"]["status"] = "done"
    plan["careTeamMember"] = []

    errors = r4_errors(bundle)

    assert any(
        e.startswith(f"Patient/{patient.id} gender: 'f' is not one of") for e in errors
    )
    assert any(
        e.startswith(f"Patient/{patient.id} generalPractitioner:") for e in errors
    )
    assert any("activity.0.detail.status: 'done' is not one of" in e for e in errors)
    assert any("'careTeamMember' was unexpected" in e for e in errors), errors


# -- PEG-3's LOINC item codes ----------------------------------------------------------


def test_peg3_items_carry_their_loinc_codes(client, answered):
    """Issue 24, 5: the panel 91148-7 and each item's own code (75893-8 pain,
    91145-3 enjoyment, 91146-1 activity), from programs/questionnaires/peg-3.yaml;
    instruments LOINC has no codes for carry none."""
    therapist, patient = answered

    found = resources(client.get(f"{API}/me/fhir", headers=patient.headers))

    responses = of(found, "QuestionnaireResponse")
    pegs = [r for r in responses if r["contained"][0]["title"] == "PEG-3"]
    assert len(pegs) == 2
    for response in pegs:
        [questionnaire] = response["contained"]
        codes = {i["linkId"]: i["code"] for i in questionnaire["item"]}
        assert codes == {
            "pain": [{"system": LOINC, "code": "75893-8"}],
            "enjoyment": [{"system": LOINC, "code": "91145-3"}],
            "activity": [{"system": LOINC, "code": "91146-1"}],
        }
        # Each answer is tied to its coded question by linkId.
        assert [i["linkId"] for i in response["item"]] == list(codes)
    others = [r for r in responses if r["contained"][0]["title"] != "PEG-3"]
    assert others and all(
        "code" not in i and "code" not in r["contained"][0]
        for r in others
        for i in r["contained"][0]["item"]
    )


# -- JSON only -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+xml",
        "application/xml",
        "application/fhir+xml, text/xml;q=0.5",
        "text/html",
    ],
)
def test_an_xml_only_client_gets_406_in_the_apis_error_shape(client, record, accept):
    therapist, patient = record

    theirs = client.get(
        f"{API}/patients/{patient.id}/fhir",
        headers={**therapist.headers, "Accept": accept},
    )
    mine = client.get(f"{API}/me/fhir", headers={**patient.headers, "Accept": accept})

    for answer in (theirs, mine):
        assert answer.status_code == 406
        assert answer.mimetype == "application/json"
        assert answer.json["code"] == 406
        assert answer.json["status"] == "Not Acceptable"
        assert "application/fhir+json" in answer.json["message"]


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/fhir+json",
        "application/json",
        "*/*",
        "application/*",
        "application/fhir+xml, application/fhir+json;q=0.5",
        "application/fhir+json; fhirVersion=4.0",
    ],
)
def test_a_json_client_gets_fhir_json(client, record, accept):
    therapist, patient = record
    headers = {**patient.headers, **({"Accept": accept} if accept else {})}

    found = resources(client.get(f"{API}/me/fhir", headers=headers))

    assert of(found, "Patient")
