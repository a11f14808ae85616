"""A pending progression suggestion follows the newest facts: when an event its
rule reads arrives (exercise pain, a red flag, a worsening alert, a missed
session, a questionnaire answer, a completed session), its rule is run again for
its plan; if it would not make the same change now, or a fact that rules out an
advance arrived since it was made (`withdrawn_by` in programs/progression.yaml),
it is withdrawn with that fact in plain words, and can no longer be accepted."""

import logging
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.sql.elements import ColumnElement

from kinetic.extensions import db
from kinetic.models import Alert, PainEntry, ScheduledSession, Suggestion, User
from kinetic.services import feedback, progression, progression_review, safety
from kinetic.services.clock import now, today_in
from kinetic.services.progression_review import day_words

log = logging.getLogger(__name__)


def recheck_pending(who: int | ColumnElement, event: str) -> list[int]:
    """Re-checks the pending suggestions of one patient (an id) or of the
    patients `who` selects, after `event` (for the log); returns the ids of those
    withdrawn. One query when none is pending, which is the common case."""
    if isinstance(who, int):
        who = User.id == who
    rows = db.session.execute(
        select(Suggestion, User.timezone)
        .join(User, User.id == Suggestion.patient_id)
        .where(who, Suggestion.status == "pending")
    ).all()
    by_timezone: dict[str, list[Suggestion]] = defaultdict(list)
    for suggestion, timezone in rows:
        by_timezone[timezone].append(suggestion)
    withdrawn = []
    for timezone, group in by_timezone.items():
        today = today_in(timezone)
        patients = User.id.in_({s.patient_id for s in group})
        plans = progression_review.gather(patients, today, recheck=True)
        for suggestion in group:
            why = _why_withdrawn(suggestion, plans, today, timezone)
            if why and withdraw(suggestion, why):
                log.info("suggestion %d withdrawn after %s", suggestion.id, event)
                withdrawn.append(suggestion.id)
    return withdrawn


def _why_withdrawn(
    suggestion: Suggestion, plans: dict, today: date, timezone: str
) -> str | None:
    rules = progression.rules()
    if suggestion.action == "advance":
        blocked_by = rules["advance"]["withdrawn_by"]
        fact = blocking_fact(suggestion.patient_id, suggestion.created_at, blocked_by)
        if fact:
            return f"Withdrawn: {fact}."
    plan = plans.get(suggestion.assignment_id)
    if plan is None:
        assignment = suggestion.assignment
        if assignment.status != "active" or assignment.progression == "off":
            return None  # the therapist paused it or turned progression off
        return "Withdrawn: the plan's current week no longer allows this change."
    why = progression_review.why_not(plan, suggestion.action, today, rules)
    return f"Withdrawn: {why}." if why else None


def withdraw(suggestion: Suggestion, reason: str) -> bool:
    """Withdrawn only while still pending (in the UPDATE itself, so a decision
    made at the same moment is not overwritten); False if it was decided."""
    result = db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.status == "pending")
        .values(status="withdrawn", withdrawn_reason=reason[:500], decided_at=now())
    )
    return result.rowcount == 1


# -- the facts that rule out an advance ------------------------------------------------


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
            PainEntry.created_at >= since,
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
    regions = [r.replace("_", " ") for r in alert.detail.get("regions") or {}]
    where = f" ({', '.join(regions)})" if regions else ""
    day = day_words(alert.created_at.astimezone(zone).date())
    return f"pain is getting worse{where}: a worsening alert of {day} is open"


def _first_alert(patient_id: int, kind: str, when: ColumnElement) -> Alert | None:
    return db.session.scalar(
        select(Alert)
        .where(Alert.patient_id == patient_id, Alert.kind == kind, when)
        .order_by(Alert.created_at)
        .limit(1)
    )
