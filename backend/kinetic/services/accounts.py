"""Accounts, bearer tokens and invites."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from kinetic.extensions import db
from kinetic.models import AuthToken, Invite, User
from kinetic.services import passwords
from kinetic.services.clock import now


class AccountError(Exception):
    """A request that is well-formed but cannot be honoured; carries the status."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# A hash to check against when the account does not exist, so that a login for an
# unknown address costs the same time as one with a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    return generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.lower()))


# The one answer to a sign-up for an address that has an account, whatever the
# address: it names no field and no address (docs/security.md).
REFUSED = "This account cannot be created. If you already have one, sign in."
TAKEN = "An account with this email already exists."


def register(data: dict, operator: bool = False) -> User:
    """A new account. `operator`: made on the server's command line, where a
    therapist may be created even with sign-up switched off.

    Every check that does not depend on who has an account comes first (the
    role, the invite), so a bad invite is refused alike for a known and an
    unknown address."""
    email = data["email"].lower()
    role, invite = _role_and_invite(data, email, operator)
    check_password(data["password"], email, "password")
    if find_user_by_email(email):
        raise _email_taken(operator)
    user = User(
        email=email,
        name=data["name"],
        role=role,
        timezone=data.get("timezone") or "UTC",
        password_hash=hash_password(data["password"]),
    )
    if invite is not None:
        _claim_invite(invite)
        if role == "patient":
            user.therapist_id = invite.therapist_id
    _insert_account(user, operator)
    if invite is not None:
        invite.used_by_id = user.id
    if role == "therapist":
        from kinetic.services import clinics

        if invite is not None:
            clinics.join_clinic(user, invite)
        else:
            clinics.start_clinic(user)
    db.session.flush()
    return user


def _role_and_invite(data: dict, email: str, operator: bool):
    """The new account's role and the invite it uses. A patient signs up with a
    patient's invite; a therapist alone (no code, while sign-up is on) or with a
    clinic's invite (no role needed, and even with sign-up off)."""
    role, code = data.get("role"), data.get("invite_code")
    if not code:
        if role != "therapist":
            raise AccountError(422, "A patient needs an invite code.", "invite_code")
        if not (current_app.config["THERAPIST_SIGNUP"] or operator):
            raise AccountError(403, "Therapist sign-up is disabled on this server.")
        return "therapist", None
    invite = _usable_invite(code, email)
    if invite.role == "patient":
        if role == "therapist":
            raise AccountError(
                422,
                "This invite code is for a patient; a therapist signs up without one.",
                "invite_code",
            )
        if not _inviter_treats(invite):
            raise AccountError(
                422,
                "This invite can no longer be used: ask your therapist for a new one.",
                "invite_code",
            )
        return "patient", invite
    if role == "patient":
        raise AccountError(
            422,
            "This invite code is for a therapist joining a clinic.",
            "invite_code",
        )
    return "therapist", invite


def _inviter_treats(invite: Invite) -> bool:
    """A patient invite from an admin who has since stopped treating patients
    would give the patient a therapist who cannot see them."""
    from kinetic.services.clinics import may_invite_patients

    inviter = db.session.get(User, invite.therapist_id)
    return inviter is not None and may_invite_patients(inviter)


def check_password(password: str, email: str, field: str) -> None:
    """422 naming `field` when the policy (services/passwords.py) refuses it."""
    why = passwords.problem(password, email)
    if why:
        raise AccountError(422, why, field)


def change_password(user: User, current: str, new: str, token: str) -> None:
    """Sets a new password and ends every other session of the account; the
    caller's own token stays valid."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(
            422, "This is not your current password.", "current_password"
        )
    if new == current:
        raise AccountError(
            422, "Choose a password other than the current one.", "new_password"
        )
    check_password(new, user.email, "new_password")
    user.password_hash = hash_password(new)
    db.session.execute(
        delete(AuthToken).where(
            AuthToken.user_id == user.id, AuthToken.token_hash != _digest(token)
        )
    )
    db.session.flush()


def revoke_all_tokens(user: User) -> None:
    """Sign out everywhere: every session of the account, this one included."""
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))


def _email_taken(operator: bool) -> AccountError:
    # The operator on the server's command line may know; no one else.
    return AccountError(409, TAKEN if operator else REFUSED)


def _insert_account(user: User, operator: bool) -> None:
    """Inserts the account in a savepoint: of two sign-ups with one new email at
    the same moment, both pass the lookup, and the second meets the unique email
    here and is refused as any taken email is (not a 500)."""
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        if find_user_by_email(user.email) is None:
            raise
        raise _email_taken(operator) from None


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    ttl = timedelta(days=current_app.config["TOKEN_TTL_DAYS"])
    db.session.add(
        AuthToken(user=user, token_hash=_digest(token), expires_at=now() + ttl)
    )
    db.session.flush()
    return token


# Built once: every authenticated request runs it, and a profile under load put
# 7-13% of a request in building this statement and its cache key again.
_USER_FOR_TOKEN = (
    select(User)
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(
        AuthToken.token_hash == bindparam("digest"),
        AuthToken.expires_at > bindparam("now"),
    )
)


def user_for_token(token: str) -> User | None:
    """The user and token in one indexed statement (token_hash is unique)."""
    return db.session.scalar(_USER_FOR_TOKEN, {"digest": _digest(token), "now": now()})


def revoke_token(token: str) -> None:
    db.session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(token)))


def create_invite(
    therapist: User,
    name: str | None,
    email: str | None,
    *,
    role: str = "patient",
    clinic_id: int | None = None,
):
    """An invite, for any address: one that already has an account is refused
    when the code is used, so the answer here tells nothing about accounts.
    `role` "patient" enrols a patient with `therapist`; "therapist" or "admin"
    (with `clinic_id`) makes a therapist account in that clinic with that role."""
    code = secrets.token_urlsafe(9)
    ttl = timedelta(days=current_app.config["INVITE_TTL_DAYS"])
    invite = Invite(
        therapist_id=therapist.id,
        role=role,
        clinic_id=clinic_id,
        code_hash=_digest(code),
        name=name,
        email=email.lower() if email else None,
        expires_at=now() + ttl,
    )
    db.session.add(invite)
    db.session.flush()
    return code, invite


def _usable_invite(code: str, email: str) -> Invite:
    invite = db.session.scalar(select(Invite).where(Invite.code_hash == _digest(code)))
    if invite is None or invite.used_at is not None or invite.expires_at <= now():
        raise AccountError(
            422, "This invite code is unknown, used or expired.", "invite_code"
        )
    if invite.email and invite.email != email:
        raise AccountError(
            422, "This invite was issued for another email address.", "email"
        )
    return invite


def _claim_invite(invite: Invite) -> None:
    # A conditional update, so two sign-ups racing for one code cannot both win.
    claimed = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now())
    )
    if claimed.rowcount != 1:
        raise AccountError(409, "This invite code has just been used.", "invite_code")
