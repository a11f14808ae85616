"""The patient's daily reminder settings."""

import pytest

URL = "/api/v1/me/reminders"


def test_reminders_start_off_at_six_in_the_evening(client, make_patient):
    patient = make_patient(timezone="Europe/Berlin")
    response = client.get(URL, headers=patient.headers)
    assert response.status_code == 200
    assert response.json == {
        "enabled": False,
        "time": "18:00",
        "timezone": "Europe/Berlin",
    }


def test_setting_a_reminder_keeps_it_and_moves_the_timezone(client, make_patient):
    patient = make_patient()
    body = {"enabled": True, "time": "07:30", "timezone": "America/New_York"}
    response = client.put(URL, json=body, headers=patient.headers)
    assert response.status_code == 200
    assert response.json == body
    assert client.get(URL, headers=patient.headers).json == body
    me = client.get("/api/v1/me", headers=patient.headers).json
    assert me["timezone"] == "America/New_York"
    off = client.put(
        URL, json={"enabled": False, "time": "07:30"}, headers=patient.headers
    )
    assert off.json == {**body, "enabled": False}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"enabled": True, "time": "24:00"}, "time"),
        ({"enabled": True, "time": "7:30"}, "time"),
        ({"enabled": True, "time": "07:60"}, "time"),
        ({"enabled": "yes", "time": "07:30"}, "enabled"),
        ({"enabled": 1, "time": "07:30"}, "enabled"),
        ({"time": "07:30"}, "enabled"),
        ({"enabled": True}, "time"),
        ({"enabled": True, "time": "07:30", "timezone": "Mars/Olympus"}, "timezone"),
        ({"enabled": True, "time": "07:30", "sound": "bell"}, "sound"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_reminder_settings_change_nothing(client, make_patient, body, field):
    patient = make_patient()
    response = client.put(URL, json=body, headers=patient.headers)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert client.get(URL, headers=patient.headers).json["enabled"] is False


def test_erasure_removes_the_reminder(app, client, make_patient):
    from kinetic.extensions import db
    from kinetic.models import ReminderSetting

    patient = make_patient()
    client.put(URL, json={"enabled": True, "time": "08:00"}, headers=patient.headers)
    assert client.delete("/api/v1/me", headers=patient.headers).status_code == 204
    with app.app_context():
        assert db.session.get(ReminderSetting, patient.id) is None
