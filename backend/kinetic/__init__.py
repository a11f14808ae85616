"""Kinetic Chain: home exercise and symptom tracking for back, neck and head."""

from pathlib import Path

from flask import Flask

from kinetic.config import Config, ConfigError
from kinetic.json_provider import OrjsonProvider


def create_app(config: type | None = None) -> Flask:
    """Builds the app; it never writes to the database and never starts jobs."""
    config = config or Config
    if getattr(config, "CONFIG_PROBLEMS", None):
        raise ConfigError(config.CONFIG_PROBLEMS)
    app = Flask(__name__, instance_path=config.INSTANCE_PATH, static_folder=None)
    app.json = OrjsonProvider(app)
    app.config.from_object(config)
    register_logging(app)
    register_guard(app)  # before the limiter: nothing reaches it unchecked
    # The embedded SQLite file lives here (as in the Flask tutorial's factory).
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_api(app)
    register_frontend(app)
    register_cli(app)
    return app


def register_guard(app: Flask) -> None:
    from kinetic.api.guard import register_guard as register

    register(app)


def register_logging(app: Flask) -> None:
    from kinetic.logs import register_logging as register

    register(app)


def register_extensions(app: Flask) -> None:
    from kinetic import (
        connections,
        models,  # noqa: F401 - the models must be known to Alembic
    )
    from kinetic.api.openapi import SchemaRules
    from kinetic.extensions import api, compress, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    api.init_app(app, spec_kwargs={"extra_plugins": [SchemaRules()]})
    keep_loaded_after_commit(app, db)
    connections.register(app, db)
    limiter.init_app(app)
    compress.init_app(app)


def keep_loaded_after_commit(app: Flask, db) -> None:
    """In a request, a commit keeps what the session has loaded: the answer is
    built from those same rows just after, and reloading each of them was 7-9% of
    a write under load. The session ends with the request, so nothing stale
    outlives it; the scheduler and the CLI keep SQLAlchemy's default."""

    @app.before_request
    def keep():
        db.session().expire_on_commit = False

    @app.teardown_request
    def restore(_error):
        db.session().expire_on_commit = True


def register_api(app: Flask) -> None:
    from kinetic.api import register_api as register

    register(app)


def register_frontend(app: Flask) -> None:
    from kinetic.frontend import register_frontend as register

    register(app)


def register_cli(app: Flask) -> None:
    from kinetic.cli import register_commands

    register_commands(app)
