"""Which patients a therapist may see."""

from sqlalchemy import bindparam, or_, select

from kinetic.extensions import db
from kinetic.models import Assignment, CareTeamMember, User
from kinetic.models.plans import without_program_content


def on_care_team(therapist_id):
    """The rule: a therapist sees the patients whose care team they are on, as the
    lead (`users.therapist_id`) or as a member. Only therapists of the patient's
    clinic are ever put on a team, so a clinic sees what its care teams share and
    nothing else. `therapist_id` may be a bind parameter."""
    members = select(CareTeamMember.patient_id).where(
        CareTeamMember.therapist_id == therapist_id
    )
    return (User.role == "patient") & or_(
        User.therapist_id == therapist_id, User.id.in_(members)
    )


_own = on_care_team


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
