"""The facts that rule out an advance (`withdrawn_by` in programs/progression.yaml):
pain during an exercise at or above safety.yaml's exercise_pain score, a red
flag, an open worsening alert. Read when an advance would be made (since the
plan changed, within the rule's days) and when a pending one is re-checked
(since it was made), and said in plain words."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from kinetic.extensions import db
from kinetic.models import Alert, PainEntry, ScheduledSession, User
from kinetic.services import feedback, safety


def day_words(day: date | str) -> str:
    """4 Dec: how a withdrawal or a reason names a day."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.day} {day:%b}"


def blocking_fact(patient_id: int, since: datetime, kinds: list[str]) -> str | None:
    """The first fact of `kinds` that arrived at or after `since`, in words (an
    open worsening alert counts whenever it was raised), or None."""
    timezone = db.session.scalar(select(User.timezone).where(User.id == patient_id))
    checks = {
        "exercise_pain": _exercise_pain,
        "red_flag": _red_flag,
        "worsening": _worsening,
    }
    for kind in kinds:
        if fact := checks[kind](patient_id, since, ZoneInfo(timezone)):
            return fact
    return None


def _exercise_pain(patient_id: int, since: datetime, zone: ZoneInfo) -> str | None:
    """Pain at or above the exercise_pain score: a "Stop: this hurts" entry or
    the pain given for an exercise when completing a session."""
    threshold = safety.rules()["exercise_pain"]["score"]
    entries = db.session.scalars(
        select(PainEntry)
        .where(
            PainEntry.patient_id == patient_id,
            PainEntry.exercise.is_not(None),
            # A correction is news too.
            func.coalesce(PainEntry.corrected_at, PainEntry.created_at) >= since,
        )
        .order_by(PainEntry.created_at)
    )
    for entry in entries:
        scores = [getattr(entry, r) for r in safety.REGION_NAMES]
        score = max((s for s in scores if s is not None), default=-1)
        if score >= threshold:
            session = entry.session_id and db.session.get(
                ScheduledSession, entry.session_id
            )
            name = feedback.exercise_name(session, entry.exercise) if session else None
            return _pain_words(score, name or entry.exercise, entry.local_date)
    sessions = db.session.scalars(
        select(ScheduledSession)
        .where(
            ScheduledSession.patient_id == patient_id,
            ScheduledSession.status.in_(("done", "partly_done")),
            ScheduledSession.completed_at >= since,
        )
        .order_by(ScheduledSession.completed_at)
    )
    for session in sessions:
        for item in session.exercise_feedback or []:
            if (item.get("pain") or 0) >= threshold:
                name = feedback.exercise_name(session, item["exercise"])
                return _pain_words(item["pain"], name, session.date)
    return None


def _pain_words(score: int, name: str, day: date) -> str:
    return f"pain {score}/10 during {name} on {day_words(day)}"


def _red_flag(patient_id: int, since: datetime, zone: ZoneInfo) -> str | None:
    alert = _first_alert(patient_id, "red_flag", Alert.created_at >= since)
    if alert is None:
        return None
    signs = ", ".join(alert.detail.get("signs") or [])
    day = day_words(alert.created_at.astimezone(zone).date())
    return f"a red flag was reported on {day}" + (f" ({signs})" if signs else "")


def _worsening(patient_id: int, since: datetime, zone: ZoneInfo) -> str | None:
    alert = _first_alert(patient_id, "worsening", Alert.status == "open")
    if alert is None:
        return None
    # The clinical picture's reasons; alerts from before it named regions.
    found = [r["text"] for r in alert.detail.get("reasons") or [] if r.get("text")]
    found = found or [
        f"{r.replace('_', ' ')} pain" for r in alert.detail.get("regions") or {}
    ]
    day = day_words(alert.created_at.astimezone(zone).date())
    what = f" ({'; '.join(found)})" if found else ""
    return f"pain is getting worse: a worsening alert of {day} is open{what}"


def _first_alert(patient_id: int, kind: str, when: ColumnElement) -> Alert | None:
    return db.session.scalar(
        select(Alert)
        .where(Alert.patient_id == patient_id, Alert.kind == kind, when)
        .order_by(Alert.created_at)
        .limit(1)
    )
