"""Clinics: who belongs to which practice, in which role."""

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Clinic, ClinicMember, User


def membership_of(user: User) -> ClinicMember | None:
    """The therapist's place in their clinic; None for a patient."""
    return db.session.scalar(
        select(ClinicMember).where(ClinicMember.user_id == user.id)
    )


def clinic_id_of(user: User) -> int | None:
    return db.session.scalar(
        select(ClinicMember.clinic_id).where(ClinicMember.user_id == user.id)
    )


def start_clinic(therapist: User, name: str | None = None) -> ClinicMember:
    """A clinic of one for a therapist who signs up alone: they are its admin and
    treat patients, so nothing changes for them."""
    clinic = Clinic(name=(name or f"{therapist.name}'s practice")[:120])
    db.session.add(clinic)
    db.session.flush()
    member = ClinicMember(
        clinic_id=clinic.id, user_id=therapist.id, role="admin", treats_patients=True
    )
    db.session.add(member)
    db.session.flush()
    return member
