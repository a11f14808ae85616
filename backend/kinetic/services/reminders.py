"""Daily reminders: the patient's settings, and the dispatch that the scheduler runs
every minute.

A reminder is due at the patient's reminder time on their own local day. The
dispatch claims it by inserting the row (patient, local date) into `reminders`,
whose unique key lets exactly one claim through however many ticks or processes
try; the in-app notification and one push delivery per subscription are written
in the same transaction. Sending comes after (kinetic.services.push)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kinetic.extensions import db
from kinetic.models import (
    Notification,
    QuestionnaireSchedule,
    Reminder,
    ReminderSetting,
    ScheduledSession,
    User,
)
from kinetic.services import progression_recheck, push

REMINDER_TITLE = "Time for your exercises"
REMINDER_BODY = "Today's session is waiting for you. Tap to open it."
REMINDER_BODY_QUESTIONNAIRE = (
    "Today's session and a short questionnaire are waiting for you. Tap to open it."
)


# -- settings --------------------------------------------------------------------------


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


def notifications_of(user: User, limit: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


# -- when a reminder is due ------------------------------------------------------------


def due_instant(day: date, hhmm: str, timezone: str) -> datetime:
    """The UTC instant of `hhmm` on `day` in `timezone`. A wall time skipped by a
    spring-forward change means the first instant after the gap (02:30 on a day
    that jumps from 02:00 to 03:00 is sent at 03:00); a wall time that happens twice
    when clocks fall back means the first of the two."""
    zone = ZoneInfo(timezone)
    wall = datetime.combine(day, time.fromisoformat(hhmm))
    first = wall.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return first.astimezone(UTC)
    # In a gap, fold=1 reads the wall time with the offset after the change, which
    # lands before the gap; the gap ends at the next instant whose wall time is
    # past the requested one. Gaps are whole minutes, so step by minutes.
    instant = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant


@dataclass(frozen=True)
class DueGroup:
    """Patients sharing a timezone and a reminder time, due now on `day`."""

    timezone: str
    hhmm: str
    day: date
    due_at: datetime


def due_groups(at: datetime, grace: timedelta) -> list[DueGroup]:
    """The (timezone, time) pairs whose reminder is due at `at`: not before the
    local time, and no later than `grace` after it on the same local day. There
    are few pairs (people pick round times), so this is cheap for any number of
    patients."""
    pairs = db.session.execute(
        select(User.timezone, ReminderSetting.time)
        .join(ReminderSetting, ReminderSetting.patient_id == User.id)
        .where(ReminderSetting.enabled.is_(True), User.role == "patient")
        .distinct()
    ).all()
    groups = []
    for timezone, hhmm in pairs:
        day = at.astimezone(ZoneInfo(timezone)).date()
        due_at = due_instant(day, hhmm, timezone)
        if due_at <= at < due_at + grace:
            groups.append(DueGroup(timezone, hhmm, day, due_at))
    return groups


def _due_patients(group: DueGroup) -> list[int]:
    """Patients of the group with a session still pending that day and no
    reminder claimed yet (the unique key decides in the end; this only saves
    work)."""
    pending = exists().where(
        ScheduledSession.patient_id == User.id,
        ScheduledSession.date == group.day,
        ScheduledSession.status == "pending",
    )
    claimed = exists().where(
        Reminder.patient_id == User.id, Reminder.local_date == group.day
    )
    return list(
        db.session.scalars(
            select(User.id)
            .join(ReminderSetting, ReminderSetting.patient_id == User.id)
            .where(
                ReminderSetting.enabled.is_(True),
                ReminderSetting.time == group.hhmm,
                User.role == "patient",
                User.timezone == group.timezone,
                pending,
                ~claimed,
            )
            .order_by(User.id)
        )
    )


def _insert_ignoring_duplicates():
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(Reminder).on_conflict_do_nothing(
        index_elements=["patient_id", "local_date"]
    )


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _questionnaire_due(patients: list[int], day: date) -> set[int]:
    """Which of these patients have a questionnaire due on `day` (one query)."""
    return set(
        db.session.scalars(
            select(QuestionnaireSchedule.patient_id)
            .where(
                QuestionnaireSchedule.patient_id.in_(patients),
                QuestionnaireSchedule.next_due <= day,
            )
            .distinct()
        )
    )


def claim_due(at: datetime) -> int:
    """Claims every reminder due at `at` and writes its notification and push
    deliveries, committing as it goes; returns how many reminders it claimed."""
    grace = timedelta(minutes=current_app.config["REMINDER_GRACE_MINUTES"])
    claimed = 0
    for group in due_groups(at, grace):
        for patients in _chunks(_due_patients(group), 5000):
            claimed += _claim(at, group, patients)
    return claimed


def _claim(at: datetime, group: DueGroup, patients: list[int]) -> int:
    won = db.session.execute(
        _insert_ignoring_duplicates().returning(Reminder.id, Reminder.patient_id),
        [
            {
                "patient_id": patient_id,
                "local_date": group.day,
                "due_at": group.due_at,
                "claimed_at": at,
            }
            for patient_id in patients
        ],
    ).all()
    if not won:
        db.session.commit()
        return 0
    asked = _questionnaire_due([patient_id for _, patient_id in won], group.day)
    db.session.execute(
        insert(Notification),
        [
            {
                "user_id": patient_id,
                "reminder_id": reminder_id,
                "kind": "reminder",
                "title": REMINDER_TITLE,
                "body": REMINDER_BODY_QUESTIONNAIRE
                if patient_id in asked
                else REMINDER_BODY,
                "url": "/#/today",
                "created_at": at,
            }
            for reminder_id, patient_id in won
        ],
    )
    reminder_ids = [reminder_id for reminder_id, _ in won]
    for ids in _chunks(reminder_ids, 1000):
        push.queue_deliveries(Notification.reminder_id.in_(ids))
    db.session.commit()
    return len(won)


# -- the tick and the nightly job ------------------------------------------------------


@dataclass
class TickReport:
    at: datetime
    claimed: int = 0
    delivery: push.DeliveryReport = field(default_factory=push.DeliveryReport)

    def __str__(self) -> str:
        d = self.delivery
        return (
            f"{self.at.isoformat()}: {self.claimed} reminder(s) claimed; pushes "
            f"sent {d.sent}, gone {d.gone}, to retry {d.retry}, failed {d.failed}"
        )


def tick(at: datetime, sender: push.PushSender | None = None) -> TickReport:
    """One dispatch as of `at`: claim what is due, then send what is pending
    (new reminders and retries whose time has come)."""
    at = at.astimezone(UTC)
    report = TickReport(at, claimed=claim_due(at))
    report.delivery = push.deliver(at, sender)
    return report


def mark_missed(at: datetime) -> int:
    """Sessions still pending on a day that has ended in their patient's timezone
    become `missed`; returns how many. Run every hour, so each timezone's night is
    covered."""
    at = at.astimezone(UTC)
    timezones = db.session.scalars(
        select(User.timezone).where(User.role == "patient").distinct()
    ).all()
    marked = 0
    for timezone in timezones:
        today = at.astimezone(ZoneInfo(timezone)).date()
        patients = select(User.id).where(
            User.timezone == timezone, User.role == "patient"
        )
        result = db.session.execute(
            update(ScheduledSession)
            .where(
                ScheduledSession.status == "pending",
                ScheduledSession.date < today,
                ScheduledSession.patient_id.in_(patients.scalar_subquery()),
            )
            .values(status="missed")
            .execution_options(synchronize_session=False)
        )
        marked += result.rowcount or 0
        if result.rowcount:  # a missed session lowers adherence
            who = (User.timezone == timezone) & (User.role == "patient")
            progression_recheck.recheck_pending(who, "missed sessions")
    db.session.commit()
    return marked
