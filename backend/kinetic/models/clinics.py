"""Clinics: a practice, its members, each patient's care team, and the record of
who opened which patient's record."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow

# admin: manages the members and the shared library, and treats patients only
# when `treats_patients`; therapist: treats patients.
MEMBER_ROLES = ("admin", "therapist")
# What a therapist did with a patient's record (the access log's `kind`).
ACCESS_KINDS = ("view", "export", "report", "fhir", "change")


class Clinic(db.Model):
    """A practice. A therapist who signs up alone gets a clinic of one."""

    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClinicMember(db.Model):
    """A therapist account's place in its one clinic."""

    __tablename__ = "clinic_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    role: Mapped[str] = mapped_column(String(16))
    # False only for an admin who manages the clinic without treating patients:
    # they see the members and the access log, never a clinical record.
    treats_patients: Mapped[bool] = mapped_column(default=True, server_default=true())
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clinic: Mapped[Clinic] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821


class CareTeamMember(db.Model):
    """A therapist of the patient's clinic on the patient's care team besides the
    lead (the lead is `users.therapist_id`)."""

    __tablename__ = "care_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("patient_id", "therapist_id", name="uq_care_team_member"),
    )


class AccessLogEntry(db.Model):
    """One therapist's access of one kind to one patient's record within one ten
    minute window (`window` = minutes since the epoch // 10): the first access
    writes the row, the rest of the window finds it there. Append-only from the
    API. The ids are kept as numbers, without foreign keys, so the record of an
    access outlives an erased account."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(index=True)
    therapist_id: Mapped[int] = mapped_column()
    patient_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    window: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint(
            "therapist_id", "patient_id", "kind", "window", name="uq_access_window"
        ),
        Index("ix_access_log_patient_at", "patient_id", "at"),
        Index("ix_access_log_clinic_at", "clinic_id", "at"),
        {"sqlite_autoincrement": True},
    )
