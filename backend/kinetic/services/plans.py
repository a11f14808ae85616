"""Assignments and the sessions they schedule, in the patient's own calendar."""

from datetime import date, timedelta

from sqlalchemy import bindparam, func, select, update

from kinetic.extensions import db
from kinetic.models import Assignment, Program, ScheduledSession, User
from kinetic.models.plans import session_exercises, without_phases
from kinetic.services import own_library, prescriptions
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now, today_in


def session_status(session: ScheduledSession, today: date) -> str:
    if session.status == "pending" and session.date < today:
        return "missed"
    return session.status


def with_status(sessions: list[ScheduledSession], today: date) -> list:
    """Sets each session's status as the patient reads it today (see the model)."""
    for session in sessions:
        session.current_status = session_status(session, today)
    return sessions


def _schedule(assignment: Assignment, days: list[date], prescription) -> None:
    wanted = set(assignment.days_of_week)
    db.session.add_all(
        ScheduledSession(
            assignment=assignment,
            patient_id=assignment.patient_id,
            date=day,
            slot=slot,
            prescription=prescription,
        )
        for day in days
        if day.weekday() in wanted
        for slot in range(1, assignment.sessions_per_day + 1)
    )


def assign_program(patient: User, therapist: User, data: dict) -> Assignment:
    """Pins the program's current version and makes prescription version 1 from
    it, or from the phases the therapist tailored it to."""
    program = own_library.find(Program, therapist, data["program"])
    if program is None or program.current_version is None or program.archived_at:
        raise AccountError(422, "No program with this slug.", "program")
    content = program.current_version.content
    start = data.get("start_date") or today_in(patient.timezone)
    weeks = data.get("weeks") or content["weeks"]
    assignment = Assignment(
        patient_id=patient.id,
        therapist_id=therapist.id,
        program_version=program.current_version,
        start_date=start,
        end_date=start + timedelta(days=weeks * 7 - 1),
        days_of_week=sorted(data.get("days_of_week") or content["days_of_week"]),
        sessions_per_day=data.get("sessions_per_day") or content["sessions_per_day"],
        status="active",
        progression=data.get("progression", "suggest"),
    )
    db.session.add(assignment)
    prescription = prescriptions.first_prescription(assignment, therapist, data)
    _schedule(
        assignment, [start + timedelta(days=n) for n in range(weeks * 7)], prescription
    )
    db.session.flush()
    return assignment


def set_assignment_status(assignment: Assignment, status: str) -> Assignment:
    """Pausing or stopping hides the plan's sessions from today on; resuming brings
    back the ones not yet past. Stopping is final."""
    if assignment.status == status:
        return assignment
    if assignment.status == "stopped":
        raise AccountError(409, "A stopped assignment cannot be changed.")
    patient = db.session.get(User, assignment.patient_id)
    today = today_in(patient.timezone)
    source, target = (
        ("cancelled", "pending")
        if status == "active"
        else (
            "pending",
            "cancelled",
        )
    )
    db.session.execute(
        update(ScheduledSession)
        .where(
            ScheduledSession.assignment_id == assignment.id,
            ScheduledSession.date >= today,
            ScheduledSession.status == source,
        )
        .values(status=target)
    )
    assignment.status = status
    db.session.flush()
    return assignment


# The statements of the patient's Today, built once (a profile put a tenth of the
# request in building statements and their cache keys).
_PAUSED = select(func.count()).where(
    Assignment.patient_id == bindparam("patient"), Assignment.status == "paused"
)
_SESSIONS_BETWEEN = (
    select(ScheduledSession)
    .where(
        ScheduledSession.patient_id == bindparam("patient"),
        ScheduledSession.date.between(bindparam("start"), bindparam("end")),
        ScheduledSession.status != "cancelled",
    )
    .order_by(ScheduledSession.date, ScheduledSession.slot)
    .options(*without_phases())
)
# A patient's own session with its plan, for the player's completion: Session.get
# with loader options builds its statement on every call (a profile put 15% of
# a completion there).
_PATIENTS_SESSION = (
    select(ScheduledSession)
    .where(
        ScheduledSession.id == bindparam("id"),
        ScheduledSession.patient_id == bindparam("patient"),
    )
    .options(*without_phases())
)


def patients_session(patient: User, session_id: int) -> ScheduledSession | None:
    """The patient's own session, or None when there is no such session or it
    is someone else's."""
    return db.session.scalar(
        _PATIENTS_SESSION, {"id": session_id, "patient": patient.id}
    )


def paused(patient: User) -> int:
    """How many of the patient's plans are on hold (e.g. after a red flag)."""
    return db.session.connection().scalar(_PAUSED, {"patient": patient.id})


def sessions_between(patient: User, start: date, end: date) -> list[ScheduledSession]:
    return list(
        db.session.scalars(
            _SESSIONS_BETWEEN, {"patient": patient.id, "start": start, "end": end}
        )
    )


def complete_session(session: ScheduledSession, data: dict) -> ScheduledSession:
    """Marks a session done once; a repeat (a phone syncing twice) is a no-op."""
    if session.status == "done":
        return session
    patient = db.session.get(User, session.patient_id)
    if session.date > today_in(patient.timezone):
        raise AccountError(409, "This session is not due yet.")
    planned = {e["slug"] for e in session_exercises(session)}
    if data.get("exercises_done"):
        unknown = sorted(set(data["exercises_done"]) - planned)
        if unknown:
            raise AccountError(
                422, f"Not in this session: {', '.join(unknown)}.", "exercises_done"
            )
    feedback = data.get("exercises")
    if feedback is not None:
        _check_feedback(feedback, planned)
        if data.get("exercises_done") is None:
            data = {
                **data,
                "exercises_done": [i["exercise"] for i in feedback if not i["skipped"]],
            }
    session.status = "done"
    session.completed_at = now()
    session.exercise_feedback = feedback
    for key in ("exercises_done", "difficulty", "pain_during", "notes"):
        setattr(session, key, data.get(key))
    db.session.flush()
    return session


def _check_feedback(items: list[dict], planned: set[str]) -> None:
    seen = set()
    for index, item in enumerate(items):
        name = f"exercises.{index}.exercise"
        if item["exercise"] not in planned:
            raise AccountError(422, f"Not in this session: {item['exercise']}.", name)
        if item["exercise"] in seen:
            raise AccountError(422, f"Given twice: {item['exercise']}.", name)
        seen.add(item["exercise"])
