"""Which patients a therapist may see."""

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import User


def patients_of(therapist: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.therapist_id == therapist.id, User.role == "patient")
            .order_by(User.name, User.id)
        )
    )


def patient_of(therapist: User, patient_id: int) -> User | None:
    """The patient if they are this therapist's own, else None (the caller answers
    404, so another therapist's patient is indistinguishable from none)."""
    return db.session.scalar(
        select(User).where(
            User.id == patient_id,
            User.therapist_id == therapist.id,
            User.role == "patient",
        )
    )
