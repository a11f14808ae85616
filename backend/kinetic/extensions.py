"""Extension objects, created unbound here and bound to the app in create_app."""

from flask import request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
compress = Compress()
api = Api()
limiter = Limiter(key_func=get_remote_address)
# The endpoints with a rate limit (api/throttle.py). The limiter looks up every
# other request's limits only to find none: 7% of a small read under load.
LIMITED_ENDPOINTS = frozenset(
    {
        "accounts.login",
        "accounts.register",
        "accounts.create_invite",
        "accounts.change_password",
        "clinic.create_invite",
    }
)


@limiter.request_filter
def _unlimited() -> bool:
    return request.endpoint not in LIMITED_ENDPOINTS


def login_account_key() -> str:
    """Rate-limit key for failed logins: the e-mail address the caller tried."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # api/guard.py refuses such a body first
        body = None
    email = body.get("email") if isinstance(body, dict) else None
    return f"account:{str(email).strip().lower()}" if email else "account:-"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite enforces foreign keys only when asked, and WAL lets gunicorn workers
    # read while one of them writes.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection, _name) -> None:
    # Python's sqlite3 opens a transaction only before INSERT, UPDATE and DELETE,
    # so a SAVEPOINT sent first starts one of its own, and its RELEASE commits
    # it: the row was written before the rest of the request, with a sync to
    # disk of its own. Opening the transaction first keeps the savepoint nested,
    # as on PostgreSQL. No read has come before it in this transaction, so the
    # write lock is still taken (or waited for) at the first write.
    dbapi = connection.connection.dbapi_connection
    if type(dbapi).__module__.startswith("sqlite3") and not dbapi.in_transaction:
        dbapi.execute("BEGIN")
