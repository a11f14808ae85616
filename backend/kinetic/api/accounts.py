"""Accounts: sign-up, sign-in, the caller's own profile, export, erasure, invites."""

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.extensions import db, limiter, login_account_key
from kinetic.schemas.users import (
    InviteCreateSchema,
    InviteSchema,
    LoginSchema,
    RegisterSchema,
    TokenSchema,
    UserPatchSchema,
    UserSchema,
)
from kinetic.services import accounts, privacy

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts")


def _failed(response) -> bool:
    return response.status_code == 401


@blp.route("/auth/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT")
def register(data):
    """Create a therapist account, or a patient account with an invite code.

    409 when an account with this email exists; 403 when therapist sign-up is
    switched off on this server. 422 naming `invite_code` when the code is
    unknown, used or expired, or naming `email` when the invite was issued for
    another address: the server's own records, which no schema can show.
    """
    user = accounts.register(data)
    token = accounts.issue_token(user)
    db.session.commit()
    return {"token": token, "user": user}


@blp.route("/auth/login", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=login_account_key,
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    deduct_when=_failed,
    scope="login-address",
)
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def login(data):
    """Exchange email and password for a bearer token."""
    user = accounts.authenticate(data["email"], data["password"])
    if user is None:
        abort(401, message="Wrong email or password.")
    token = accounts.issue_token(user)
    db.session.commit()
    return {"token": token, "user": user}


@blp.route("/auth/logout", methods=["POST"])
@login_required(blp)
@blp.response(204)
def logout():
    """End this token's session."""
    accounts.revoke_token(g.token)
    db.session.commit()


@blp.route("/me")
class Me(MethodView):
    @login_required(blp)
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user."""
        return current_user()

    @login_required(blp)
    @blp.arguments(UserPatchSchema, required=False)
    @blp.response(200, UserSchema)
    def patch(self, data):
        """Change the name or the timezone; a field left out stays as it is."""
        user = current_user()
        for key, value in data.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    @login_required(blp, role="patient")
    @blp.response(204)
    def delete(self):
        """Erase the patient's account and every record of it."""
        privacy.erase_patient(current_user())
        db.session.commit()


@blp.route("/me/export")
@login_required(blp)
@blp.response(200)
def export():
    """All of the signed-in user's own data."""
    return privacy.export_user(current_user())


@blp.route("/invites", methods=["POST"])
@login_required(blp, role="therapist")
@blp.arguments(InviteCreateSchema, required=False)
@blp.response(201, InviteSchema)
@blp.alt_response(409, response="CONFLICT")
def create_invite(data):
    """A one-time code that enrols one patient with this therapist.

    The name and the email are optional. An invite for an email that already has
    an account is refused with 409: that person cannot sign up again.
    """
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
