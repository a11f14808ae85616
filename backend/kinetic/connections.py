"""How a request uses its database connection on PostgreSQL, where each statement
is a round trip to the server: a profile of the reads under load put a quarter of
a worker's time in the three that carry no data (the pool's test of the
connection, BEGIN and ROLLBACK). SQLite, a file in the same process, needs
neither change."""

import time

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

# A connection idle longer than this is tested before use (a restart of the
# server, or a proxy's idle timeout, may have closed it).
IDLE_BEFORE_TEST = 10.0
READS = ("GET", "HEAD")


class WriteInARead(RuntimeError):
    """A GET or HEAD tried to write: it runs without a transaction."""


def register(app: Flask, db) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    test_idle_connections(engine)
    _refuse_writes_without_transaction(engine)

    @app.before_request
    def reads_without_transaction():
        # Reads see the same without a transaction: PostgreSQL's READ COMMITTED
        # gives each statement its own snapshot inside one as well. Saves the
        # BEGIN and the ROLLBACK, each a round trip.
        if request.method in READS and request.path.startswith("/api/"):
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def test_idle_connections(engine: Engine) -> None:
    """The pool's pre-ping, for connections that have been idle a while: under
    load a connection returns to the pool and leaves it again within
    milliseconds, and testing it each time was a round trip per request. After
    a restart of the server under load, the first statement on each old
    connection fails once and SQLAlchemy then replaces the pool's connections."""

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection, record):
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def leaving(dbapi_connection, record, _proxy):
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < IDLE_BEFORE_TEST:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and tries another (up to three).
            raise DisconnectionError() from error


def _refuse_writes_without_transaction(engine: Engine) -> None:
    """A write in a request that runs without a transaction would commit
    statement by statement: refuse it, so that such a request is found (the
    suite runs every route on PostgreSQL) rather than half-written."""

    @event.listens_for(engine, "before_cursor_execute")
    def check(connection, _cursor, _statement, _parameters, context, _many):
        if (
            context is not None
            and (context.isinsert or context.isupdate or context.isdelete)
            and connection.get_execution_options().get("isolation_level")
            == "AUTOCOMMIT"
        ):
            raise WriteInARead(f"A write without a transaction: {context.statement}")
