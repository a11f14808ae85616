from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow

ROLES = ("therapist", "patient")
# FHIR R4's administrative gender codes, as Patient.gender takes them:
# http://hl7.org/fhir/R4/valueset-administrative-gender.html
SEXES = ("female", "male", "other", "unknown")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    therapist_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Details for health-record exports (FHIR), each optional and given by the
    # user; `name` stays the display name. The email goes into an export only
    # when the user allows it.
    family_name: Mapped[str | None] = mapped_column(String(120))
    given_name: Mapped[str | None] = mapped_column(String(120))
    birth_date: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(16))
    share_email_in_exports: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )

    therapist: Mapped["User | None"] = relationship(remote_side=[id])

    # Never hand an erased patient's id to a new account (SQLite reuses ids).
    __table_args__ = {"sqlite_autoincrement": True}


class AuthToken(db.Model):
    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_auth_tokens_user_id", "user_id"),)


class Invite(db.Model):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # "patient" (joins as the inviting therapist's patient), or "therapist" or
    # "admin" (joins the clinic `clinic_id` as a therapist account with that
    # member role).
    role: Mapped[str] = mapped_column(
        String(16), default="patient", server_default="patient"
    )
    clinic_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
