"""PostgreSQL's connections (kinetic/connections.py): reads run without a
transaction, a write there is refused, and only a connection idle for a while is
tested before use, a dead one replaced without the request seeing it."""

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.pool import NullPool

from kinetic import connections
from kinetic.extensions import db
from kinetic.models import PainEntry, User

API = "/api/v1"


@pytest.fixture(autouse=True)
def _postgres_only(db_kind):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL's round trips; SQLite keeps its defaults")


@pytest.fixture
def autocommit_seen(app):
    """Whether the DBAPI connection was in autocommit for each statement."""
    seen = []

    def note(connection, *_args):
        seen.append(connection.connection.dbapi_connection.autocommit)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_a_read_runs_without_a_transaction_and_a_write_within_one(
    client, make_patient, autocommit_seen
):
    patient = make_patient()
    autocommit_seen.clear()

    read = client.get(f"{API}/me/today", headers=patient.headers)
    reads = list(autocommit_seen)
    autocommit_seen.clear()
    written = client.post(
        f"{API}/me/pain",
        json={"low_back": 3, "client_id": "0f5d2a9e-3b7c-4c1e-9a51-2d7c6b1e8f40"},
        headers=patient.headers,
    )

    assert read.status_code == 200, read.json
    assert reads and all(reads)
    assert written.status_code == 201, written.json
    assert autocommit_seen and not any(autocommit_seen)


def test_a_write_in_a_read_is_refused_and_nothing_is_written(app, make_patient):
    patient = make_patient()
    with app.test_request_context(f"{API}/me/today", method="GET"):
        app.preprocess_request()
        db.session.add(PainEntry(patient_id=patient.id, low_back=4, client_id="x"))
        with pytest.raises(connections.WriteInARead):
            db.session.flush()
        db.session.rollback()
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PainEntry)) == 0


@pytest.fixture
def fake_monotonic(monkeypatch):
    class Clock:
        now = 1000.0

    monkeypatch.setattr(connections.time, "monotonic", lambda: Clock.now)
    return Clock


@pytest.fixture
def pings(app, monkeypatch):
    with app.app_context():
        dialect = db.engine.dialect
    made = []
    real = dialect.do_ping

    def ping(dbapi_connection):
        made.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", ping)
    return made


def test_only_a_connection_idle_a_while_is_tested(app, fake_monotonic, pings):
    with app.app_context():
        db.engine.dispose()
        db.session.scalar(text("SELECT 1"))  # a new connection: not tested
        db.session.remove()
        fake_monotonic.now += connections.IDLE_BEFORE_TEST - 1
        db.session.scalar(text("SELECT 1"))
        db.session.remove()
        assert pings == []

        fake_monotonic.now += connections.IDLE_BEFORE_TEST + 1
        db.session.scalar(text("SELECT 1"))
        db.session.remove()
        assert len(pings) == 1


def test_a_dead_idle_connection_is_replaced_unseen(app, fake_monotonic, pings):
    with app.app_context():
        db.engine.dispose()
        before = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
        # The server ends that connection (as a restart would) while it is idle.
        other = create_engine(db.engine.url, poolclass=NullPool)
        with other.begin() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": before}
            )
        other.dispose()
        fake_monotonic.now += connections.IDLE_BEFORE_TEST + 1

        after = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()

        assert after != before
        assert pings, "the idle connection was not tested"
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
