"""Production settings: validated at start with every problem named, request ids
in JSON logs, backups, and the login limiter shared through Redis."""

import json
import logging
import socket
import sqlite3
import subprocess
import sys
import uuid

import pytest

from kinetic import create_app
from kinetic.config import ConfigError, TestConfig, settings
from kinetic.logs import RequestIdFilter, json_formatter, text_formatter

GOOD = {
    "KINETIC_ENV": "production",
    "PUBLIC_URL": "https://kinetic.example.org",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://kinetic:pw@db:5432/kinetic",
    "VAPID_PRIVATE_KEY": "W_nYRyrydnnTZcWB1mzvq4WZKyhC4exmK6Hyieet61k",
    "VAPID_SUBJECT": "mailto:ops@example.org",
    "RATELIMIT_STORAGE_URI": "redis://redis:6379/0",
}


def test_a_complete_production_environment_has_no_problems():
    values = settings(GOOD)
    assert values["CONFIG_PROBLEMS"] == []
    assert values["THERAPIST_SIGNUP"] is False  # off unless asked for
    assert values["LOG_FORMAT"] == "json"


def test_no_secret_has_a_working_default_in_production():
    problems = settings({"KINETIC_ENV": "production"})["CONFIG_PROBLEMS"]
    named = {p.split(":")[0] for p in problems}
    assert named == {
        "PUBLIC_URL",
        "SECRET_KEY",
        "DATABASE_URL",
        "VAPID_PRIVATE_KEY",
        "VAPID_SUBJECT",
        "RATELIMIT_STORAGE_URI",
    }


def test_the_embedded_default_needs_nothing():
    values = settings({})
    assert values["CONFIG_PROBLEMS"] == []
    assert values["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert values["THERAPIST_SIGNUP"] is True
    assert values["PUBLIC_URL"] == "http://127.0.0.1:8000"  # where `make run` serves


def test_production_without_a_public_url_refuses_to_start_and_says_why():
    environ = {k: v for k, v in GOOD.items() if k != "PUBLIC_URL"}
    values = settings(environ)

    assert values["CONFIG_PROBLEMS"] == [
        "PUBLIC_URL: the address patients open, such as "
        "https://kinetic.example.org; FHIR identifiers and calendar links are built "
        "from it"
    ]
    config = type("Production", (), values)
    with pytest.raises(ConfigError, match="PUBLIC_URL: the address patients open"):
        create_app(config)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://kinetic.example.org/", "https://kinetic.example.org"),
        (
            "https://clinic.example.org:8443/kinetic/",
            "https://clinic.example.org:8443/kinetic",
        ),
    ],
)
def test_the_public_url_is_kept_without_its_last_slash(value, kept):
    values = settings({**GOOD, "PUBLIC_URL": value})
    assert values["CONFIG_PROBLEMS"] == [] and values["PUBLIC_URL"] == kept


@pytest.mark.parametrize(
    ("value", "production", "message"),
    [
        ("kinetic.example.org", False, "PUBLIC_URL: an http(s) address"),
        ("ftp://kinetic.example.org", False, "PUBLIC_URL: an http(s) address"),
        ("https://user@kinetic.example.org", False, "PUBLIC_URL: an http(s) address"),
        ("https://kinetic.example.org/?x=1", False, "PUBLIC_URL: an http(s) address"),
        ("https://kinetic.example.org/#/", False, "PUBLIC_URL: an http(s) address"),
        ("https://kinetic.example.org:port", False, "PUBLIC_URL: an http(s) address"),
        ("http://kinetic.example.org", True, "PUBLIC_URL: production is served over"),
    ],
)
def test_a_bad_public_url_is_named(value, production, message):
    environ = {**GOOD, "PUBLIC_URL": value} if production else {"PUBLIC_URL": value}

    problems = settings(environ)["CONFIG_PROBLEMS"]

    assert [p for p in problems if p.startswith("PUBLIC_URL")] == [
        next(p for p in problems if p.startswith(message))
    ], problems


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TOKEN_TTL_DAYS", "thirty", "TOKEN_TTL_DAYS: a whole number is needed"),
        ("TOKEN_TTL_DAYS", "0", "TOKEN_TTL_DAYS: must be between 1 and 365"),
        ("PUSH_TIMEOUT_SECONDS", "fast", "PUSH_TIMEOUT_SECONDS: a number is needed"),
        ("THERAPIST_SIGNUP", "maybe", "THERAPIST_SIGNUP: true or false"),
        ("KINETIC_ENV", "staging", "KINETIC_ENV: one of development, production"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: one of json, text"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL: a postgresql:// or sqlite"),
        ("VAPID_SUBJECT", "ops@example.org", "VAPID_SUBJECT: a mailto: or https://"),
        ("SECRET_KEY", "short", "SECRET_KEY: set a random value of at least 32"),
        ("PUSH_ALLOW_HTTP_LOOPBACK", "true", "PUSH_ALLOW_HTTP_LOOPBACK: for tests"),
    ],
)
def test_each_bad_setting_is_named(name, value, message):
    problems = settings({**GOOD, name: value})["CONFIG_PROBLEMS"]
    assert any(p.startswith(message) for p in problems), problems


def test_the_app_refuses_to_start_and_says_why():
    broken = type("Broken", (TestConfig,), {"CONFIG_PROBLEMS": ["SECRET_KEY: set"]})
    with pytest.raises(ConfigError, match="SECRET_KEY: set"):
        create_app(broken)


def test_the_command_line_says_why_without_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "KINETIC_ENV": "production", "HOME": str(tmp_path)}
    from kinetic.testing import BIN

    result = subprocess.run(
        [BIN / "kinetic", "db", "current"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "cannot start" in result.stderr and "VAPID_PRIVATE_KEY" in result.stderr
    assert "Traceback" not in result.stderr


# -- logs ------------------------------------------------------------------------------


def test_every_answer_carries_a_request_id_and_keeps_a_good_one(client):
    made = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "caddy-abc.123"})
    assert kept.headers["X-Request-ID"] == "caddy-abc.123"
    odd = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert odd.headers["X-Request-ID"] != "bad id <script>"


def test_the_request_line_is_json_with_the_request_id(client):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("kinetic.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.get("/api/v1/me", headers={"X-Request-ID": "trace-42"})
    finally:
        logger.removeHandler(handler)
    [record] = records
    line = json.loads(json_formatter().format(record))
    assert line["request_id"] == "trace-42"
    assert line["status"] == 401 and line["path"] == "/api/v1/me"
    assert line["method"] == "GET" and isinstance(line["duration_ms"], float)


def request_records(client, path: str) -> list[logging.LogRecord]:
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("kinetic.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.get(path)
    finally:
        logger.removeHandler(handler)
    return records


def test_a_newline_in_the_path_cannot_forge_a_text_log_line(client):
    forged = "2026-01-01 00:00:00,000 INFO kinetic.request [x] GET /admin 200"
    path = "/api/v1/x%0d%0a" + forged.replace(" ", "%20") + "%1b[2J%e2%80%a8"
    [record] = request_records(client, path)
    line = text_formatter().format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "\u2028" not in line
    assert line.endswith("/api/v1/x\\r\\n" + forged + "\\x1b[2J\\u2028 404")


def test_a_traceback_keeps_its_lines_in_the_text_log():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.makeLogRecord(
            {"msg": "failed: %s", "args": ("a\nb",), "exc_info": sys.exc_info()}
        )
    record.request_id = "-"
    line = text_formatter().format(record)
    first, *rest = line.split("\n")
    assert first.endswith("failed: a\\nb") and rest[0].startswith("Traceback")


def test_the_log_caps_a_long_path_in_both_formats(client):
    [record] = request_records(client, "/api/v1/" + "a" * 5000)
    text = text_formatter().format(record)
    logged = json.loads(json_formatter().format(record))
    assert len(text) < 700 and "a" * 504 + "… 404" in text
    assert logged["path"] == "/api/v1/" + "a" * 504 + "…"


# -- backups ---------------------------------------------------------------------------


def test_backup_copies_the_whole_database(app, runner, make_patient, tmp_path, db_kind):
    make_patient()
    target = tmp_path / ("backup.dump" if db_kind == "postgres" else "backup.db")
    result = runner.invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output and target.stat().st_size > 0
    if db_kind == "postgres":
        listing = subprocess.run(
            ["pg_restore", "--list", str(target)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "TABLE DATA public pain_entries" in listing
    else:
        with sqlite3.connect(target) as copy:
            emails = copy.execute("SELECT email FROM users ORDER BY id").fetchall()
        assert ("patient1@example.org",) in emails


# -- the login limiter, shared by every worker through Redis ---------------------------


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_failed_logins_are_counted_across_workers_in_redis(app, tmp_path):
    """Two app instances (two workers) share one Redis: five failures spread
    over both lock the account on either."""
    prefix = f"kinetic-test-{uuid.uuid4().hex}"
    config = type(
        "Shared",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": str(tmp_path),
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
            "RATELIMIT_KEY_PREFIX": prefix,
        },
    )
    first, second = create_app(config).test_client(), create_app(config).test_client()
    wrong = {"email": "nobody@example.org", "password": "wrong"}
    answers = [
        (first if n % 2 else second).post("/api/v1/auth/login", json=wrong).status_code
        for n in range(6)
    ]
    assert answers == [401] * 5 + [429]


def test_an_operator_creates_a_therapist_with_sign_up_off(app, runner, client):
    app.config["THERAPIST_SIGNUP"] = False
    try:
        result = runner.invoke(
            args=["users", "create-therapist", "lead@clinic.example", "--name", "Lead"],
            input="a long enough password\na long enough password\n",
        )
        assert result.exit_code == 0, result.output
        assert "Therapist lead@clinic.example created." in result.output
        signed_in = client.post(
            "/api/v1/auth/login",
            json={"email": "lead@clinic.example", "password": "a long enough password"},
        )
        assert signed_in.status_code == 200
        assert signed_in.json["user"]["role"] == "therapist"
        again = runner.invoke(
            args=["users", "create-therapist", "lead@clinic.example", "--name", "L"],
            input="a long enough password\na long enough password\n",
        )
        assert again.exit_code == 1 and "already exists" in again.output
        bad = runner.invoke(
            args=["users", "create-therapist", "not-an-email", "--name", "X"],
            input="a long enough password\na long enough password\n",
        )
        assert bad.exit_code == 1 and "email" in bad.output
    finally:
        app.config["THERAPIST_SIGNUP"] = True
