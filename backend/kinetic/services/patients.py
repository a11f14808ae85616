"""Which patients a therapist may see."""

from sqlalchemy import bindparam, select

from kinetic.extensions import db
from kinetic.models import Assignment, User
from kinetic.models.plans import without_program_content


def _own(therapist_id):
    """The rule: a therapist sees the patients who joined through their invites."""
    return (User.therapist_id == therapist_id) & (User.role == "patient")


def patients_of(therapist: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(_own(therapist.id)).order_by(User.name, User.id)
        )
    )


def patient_of(therapist: User, patient_id: int) -> User | None:
    """The patient if they are this therapist's own, else None (the caller answers
    404, so another therapist's patient is indistinguishable from none)."""
    return db.session.scalar(
        select(User).where(User.id == patient_id, _own(therapist.id))
    )


# Every read of a plan starts here: one statement, built once, with the program's
# JSON left in the database until ProgramVersion.shared_content needs it.
_ASSIGNMENT_OF = (
    select(Assignment)
    .join(User, User.id == Assignment.patient_id)
    .where(Assignment.id == bindparam("assignment"), _own(bindparam("therapist")))
    .options(without_program_content())
)


def assignment_of(therapist: User, assignment_id: int) -> Assignment | None:
    """The plan if its patient is this therapist's own, else None (404, as for
    patient_of)."""
    return db.session.scalar(
        _ASSIGNMENT_OF, {"assignment": assignment_id, "therapist": therapist.id}
    )
