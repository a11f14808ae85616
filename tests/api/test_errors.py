"""The one error shape holds for every kind of bad input: field errors inside lists
are named by their position, and no answer to bad input is a 500."""

import pytest

API = "/api/v1"


def test_a_symptom_list_of_mixed_types_is_refused_naming_each_item(
    client, make_patient
):
    patient = make_patient()

    response = client.post(
        f"{API}/me/pain",
        json={"low_back": 3, "symptoms": ["leg_numbness", 0, False, "not-a-code"]},
        headers=patient.headers,
    )

    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.json
    assert body["code"] == 422
    assert body["message"] == (
        "Some fields are not valid: symptoms, symptoms.1, symptoms.2."
    )
    symptoms = body["errors"]["symptoms"]
    assert symptoms["1"] == ["Not a valid string."]
    assert symptoms["2"] == ["Not a valid string."]


@pytest.mark.parametrize(
    ("path", "body", "field", "item"),
    [
        (
            "/sessions/{session}/complete",
            {"exercises_done": ["a", 1, None, "b"]},
            "exercises_done",
            "1",
        ),
        (
            "/me/pain",
            {"low_back": 1, "red_flags": [True, "not_a_red_flag", 2.5]},
            "red_flags",
            "0",
        ),
    ],
)
def test_nested_list_errors_have_string_keys_on_every_endpoint(
    client, make_patient, make_therapist, make_assignment, path, body, field, item
):
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(patient, therapist, days_of_week=list(range(7)))
    session = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]
    path = path.format(session=session[0]["id"] if session else 1)

    response = client.post(f"{API}{path}", json=body, headers=patient.headers)

    assert response.status_code == 422, response.get_data(as_text=True)
    errors = response.json["errors"][field]
    assert all(isinstance(key, str) for key in errors), errors
    assert errors[item] == ["Not a valid string."]


def test_assignment_days_of_mixed_types_are_refused(
    client, make_patient, make_therapist, programs
):
    therapist = make_therapist()
    patient = make_patient(therapist)

    response = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "test-plan", "days_of_week": [1, "2", True, 9]},
        headers=therapist.headers,
    )

    assert response.status_code == 422, response.get_data(as_text=True)
    days = response.json["errors"]["days_of_week"]
    assert days["1"] == ["Not a valid integer."]
    assert days["2"] == ["Not a valid integer."]
    assert days["3"] == [
        "Must be greater than or equal to 0 and less than or equal to 6."
    ]
