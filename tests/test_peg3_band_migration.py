"""Issue 24's migration: PEG-3 answers lose the band that single-rating
cut-points gave them; other instruments' answers keep theirs."""

from datetime import UTC, date, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from kinetic.extensions import db

BEFORE = "17a0c1d2e3f4"


def test_peg3_answers_lose_their_band_and_others_keep_theirs(empty_app):
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    values = {"at": at, "day": date(2026, 3, 1)}
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        for sql in (
            "INSERT INTO users (id, email, name, role, timezone, password_hash, "
            "created_at) VALUES (1, 't@x.org', 'T', 'therapist', 'UTC', 'x', :at), "
            "(2, 'p@x.org', 'P', 'patient', 'UTC', 'x', :at)",
            "INSERT INTO questionnaires (id, slug, content, content_hash, "
            "updated_at) VALUES (1, 'peg-3', '{}', 'h', :at), "
            "(2, 'pgic', '{}', 'h', :at)",
            "INSERT INTO questionnaire_schedules (id, patient_id, therapist_id, "
            "questionnaire_id, every_days, start_date, next_due, created_at, "
            "updated_at) VALUES (1, 2, 1, 1, 7, :day, :day, :at, :at), "
            "(2, 2, 1, 2, 7, :day, :day, :at, :at)",
            "INSERT INTO questionnaire_responses (id, patient_id, schedule_id, "
            "questionnaire_id, answered_at, local_date, answers, items, score, band, "
            "created_at) VALUES "
            "(1, 2, 1, 1, :at, :day, '{}', '[]', 3.7, 'low', :at), "
            "(2, 2, 2, 2, :at, :day, '{}', '[]', 2, 'much improved', :at)",
        ):
            db.session.execute(text(sql), values)
        db.session.commit()

        upgrade()

        rows = db.session.execute(
            text("SELECT id, score, band FROM questionnaire_responses ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [(1, 3.7, None), (2, 2.0, "much improved")]
