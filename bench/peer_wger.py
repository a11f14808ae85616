"""wger, the open-source Django REST workout manager, as the peer of
bench/api_load.py: installed on demand into a venv of its own (bench/.peer), its
database made with Django's own commands, and one user with an API token, a
routine and an exercise, so that its log-entry list and write can be loaded like
the app's endpoints.

wger's `wger create-settings` and `wger bootstrap` are invoke tasks that fail on
Python 3.11 (its pinned invoke 1.7.3 calls inspect.getargspec), so the settings
are bench/wger_settings.py and the database is made by `django-admin migrate`.
"""

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).parent
PEER = HERE / ".peer"
WGER = "wger==2.1"  # the newest on the package index (pip index versions wger)
# The same gunicorn as the app's, so that only the application differs.
GUNICORN = f"gunicorn=={importlib.metadata.version('gunicorn')}"
# Django 3.2 (wger 2.1's) speaks to PostgreSQL through psycopg2 only.
PACKAGES = [WGER, GUNICORN, "psycopg2-binary"]
PYTHON = PEER / "bin" / "python"
BIN = PEER / "bin"
# wger's fixtures for a log entry's foreign keys that migrate does not fill:
# languages (the user's profile), licenses and categories (an exercise's).
FIXTURES = ["languages", "licenses", "categories"]
SETUP = """
import json

import django

django.setup()
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from wger.exercises.models import ExerciseBase, ExerciseCategory
from wger.manager.models import Workout

user = User.objects.create_user("bench", "bench@example.com", "bench-password")
exercise = ExerciseBase.objects.create(category=ExerciseCategory.objects.first())
workout = Workout.objects.create(user=user, name="Bench routine")
token = Token.objects.create(user=user).key
print(json.dumps({"token": token, "exercise_base": exercise.id, "workout": workout.id}))
"""


class PeerUnavailable(Exception):
    """wger could not be installed or prepared; the message says why."""


def _installed_version() -> str | None:
    if not PYTHON.exists():
        return None
    found = subprocess.run(
        [
            PYTHON,
            "-c",
            "import importlib.metadata, wger, gunicorn, psycopg2; "
            "print(importlib.metadata.version('wger'))",
        ],
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() if found.returncode == 0 else None


def _failure(what: str, result: subprocess.CompletedProcess) -> PeerUnavailable:
    """pip's and Django's real complaint, without pip's noise about index folders
    this machine does not have."""
    lines = [
        line
        for line in (result.stderr or result.stdout).splitlines()
        if line.strip() and not line.startswith("WARNING: Location")
    ]
    return PeerUnavailable(
        f"{what} failed (exit {result.returncode}): "
        + (" / ".join(lines[-5:]) or "no output")
    )


def ensure_peer() -> str:
    """Installs wger into bench/.peer unless it is there; returns its version."""
    version = _installed_version()
    if version:
        return version
    if not PYTHON.exists():
        made = subprocess.run(
            [sys.executable, "-m", "venv", PEER], capture_output=True, text=True
        )
        if made.returncode:
            raise _failure(f"python -m venv {PEER}", made)
    installed = subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", *PACKAGES],
        capture_output=True,
        text=True,
    )
    if installed.returncode:
        raise _failure(f"pip install {' '.join(PACKAGES)}", installed)
    version = _installed_version()
    if not version:
        raise PeerUnavailable(f"{WGER} installed but cannot be imported from {PEER}")
    return version


def environment(database_url: str, workdir: Path) -> dict:
    """The peer's environment: bench/wger_settings.py with the same kind of
    database as the app's run (a SQLAlchemy URL, SQLite file or PostgreSQL)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": "wger_settings",
        "WGER_MEDIA_ROOT": str(workdir / "wger-media"),
    }
    url = urlsplit(database_url)
    if url.scheme.startswith("sqlite"):
        env["WGER_SQLITE"] = url.path[1:]
    else:
        env |= {
            "WGER_PG_NAME": url.path[1:],
            "WGER_PG_USER": url.username or "postgres",
            "WGER_PG_HOST": url.hostname or "127.0.0.1",
            "WGER_PG_PORT": str(url.port or 5432),
        }
    return env


def prepare(env: dict) -> dict:
    """Makes the peer's database; returns the user's API token and the ids of
    the exercise and routine a log entry names."""
    for command in (["migrate"], ["loaddata", *FIXTURES]):
        done = subprocess.run(
            [BIN / "django-admin", *command], env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise _failure(f"django-admin {command[0]}", done)
    made = subprocess.run(
        [PYTHON, "-c", SETUP], env=env, capture_output=True, text=True
    )
    if made.returncode:
        raise _failure("creating the wger user, token and routine", made)
    return json.loads(made.stdout.splitlines()[-1])
