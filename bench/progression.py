"""The nightly progression review over many patients: each on a six-week plan in
its fourth week, with the last two weeks of sessions (some comfortable, some
painful), diary entries and, for some, an alert; built with bulk inserts, then one
`progression_review.evaluate_nightly` timed. Never part of the tests.

    python bench/progression.py [--db sqlite|postgres] [--patients 100000]
"""

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select
from trends import add_patients, make_app

from kinetic.extensions import db
from kinetic.models import (
    Alert,
    Assignment,
    PainEntry,
    Prescription,
    ProgramVersion,
    ScheduledSession,
    Suggestion,
)
from kinetic.services import library, progression_review
from kinetic.services.clock import set_clock
from kinetic.services.library import digest
from kinetic.services.prescriptions import fit_phases

TODAY = date(2026, 3, 10)
AT = datetime(2026, 3, 10, 1, 10, tzinfo=UTC)  # 02:10 in Berlin
START = TODAY - timedelta(days=22)  # week 4 of 6


def _plans(ids: list[int], version: ProgramVersion, phases: list[dict]) -> list[int]:
    assignment_ids = db.session.scalars(
        insert(Assignment).returning(Assignment.id),
        [
            {
                "patient_id": i,
                "program_version_id": version.id,
                "start_date": START,
                "end_date": START + timedelta(days=41),
                "days_of_week": [0, 2, 4],
                "sessions_per_day": 1,
                "status": "active",
                "progression": "suggest",
                "created_at": AT - timedelta(days=22),
            }
            for i in ids
        ],
    ).all()
    db.session.execute(
        insert(Prescription),
        [
            {
                "assignment_id": a,
                "version": 1,
                "phases": phases,
                "phases_hash": digest(phases),
                "changes": ["Prescribed"],
                "changed_at": AT - timedelta(days=22),
            }
            for a in assignment_ids
        ],
    )
    return assignment_ids


def _history(ids: list[int], assignment_ids: list[int], rng: random.Random) -> None:
    sessions, entries, alerts = [], [], []
    days = [TODAY - timedelta(days=n) for n in range(1, 15)]
    days = [d for d in days if d.weekday() in (0, 2, 4)]
    for patient_id, assignment_id in zip(ids, assignment_ids, strict=True):
        painful = rng.random() < 0.2
        for day in days:
            done = rng.random() < 0.9
            pain = rng.randint(5, 8) if painful else rng.randint(0, 3)
            sessions.append(
                {
                    "assignment_id": assignment_id,
                    "patient_id": patient_id,
                    "date": day,
                    "slot": 1,
                    "status": "done" if done else "pending",
                    "completed_at": datetime.combine(day, datetime.min.time(), UTC)
                    + timedelta(hours=18),
                    "pain_during": pain if done else None,
                }
            )
        for back in range(1, 14, 3):
            day = TODAY - timedelta(days=back)
            score = rng.randint(2, 6)
            entries.append(
                {
                    "patient_id": patient_id,
                    "recorded_at": datetime.combine(day, datetime.min.time(), UTC),
                    "local_date": day,
                    "low_back": score,
                    "neck": max(0, score - 2),
                    "red_flags": [],
                    "symptoms": [],
                }
            )
        if rng.random() < 0.05:
            alerts.append(
                {
                    "patient_id": patient_id,
                    "kind": "exercise_pain",
                    "detail": {"score": 8},
                    "status": "open",
                    "created_at": AT - timedelta(days=1),
                }
            )
    db.session.execute(insert(ScheduledSession), sessions)
    db.session.execute(insert(PainEntry), entries)
    if alerts:
        db.session.execute(insert(Alert), alerts)


def populate(app, count: int) -> None:
    rng = random.Random(14)
    with app.app_context():
        library.load_library(library.read_library(app.config["PROGRAMS_DIR"]))
        db.session.commit()
        version = db.session.scalar(
            select(ProgramVersion)
            .where(ProgramVersion.content["weeks"].as_integer() == 6)
            .limit(1)
        )
        phases = fit_phases(version.content["sessions"], 6)
        for start in range(0, count, 10_000):
            ids = add_patients(min(10_000, count - start))
            _history(ids, _plans(ids, version, phases), rng)
            db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        app, drop = make_app(args.db, workdir)
        try:
            began = time.perf_counter()
            populate(app, args.patients)
            built = time.perf_counter() - began
            set_clock(lambda: AT)
            with app.app_context():
                began = time.perf_counter()
                made = progression_review.evaluate_nightly(AT)
                took = time.perf_counter() - began
                kinds = db.session.execute(
                    select(Suggestion.action, func.count()).group_by(Suggestion.action)
                ).all()
            print(
                f"{args.db}: {args.patients} patients built in {built:.1f} s; "
                f"nightly review {took:.2f} s, {made} suggestions {dict(kinds)}"
            )
        finally:
            set_clock(None)
            if drop:
                drop()


if __name__ == "__main__":
    main()
