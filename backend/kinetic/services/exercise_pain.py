"""Exercise-pain reports ("Stop: this hurts" in the player): pain during one
exercise, kept apart from the diary so it moves no daily mean or rule, and shown
on the trend as points of their own."""

from datetime import date

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import REGIONS, PainEntry, ScheduledSession
from kinetic.services.feedback import exercise_name

_REPORTS = (
    select(PainEntry, ScheduledSession)
    .outerjoin(ScheduledSession, ScheduledSession.id == PainEntry.session_id)
    .where(~PainEntry.is_diary)
    .order_by(PainEntry.recorded_at, PainEntry.id)
)


def reports_between(patient_id: int, start: date, end: date) -> list[dict]:
    """One item per region scored in each report of the patient's local days
    `start` to `end`, oldest first, in TrendsSchema's JSON form."""
    rows = db.session.execute(
        _REPORTS.where(
            PainEntry.patient_id == patient_id,
            PainEntry.local_date.between(start, end),
        )
    ).all()
    names: dict[tuple[int, str], str] = {}
    items = []
    for entry, session in rows:
        key = (entry.session_id or 0, entry.exercise)
        if key not in names:
            names[key] = exercise_name(session, entry.exercise) if session else None
        for region in REGIONS:
            score = getattr(entry, region)
            if score is None:
                continue
            items.append(
                {
                    "recorded_at": entry.recorded_at.isoformat(),
                    "date": entry.local_date.isoformat(),
                    "exercise": entry.exercise,
                    "exercise_name": names[key] or entry.exercise,
                    "session_id": entry.session_id,
                    "region": region,
                    "score": score,
                }
            )
    return items


def named_reports(patient_id: int) -> list[tuple[PainEntry, int | None, str]]:
    """Every report of the patient, oldest first, with its plan (assignment id, if
    its session is still there) and its exercise's name as prescribed then (the
    slug once the session is gone)."""
    rows = db.session.execute(_REPORTS.where(PainEntry.patient_id == patient_id))
    return [
        (
            entry,
            session.assignment_id if session else None,
            exercise_name(session, entry.exercise) if session else entry.exercise,
        )
        for entry, session in rows
    ]
