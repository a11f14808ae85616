from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow

# Red flags are one alert per entry, exercise pain one per exercise and day.
OPEN_ONCE = text("status = 'open' AND kind NOT IN ('red_flag', 'exercise_pain')")


class Alert(db.Model):
    """Something a therapist should look at. `detail` carries the figures that
    raised it. A red flag is one alert per pain entry; any other kind is open at
    most once per patient (a partial unique index, so two processes cannot both
    raise it)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_alerts_acknowledged_by")
    )
    pain_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("pain_entries.id", ondelete="CASCADE", name="fk_alerts_pain_entry")
    )

    __table_args__ = (
        Index("ix_alerts_patient_status", "patient_id", "status"),
        UniqueConstraint("pain_entry_id", "kind", name="uq_alerts_entry_kind"),
        Index(
            "uq_alerts_open_kind",
            "patient_id",
            "kind",
            unique=True,
            sqlite_where=OPEN_ONCE,
            postgresql_where=OPEN_ONCE,
        ),
    )
