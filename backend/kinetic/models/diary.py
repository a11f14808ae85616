from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow

REGIONS = ("low_back", "neck", "headache")


class PainEntry(db.Model):
    __tablename__ = "pain_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The patient's calendar day when the entry was made, so daily trends are a
    # plain GROUP BY on an indexed column, whatever the database.
    local_date: Mapped[date]
    low_back: Mapped[int | None]
    neck: Mapped[int | None]
    headache: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(String(2000))
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Reportable symptoms that are not red flags (programs/safety.yaml).
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    client_id: Mapped[str | None] = mapped_column(String(36))
    # Logged from the session player ("Stop: this hurts"): which session and exercise.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "scheduled_sessions.id", ondelete="SET NULL", name="fk_pain_entries_session"
        )
    )
    exercise: Mapped[str | None] = mapped_column(String(80))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("patient_id", "client_id", name="uq_pain_patient_client"),
        Index("ix_pain_patient_local_date", "patient_id", "local_date"),
        # With id last, "the newest entry" (recorded_at, then id) is the first row
        # of a backward index walk, whatever the statistics say.
        Index("ix_pain_patient_recorded", "patient_id", "recorded_at", "id"),
    )

    # The one place that tells a diary entry from an exercise-pain report ("Stop:
    # this hurts" in the player, which names its exercise): every diary read
    # (trends, safety rules, reports, lists) filters on it, in Python or in SQL.
    @hybrid_property
    def is_diary(self) -> bool:
        return self.exercise is None

    @is_diary.inplace.expression
    @classmethod
    def _is_diary_expression(cls):
        return cls.exercise.is_(None)
