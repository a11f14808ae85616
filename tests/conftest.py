"""Fixtures: an app on SQLite or PostgreSQL (--db), a clean database per test, a
fake clock, and small factories for therapists, patients and plans."""

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kinetic import create_app
from kinetic.config import TestConfig
from kinetic.extensions import db, limiter
from kinetic.models import User
from kinetic.services import accounts, library, plans
from kinetic.services.clock import set_clock
from kinetic.testing import throwaway_postgres

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default=os.environ.get("KINETIC_TEST_DB", "sqlite"),
        help="the database to run the suite on",
    )


@pytest.fixture(scope="session")
def db_kind(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def database_url(db_kind, tmp_path_factory):
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with throwaway_postgres("kinetic_test") as url:
        yield url


@pytest.fixture
def fresh_database(db_kind, tmp_path):
    """An empty database of the suite's kind, for migrations and live servers."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with throwaway_postgres("kinetic_fresh") as url:
        yield url


@pytest.fixture
def empty_app(tmp_path, fresh_database):
    """An app on an empty database of the suite's kind (SQLite or PostgreSQL), for
    migrations: each test upgrades it as far as it needs."""
    config = type(
        "Fresh",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": fresh_database, "INSTANCE_PATH": str(tmp_path)},
    )
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    config = type(
        "SuiteConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
            "PROGRAMS_DIR": str(DATA / "programs"),
        },
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request, app):
    """Each test starts from empty tables, a real clock and fresh rate limits."""
    yield
    set_clock(None)
    with app.app_context():
        limiter.reset()
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            db.session.execute(text("UPDATE programs SET current_version_id = NULL"))
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def set(self, instant: datetime) -> None:
        self.now = instant

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    fake = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    set_clock(lambda: fake.now)
    yield fake
    set_clock(None)


@dataclass
class Account:
    id: int
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


PASSWORD = "correct horse"


def _register(data: dict) -> Account:
    """Registers through the service (as the API would) and signs in; needs a
    pushed app context."""
    user = accounts.register({**data, "password": PASSWORD})
    token = accounts.issue_token(user)
    db.session.commit()
    return Account(user.id, user.email, PASSWORD, token)


@pytest.fixture
def make_therapist(app):
    counter = iter(range(1, 10_000))

    def make(name: str = "Therapist") -> Account:
        n = next(counter)
        with app.app_context():
            return _register(
                {
                    "email": f"therapist{n}@example.org",
                    "name": f"{name} {n}",
                    "role": "therapist",
                }
            )

    return make


@pytest.fixture
def make_patient(app, make_therapist):
    counter = iter(range(1, 10_000))

    def make(therapist: Account | None = None, timezone: str = "UTC") -> Account:
        therapist = therapist or make_therapist()
        n = next(counter)
        with app.app_context():
            code, _ = accounts.create_invite(
                db.session.get(User, therapist.id), None, None
            )
            return _register(
                {
                    "email": f"patient{n}@example.org",
                    "name": f"Patient {n}",
                    "invite_code": code,
                    "timezone": timezone,
                }
            )

    return make


@pytest.fixture
def programs(app):
    """Loads the small fixture library in tests/data/programs."""
    with app.app_context():
        library.load_library(library.read_library(DATA / "programs"))
        db.session.commit()


@pytest.fixture
def questionnaires(app):
    """Loads the real instruments in programs/questionnaires."""
    found = library.read_questionnaires(
        Path(__file__).parents[1] / "programs" / "questionnaires", library.Library()
    )
    assert not found.problems, found.problems
    with app.app_context():
        library.load_library(found)
        db.session.commit()


@pytest.fixture
def make_assignment(app, programs):
    def make(patient: Account, therapist: Account, **data) -> int:
        if isinstance(data.get("start_date"), str):
            data["start_date"] = date.fromisoformat(data["start_date"])
        with app.app_context():
            assignment = plans.assign_program(
                db.session.get(User, patient.id),
                db.session.get(User, therapist.id),
                {"program": "test-plan", **data},
            )
            db.session.commit()
            return assignment.id

    return make
