from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, defaultload, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.library import ProgramVersion, shared_json
from kinetic.models.types import UTCDateTime, utcnow
from kinetic.models.users import User

ASSIGNMENT_STATUSES = ("active", "paused", "stopped")
PROGRESSION_MODES = ("suggest", "auto", "off")
# A session's stored status; `pending` of a past day reads as missed (plans.py).
SESSION_STATUSES = ("pending", "done", "partly_done", "missed", "cancelled")
# The statuses of a session the patient has finished, in full or in part.
COMPLETED_STATUSES = ("done", "partly_done")


class Assignment(db.Model):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    therapist_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    program_version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    days_of_week: Mapped[list[int]] = mapped_column(JSON)
    sessions_per_day: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="active")
    # What the progression rules (programs/progression.yaml) do: see PROGRESSION_MODES.
    progression: Mapped[str] = mapped_column(
        String(8), default="suggest", server_default="suggest"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program_version: Mapped[ProgramVersion] = relationship(lazy="joined")
    prescriptions: Mapped[list["Prescription"]] = relationship(
        back_populates="assignment", passive_deletes=True
    )

    @property
    def program(self) -> str:
        return self.program_version.shared_content()["slug"]

    @property
    def program_title(self) -> str:
        return self.program_version.shared_content()["title"]

    @property
    def program_version_number(self) -> int:
        return self.program_version.version

    @property
    def prescription(self) -> "Prescription | None":
        """The current prescription version."""
        return max(self.prescriptions, key=lambda p: p.version, default=None)

    @property
    def weeks(self) -> int:
        return ((self.end_date - self.start_date).days + 1) // 7


class Prescription(db.Model):
    """One version of a plan's tailored phases, with every exercise's text and dose
    resolved in full; never changed once stored."""

    __tablename__ = "prescriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    phases: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    phases_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(2000))
    changes: Mapped[list[str]] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="prescriptions")
    changed_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("assignment_id", "version"),)

    def shared_phases(self) -> list[dict[str, Any]]:
        """`phases`, decoded once per process (as ProgramVersion.shared_content)."""
        return shared_json(("prescription", self.phases_hash), lambda: self.phases)


class ScheduledSession(db.Model):
    """One planned session; `pending` ones dated before the patient's today read as
    missed, and `cancelled` ones (plan paused or stopped) are hidden."""

    __tablename__ = "scheduled_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date: Mapped[date]
    slot: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exercises_done: Mapped[list[str] | None] = mapped_column(JSON)
    difficulty: Mapped[int | None]
    pain_during: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(String(2000))
    # Per exercise: [{exercise, sets_done, reps_done, seconds, pain, effort, skipped}].
    exercise_feedback: Mapped[list[dict] | None] = mapped_column(JSON)
    # The share of the session's exercises done: 1 when `done`, below 1 when
    # `partly_done`, null otherwise (what adherence counts, services/picture.py).
    done_fraction: Mapped[float | None]
    prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="CASCADE")
    )

    assignment: Mapped[Assignment] = relationship(lazy="joined")
    prescription: Mapped[Prescription | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("assignment_id", "date", "slot"),
        Index("ix_sessions_patient_date", "patient_id", "date"),
    )


def session_phases(session: ScheduledSession) -> list[dict[str, Any]]:
    """The phases the session was pinned to: its prescription version, or the
    program's own for a session scheduled before prescriptions existed. Shared
    between requests (see `shared_json`): read it, never change it."""
    if session.prescription is not None:
        return session.prescription.shared_phases()
    return session.assignment.program_version.shared_content()["sessions"]


def without_phases():
    """Loader options for a query of sessions that leaves their plan's JSON in
    the database until `session_phases` needs it."""
    return (
        defaultload(ScheduledSession.prescription).defer(Prescription.phases),
        defaultload(ScheduledSession.assignment).options(without_program_content()),
    )


def without_program_content():
    """Loader option for a query of plans that leaves the program's JSON in the
    database until ProgramVersion.shared_content needs it."""
    return defaultload(Assignment.program_version).defer(ProgramVersion.content)


def session_phase(session: ScheduledSession) -> int:
    """The index of the phase for the week of the plan the session is in; a plan
    longer than its phases repeats the last one."""
    phases = session_phases(session)
    week = (session.date - session.assignment.start_date).days // 7 + 1
    for index, phase in enumerate(phases):
        first, last = phase["weeks"]
        if first <= week <= last:
            return index
    return len(phases) - 1


def session_exercises(session: ScheduledSession) -> list[dict[str, Any]]:
    """The exercises of the session, from the prescription version it is pinned to:
    each exercise's text with its `dosage` (sets, reps, hold_seconds, rest_seconds,
    side) and the therapist's `note`."""
    return session_phases(session)[session_phase(session)]["exercises"]
