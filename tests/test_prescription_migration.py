"""The prescriptions migration gives every existing plan its version 1."""

import json
from datetime import UTC, date, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from kinetic.extensions import db
from kinetic.models import Prescription, ScheduledSession

BEFORE = "c3bc68b16df7"
PHASES = [
    {"name": "One", "weeks": [1, 1], "exercises": [{"slug": "a", "name": "A"}]},
    {"name": "Two", "weeks": [2, 3], "exercises": [{"slug": "b", "name": "B"}]},
]


def _rows(statements: list[tuple[str, dict]]) -> None:
    for sql, values in statements:
        db.session.execute(text(sql), values)
    db.session.commit()


def test_existing_plans_get_version_one_and_their_sessions_are_pinned(empty_app):
    created = datetime(2026, 3, 1, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        _rows(
            [
                (
                    "INSERT INTO users (id, email, name, role, timezone, "
                    "password_hash, created_at) VALUES (1, 't@x.org', 'T', "
                    "'therapist', 'UTC', 'x', :at), (2, 'p@x.org', 'P', 'patient', "
                    "'UTC', 'x', :at)",
                    {"at": created},
                ),
                ("INSERT INTO programs (id, slug) VALUES (1, 'p')", {}),
                (
                    "INSERT INTO program_versions (id, program_id, version, content, "
                    "content_hash, created_at) VALUES (1, 1, 1, :content, 'h', :at)",
                    {
                        "content": json.dumps({"title": "P", "sessions": PHASES}),
                        "at": created,
                    },
                ),
                (
                    "INSERT INTO assignments (id, patient_id, therapist_id, "
                    "program_version_id, start_date, end_date, days_of_week, "
                    "sessions_per_day, status, created_at) VALUES (1, 2, 1, 1, "
                    ":start, :end, '[0]', 1, 'active', :at)",
                    # Two weeks: the second phase is clipped to week 2.
                    {
                        "start": date(2026, 3, 2),
                        "end": date(2026, 3, 15),
                        "at": created,
                    },
                ),
                (
                    "INSERT INTO scheduled_sessions (id, assignment_id, patient_id, "
                    "date, slot, status) VALUES (1, 1, 2, :day, 1, 'pending')",
                    {"day": date(2026, 3, 9)},
                ),
            ]
        )

        upgrade()

        (version,) = db.session.query(Prescription).all()
        assert (version.assignment_id, version.version) == (1, 1)
        assert [p["weeks"] for p in version.phases] == [[1, 1], [2, 2]]
        assert version.changes == ["Prescribed from P"]
        assert version.changed_by_id == 1
        session = db.session.get(ScheduledSession, 1)
        assert session.prescription_id == version.id
        db.session.remove()
