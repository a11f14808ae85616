"""Care teams: a patient's lead therapist (`users.therapist_id`) and the other
therapists of the lead's clinic who share the patient's care. Only the lead
changes the team; a member may leave it. Every therapist on the team sees the
whole record and may act on it (services.patients.on_care_team is the rule)."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from kinetic.extensions import db
from kinetic.models import CareTeamMember, ClinicMember, Notification, User
from kinetic.services import push
from kinetic.services.accounts import AccountError
from kinetic.services.clinics import clinic_id_of
from kinetic.services.clock import now
from kinetic.services.locks import lock_row
from kinetic.services.patients import on_care_team


def _person(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "name": user.name}


def team_of(patient: User) -> dict:
    """The CareTeam answer: the lead first, then the other members by name."""
    lead = db.session.get(User, patient.therapist_id) if patient.therapist_id else None
    adder = aliased(User)
    rows = db.session.execute(
        select(CareTeamMember, User, adder)
        .join(User, User.id == CareTeamMember.therapist_id)
        .outerjoin(adder, adder.id == CareTeamMember.added_by_id)
        .where(CareTeamMember.patient_id == patient.id)
        .order_by(User.name, User.id)
    ).all()
    members = [] if lead is None else [{**_person(lead), "lead": True}]
    members += [
        {
            **_person(therapist),
            "lead": False,
            "added_at": row.added_at,
            "added_by": _person(added_by),
        }
        for row, therapist, added_by in rows
        if lead is None or therapist.id != lead.id
    ]
    for member in members:
        member.setdefault("added_at", None)
        member.setdefault("added_by", None)
    return {"patient_id": patient.id, "lead": _person(lead), "members": members}


def is_lead(therapist: User, patient: User) -> bool:
    return patient.therapist_id == therapist.id


def _locked(patient: User) -> None:
    """One change to a patient's team at a time: the second request waits, then
    reads what the first wrote."""
    lock_row(User, patient.id)
    db.session.refresh(patient)


def _only_the_lead(therapist: User, patient: User, what: str) -> None:
    if not is_lead(therapist, patient):
        raise AccountError(403, f"Only the patient's lead therapist can {what}.")


def _treating_colleague(patient: User, therapist_id: int, wording: str) -> User:
    """A therapist who treats patients in the lead's clinic, else 422 naming
    therapist_id (another clinic's therapist reads as no therapist at all)."""
    lead = db.session.get(User, patient.therapist_id)
    clinic_id = clinic_id_of(lead) if lead else None
    therapist = db.session.scalar(
        select(User)
        .join(ClinicMember, ClinicMember.user_id == User.id)
        .where(
            User.id == therapist_id,
            User.role == "therapist",
            ClinicMember.clinic_id == clinic_id,
            ClinicMember.treats_patients.is_(True),
        )
    )
    if therapist is None:
        raise AccountError(
            422,
            f"Choose a therapist of your clinic who treats patients {wording}.",
            "therapist_id",
        )
    return therapist


def _member_row(patient: User, therapist_id: int) -> CareTeamMember | None:
    return db.session.scalar(
        select(CareTeamMember).where(
            CareTeamMember.patient_id == patient.id,
            CareTeamMember.therapist_id == therapist_id,
        )
    )


def _notify(patient: User, title: str, body: str) -> None:
    """The patient's in-app notification, and a push to their phones."""
    notification = Notification(
        user_id=patient.id,
        kind="care_team",
        title=title[:120],
        body=body[:500],
        url="/#/account",
        created_at=now(),
    )
    db.session.add(notification)
    db.session.flush()
    push.queue_deliveries(Notification.id == notification.id)


def add_member(patient: User, by: User, therapist_id: int) -> bool:
    """Puts a treating colleague on the team; False when they were on it already
    (the lead included)."""
    _locked(patient)
    _only_the_lead(by, patient, "add someone to the care team")
    therapist = _treating_colleague(patient, therapist_id, "to add to the care team")
    if is_lead(therapist, patient) or _member_row(patient, therapist.id):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                CareTeamMember(
                    patient_id=patient.id,
                    therapist_id=therapist.id,
                    added_by_id=by.id,
                    added_at=now(),
                )
            )
    except IntegrityError:  # added at the same moment by another request
        return False
    _notify(
        patient,
        f"{therapist.name} joined your care team",
        f"{therapist.name} now shares your care with {by.name}.",
    )
    return True


def remove_member(patient: User, by: User, therapist_id: int) -> None:
    """The lead removes a member, or a member leaves; the lead cannot leave
    before handing the lead to someone else."""
    _locked(patient)
    if therapist_id != by.id:
        _only_the_lead(by, patient, "remove someone from the care team")
    if therapist_id == patient.therapist_id:
        raise AccountError(
            422,
            "The lead therapist cannot leave the care team: transfer the lead first.",
            "therapist_id",
        )
    row = _member_row(patient, therapist_id)
    if row is None:
        raise AccountError(404, "That therapist is not on this care team.")
    db.session.delete(row)
    db.session.flush()


def transfer_lead(patient: User, by: User, therapist_id: int) -> bool:
    """Makes a treating colleague the lead; the old lead stays on the team as a
    member. False when they lead already."""
    _locked(patient)
    _only_the_lead(by, patient, "hand over the lead")
    therapist = _treating_colleague(patient, therapist_id, "to lead this care")
    if is_lead(therapist, patient):
        return False
    old_lead_id = patient.therapist_id
    if row := _member_row(patient, therapist.id):
        db.session.delete(row)
    if old_lead_id is not None and _member_row(patient, old_lead_id) is None:
        db.session.add(
            CareTeamMember(
                patient_id=patient.id,
                therapist_id=old_lead_id,
                added_by_id=by.id,
                added_at=now(),
            )
        )
    patient.therapist_id = therapist.id
    db.session.flush()
    _notify(
        patient,
        f"{therapist.name} now leads your care",
        f"{by.name} handed the lead of your care to {therapist.name}, and stays "
        "on your care team.",
    )
    return True


def patients_in_scope(therapist: User, scope: str = "all") -> tuple[list, dict]:
    """The therapist's patients: all on whose team they are, those they lead
    (mine), or those whose team they are on without leading (team); with each
    lead as {id, name}, in the same one statement."""
    lead = aliased(User)
    query = (
        select(User, lead.id, lead.name)
        .outerjoin(lead, lead.id == User.therapist_id)
        .where(on_care_team(therapist.id))
    )
    if scope == "mine":
        query = query.where(User.therapist_id == therapist.id)
    elif scope == "team":
        query = query.where(
            (User.therapist_id != therapist.id) | User.therapist_id.is_(None)
        )
    rows = db.session.execute(query.order_by(User.name, User.id)).all()
    leads = {i: {"id": i, "name": n} for _, i, n in rows if i is not None}
    return [patient for patient, _, _ in rows], leads


def leads_of(patients: list[User]) -> dict[int, dict]:
    """Each patient's lead as {id, name}, in one query."""
    ids = {p.therapist_id for p in patients if p.therapist_id}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: {"id": row.id, "name": row.name} for row in rows}
