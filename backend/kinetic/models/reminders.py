from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kinetic.extensions import db


class ReminderSetting(db.Model):
    """A patient's daily reminder: the local time (in the patient's own timezone,
    kept on the user) and whether it is on."""

    __tablename__ = "reminder_settings"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=False)
    time: Mapped[str] = mapped_column(String(5), default="18:00")
