"""Backups of the whole database: pg_dump on PostgreSQL, SQLite's online backup
API on the embedded file. Both are consistent snapshots taken while the app runs."""

import os
import sqlite3
import subprocess
from datetime import UTC
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from kinetic.services.clock import now


class BackupError(RuntimeError):
    pass


def default_path(extension: str) -> Path:
    stamp = now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"kinetic-{stamp}.{extension}"


def backup(path: Path | None = None) -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        return _pg_dump(url, path or default_path("dump"))
    if url.get_backend_name() == "sqlite" and url.database:
        return _sqlite(Path(url.database), path or default_path("db"))
    raise BackupError(f"cannot back up {url.render_as_string()}")


def _pg_dump(url, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password  # not on the command line, where ps shows it
    plain = url.set(drivername="postgresql", password=None)
    command = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        f"--file={path}",
        plain.render_as_string(hide_password=False),
    ]
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            "pg_dump is not installed (Debian: postgresql-client)"
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(error.stderr.strip() or "pg_dump failed") from error
    return path


def _sqlite(source: Path, path: Path) -> Path:
    if not source.exists():
        raise BackupError(f"no database file at {source}")
    path.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return path
