"""Clinics: who belongs to which practice, in which role; the admins' invites,
role changes and the removal of a member with the hand-over of their patients."""

from urllib.parse import quote, urlencode

from sqlalchemy import delete, func, select, update

from kinetic.extensions import db
from kinetic.models import CareTeamMember, Clinic, ClinicMember, Invite, User
from kinetic.models.reminders import Notification
from kinetic.services import push
from kinetic.services.accounts import AccountError, create_invite
from kinetic.services.clock import now
from kinetic.services.links import public_url
from kinetic.services.locks import lock_row

NEEDS_ADMIN = "The clinic needs at least one admin: make another member an admin first."


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


def join_clinic(therapist: User, invite: Invite) -> ClinicMember:
    """A therapist who signed up with a clinic's invite: a member in the invite's
    role, treating patients."""
    member = ClinicMember(
        clinic_id=invite.clinic_id,
        user_id=therapist.id,
        role=invite.role,
        treats_patients=True,
    )
    db.session.add(member)
    db.session.flush()
    return member


def brief_of(user: User) -> dict | None:
    """`clinic` in a user's answer: null for a patient."""
    if user.role != "therapist":
        return None
    member = membership_of(user)
    if member is None:
        return None
    return {
        "id": member.clinic_id,
        "name": member.clinic.name,
        "role": member.role,
        "treats_patients": member.treats_patients,
    }


# -- who may ---------------------------------------------------------------------


def member_or_404(user: User) -> ClinicMember:
    member = membership_of(user)
    if member is None:
        raise AccountError(404, "You are not a member of a clinic.")
    return member


def admin_or_403(user: User, what: str = "do this") -> ClinicMember:
    member = member_or_404(user)
    if member.role != "admin":
        raise AccountError(403, f"Only the clinic's admins may {what}.")
    return member


def may_invite_patients(user: User) -> bool:
    """A therapist invites patients unless they are an admin who does not treat."""
    member = membership_of(user)
    return member is None or member.treats_patients


# -- the clinic and its members --------------------------------------------------


def clinic_answer(member: ClinicMember) -> dict:
    clinic = member.clinic
    count = db.session.scalar(
        select(func.count())
        .select_from(ClinicMember)
        .where(ClinicMember.clinic_id == clinic.id)
    )
    return {
        "id": clinic.id,
        "name": clinic.name,
        "created_at": clinic.created_at,
        "my_role": member.role,
        "treats_patients": member.treats_patients,
        "member_count": count,
    }


def _lead_counts(user_ids):
    return (
        select(User.therapist_id.label("user_id"), func.count().label("n"))
        .where(User.role == "patient", User.therapist_id.in_(user_ids))
        .group_by(User.therapist_id)
    )


def members(clinic_id: int, only_user: int | None = None) -> list[dict]:
    """The members ordered by name, with how many patients each leads and on how
    many other care teams each is."""
    query = (
        select(ClinicMember, User)
        .join(User, User.id == ClinicMember.user_id)
        .where(ClinicMember.clinic_id == clinic_id)
        .order_by(User.name, User.id)
    )
    if only_user is not None:
        query = query.where(ClinicMember.user_id == only_user)
    rows = db.session.execute(query).all()
    ids = [user.id for _, user in rows]
    leads = dict(db.session.execute(_lead_counts(ids)).all()) if ids else {}
    teams = (
        dict(
            db.session.execute(
                select(CareTeamMember.therapist_id, func.count())
                .where(CareTeamMember.therapist_id.in_(ids))
                .group_by(CareTeamMember.therapist_id)
            ).all()
        )
        if ids
        else {}
    )
    return [
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "role": member.role,
            "treats_patients": member.treats_patients,
            "joined_at": member.joined_at,
            "lead_count": leads.get(user.id, 0),
            "team_count": teams.get(user.id, 0),
        }
        for member, user in rows
    ]


def _member_in(clinic_id: int, user_id: int) -> ClinicMember:
    """A member of this clinic, else 404 (a member of another clinic reads as
    no one)."""
    member = db.session.scalar(
        select(ClinicMember).where(
            ClinicMember.user_id == user_id, ClinicMember.clinic_id == clinic_id
        )
    )
    if member is None:
        raise AccountError(404, "No such member in your clinic.")
    return member


def _other_admins(member: ClinicMember) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ClinicMember)
        .where(
            ClinicMember.clinic_id == member.clinic_id,
            ClinicMember.role == "admin",
            ClinicMember.id != member.id,
        )
    )


def _leads_or_shares_care(user_id: int) -> bool:
    leads = select(User.id).where(User.role == "patient", User.therapist_id == user_id)
    shares = select(CareTeamMember.id).where(CareTeamMember.therapist_id == user_id)
    return bool(
        db.session.scalar(select(leads.exists()))
        or db.session.scalar(select(shares.exists()))
    )


def _still_admin(admin: ClinicMember) -> ClinicMember:
    """Locks the clinic for a change of its members (one at a time, so two
    admins stepping down at once cannot leave it without one), then checks again
    under the lock that the caller is still one of its admins."""
    lock_row(Clinic, admin.clinic_id)
    db.session.expire(admin)
    fresh = db.session.scalar(
        select(ClinicMember).where(
            ClinicMember.id == admin.id, ClinicMember.role == "admin"
        )
    )
    if fresh is None:
        raise AccountError(403, "Only the clinic's admins may do this.")
    return fresh


def update_member(admin: ClinicMember, user_id: int, data: dict) -> dict:
    """A member's role and whether they treat patients. The clinic keeps an admin;
    only an admin may work without treating, and only with no patients."""
    admin = _still_admin(admin)
    member = _member_in(admin.clinic_id, user_id)
    role = data.get("role", member.role)
    treats = data.get("treats_patients", member.treats_patients)
    if member.role == "admin" and role != "admin" and not _other_admins(member):
        raise AccountError(422, NEEDS_ADMIN, "role")
    if not treats and role != "admin":
        field = "treats_patients" if "treats_patients" in data else "role"
        raise AccountError(
            422,
            "A member with the therapist role treats patients: only an admin may "
            "work without treating.",
            field,
        )
    if not treats and member.treats_patients and _leads_or_shares_care(user_id):
        raise AccountError(
            422,
            "They lead or share the care of patients: hand over their patients first.",
            "treats_patients",
        )
    member.role, member.treats_patients = role, treats
    db.session.flush()
    (answer,) = members(admin.clinic_id, only_user=user_id)
    return answer


def remove_member(admin: ClinicMember, user_id: int, hand_over_to: int | None) -> None:
    """In one transaction: the member's patients go to `hand_over_to` (told in the
    app), their places on care teams go, and they leave for a clinic of one of
    their own, where they can still sign in and work alone."""
    admin = _still_admin(admin)
    member = _member_in(admin.clinic_id, user_id)
    if member.role == "admin" and not _other_admins(member):
        raise AccountError(422, NEEDS_ADMIN, "member")
    led = list(
        db.session.scalars(
            select(User)
            .where(User.role == "patient", User.therapist_id == user_id)
            .order_by(User.id)
        )
    )
    if led and hand_over_to is None:
        raise AccountError(
            422,
            f"They lead {len(led)} patient{'s' if len(led) != 1 else ''}: choose "
            "who takes them over.",
            "hand_over_to",
        )
    successor = None
    if hand_over_to is not None:
        successor = _successor(member, hand_over_to)
    for patient in led:
        patient.therapist_id = successor.id
        db.session.execute(
            delete(CareTeamMember).where(
                CareTeamMember.patient_id == patient.id,
                CareTeamMember.therapist_id == successor.id,
            )
        )
    db.session.execute(
        delete(CareTeamMember).where(CareTeamMember.therapist_id == user_id)
    )
    _pass_on_patient_invites(user_id, successor)
    leaving = member.user
    db.session.delete(member)
    db.session.flush()
    start_clinic(leaving)
    if led:
        _tell_new_lead(led, successor)


def _pass_on_patient_invites(user_id: int, successor: User | None) -> None:
    """A patient who enrols with a code the leaving member gave joins the clinic's
    care, not a clinic of one: the open codes pass to whoever takes over the
    patients, or are withdrawn when nobody does."""
    still_open = (
        update(Invite)
        .where(
            Invite.therapist_id == user_id,
            Invite.role == "patient",
            Invite.used_at.is_(None),
            Invite.expires_at > now(),
        )
        .execution_options(synchronize_session=False)
    )
    if successor is not None:
        db.session.execute(still_open.values(therapist_id=successor.id))
    else:
        db.session.execute(still_open.values(expires_at=now()))


def _successor(member: ClinicMember, user_id: int) -> User:
    other = db.session.scalar(
        select(ClinicMember).where(
            ClinicMember.user_id == user_id,
            ClinicMember.clinic_id == member.clinic_id,
        )
    )
    if other is None or other.id == member.id or not other.treats_patients:
        raise AccountError(
            422,
            "Choose another member of your clinic who treats patients.",
            "hand_over_to",
        )
    return other.user


def _tell_new_lead(patients: list[User], lead: User) -> None:
    ids = []
    for patient in patients:
        notification = Notification(
            user_id=patient.id,
            kind="care_team",
            title=f"{lead.name} now leads your care"[:120],
            body="Your care team changed. Open Kinetic Chain to see who is on it.",
            url="/#/account",
        )
        db.session.add(notification)
        db.session.flush()
        ids.append(notification.id)
    push.queue_deliveries(Notification.id.in_(ids))


# -- invites for therapists ------------------------------------------------------


def invite_therapist(admin_user: User, admin: ClinicMember, data: dict) -> dict:
    role = data.get("role") or "therapist"
    code, invite = create_invite(
        admin_user,
        data.get("name"),
        data.get("email"),
        role=role,
        clinic_id=admin.clinic_id,
    )
    return {
        "code": code,
        "url": join_url(code, invite),
        "expires_at": invite.expires_at,
        "name": invite.name,
        "email": invite.email,
        "role": invite.role,
    }


def join_url(code: str, invite: Invite) -> str:
    """The PWA's "Join your clinic" screen with the code, and the name and email
    given, filled in (#/join/<code>), under PUBLIC_URL."""
    query = {key: value for key in ("name", "email") if (value := getattr(invite, key))}
    tail = f"?{urlencode(query)}" if query else ""
    return public_url(f"/#/join/{quote(code, safe='')}{tail}")


def _open_invites(clinic_id: int):
    return select(Invite).where(
        Invite.clinic_id == clinic_id,
        Invite.role != "patient",
        Invite.used_at.is_(None),
        Invite.expires_at > now(),
    )


def open_invites(clinic_id: int) -> list[Invite]:
    query = _open_invites(clinic_id).order_by(
        Invite.created_at.desc(), Invite.id.desc()
    )
    return list(db.session.scalars(query))


def withdraw_invite(admin: ClinicMember, invite_id: int) -> None:
    invite = db.session.scalar(
        _open_invites(admin.clinic_id).where(Invite.id == invite_id)
    )
    if invite is None:
        raise AccountError(404, "No such open invite in your clinic.")
    db.session.delete(invite)
    db.session.flush()
