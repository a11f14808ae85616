"""Reminder fan-out: N patients due in the same minute, each with one subscribed
phone on a local push endpoint, dispatched by one `reminders.tick`; next to bare
pywebpush calls to the same endpoint on the same machine. Never part of the tests.

    python bench/reminders.py [--db sqlite|postgres] [--patients 100000]
"""

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import requests
from pywebpush import webpush
from sqlalchemy import func, insert, select
from trends import add_patients, make_app

from kinetic.extensions import db
from kinetic.models import (
    Assignment,
    Program,
    PushSubscription,
    ReminderSetting,
    ScheduledSession,
)
from kinetic.services import library, push, reminders
from kinetic.testing import PushService, browser_subscription

DAY = date(2026, 3, 10)
AT = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
BARE_CALLS = 5000


def serve(queue) -> None:
    """The push endpoint, in its own process: it answers 201 and counts."""
    with PushService(check=False) as service:
        queue.put(service.url)
        threading.Event().wait()


def start_endpoint() -> tuple[str, multiprocessing.Process]:
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=serve, args=(queue,), daemon=True)
    process.start()
    return queue.get(timeout=30), process


def populate(app, base: str, count: int) -> None:
    """count patients in Berlin, reminded at 08:00, a session pending today, one
    phone each (a hundred distinct key pairs, as encryption costs the same)."""
    with app.app_context():
        library.load_library(library.read_library(app.config["PROGRAMS_DIR"]))
        db.session.commit()
        version_id = db.session.scalar(
            select(Program.current_version_id).order_by(Program.slug).limit(1)
        )
        keys = [browser_subscription("x")["keys"] for _ in range(100)]
        for start in range(0, count, 10_000):
            size = min(10_000, count - start)
            ids = add_patients(size)
            db.session.execute(
                insert(ReminderSetting),
                [{"patient_id": i, "enabled": True, "time": "08:00"} for i in ids],
            )
            assignment_ids = db.session.scalars(
                insert(Assignment).returning(Assignment.id),
                [
                    {
                        "patient_id": i,
                        "program_version_id": version_id,
                        "start_date": DAY,
                        "end_date": DAY,
                        "days_of_week": [DAY.weekday()],
                        "sessions_per_day": 1,
                        "status": "active",
                        "created_at": AT,
                    }
                    for i in ids
                ],
            ).all()
            db.session.execute(
                insert(ScheduledSession),
                [
                    {"assignment_id": a, "patient_id": i, "date": DAY, "slot": 1}
                    for a, i in zip(assignment_ids, ids, strict=True)
                ],
            )
            db.session.execute(
                insert(PushSubscription),
                [
                    {
                        "user_id": i,
                        "endpoint": f"{base}/push/{i}",
                        "p256dh": keys[i % 100]["p256dh"],
                        "auth": keys[i % 100]["auth"],
                        "created_at": AT,
                    }
                    for i in ids
                ],
            )
            db.session.commit()
        db.session.remove()


def payload() -> str:
    return json.dumps(
        {
            "title": reminders.REMINDER_TITLE,
            "body": reminders.REMINDER_BODY,
            "url": "/#/today",
            "tag": "kinetic-reminder",
            "notification_id": 123456,
        },
        separators=(",", ":"),
    )


def bare_rate(app, base: str, threads: int) -> float:
    """pywebpush.webpush() in a loop (one keep-alive session per thread)."""
    with app.app_context():
        vapid = push.vapid_key()
        subject = app.config["VAPID_SUBJECT"]
    subscription = browser_subscription(f"{base}/push/bare")
    data = payload()
    local = threading.local()

    def one(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        webpush(
            subscription,
            data,
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},
            requests_session=local.session,
        )

    one(0)  # warm-up
    started = time.perf_counter()
    if threads == 1:
        for n in range(BARE_CALLS):
            one(n)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(BARE_CALLS)))
    return BARE_CALLS / (time.perf_counter() - started)


def dispatch(app) -> dict:
    with app.app_context():
        sender = push.PushSender.from_app()
        started = time.perf_counter()
        claimed = reminders.claim_due(AT)
        claimed_at = time.perf_counter()
        report = push.deliver(AT, sender)
        done = time.perf_counter()
        sent = db.session.scalar(
            select(func.count())
            .select_from(push.PushDelivery)
            .where(push.PushDelivery.status == "sent")
        )
        db.session.remove()
    return {
        "claimed": claimed,
        "sent": report.sent,
        "sent_in_db": sent,
        "claim_s": claimed_at - started,
        "send_s": done - claimed_at,
        "total_s": done - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()

    base, endpoint = start_endpoint()
    workdir = tempfile.mkdtemp(prefix="kinetic-bench-")
    app, drop = make_app(args.db, workdir)
    try:
        started = time.perf_counter()
        populate(app, base, args.patients)
        print(
            f"# reminder fan-out on {args.db}: {args.patients:,} patients due at "
            f"the same minute (setup {time.perf_counter() - started:.0f} s)"
        )
        concurrency = app.config["PUSH_CONCURRENCY"]
        serial = bare_rate(app, base, 1)
        threaded = bare_rate(app, base, concurrency)
        result = dispatch(app)
        rate = result["sent"] / result["total_s"]
        print("| measure | per second | ratio to bare serial |")
        print("|---|---:|---:|")
        print(f"| bare pywebpush, 1 thread | {serial:,.0f} | 1.00 |")
        print(
            f"| bare pywebpush, {concurrency} threads | {threaded:,.0f} | "
            f"{threaded / serial:.2f} |"
        )
        print(
            f"| reminders dispatched (claim + send) | {rate:,.0f} | "
            f"{rate / serial:.2f} |"
        )
        print(
            f"\nclaimed {result['claimed']:,} in {result['claim_s']:.1f} s; sent "
            f"{result['sent']:,} ({result['sent_in_db']:,} marked sent) in "
            f"{result['send_s']:.1f} s; whole batch {result['total_s']:.1f} s"
        )
        if result["sent"] != args.patients:
            sys.exit("not every reminder was sent")
    finally:
        endpoint.terminate()
        if drop:
            drop()


if __name__ == "__main__":
    main()
