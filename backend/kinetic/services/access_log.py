"""The access log: which therapist opened or changed which patient's record, of
what kind, kept as one row per (therapist, patient, kind, ten-minute window).

A view marks an access with `record(patient_id)` once it has found the patient
(the api helpers that answer 404 otherwise do it), and the kind follows from the
view (KINDS). The row is written with INSERT ... ON CONFLICT DO NOTHING on
uq_access_window, so the first access of the window writes it and the rest find
it there:

- a view that commits (a change) writes it in its own transaction, just before
  the commit (a "before_commit" listener): the change and its row are kept or
  lost together;
- otherwise (a read) it is written in one commit after the view, and only for an
  answer under 400.

When that write fails the answer is a 503 and the error is logged: an access is
never lost silently. Nothing in the API changes or deletes a row."""

import csv
import io
import logging
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from werkzeug.exceptions import ServiceUnavailable

from kinetic.extensions import db
from kinetic.models import AccessLogEntry, ClinicMember, User
from kinetic.services.clock import now

log = logging.getLogger(__name__)

# The one table of kinds: a view (its endpoint) whose access is not simply a
# read ("view", for GET) or a change ("change", any other method).
KINDS = {
    "records.patient_report": "report",
    "records.patient_report_pdf": "report",
    "records.patient_fhir": "fhir",
}
WINDOW_MINUTES = 10
READS = ("GET", "HEAD")
UNAVAILABLE = (
    "This could not be recorded in the access log, so it was not done. "
    "Please try again in a moment."
)
# Cells a spreadsheet would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id",
    "at",
    "therapist_id",
    "therapist_name",
    "patient_id",
    "patient_name",
    "kind",
)


class AccessLogUnavailable(ServiceUnavailable):
    """The access could not be recorded: the request fails rather than go
    unrecorded."""

    description = UNAVAILABLE


def kind_of_request() -> str:
    found = KINDS.get(request.endpoint or "")
    if found:
        return found
    return "view" if request.method in READS else "change"


def record(patient_id: int, kind: str | None = None) -> None:
    """Marks an access to the patient's record by the caller of this request
    (only when they are a therapist). Written at the commit or after the view."""
    if not has_request_context():
        return
    if not current_app.config.get("ACCESS_LOG_ENABLED", True):
        return
    user = g.get("user")
    if user is None or user.role != "therapist":
        return
    marks = g.setdefault("access_marks", {})
    marks[(user.id, patient_id, kind or kind_of_request())] = None


def window_of(instant: datetime) -> int:
    return int(instant.timestamp()) // 60 // WINDOW_MINUTES


def _insert(session, marks) -> None:
    at = now()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {
            "clinic_id": select(ClinicMember.clinic_id)
            .where(ClinicMember.user_id == therapist_id)
            .scalar_subquery(),
            "therapist_id": therapist_id,
            "patient_id": patient_id,
            "kind": kind,
            "window": window_of(at),
            "at": at,
        }
        for therapist_id, patient_id, kind in marks
    ]
    for row in rows:
        statement = dialect.insert(AccessLogEntry).values(**row)
        session.execute(
            statement.on_conflict_do_nothing(
                index_elements=["therapist_id", "patient_id", "kind", "window"]
            )
        )


def _missing(session, marks) -> list:
    """The marks whose row this window has not yet: the usual read finds its row
    with one indexed select and ends without a write or a commit."""
    window = window_of(now())
    return [
        (therapist_id, patient_id, kind)
        for therapist_id, patient_id, kind in marks
        if session.scalar(
            select(AccessLogEntry.id).where(
                AccessLogEntry.therapist_id == therapist_id,
                AccessLogEntry.patient_id == patient_id,
                AccessLogEntry.kind == kind,
                AccessLogEntry.window == window,
            )
        )
        is None
    ]


def _write_before_commit(session) -> None:
    # A read runs without a transaction on PostgreSQL (connections.py), where an
    # insert is refused: its row is written after the view, on its own.
    if not has_request_context() or request.method in READS:
        return
    if session is not db.session():
        return
    marks = g.get("access_marks")
    if not marks:
        return
    try:
        _insert(session, list(marks))
    except Exception as error:  # the change must not be made unrecorded
        log.exception("access log: the row could not be written; request refused")
        raise AccessLogUnavailable() from error
    # Written in this transaction: a rollback of it brings the marks back.
    g.access_written = {**g.get("access_written", {}), **marks}
    marks.clear()


def _after_commit(session) -> None:
    if has_request_context() and session is db.session():
        g.pop("access_written", None)


def _after_rollback(session) -> None:
    if not has_request_context() or session is not db.session():
        return
    written = g.pop("access_written", None)
    if written:
        g.setdefault("access_marks", {}).update(written)


def _write_after_view(response: Response) -> Response:
    marks = g.pop("access_marks", None)
    if not marks:
        return response
    if response.status_code >= 400:
        return response
    session = db.session
    try:
        missing = _missing(session, list(marks))
        if missing:
            # What the view left uncommitted is dropped at the end of the
            # request anyway; the row is committed on its own.
            session.rollback()
            _insert(session, missing)
            session.commit()
    except Exception:  # whatever it is, the answer must not go out unrecorded
        session.rollback()
        log.exception("access log: the row could not be written; answer refused")
        return _unavailable(response)
    return response


def _unavailable(response: Response) -> Response:
    """The answer becomes the 503 error body (its other headers stay)."""
    from kinetic.api.errors import error_body

    body = current_app.json.dumps(error_body(503, UNAVAILABLE))
    response.status_code = 503
    response.direct_passthrough = False
    response.set_data(body)
    response.mimetype = "application/json"
    for header in ("Content-Disposition", "ETag", "Last-Modified"):
        response.headers.pop(header, None)
    return response


LISTENERS = {
    "before_commit": _write_before_commit,
    "after_commit": _after_commit,
    "after_rollback": _after_rollback,
}


def register(app: Flask) -> None:
    """The listeners are the session class's (once for every app); the hook after
    the view is the app's."""
    for name, listener in LISTENERS.items():
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.after_request(_write_after_view)


# -- reading the log ----------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def clinic_rows(clinic_id: int, args: dict, limit: int | None) -> list[dict]:
    """The clinic's rows, newest first, with both names."""
    therapist, patient = aliased(User), aliased(User)
    query = (
        select(
            AccessLogEntry.id,
            AccessLogEntry.at,
            AccessLogEntry.therapist_id,
            therapist.name.label("therapist_name"),
            AccessLogEntry.patient_id,
            patient.name.label("patient_name"),
            AccessLogEntry.kind,
        )
        .outerjoin(therapist, therapist.id == AccessLogEntry.therapist_id)
        .outerjoin(patient, patient.id == AccessLogEntry.patient_id)
        .where(AccessLogEntry.clinic_id == clinic_id)
    )
    if args.get("patient_id") is not None:
        query = query.where(AccessLogEntry.patient_id == args["patient_id"])
    if args.get("therapist_id") is not None:
        query = query.where(AccessLogEntry.therapist_id == args["therapist_id"])
    if args.get("from_") is not None:
        query = query.where(AccessLogEntry.at >= _day_start(args["from_"]))
    if args.get("to") is not None:
        end = _day_start(args["to"] + timedelta(days=1))
        query = query.where(AccessLogEntry.at < end)
    query = query.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [row._asdict() for row in db.session.execute(query)]


def patient_rows(patient_id: int, limit: int) -> list[dict]:
    """Who opened the patient's record, newest first."""
    query = (
        select(
            AccessLogEntry.at,
            AccessLogEntry.therapist_id,
            User.name.label("therapist_name"),
            AccessLogEntry.kind,
        )
        .outerjoin(User, User.id == AccessLogEntry.therapist_id)
        .where(AccessLogEntry.patient_id == patient_id)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
        .limit(limit)
    )
    return [row._asdict() for row in db.session.execute(query)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return out.getvalue()
