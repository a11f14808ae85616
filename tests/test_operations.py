"""Health, migrations and the demo data."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import OperationalError

from kinetic import create_app
from kinetic.config import TestConfig
from kinetic.extensions import db
from kinetic.models import PainEntry, ScheduledSession, User


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["code"] == 503
    assert "database" in response.json["message"]


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_wrong_method_is_a_json_405(client):
    response = client.delete("/api/v1/me/today")
    assert response.status_code == 405
    assert response.json["code"] == 405


@pytest.fixture
def empty_app(tmp_path):
    config = type(
        "Fresh",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
            "INSTANCE_PATH": str(tmp_path),
        },
    )
    return create_app(config)


def test_migrations_build_exactly_the_models_and_come_down_again(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_demo_creates_a_month_of_history_once(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    with empty_app.app_context():
        upgrade()
    programs = runner.invoke(
        args=["programs", "load", str(tmp_path.parent / "missing")]
    )
    assert programs.exit_code == 1  # no files there: nothing loaded, clear message
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data created." in first.output
    assert "therapist@demo.kinetic  password: demo-therapist" in first.output
    assert "patient@demo.kinetic  password: demo-patient" in first.output
    second = runner.invoke(args=["demo"])
    assert "already present" in second.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        entries = db.session.scalar(select(func.count()).select_from(PainEntry))
        assert 20 <= entries <= 30


def test_demo_patient_has_sessions_when_programs_are_loaded(app, runner, programs):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        patient = db.session.scalar(select(User).where(User.role == "patient"))
        sessions = db.session.scalars(
            select(ScheduledSession).where(ScheduledSession.patient_id == patient.id)
        ).all()
        done = [s for s in sessions if s.status == "done"]
        assert len(sessions) > 10
        assert 0 < len(done) < len(sessions)
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "patient@demo.kinetic", "password": "demo-patient"},
    )
    assert login.status_code == 200
    token = login.json["token"]
    trends = client.get(
        "/api/v1/me/trends?days=30", headers={"Authorization": f"Bearer {token}"}
    )
    assert trends.json["adherence"] is not None
    today = client.get("/api/v1/me/today", headers={"Authorization": f"Bearer {token}"})
    assert len(today.json["sessions"]) == 1
    assert today.json["sessions"][0]["status"] == "pending"
    assert sum(d["low_back"] is not None for d in trends.json["days"]) >= 20


def test_postgres_urls_are_given_the_psycopg_driver():
    from kinetic.config import _database_url

    assert _database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert create_engine(_database_url("postgresql://u@h/db")).dialect.driver == (
        "psycopg"
    )
