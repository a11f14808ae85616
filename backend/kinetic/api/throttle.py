"""Rate limits of the routes that take a password or make accounts and invites.

Failed sign-ins are counted three ways (docs/security.md, against OWASP ASVS
2.2): per account and address pair (that pair alone is refused with 429), per
address over every account, and per account over every address. The last never
refuses anyone: once an account has had LOGIN_LIMIT_PER_ACCOUNT failures, each
pair may fail only LOGIN_LIMIT_PER_PAIR_SLOWED times, so guessing from many
addresses slows down while the owner, from an address that has not failed, still
signs in with the right password."""

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from kinetic.api.auth import bearer_token
from kinetic.extensions import limiter, login_account_key
from kinetic.services.accounts import user_for_token

ACCOUNT_SCOPE = "login-account"


def failed(response) -> bool:
    return response.status_code == 401


def pair_key() -> str:
    """The account tried and the caller's address (as TRUSTED_PROXIES resolves
    it: ProxyFix has set remote_addr)."""
    return f"{login_account_key()}|address:{get_remote_address()}"


def _account_limits():
    return parse_many(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def account_is_slowed() -> bool:
    """True once the account has had its account-wide number of failures."""
    key = login_account_key()
    return not all(
        limiter.limiter.test(item, key, ACCOUNT_SCOPE) for item in _account_limits()
    )


def count_account_failure() -> None:
    key = login_account_key()
    for item in _account_limits():
        limiter.limiter.hit(item, key, ACCOUNT_SCOPE)


def caller_key() -> str:
    """The signed-in account behind the bearer token, else the address."""
    token = bearer_token()
    user = user_for_token(token) if token else None
    return f"user:{user.id}" if user else f"address:{get_remote_address()}"


def login_limits(view):
    """The sign-in's three limits (the account-wide count is kept by the view)."""
    view = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_PAIR_SLOWED"],
        key_func=pair_key,
        deduct_when=failed,
        exempt_when=lambda: not account_is_slowed(),
        scope="login-pair-slowed",
    )(view)
    view = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_PAIR"],
        key_func=pair_key,
        deduct_when=failed,
        scope="login-pair",
    )(view)
    return limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        deduct_when=failed,
        scope="login-address",
    )(view)


def register_limit(view):
    return limiter.limit(
        lambda: current_app.config["REGISTER_LIMIT_PER_ADDRESS"],
        scope="register-address",
    )(view)


def invite_limit(view):
    return limiter.limit(
        lambda: current_app.config["INVITE_LIMIT_PER_ACCOUNT"],
        key_func=caller_key,
        scope="invite-account",
    )(view)


def wrong_current_password(response) -> bool:
    body = response.get_json(silent=True) if response.status_code == 422 else None
    return bool(body and "current_password" in (body.get("errors") or {}))


def password_change_limit(view):
    return limiter.limit(
        lambda: current_app.config["PASSWORD_CHANGE_LIMIT"],
        key_func=caller_key,
        deduct_when=wrong_current_password,
        scope="password-change",
    )(view)
