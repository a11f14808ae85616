"""Health, migrations and the demo data."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import OperationalError

from kinetic import create_app
from kinetic.config import TestConfig
from kinetic.extensions import db
from kinetic.models import (
    Clinic,
    ClinicMember,
    PainEntry,
    Program,
    ScheduledSession,
    User,
)
from kinetic.services import library, push
from kinetic.services.patients import patient_of


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
    assert "colleague@demo.kinetic  password: demo-colleague" in first.output
    assert "manager@demo.kinetic  password: demo-manager" in first.output
    second = runner.invoke(args=["demo"])
    assert "already present" in second.output
    with empty_app.app_context():
        # therapist, colleague, manager and patient, once
        assert db.session.scalar(select(func.count()).select_from(User)) == 4
        entries = db.session.scalar(select(func.count()).select_from(PainEntry))
        assert 20 <= entries <= 30


def test_demo_clinic_shares_one_patient_and_one_program(app, runner):
    with app.app_context():  # the real files: the shared program uses them
        library.load_library(
            library.read_library(Path(__file__).parent.parent / "programs")
        )
        db.session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        people = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
        members = {m.user_id: m for m in db.session.scalars(select(ClinicMember))}
        assert {members[people[n].id].clinic_id for n in members_of_demo} == {
            members[people["therapist"].id].clinic_id
        }
        assert db.session.scalar(select(func.count()).select_from(Clinic)) == 1
        roles = {
            n: (members[people[n].id].role, members[people[n].id].treats_patients)
            for n in members_of_demo
        }
        assert roles == {
            "therapist": ("admin", True),
            "colleague": ("therapist", True),
            "manager": ("admin", False),
        }
        patient = people["patient"]
        assert patient.therapist_id == people["therapist"].id
        for name, sees in (
            ("therapist", True),
            ("colleague", True),
            ("manager", False),
        ):
            assert (patient_of(people[name], patient.id) is not None) is sees, name
        shared = db.session.scalar(
            select(Program).where(Program.slug == "desk-break-neck-routine")
        )
        assert shared.clinic_id == members[people["therapist"].id].clinic_id
        assert shared.owner_id == people["therapist"].id


members_of_demo = ("therapist", "colleague", "manager")


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
    # A tailored plan: version 2, with the therapist's note, on Today.
    changed = today.json["sessions"][0]["prescription"]
    assert changed["version"] == 2 and "added a set" in changed["note"]
    assert changed["changed_by"] == "Dr Demo Therapist"
    assert sum(d["low_back"] is not None for d in trends.json["days"]) >= 20


def test_postgres_urls_are_given_the_psycopg_driver():
    from kinetic.config import _database_url

    assert _database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert create_engine(_database_url("postgresql://u@h/db")).dialect.driver == (
        "psycopg"
    )


ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_listed_in_env_example():
    source = (ROOT / "backend" / "kinetic" / "config.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    assert len(read) > 20, "the pattern finds the settings"
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - {"TEST_DATABASE_URL"} <= listed, read - listed


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_is_valid_against_the_compose_specification():
    result = subprocess.run(
        [
            Path(sys.executable).parent / "check-jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True).returncode
    if shutil.which("docker")
    else True,
    reason="no docker compose here",
)
def test_docker_compose_accepts_the_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "POSTGRES_PASSWORD=p\nSECRET_KEY=s\nVAPID_PRIVATE_KEY=k\n"
        "VAPID_SUBJECT=mailto:a@b.c\nDOMAIN=example.org\nACME_EMAIL=a@b.c\n"
    )
    result = subprocess.run(
        ["docker", "compose", "--env-file", str(env_file), "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_services_a_practice_needs():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "web", "scheduler", "proxy"}
    web, scheduler, proxy = services["web"], services["scheduler"], services["proxy"]
    assert "healthz" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert web["environment"]["WEB_CONCURRENCY"] == "${WEB_CONCURRENCY:-2}"
    assert "ports" not in web  # only the proxy faces the network
    assert services["db"]["healthcheck"] and "pgdata" in compose()["volumes"]
    # One scheduler, the same image and settings as web, after web has migrated.
    assert scheduler["command"] == ["kinetic", "scheduler"]
    assert scheduler["deploy"]["replicas"] == 1 and "ports" not in scheduler
    shared = ("DATABASE_URL", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT", "SECRET_KEY")
    for name in (*shared, "PUBLIC_URL"):
        assert scheduler["environment"][name] == web["environment"][name]
    # Links and FHIR identifiers: the address Caddy serves, never the Host header.
    assert web["environment"]["PUBLIC_URL"].startswith("https://${DOMAIN:?")
    assert scheduler["depends_on"]["web"]["condition"] == "service_healthy"
    # Caddy: HTTPS for the configured domain, in front of web.
    assert proxy["image"].startswith("caddy")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$DOMAIN}" in caddyfile and "reverse_proxy web:8000" in caddyfile
    assert web["environment"]["TRUSTED_PROXIES"] == "1"
    assert web["environment"]["RATELIMIT_STORAGE_URI"].startswith("redis://redis")


def test_compose_gives_no_secret_a_default():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("POSTGRES_PASSWORD", "SECRET_KEY", "VAPID_PRIVATE_KEY", "DOMAIN"):
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses and all(u.startswith(":?") for u in uses), (name, uses)


def test_the_image_is_multi_stage_slim_and_not_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(stages) >= 2 and stages[-1].endswith("-slim")
    assert re.search(r"^USER kinetic$", dockerfile, re.M)
    command = re.search(r"^CMD (.*)$", dockerfile, re.M).group(1)
    assert command.index("kinetic db upgrade") < command.index("exec gunicorn")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "instance"} <= set(ignored)


def test_new_key_prints_a_key_pair_that_the_app_reads_back(runner, tmp_path):
    result = runner.invoke(args=["reminders", "new-key"])
    assert result.exit_code == 0, result.output
    private = re.search(r"^VAPID_PRIVATE_KEY=(\S+)$", result.output, re.M).group(1)
    public = re.search(r"public key .*: (\S+)$", result.output, re.M).group(1)
    config = type(
        "Keyed",
        (TestConfig,),
        {"INSTANCE_PATH": str(tmp_path), "VAPID_PRIVATE_KEY": private},
    )
    with create_app(config).app_context():
        assert push.public_key() == public


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "POST",
            "/api/v1/auth/login",
            {"email": "\x00a@b.c", "password": "x"},
            "email",
        ),
        ("POST", "/api/v1/auth/register", {"name": "a\x00", "email": "a@b.c"}, "name"),
        ("GET", "/api/v1/exercises?category=a%00", None, "category"),
    ],
)
def test_nul_characters_are_422_naming_the_field(client, method, path, body, field):
    response = client.open(path, method=method, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_a_nul_character_is_found_in_any_json_encoding(client, encoding):
    # The check reads the raw body first; a UTF-16 or UTF-32 body escapes nothing.
    body = json.dumps({"name": "a\x00", "email": "a@b.c"}, ensure_ascii=False)
    response = client.post(
        "/api/v1/auth/register",
        data=body.encode(encoding),
        content_type="application/json",
    )
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {"name": ["Must not contain NUL characters."]}


def test_a_nul_character_is_found_in_a_json_key(client):
    response = client.post(
        "/api/v1/auth/register", json={"name": "a", "email": "a@b.c", "k\x00": 1}
    )
    assert response.status_code == 422, response.json
    assert "k\x00" in response.json["errors"]


def test_a_nul_character_in_a_path_is_404(client, make_patient):
    patient = make_patient()
    response = client.get("/api/v1/exercises/a%00b", headers=patient.headers)
    assert response.status_code == 404 and response.json["code"] == 404


def test_demo_patient_has_weekly_peg3_answers_due_today_and_insights(
    app, runner, programs, questionnaires, clock
):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/login",
        json={"email": "patient@demo.kinetic", "password": "demo-patient"},
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}

    peg = client.get(
        "/api/v1/me/questionnaire-responses?questionnaire=peg-3", headers=headers
    ).json
    due = client.get("/api/v1/me/questionnaires/due", headers=headers).json
    found = client.get("/api/v1/me/insights", headers=headers).json

    assert [r["date"] for r in peg] == [
        "2026-02-10",
        "2026-02-17",
        "2026-02-24",
        "2026-03-03",
    ]
    assert peg[-1]["meaningful"] is True and peg[-1]["change_from_baseline"] < -1
    assert [d["questionnaire"] for d in due] == ["peg-3"]
    assert any(f["kind"] == "after_session" for f in found)
