"""`kinetic` commands: programs validate|load, demo, scheduler, reminders tick,
sessions mark-missed, and Flask-Migrate's `db`."""

import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from kinetic.config import ConfigError
from kinetic.extensions import db
from kinetic.services import (
    accounts,
    backup,
    demo,
    figure_sheet,
    library,
    push,
    reminders,
    safety,
)
from kinetic.services.clock import now


def _directory(value: str | None) -> Path:
    return Path(value or current_app.config["PROGRAMS_DIR"])


programs_cli = AppGroup(
    "programs", help="Check and load the exercise and program files."
)


@programs_cli.command("validate")
@click.argument("directory", required=False)
def validate_command(directory: str | None) -> None:
    """Check every file in DIRECTORY (default: programs/) and list every problem."""
    found = library.read_library(_directory(directory))
    for problem in found.problems:
        click.echo(str(problem), err=True)
    if found.problems:
        click.echo(f"{len(found.problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(
        f"OK: {len(found.exercises)} exercises, {len(found.programs)} programs, "
        f"{len(found.questionnaires)} questionnaires."
    )


@programs_cli.command("load")
@click.argument("directory", required=False)
def load_command(directory: str | None) -> None:
    """Validate, then load the files; unchanged files change nothing."""
    found = library.read_library(_directory(directory))
    if found.problems:
        for problem in found.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing loaded: fix the problems above first.", err=True)
        sys.exit(1)
    report = library.load_library(found)
    db.session.commit()
    click.echo(
        f"Exercises: {report.exercises_added} added, "
        f"{report.exercises_updated} updated. Programs: {report.programs_added} "
        f"added; new versions: {', '.join(report.new_versions) or 'none'}. "
        f"Questionnaires: {report.questionnaires_changed} added or updated."
    )


@click.command("demo")
@with_appcontext
@click.option("--url", default="http://127.0.0.1:8000", help="Where the app serves.")
def demo_command(url: str) -> None:
    """Create the demo clinic (a therapist who leads it, a colleague sharing the
    patient's care, a practice manager) and a patient with 30 days of history,
    once."""
    accounts, created = demo.ensure_demo()
    db.session.commit()
    click.echo("Demo data " + ("created." if created else "already present."))
    for role, (email, password) in accounts.items():
        click.echo(f"  {role:<9} {email}  password: {password}")
    click.echo(f"Open {url}/ (API docs: {url}/api/docs)")


class Instant(click.ParamType):
    """An ISO 8601 instant with its offset, e.g. 2026-03-29T07:00:00+02:00."""

    name = "instant"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 instant.", param, ctx)
        if parsed.tzinfo is None:
            self.fail(
                f"{value!r} has no offset: add one, e.g. {value}+00:00.", param, ctx
            )
        return parsed


reminders_cli = AppGroup("reminders", help="Send daily reminders.")


@reminders_cli.command("tick")
@click.option(
    "--at", type=Instant(), default=None, help="Dispatch as of this instant (ISO 8601)."
)
def tick_command(at: datetime | None) -> None:
    """Run one reminder dispatch, as the scheduler does every minute, and exit."""
    report = reminders.tick(at or now())
    click.echo(str(report))


@reminders_cli.command("new-key")
def new_key_command() -> None:
    """Print a new VAPID key pair: the private key for VAPID_PRIVATE_KEY (all web
    and scheduler processes must share it) and the public key browsers get."""
    private, public = push.new_key_pair()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"# public key (served at /api/v1/push/public-key): {public}")


sessions_cli = AppGroup("sessions", help="Scheduled sessions.")


@sessions_cli.command("mark-missed")
@click.option("--at", type=Instant(), default=None, help="As of this instant.")
def mark_missed_command(at: datetime | None) -> None:
    """Mark pending sessions of days that have ended (patient's time) missed."""
    click.echo(f"{reminders.mark_missed(at or now())} session(s) marked missed.")


safety_cli = AppGroup("safety", help="Clinical safety rules.")


@safety_cli.command("evaluate")
@click.option("--at", type=Instant(), default=None, help="As of this instant.")
@click.option(
    "--all", "everyone", is_flag=True, help="Every patient, not only those at 02:00."
)
def evaluate_command(at: datetime | None, everyone: bool) -> None:
    """Review patients on a plan against programs/safety.yaml and raise alerts."""
    raised = safety.evaluate_nightly(at or now(), everyone=everyone)
    click.echo(f"{raised} alert(s) raised.")


figures_cli = AppGroup("figures", help="The exercise figures.")


@figures_cli.command("sheet")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="docs/figures.png",
    show_default=True,
    help="The PNG to write.",
)
@click.argument("directory", required=False)
def figures_sheet_command(output: str, directory: str | None) -> None:
    """Draw every exercise's keyframes on one contact sheet, with figure.js in
    headless Chromium (needs Chromium and Playwright)."""
    found = library.read_library(_directory(directory))
    if found.problems:
        for problem in found.problems:
            click.echo(str(problem), err=True)
        click.echo("No sheet drawn: fix the problems above first.", err=True)
        sys.exit(1)
    try:
        path = figure_sheet.render_sheet(found.exercises, Path(output))
    except figure_sheet.SheetError as error:
        click.echo(f"No sheet drawn: {error}", err=True)
        sys.exit(1)
    drawn = sum(1 for e in found.exercises.values() if e.get("figure"))
    click.echo(f"Wrote {path}: {drawn} of {len(found.exercises)} exercises drawn.")


users_cli = AppGroup("users", help="Accounts.")


@users_cli.command("create-therapist")
@click.argument("email")
@click.option("--name", required=True, help="The name patients will see.")
@click.password_option(help="Asked for when not given (typed twice).")
def create_therapist_command(email: str, name: str, password: str) -> None:
    """Create a therapist account (works with THERAPIST_SIGNUP off)."""
    from kinetic.schemas.users import RegisterSchema

    data = {"email": email, "name": name, "password": password, "role": "therapist"}
    problems = RegisterSchema().validate(data)
    if problems:
        for field, messages in problems.items():
            click.echo(f"{field}: {' '.join(map(str, messages))}", err=True)
        sys.exit(1)
    try:
        user = accounts.register(RegisterSchema().load(data), operator=True)
    except accounts.AccountError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Therapist {user.email} created.")


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="The file to write (default: instance/backups/kinetic-<time>.<ext>).",
)
def backup_command(output: str | None) -> None:
    """Copy the whole database to a file: pg_dump's custom format on PostgreSQL
    (restore with pg_restore, see docs/deploy.md), a SQLite file otherwise."""
    try:
        path = backup.backup(Path(output) if output else None)
    except backup.BackupError as error:
        click.echo(f"Backup failed: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backup written: {path} ({path.stat().st_size:,} bytes)")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler process: reminders every minute, missed sessions hourly."""
    from kinetic.scheduler import run

    run(current_app._get_current_object())


def register_commands(app: Flask) -> None:
    app.cli.add_command(programs_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(safety_cli)
    app.cli.add_command(figures_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(scheduler_command)


def _create_app() -> Flask:
    from kinetic import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Kinetic Chain commands.")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
