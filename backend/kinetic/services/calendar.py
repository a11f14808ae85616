"""The patient's calendar feed: a secret, revocable URL to an iCalendar file of
the next four weeks of sessions at their reminder time, for phones where Web Push
is not available. icalendar writes the file (RFC 5545) and the VTIMEZONE from the
IANA database; what is ours is which days and when."""

import hashlib
import hmac
import secrets
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Alarm, Calendar, Event
from sqlalchemy import delete, select

from kinetic.extensions import db
from kinetic.models import CalendarFeed, ScheduledSession, User
from kinetic.models.plans import session_exercises
from kinetic.services import plans
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now, today_in
from kinetic.services.links import public_url
from kinetic.services.locks import lock_row
from kinetic.services.reminders import reminder_settings

WEEKS = 4
SESSION_MINUTES = 30


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(patient: User) -> str:
    """A new secret token for the patient's feed; any older one stops working.

    409 while the current link is younger than CALENDAR_LINK_REPEAT_SECONDS: a
    double tap, or ten requests at once, make one link, and no one is handed a
    URL that the next request has already revoked. Under the patient's lock, so
    requests at the same moment see each other's link."""
    lock_row(User, patient.id)
    current = db.session.scalar(
        select(CalendarFeed.created_at).where(CalendarFeed.patient_id == patient.id)
    )
    repeat = current_app.config["CALENDAR_LINK_REPEAT_SECONDS"]
    if current is not None and now() - current < timedelta(seconds=repeat):
        raise AccountError(
            409,
            "A calendar link was made moments ago: use that one, or wait "
            f"{repeat} seconds (or turn it off) before making another.",
        )
    token = secrets.token_urlsafe(32)
    revoke_feed(patient)
    db.session.add(
        CalendarFeed(patient_id=patient.id, token_hash=_digest(token), created_at=now())
    )
    db.session.flush()
    return token


def revoke_feed(patient: User) -> bool:
    result = db.session.execute(
        delete(CalendarFeed).where(CalendarFeed.patient_id == patient.id)
    )
    return bool(result.rowcount)


def feed_of(patient: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, patient.id)


def patient_for_token(token: str) -> User | None:
    return db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.patient_id == User.id)
        .where(CalendarFeed.token_hash == _digest(token))
    )


def _uid(patient: User, day: date) -> str:
    # Stable per patient and day, so a calendar updates an event instead of
    # adding another; keyed, so it does not reveal the patient's id.
    key = current_app.config["SECRET_KEY"].encode()
    tag = hmac.new(key, f"calendar:{patient.id}".encode(), "sha256").hexdigest()
    return f"{day.isoformat()}-{tag[:20]}@kinetic-chain"


def _description(sessions: list[ScheduledSession], app_url: str) -> str:
    lines = []
    for session in sessions:
        lines.append(f"{session.assignment.program_title}:")
        for exercise in session_exercises(session):
            lines.append(f"- {exercise['name']}")
    lines.append(f"Open Kinetic Chain: {app_url}#/today")
    return "\n".join(lines)


def _event(patient: User, day: date, sessions: list, at: time, app_url: str) -> Event:
    zone = ZoneInfo(patient.timezone)
    start = datetime.combine(day, at, tzinfo=zone)
    count = len(sessions)
    event = Event()
    event.add("uid", _uid(patient, day))
    event.add("dtstamp", now())
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=SESSION_MINUTES * count))
    event.add("summary", "Exercises" if count == 1 else f"Exercises ({count} sessions)")
    event.add("description", _description(sessions, app_url))
    event.add("url", f"{app_url}#/today")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Time for your exercises")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def feed(patient: User) -> bytes:
    """The next four weeks of days with a session still to do, one event a day at
    the reminder time, in the patient's own timezone (with its VTIMEZONE); each
    links to the app at PUBLIC_URL."""
    app_url = public_url("/")
    today = today_in(patient.timezone)
    end = today + timedelta(days=WEEKS * 7 - 1)
    by_day: dict[date, list] = defaultdict(list)
    for session in plans.sessions_between(patient, today, end):
        if session.status == "pending":
            by_day[session.date].append(session)
    at = time.fromisoformat(reminder_settings(patient)["time"])
    calendar = Calendar()
    calendar.add("prodid", "-//Kinetic Chain//Exercise sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Kinetic Chain exercises")
    calendar.add("x-wr-timezone", patient.timezone)
    # Subscribed calendars ask again this often, so plan changes show soon.
    calendar.add(
        "refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"}
    )
    calendar.add("x-published-ttl", "PT1H")
    for day in sorted(by_day):
        calendar.add_component(_event(patient, day, by_day[day], at, app_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
