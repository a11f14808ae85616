"""Messages between a patient and their therapist, and the patient's secret
calendar feed."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow


class Message(db.Model):
    """One message in a patient's thread (one thread per patient, with whoever is
    their therapist). `read_at` is set when the recipient has read it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(String(2000))
    client_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped["User | None"] = relationship(  # noqa: F821
        foreign_keys=[sender_id]
    )

    __table_args__ = (
        UniqueConstraint("sender_id", "client_id", name="uq_messages_sender_client"),
        Index("ix_messages_patient_created", "patient_id", "created_at"),
    )

    @property
    def from_patient(self) -> bool:
        return self.sender_id == self.patient_id


class CalendarFeed(db.Model):
    """A patient's calendar subscription: only the hash of its secret token is
    kept, and a new one replaces the old (one row per patient)."""

    __tablename__ = "calendar_feeds"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
