"""Pain entries: validation, exactly-once recording by client_id, and advice."""

import uuid
from datetime import UTC, datetime

import pytest

API = "/api/v1"


@pytest.fixture
def patient(make_patient):
    return make_patient()


def post(client, patient, **body):
    return client.post(f"{API}/me/pain", json=body, headers=patient.headers)


def entries(client, patient, query="from=2026-01-01&to=2026-12-31"):
    response = client.get(f"{API}/me/pain?{query}", headers=patient.headers)
    assert response.status_code == 200
    return response.json


def test_an_entry_is_stored_with_the_patients_local_date(client, clock, patient):
    response = post(client, patient, low_back=4, neck=2, notes="After gardening")
    assert response.status_code == 201
    body = response.json
    assert body["low_back"] == 4 and body["neck"] == 2 and body["headache"] is None
    assert body["date"] == "2026-03-10"
    assert body["recorded_at"] == "2026-03-10T12:00:00+00:00"
    assert body["advice"] == []
    assert entries(client, patient) == [
        {k: v for k, v in body.items() if k != "advice"}
    ]


def test_recorded_at_is_read_in_the_patients_timezone(client, clock, make_patient):
    patient = make_patient(timezone="Europe/Berlin")
    # 23:30 UTC on the 9th is already the 10th in Berlin.
    response = post(client, patient, headache=3, recorded_at="2026-03-09T23:30:00Z")
    assert response.status_code == 201
    assert response.json["date"] == "2026-03-10"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"low_back": 11}, "low_back"),
        ({"low_back": -1}, "low_back"),
        ({"neck": 3.5}, "neck"),
        ({"neck": "5"}, "neck"),
        ({"headache": True}, "headache"),
        ({"headache": "high"}, "headache"),
        ({}, "scores"),
        ({"notes": "only notes"}, "scores"),
        ({"low_back": None, "neck": None}, "scores"),
        ({"low_back": 2, "recorded_at": "2026-03-10T10:00:00"}, "recorded_at"),
        ({"low_back": 2, "recorded_at": "2026-03-12T10:00:00+00:00"}, "recorded_at"),
        ({"low_back": 2, "recorded_at": "yesterday"}, "recorded_at"),
        ({"low_back": 2, "client_id": "not-a-uuid"}, "client_id"),
        ({"low_back": 2, "red_flags": ["made_up_flag"]}, "red_flags"),
        ({"low_back": 2, "red_flags": "saddle_numbness"}, "red_flags"),
        ({"low_back": 2, "notes": "x" * 2001}, "notes"),
        ({"low_back": 2, "mood": "fine"}, "mood"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_entries_are_rejected_and_nothing_is_stored(
    client, clock, patient, body, field
):
    response = post(client, patient, **body)
    assert response.status_code == 422
    assert field in response.json["errors"], response.json
    assert field in response.json["message"]
    assert entries(client, patient) == []


def test_a_body_that_is_not_json_is_refused(client, patient):
    response = client.post(
        f"{API}/me/pain",
        data="low_back=3",
        headers={**patient.headers, "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.json["code"] == response.status_code
    assert response.json["message"]


def test_the_same_client_id_records_once(client, clock, patient):
    client_id = str(uuid.uuid4())
    first = post(client, patient, low_back=5, client_id=client_id)
    assert first.status_code == 201
    again = post(client, patient, low_back=5, client_id=client_id)
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    changed = post(client, patient, low_back=9, client_id=client_id)
    assert changed.status_code == 200
    assert changed.json["low_back"] == 5
    assert len(entries(client, patient)) == 1


def test_client_ids_belong_to_one_patient(client, clock, make_patient):
    client_id = str(uuid.uuid4())
    one, other = make_patient(), make_patient()
    assert post(client, one, neck=1, client_id=client_id).status_code == 201
    theirs = post(client, other, neck=7, client_id=client_id)
    assert theirs.status_code == 201
    assert theirs.json["neck"] == 7


def test_red_flags_bring_urgent_advice(client, clock, patient):
    response = post(
        client,
        patient,
        low_back=6,
        red_flags=["saddle_numbness", "bladder_bowel_change"],
    )
    assert response.status_code == 201
    assert response.json["red_flags"] == ["bladder_bowel_change", "saddle_numbness"]
    (advice,) = response.json["advice"]
    assert advice["level"] == "urgent"
    assert "seek urgent medical care now" in advice["text"].lower()
    assert "bladder or bowel" in advice["text"]


def test_high_pain_brings_gentle_advice(client, clock, patient):
    response = post(client, patient, headache=8)
    (advice,) = response.json["advice"]
    assert advice["code"] == "high_pain"
    assert post(client, patient, headache=7).json["advice"] == []


def test_entries_are_listed_oldest_first_within_the_range(client, clock, patient):
    for day, score in ((12, 3), (5, 5), (9, 4)):
        recorded = datetime(2026, 3, 10, tzinfo=UTC).replace(day=day - 2)
        post(client, patient, low_back=score, recorded_at=recorded.isoformat())
    listed = entries(client, patient, "from=2026-03-04&to=2026-03-08")
    assert [e["date"] for e in listed] == ["2026-03-07"]
    listed = entries(client, patient)
    assert [e["low_back"] for e in listed] == [5, 4, 3]


def test_a_copy_that_loses_the_race_answers_with_the_winners_entry(
    client, clock, patient, monkeypatch
):
    """Two copies of one entry arrive together: both pass the lookup, one insert
    hits the unique constraint and must answer with the other's row."""
    from kinetic.services import diary

    client_id = str(uuid.uuid4())
    first = post(client, patient, neck=3, client_id=client_id)
    real_lookup = diary._by_client_id
    calls = []

    def lookup_that_misses_once(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_lookup(*args)

    monkeypatch.setattr(diary, "_by_client_id", lookup_that_misses_once)
    second = post(client, patient, neck=3, client_id=client_id)
    assert len(calls) == 2  # the insert failed and the row was looked up again
    assert second.status_code == 200
    assert second.json["id"] == first.json["id"]
    assert len(entries(client, patient)) == 1
    # The session is still usable after the rolled-back savepoint.
    assert post(client, patient, neck=4).status_code == 201


def test_an_entry_is_written_together_with_its_alerts_or_not_at_all(
    client, clock, patient, monkeypatch
):
    """The entry is inserted in a savepoint (for the client_id race). On SQLite,
    Python's driver let that savepoint commit the row on its own, before the
    rules had run: a failure after it left the entry without its alerts."""
    from kinetic.services import safety

    def rules_fail(*args):
        raise RuntimeError("the rules failed")

    monkeypatch.setattr(safety, "after_entry", rules_fail)
    with pytest.raises(RuntimeError):
        post(client, patient, neck=3, client_id=str(uuid.uuid4()))
    monkeypatch.undo()
    assert entries(client, patient) == []
