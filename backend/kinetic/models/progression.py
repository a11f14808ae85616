from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.plans import Assignment, Prescription
from kinetic.models.types import UTCDateTime, utcnow

SUGGESTION_ACTIONS = ("advance", "hold", "step_back")
# pending → applied (accepted, or at once in `auto` mode) or dismissed;
# applied → undone; pending → withdrawn when its grounds no longer hold.
SUGGESTION_STATUSES = ("pending", "applied", "dismissed", "undone", "withdrawn")


class Suggestion(db.Model):
    """A change to a plan's phases that a progression rule proposes, with the
    figures behind it; `trigger` names what set it off, once per plan."""

    __tablename__ = "progression_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(500))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    automatic: Mapped[bool] = mapped_column(default=False)
    # Why a pending suggestion was withdrawn (the newer fact that undid it).
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The version the change made, and the one it replaced (what an undo restores).
    prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="SET NULL")
    )
    previous_prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="SET NULL")
    )

    assignment: Mapped[Assignment] = relationship(lazy="joined")
    prescription: Mapped[Prescription | None] = relationship(
        foreign_keys=[prescription_id]
    )
    previous_prescription: Mapped[Prescription | None] = relationship(
        foreign_keys=[previous_prescription_id]
    )
    decided_by: Mapped["User | None"] = relationship(  # noqa: F821
        foreign_keys=[decided_by_id]
    )

    __table_args__ = (
        UniqueConstraint("assignment_id", "trigger"),
        Index("ix_suggestions_assignment_status", "assignment_id", "status"),
    )
