"""Trend latency as the pain table grows, and the therapist dashboard's cost as the
patient list grows. Prints a table; never part of the test run.

    python bench/trends.py [--db sqlite|postgres] [--sizes 10000,100000,1000000]
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, insert

from kinetic import create_app, testing
from kinetic.config import TestConfig
from kinetic.extensions import db
from kinetic.models import PainEntry, User
from kinetic.services import accounts

PATIENTS = 1000


def make_app(kind: str, workdir: str):
    """An app on a new database; `drop` removes a PostgreSQL one afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir}/bench.db"
        drop = None
    else:
        database = testing.throwaway_postgres("kinetic_bench")
        url = database.__enter__()

        def drop():
            database.__exit__(None, None, None)

    config = type(
        "BenchConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": workdir,
            "RATELIMIT_ENABLED": False,
        },
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app, drop


def add_patients(count: int, therapist_id: int | None = None) -> list[int]:
    rows = [
        {
            "email": f"p{uuid.uuid4().hex}@bench.example",
            "name": "Bench patient",
            "role": "patient",
            "password_hash": "x",
            "timezone": "Europe/Berlin",
            "therapist_id": therapist_id,
            "created_at": datetime.now(UTC),
        }
        for _ in range(count)
    ]
    result = db.session.execute(insert(User).returning(User.id), rows)
    return [row[0] for row in result]


def add_entries(
    patient_ids: list[int], count: int, rng: random.Random, spread_days: int = 730
) -> None:
    today = date.today()
    batch = []
    for n in range(count):
        day = today - timedelta(
            days=n if spread_days == count else rng.randrange(spread_days)
        )
        batch.append(
            {
                "patient_id": patient_ids[n % len(patient_ids)],
                "recorded_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                "local_date": day,
                "low_back": rng.randint(0, 10),
                "neck": rng.randint(0, 10),
                "headache": None,
                "red_flags": [],
                "created_at": datetime.now(UTC),
            }
        )
        if len(batch) == 20_000:
            db.session.execute(insert(PainEntry), batch)
            batch.clear()
    if batch:
        db.session.execute(insert(PainEntry), batch)
    db.session.commit()


def timed(client, path: str, headers: dict, repeat: int = 30) -> tuple[float, float]:
    client.get(path, headers=headers)  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.json
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def token_for(user_id: int) -> dict:
    token = accounts.issue_token(db.session.get(User, user_id))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def bench_trends(app, sizes: list[int]) -> list[tuple]:
    rng = random.Random(7)
    rows, client = [], app.test_client()
    with app.app_context():
        ids = add_patients(PATIENTS)
        db.session.commit()
        # The measured patient's own year stays the same (one entry a day) while
        # the other patients' rows grow the table around it.
        measured, others = ids[0], ids[1:]
        add_entries([measured], 365, rng, spread_days=365)
        headers = token_for(measured)
        loaded = 365
        for size in sizes:
            add_entries(others, size - loaded, rng)
            loaded = size
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE pain_entries")
            p50, p95 = timed(client, "/api/v1/me/trends?days=365", headers)
            rows.append((size, p50, p95))
    return rows


def bench_dashboard(app, counts: list[int]) -> list[tuple]:
    rng = random.Random(11)
    rows, client = [], app.test_client()
    statements: list[str] = []

    def count_statement(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        for count in counts:
            therapist = User(
                email=f"t{uuid.uuid4().hex}@bench.example",
                name="T",
                role="therapist",
                password_hash="x",
            )
            db.session.add(therapist)
            db.session.commit()
            ids = add_patients(count, therapist.id)
            add_entries(ids, count * 30, rng)
            headers = token_for(therapist.id)
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", count_statement)
            client.get("/api/v1/patients", headers=headers)
            event.remove(db.engine, "before_cursor_execute", count_statement)
            p50, p95 = timed(client, "/api/v1/patients", headers, repeat=10)
            rows.append((count, len(statements), p50, p95))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--patients", default="20,200,2000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as workdir:
        app, drop = make_app(args.db, workdir)
        try:
            trend_rows = bench_trends(app, sizes)
            dash_rows = bench_dashboard(app, [int(n) for n in args.patients.split(",")])
        finally:
            with app.app_context():
                db.engine.dispose()
            if drop:
                drop()
    print(f"## {args.db}: GET /me/trends?days=365 for one patient")
    print("| pain entries in table | p50 ms | p95 ms | p50 / smallest |")
    print("|---:|---:|---:|---:|")
    for size, p50, p95 in trend_rows:
        print(f"| {size:,} | {p50:.2f} | {p95:.2f} | {p50 / trend_rows[0][1]:.2f} |")
    print(f"\n## {args.db}: therapist GET /patients")
    print("| patients | SQL statements | p50 ms | p95 ms |")
    print("|---:|---:|---:|---:|")
    for count, statements, p50, p95 in dash_rows:
        print(f"| {count:,} | {statements} | {p50:.2f} | {p95:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
