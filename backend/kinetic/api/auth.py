"""The bearer-token guard: who is calling, and may their role do this."""

from functools import wraps

from flask import g, request
from flask_smorest import Blueprint, abort

from kinetic.models import User
from kinetic.services.accounts import user_for_token


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user() -> User:
    return g.user


def login_required(blp: Blueprint, role: str | None = None):
    """Checks the token (401) and the role (403) before any input is parsed, and
    documents both in the OpenAPI description."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            token = bearer_token()
            user = user_for_token(token) if token else None
            if user is None:
                abort(401, message="Sign in first: send Authorization: Bearer <token>.")
            if role and user.role != role:
                abort(403, message=f"Only a {role} may do this.")
            g.user, g.token = user, token
            return view(*args, **kwargs)

        documented = blp.doc(security=[{"bearerAuth": []}])(guarded)
        documented = blp.alt_response(401, response="UNAUTHORIZED")(documented)
        if role:
            documented = blp.alt_response(403, response="FORBIDDEN")(documented)
        return documented

    return decorator


def public(blp: Blueprint):
    """Documents a view that takes no token (`security: []`): the OpenAPI document
    asks every other operation for the bearer token."""
    return blp.doc(security=[])
