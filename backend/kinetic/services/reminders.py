"""The patient's reminder settings (sending them comes with the scheduler)."""

from kinetic.extensions import db
from kinetic.models import ReminderSetting, User


def reminder_settings(patient: User) -> dict:
    setting = db.session.get(ReminderSetting, patient.id) or ReminderSetting(
        enabled=False, time="18:00"
    )
    return {
        "enabled": bool(setting.enabled),
        "time": setting.time,
        "timezone": patient.timezone,
    }


def update_reminders(patient: User, data: dict) -> dict:
    """Stores the settings; the timezone is the patient's own, so it moves "today"
    with it."""
    setting = db.session.get(ReminderSetting, patient.id)
    if setting is None:
        setting = ReminderSetting(patient_id=patient.id, enabled=False, time="18:00")
        db.session.add(setting)
    setting.enabled = data["enabled"]
    setting.time = data["time"]
    if data.get("timezone"):
        patient.timezone = data["timezone"]
    db.session.flush()
    return reminder_settings(patient)
