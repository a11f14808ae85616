"""The access log's cost: p50/p95 of a patient-record read (GET /patients/{id} and
/trends) over N sequential requests through the Flask test client, with the log
off, on with the window's row already there (the usual case: the insert finds
it), and on with a new window every request (each request writes a row); then
the rows one therapist leaves after paging through one record 200 times. Never
part of the tests.

    cd bench && ../.venv/bin/python access_log.py [--db sqlite|postgres]
                                                    [--requests 500]
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from trends import add_entries, make_app

from kinetic.extensions import db
from kinetic.models import AccessLogEntry, User
from kinetic.services import accounts, library, plans
from kinetic.services.clock import set_clock

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
# The therapist's patient page and what it opens, in the order a visit goes.
PAGES = [
    "",
    "/trends",
    "/sessions",
    "/pain",
    "/messages",
    "/summary",
    "/exercise-feedback",
    "/suggestions",
    "/questionnaires",
    "/report",
]


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


def populate(app) -> tuple[dict, int]:
    """A therapist (admin of a clinic of one) and a patient on a plan with a
    year of diary entries."""
    with app.app_context():
        library.load_library(library.read_library(app.config["PROGRAMS_DIR"]))
        therapist = accounts.register(
            {
                "email": "bench-therapist@example.org",
                "name": "Bench Therapist",
                "password": "correct horse",
                "role": "therapist",
            }
        )
        code, _ = accounts.create_invite(therapist, None, None)
        patient = accounts.register(
            {
                "email": "bench-patient@example.org",
                "name": "Bench Patient",
                "password": "correct horse",
                "invite_code": code,
                "timezone": "UTC",
            }
        )
        db.session.flush()
        plans.assign_program(
            patient,
            therapist,
            {"program": "low-back-core-stabilisation", "start_date": START.date()},
        )
        token = accounts.issue_token(therapist)
        db.session.commit()
        add_entries([patient.id], 365, random.Random(26), spread_days=365)
        return {"Authorization": f"Bearer {token}"}, patient.id


def rows(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(AccessLogEntry))
        db.session.remove()
        return count


def measure(app, client, clock, path, headers, mode: str, count: int) -> list[float]:
    app.config["ACCESS_LOG_ENABLED"] = mode != "off"
    samples = []
    for _ in range(count):
        if mode == "on, a new row each request":
            clock.now += timedelta(minutes=10)
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    return samples


MODES = ("off", "on, the window's row found", "on, a new row each request")


def latency(app, client, clock, headers, path: str, requests: int) -> None:
    for _ in range(20):  # warm caches
        client.get(path, headers=headers)
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    # Alternate the modes in rounds, so drift on a busy machine hits each alike.
    rounds = 5
    for _ in range(rounds):
        for mode in MODES:
            samples[mode] += measure(
                app, client, clock, path, headers, mode, requests // rounds
            )
    for mode in MODES:
        found = sorted(samples[mode])
        p50 = statistics.median(found)
        p95 = found[int(len(found) * 0.95) - 1]
        print(f"| GET {path} | {mode} | {len(found)} | {p50:.2f} | {p95:.2f} |")


def paging(app, client, clock, headers, patient_id: int, seconds: int) -> None:
    """200 requests through the record's pages, one every `seconds`."""
    app.config["ACCESS_LOG_ENABLED"] = True
    with app.app_context():
        db.session.query(AccessLogEntry).delete()
        db.session.commit()
    clock.now = START + timedelta(days=1)
    for n in range(200):
        path = f"/api/v1/patients/{patient_id}{PAGES[n % len(PAGES)]}"
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        clock.now += timedelta(seconds=seconds)
    with app.app_context():
        kinds = dict(
            db.session.execute(
                select(AccessLogEntry.kind, func.count()).group_by(AccessLogEntry.kind)
            ).all()
        )
    minutes = 200 * seconds / 60
    print(
        f"| 200 requests over {minutes:.0f} min ({len(PAGES)} pages in turn) "
        f"| {rows(app)} | {kinds} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    clock = Clock()
    set_clock(clock)
    with tempfile.TemporaryDirectory() as workdir:
        app, drop = make_app(args.db, workdir)
        try:
            headers, patient_id = populate(app)
            client = app.test_client()
            with app.app_context():
                assert db.session.get(User, patient_id) is not None
            print(f"{args.db}, {args.requests} sequential requests a row (ms):\n")
            print("| request | access log | n | p50 | p95 |\n|---|---|---:|---:|---:|")
            for page in ("", "/trends"):
                path = f"/api/v1/patients/{patient_id}{page}"
                latency(app, client, clock, headers, path, args.requests)
            print("\n| paging through one record | rows | by kind |\n|---|---:|---|")
            for seconds in (3, 6, 30):
                paging(app, client, clock, headers, patient_id, seconds)
        finally:
            set_clock(None)
            if drop:
                drop()


if __name__ == "__main__":
    main()
