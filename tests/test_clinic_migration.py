"""Issue 26's migration, from the previous schema with data: each therapist gets
a clinic of one as its admin who treats patients, each patient keeps their
therapist as the lead of a care team of one, and own library items stay own."""

from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from kinetic.extensions import db
from kinetic.models import User
from kinetic.services.patients import patient_of

BEFORE = "18b2c3d4e5f6"
USERS = (
    "INSERT INTO users (id, email, name, role, timezone, password_hash, created_at, "
    "therapist_id, share_email_in_exports) VALUES "
    "(1, 'ana@x.org', 'Ana Lee', 'therapist', 'UTC', 'x', :at, NULL, false), "
    "(2, 'bo@x.org', 'Bo Park', 'therapist', 'UTC', 'x', :later, NULL, false), "
    "(3, 'p1@x.org', 'P One', 'patient', 'UTC', 'x', :at, 1, false), "
    "(4, 'p2@x.org', 'P Two', 'patient', 'UTC', 'x', :at, 2, false)"
)
LIBRARY = (
    "INSERT INTO exercises (id, owner_id, slug, name, category, content, "
    "content_hash, version, updated_at) VALUES "
    "(1, NULL, 'chin-tuck', 'Chin tuck', 'postural_correction', '{}', 'h', 1, :at), "
    "(2, 1, 'ana-tuck', 'Ana tuck', 'postural_correction', '{}', 'h', 1, :at)",
    "INSERT INTO programs (id, owner_id, slug) VALUES (1, 2, 'bo-plan')",
    "INSERT INTO invites (id, therapist_id, code_hash, created_at, expires_at) "
    "VALUES (1, 1, 'c', :at, :later)",
)


def rows(sql: str) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(text(sql)).all()]


def test_each_therapist_gets_a_clinic_of_one_and_keeps_their_patients(empty_app):
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    values = {"at": at, "later": datetime(2026, 4, 1, 9, 0)}
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        for sql in (USERS, *LIBRARY):
            db.session.execute(text(sql), values)
        db.session.commit()

        upgrade()

        clinics = rows("SELECT id, name FROM clinics ORDER BY id")
        assert [name for _, name in clinics] == [
            "Ana Lee's practice",
            "Bo Park's practice",
        ]
        members = rows(
            "SELECT user_id, clinic_id, role, treats_patients FROM clinic_members "
            "ORDER BY user_id"
        )
        assert members == [
            (1, clinics[0][0], "admin", True),
            (2, clinics[1][0], "admin", True),
        ]
        # The leads are the therapists the patients had; nobody else is on a team.
        assert rows("SELECT id, therapist_id FROM users WHERE role = 'patient'") == [
            (3, 1),
            (4, 2),
        ]
        assert rows("SELECT count(*) FROM care_team_members") == [(0,)]
        ana, bo = db.session.get(User, 1), db.session.get(User, 2)
        assert patient_of(ana, 3) is not None and patient_of(ana, 4) is None
        assert patient_of(bo, 4) is not None and patient_of(bo, 3) is None
        # Own items stay own; the files stay the library's; the invite is a patient's.
        assert rows("SELECT id, owner_id, clinic_id FROM exercises ORDER BY id") == [
            (1, None, None),
            (2, 1, None),
        ]
        assert rows("SELECT owner_id, clinic_id FROM programs") == [(2, None)]
        assert rows("SELECT role, clinic_id FROM invites") == [("patient", None)]
        assert rows("SELECT count(*) FROM access_log") == [(0,)]
