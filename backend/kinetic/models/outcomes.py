"""Outcome measures: the instruments loaded from programs/questionnaires/, the
therapist's schedules and the patient's scored responses.

Responses keep their score, band and the items as asked, so later changes to an
instrument's file or to a patient's goals never rewrite history; the progression
rules can read scores over time from `questionnaire_responses` by patient and
instrument without knowing how each instrument is scored."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow


class Questionnaire(db.Model):
    """The current text of one instrument file."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionnaireSchedule(db.Model):
    """One instrument for one patient, due every `every_days` days from
    `start_date`. `next_due` is the patient's local date it is next due, moved on
    by each answer, so "what is due" is one indexed comparison for any number of
    patients. One schedule per patient and instrument: scheduling again changes
    it."""

    __tablename__ = "questionnaire_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    therapist_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    every_days: Mapped[int]
    start_date: Mapped[date]
    next_due: Mapped[date]
    # The therapist's items for an instrument written per patient: [{code, text}].
    goals: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("patient_id", "questionnaire_id"),
        Index("ix_questionnaire_schedules_due", "next_due"),
    )


class QuestionnaireResponse(db.Model):
    __tablename__ = "questionnaire_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_schedules.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date]
    answers: Mapped[dict[str, int]] = mapped_column(JSON)
    # The items as the patient saw them: [{code, text}]. Change is measured from
    # the first answer to the items as they are now, so new goals (or a reworded
    # instrument) start a new baseline.
    items: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    score: Mapped[float]
    band: Mapped[str | None] = mapped_column(String(120))
    client_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("patient_id", "client_id", name="uq_response_patient_client"),
        Index(
            "ix_responses_patient_questionnaire",
            "patient_id",
            "questionnaire_id",
            "answered_at",
        ),
        # A schedule's responses in order (its scores, and the baseline of each
        # new answer) without reading the other patients'.
        Index("ix_responses_schedule", "schedule_id", "answered_at", "id"),
    )
