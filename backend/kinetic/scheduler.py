"""The scheduler process (`kinetic scheduler`): APScheduler's blocking scheduler,
never inside a web worker. Its jobs are defined here in code and keep no state of
their own: the database decides what is due and what has been sent, so a restart
loses nothing and a second scheduler started by mistake sends nothing twice."""

import logging
import signal
from contextlib import contextmanager

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from kinetic.extensions import db
from kinetic.models import User
from kinetic.services import (
    progression_recheck,
    progression_review,
    push,
    reminders,
    safety,
)
from kinetic.services.clock import now

log = logging.getLogger("kinetic.scheduler")


@contextmanager
def job_context(app: Flask):
    """Each run gets its own app context and database session."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def dispatch_reminders(app: Flask, sender: push.PushSender) -> None:
    with job_context(app):
        report = reminders.tick(now(), sender)
        if report.claimed or report.delivery.sent or report.delivery.retry:
            log.info("%s", report)


def mark_missed_sessions(app: Flask) -> None:
    with job_context(app):
        log.info("%d session(s) marked missed", reminders.mark_missed(now()))


def review_safety(app: Flask) -> None:
    with job_context(app):
        if raised := safety.evaluate_nightly(now()):
            log.info("%d safety alert(s) raised", raised)
        # Tonight's worsening alerts may withdraw a pending advance, which frees
        # its plan for tonight's review.
        progression_recheck.recheck_pending(User.role == "patient", "safety review")
        # After the safety review, so that tonight's worsening alerts count.
        if made := progression_review.evaluate_nightly(now()):
            log.info("%d progression suggestion(s) made", made)


def build_scheduler(app: Flask) -> BlockingScheduler:
    with app.app_context():
        sender = push.PushSender.from_app()
    scheduler = BlockingScheduler(timezone="UTC")
    # A run that starts late (a busy machine) still runs; runs that piled up while
    # the process was stopped collapse into one; never two of a job at once.
    once = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 50}
    scheduler.add_job(
        dispatch_reminders,
        CronTrigger(second=0, timezone="UTC"),
        args=[app, sender],
        id="dispatch-reminders",
        name="send the reminders due this minute",
        next_run_time=now(),  # catch up at once after a restart
        **once,
    )
    # Hourly, so that every timezone's day is closed soon after its midnight.
    scheduler.add_job(
        mark_missed_sessions,
        CronTrigger(minute=5, timezone="UTC"),
        args=[app],
        id="mark-missed-sessions",
        name="mark sessions of ended days missed",
        next_run_time=now(),
        **once,
    )
    # Hourly too: each patient is reviewed once a day, at 02:00 their time.
    scheduler.add_job(
        review_safety,
        CronTrigger(minute=10, timezone="UTC"),
        args=[app],
        id="safety-review",
        name="review worsening, no improvement and missed sessions",
        **once,
    )
    return scheduler


def run(app: Flask) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run at INFO; our jobs log what they did instead.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler(app)

    def stop(signum, _frame):
        log.info("signal %d: stopping after the running job", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started: reminders every minute, missed sessions hourly")
    scheduler.start()
