"""Daily reminders: the patient's setting, the one reminder per local day, its
in-app copy and its Web Push deliveries with every attempt."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow


class ReminderSetting(db.Model):
    """A patient's daily reminder: the local time (in the patient's own timezone,
    kept on the user) and whether it is on."""

    __tablename__ = "reminder_settings"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=False)
    time: Mapped[str] = mapped_column(String(5), default="18:00")


class PushSubscription(db.Model):
    """A browser's PushSubscription. The endpoint is unique: a phone that another
    user signs in on moves to that user."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(db.Model):
    """The claim on one patient's reminder for one local day. Its unique key is what
    makes a reminder go out once, whichever scheduler process gets there first."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("patient_id", "local_date"),)


class Notification(db.Model):
    """The in-app copy of a reminder or a message, listed by GET /me/notifications."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(200), default="/#/today")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)


class PushDelivery(db.Model):
    """One notification to one subscription: `pending` until sent, `gone` when the
    push service says the subscription has ended, `failed` after the last retry.
    A sender leases pending rows (lease_token, lease_until) before it sends, so two
    scheduler processes never send the same row."""

    __tablename__ = "push_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_push_deliveries_due", "status", "next_attempt_at"),)


class PushAttempt(db.Model):
    """Every call to a push service: when, the answer, and what was made of it."""

    __tablename__ = "push_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("push_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(300))
