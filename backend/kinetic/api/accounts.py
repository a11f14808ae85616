"""Accounts: sign-up, sign-in, the caller's own profile, export, erasure, invites."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api import throttle
from kinetic.api.auth import current_user, login_required, public
from kinetic.extensions import db
from kinetic.schemas.export import ExportSchema
from kinetic.schemas.users import (
    InviteCreateSchema,
    InviteSchema,
    LoginSchema,
    PasswordChangeSchema,
    RegisterSchema,
    TokenSchema,
    UserPatchSchema,
    UserSchema,
)
from kinetic.services import accounts, clinics, privacy

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts")


@blp.route("/auth/register", methods=["POST"])
@blp.doc(operationId="auth_register")
@public(blp)
@throttle.register_limit
@blp.arguments(RegisterSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def register(data):
    """Create a therapist account, or an account with an invite code: a patient
    with a therapist's invite, a therapist in a clinic with a clinic's invite
    (POST /clinic/invites; no role needed, and allowed with sign-up off).

    The invite is checked before anything that depends on who has an account:
    422 naming `invite_code` when the code is unknown, used or expired, or
    naming `email` when the invite was issued for another address, answered
    alike for every address. 422 naming `password` when the password is under
    the minimum length (10 by default), one of the most common passwords, or
    holds the address. 409 with one generic message, naming no field and no
    address, when the address already has an account; 403 when therapist
    sign-up is switched off. Attempts are limited per address (429).
    """
    user = accounts.register(data)
    token = accounts.issue_token(user)
    db.session.commit()
    return {"token": token, "user": user}


@blp.route("/auth/login", methods=["POST"])
@blp.doc(operationId="auth_login")
@public(blp)
@throttle.login_limits
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def login(data):
    """Exchange email and password for a bearer token.

    Failed attempts are limited per account and address pair, and per address
    (429 for the caller only); past many failures on one account from
    anywhere, each pair is slowed further, never the right password from an
    address that has not failed.
    """
    user = accounts.authenticate(data["email"], data["password"])
    if user is None:
        throttle.count_account_failure()
        abort(401, message="Wrong email or password.")
    token = accounts.issue_token(user)
    db.session.commit()
    return {"token": token, "user": user}


@blp.route("/auth/logout", methods=["POST"])
@blp.doc(operationId="auth_logout")
@login_required(blp)
@blp.response(204)
def logout():
    """End this token's session."""
    accounts.revoke_token(g.token)
    db.session.commit()


@blp.route("/auth/logout-all", methods=["POST"])
@blp.doc(operationId="auth_logout_all")
@login_required(blp)
@blp.response(204)
def logout_all():
    """Sign out everywhere: end every session of the account, this one too."""
    accounts.revoke_all_tokens(current_user())
    db.session.commit()


@blp.route("/me/password", methods=["POST"])
@blp.doc(operationId="me_password_change")
@throttle.password_change_limit
@login_required(blp)
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def change_password(data):
    """Change the password; every other session of the account ends, this one
    stays signed in.

    422 naming `current_password` when it is wrong (limited per account: 429),
    or naming `new_password` when the policy refuses it (under the minimum
    length, one of the most common passwords, holding the address, or the same
    as the current one).
    """
    accounts.change_password(
        current_user(), data["current_password"], data["new_password"], g.token
    )
    db.session.commit()


@blp.route("/me")
class Me(MethodView):
    @blp.doc(operationId="me_get")
    @login_required(blp)
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user."""
        return current_user()

    @blp.doc(operationId="me_update")
    @login_required(blp)
    @blp.arguments(UserPatchSchema, required=False)
    @blp.response(200, UserSchema)
    def patch(self, data):
        """Change the name, the timezone or the details for health-record exports;
        a field left out stays as it is.

        The details are all optional: `family_name`, `given_name`, `birth_date`
        and `sex` (FHIR administrative gender: female, male, other or unknown)
        go into the FHIR Patient (a therapist's names into their Practitioner),
        and null clears one; the email goes into an export only with
        `share_email_in_exports` true (false by default). 422 naming the field
        for a bad value (a birth date in the future or before 1900, say).
        """
        user = current_user()
        for key, value in data.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    @blp.doc(operationId="me_delete")
    @login_required(blp, role="patient")
    @blp.response(204)
    def delete(self):
        """Erase the patient's account and every record of it."""
        privacy.erase_patient(current_user())
        db.session.commit()


@blp.route("/me/export")
@blp.doc(operationId="me_export_get")
@login_required(blp)
@blp.response(200, ExportSchema)
def export():
    """All of the signed-in user's own data."""
    return privacy.export_user(current_user())


@blp.route("/invites", methods=["POST"])
@blp.doc(operationId="invite_create")
@throttle.invite_limit
@login_required(blp, role="therapist")
@blp.arguments(InviteCreateSchema, required=False)
@blp.response(201, InviteSchema)
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def create_invite(data):
    """A one-time code that enrols one patient with this therapist.

    The name and the email are optional. Any address is accepted alike: one that
    already has an account is refused when the code is used. Invites are
    limited per therapist (429). 403 for a clinic admin who does not treat
    patients.
    """
    if not clinics.may_invite_patients(current_user()):
        abort(403, message="You do not treat patients, so you cannot invite one.")
    code, invite = accounts.create_invite(
        current_user(), data.get("name"), data.get("email")
    )
    db.session.commit()
    return {
        "code": code,
        "expires_at": invite.expires_at,
        "name": invite.name,
        "email": invite.email,
    }
