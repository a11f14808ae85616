"""Assignments and the sessions they schedule, in the patient's own calendar."""

from datetime import date, timedelta

from sqlalchemy import bindparam, func, select, update

from kinetic.extensions import db
from kinetic.models import (
    Assignment,
    Program,
    ProgramVersion,
    ScheduledSession,
    User,
)
from kinetic.models.plans import (
    COMPLETED_STATUSES,
    session_exercises,
    without_phases,
)
from kinetic.services import own_library, prescriptions
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now, today_in
from kinetic.services.locks import lock_row


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
    _refuse_a_second_plan(patient, program)
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


def _refuse_a_second_plan(patient: User, program: Program) -> None:
    """409 while the patient has a plan of this program that is not stopped
    (active, or paused, which resuming would bring back beside the new one).
    Under the patient's lock: of several assignments at once, one is made."""
    lock_row(User, patient.id)
    live = db.session.scalar(
        select(Assignment.id)
        .join(ProgramVersion, Assignment.program_version_id == ProgramVersion.id)
        .where(
            Assignment.patient_id == patient.id,
            ProgramVersion.program_id == program.id,
            Assignment.status != "stopped",
        )
        .limit(1)
    )
    if live is not None:
        raise AccountError(
            409,
            "This patient already has a plan of this program: change, pause or "
            "stop that plan rather than assigning the program again.",
        )


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


class CompletionConflict(AccountError):
    """The session was finished with other answers (on another device, say); it
    carries the stored session, the one that counts."""

    def __init__(self, session: ScheduledSession):
        super().__init__(
            409,
            "This session was already finished with other answers, perhaps on "
            "another device; those answers are kept.",
        )
        self.session = session


# The stored statuses a completion may change: `missed` is a past pending
# session the nightly job marked (reminders.py).
_OPEN = ("pending", "missed")
# What a completion writes, besides completed_at.
_ANSWERS = (
    "status",
    "done_fraction",
    "exercise_feedback",
    "exercises_done",
    "difficulty",
    "pain_during",
    "notes",
)


def complete_session(
    session: ScheduledSession, data: dict
) -> tuple[ScheduledSession, bool]:
    """Marks an open session done, or partly done (see `finished_exercises`);
    returns it and whether this request finished it. The counts are stored as
    sent. Only one completion wins (a conditional UPDATE): the same answers again
    (a phone syncing twice) are a no-op, other answers a CompletionConflict."""
    if session.status == "cancelled":
        raise AccountError(409, "This session was cancelled: its plan is on hold.")
    if session.status == "pending":
        patient = db.session.get(User, session.patient_id)
        if session.date > today_in(patient.timezone):
            raise AccountError(409, "This session is not due yet.")
    answers = _answers(session, data)
    if session.status in _OPEN and _store_if_open(session, answers):
        return session, True
    if session.status in COMPLETED_STATUSES and all(
        getattr(session, key) == value for key, value in answers.items()
    ):
        return session, False
    raise CompletionConflict(session)


def _answers(session: ScheduledSession, data: dict) -> dict:
    """The columns a completion with `data` stores; 422 for an exercise that is
    not in the session."""
    exercises = session_exercises(session)
    planned = set(_slugs(exercises))
    _check_ticked(data.get("exercises_done") or [], planned)
    feedback = data.get("exercises")
    if feedback is not None:
        _check_feedback(feedback, planned)
    finished = finished_exercises(exercises, feedback, data.get("exercises_done"))
    ticked = data.get("exercises_done")
    if feedback is not None and ticked is None:
        ticked = [s for s in _slugs(exercises) if s in finished]
    fraction = len(finished) / len(planned) if planned else 1.0
    return {
        "status": "done" if fraction == 1 else "partly_done",
        "done_fraction": fraction,
        "exercise_feedback": feedback,
        "exercises_done": ticked,
        "difficulty": data.get("difficulty"),
        "pain_during": data.get("pain_during"),
        "notes": data.get("notes"),
    }


def _store_if_open(session: ScheduledSession, answers: dict) -> bool:
    """Writes the completion only if the row is still open: of two at once,
    PostgreSQL makes the second wait for the first and then finds no open row;
    SQLite lets one writer at a time. Reloads what is stored either way."""
    result = db.session.execute(
        update(ScheduledSession)
        .where(ScheduledSession.id == session.id, ScheduledSession.status.in_(_OPEN))
        .values(**answers, completed_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, [*_ANSWERS, "completed_at"])
    return result.rowcount == 1


def _slugs(exercises: list[dict]) -> list[str]:
    return [e["slug"] for e in exercises]


def finished_exercises(
    exercises: list[dict], feedback: list[dict] | None, ticked: list[str] | None
) -> set[str]:
    """The session's exercises done in full: the rule behind a completion's
    status and `done_fraction` (exercises done in full / exercises in the session).

    With per-exercise `feedback` (the player's), an exercise is done in full when
    its item is not skipped and its `sets_done` reaches the sets its dosage
    prescribes (1 when the dosage names none); an item without `sets_done` is
    taken at its word, and an exercise without an item was not done. Without
    feedback, the `ticked` slugs (`exercises_done`) are the ones done; with
    neither, every exercise counts as done (a session simply ticked off).
    """
    if feedback is not None:
        sets = {e["slug"]: (e.get("dosage") or {}).get("sets", 1) for e in exercises}
        return {
            item["exercise"]
            for item in feedback
            if item["exercise"] in sets
            and not item.get("skipped")
            and (
                item.get("sets_done") is None
                or item["sets_done"] >= sets[item["exercise"]]
            )
        }
    if ticked is not None:
        return set(ticked) & set(_slugs(exercises))
    return set(_slugs(exercises))


def _check_ticked(ticked: list[str], planned: set[str]) -> None:
    unknown = sorted(set(ticked) - planned)
    if unknown:
        raise AccountError(
            422, f"Not in this session: {', '.join(unknown)}.", "exercises_done"
        )


def _check_feedback(items: list[dict], planned: set[str]) -> None:
    seen = set()
    for index, item in enumerate(items):
        name = f"exercises.{index}.exercise"
        if item["exercise"] not in planned:
            raise AccountError(422, f"Not in this session: {item['exercise']}.", name)
        if item["exercise"] in seen:
            raise AccountError(422, f"Given twice: {item['exercise']}.", name)
        seen.add(item["exercise"])
