"""Reminder dispatch against a push service on 127.0.0.1 that checks the VAPID
header and decrypts every message. Time moves only through the tick's instant."""

import os
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kinetic.extensions import db
from kinetic.models import (
    Assignment,
    Notification,
    PushAttempt,
    PushDelivery,
    PushSubscription,
    Reminder,
    ScheduledSession,
    User,
)
from kinetic.services import accounts, push, reminders
from kinetic.testing import BIN, PushService

API = "/api/v1"
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def minutes(start: datetime, end: datetime):
    """Every whole minute from start to end, inclusive, as the scheduler ticks."""
    at = start
    while at <= end:
        yield at
        at += timedelta(minutes=1)


@pytest.fixture
def push_service(app):
    with app.app_context():
        key = push.public_key()
    with PushService(vapid_public_key=key, subject=app.config["VAPID_SUBJECT"]) as svc:
        yield svc
    assert svc.problems == [], "the push service refused a request"


@pytest.fixture
def tick(app):
    def run(at: datetime) -> reminders.TickReport:
        with app.app_context():
            try:
                return reminders.tick(at)
            finally:
                db.session.remove()

    return run


@pytest.fixture
def count(app):
    def run(model, *where) -> int:
        with app.app_context():
            try:
                return db.session.scalar(
                    select(func.count()).select_from(model).where(*where)
                )
            finally:
                db.session.remove()

    return run


@pytest.fixture
def reminded(
    client, clock, make_therapist, make_patient, make_assignment, push_service
):
    """A patient on a daily plan from `start`, reminded at `time` local, with one
    subscribed phone (scripted answers optional)."""

    def make(
        timezone="Europe/Berlin",
        time="07:30",
        start="2026-03-01",
        days=EVERY_DAY,
        script=None,
        phones=1,
    ):
        therapist = make_therapist()
        patient = make_patient(therapist, timezone=timezone)
        make_assignment(
            patient, therapist, start_date=start, days_of_week=days, weeks=6
        )
        answer = client.put(
            f"{API}/me/reminders",
            json={"enabled": True, "time": time},
            headers=patient.headers,
        )
        assert answer.status_code == 200, answer.json
        devices = [push_service.device(script) for _ in range(phones)]
        for device in devices:
            answer = client.post(
                f"{API}/me/push-subscriptions",
                json=device.subscription,
                headers=patient.headers,
            )
            assert answer.status_code == 201, answer.json
        return patient, devices

    return make


def notifications(client, patient) -> list[dict]:
    answer = client.get(f"{API}/me/notifications", headers=patient.headers)
    assert answer.status_code == 200
    return answer.json


# -- when ------------------------------------------------------------------------------


def test_the_reminder_fires_at_the_local_time_and_not_before(
    client, reminded, tick, push_service
):
    patient, [phone] = reminded(timezone="Europe/Berlin", time="07:30")

    early = tick(utc(2026, 3, 10, 6, 29))  # 07:29 in Berlin (UTC+1)
    assert early.claimed == 0 and phone.messages == []
    assert notifications(client, patient) == []

    due = tick(utc(2026, 3, 10, 6, 30))  # 07:30 in Berlin

    assert (due.claimed, due.delivery.sent) == (1, 1)
    [message] = phone.messages
    assert message["title"] == reminders.REMINDER_TITLE
    assert message["url"] == "/#/today"
    [copy] = notifications(client, patient)
    assert copy["kind"] == "reminder"
    assert copy["title"] == message["title"] and copy["body"] == message["body"]
    assert copy["id"] == message["notification_id"]


def test_every_phone_of_the_patient_gets_it(reminded, tick):
    _, phones = reminded(phones=2)
    report = tick(utc(2026, 3, 10, 6, 30))
    assert report.claimed == 1 and report.delivery.sent == 2
    assert [len(p.messages) for p in phones] == [1, 1]


def test_timezones_each_get_their_own_local_time(reminded, tick):
    _, [tokyo] = reminded(timezone="Asia/Tokyo", time="08:00")  # 23:00 UTC before
    _, [chicago] = reminded(timezone="America/Chicago", time="08:00")  # 13:00 UTC

    tick(utc(2026, 3, 9, 23, 0))
    assert (len(tokyo.messages), len(chicago.messages)) == (1, 0)
    tick(utc(2026, 3, 10, 13, 0))  # 08:00 CDT (UTC-5) since 8 March
    assert (len(tokyo.messages), len(chicago.messages)) == (1, 1)


# -- exactly once ----------------------------------------------------------------------


def test_repeated_ticks_through_the_day_send_once(client, reminded, tick, count):
    patient, [phone] = reminded(time="07:30")
    for at in minutes(utc(2026, 3, 10, 6, 0), utc(2026, 3, 10, 9, 0)):
        tick(at)
    assert len(phone.messages) == 1
    assert len(notifications(client, patient)) == 1
    assert count(Reminder) == 1 and count(PushAttempt) == 1


def test_the_next_day_brings_the_next_reminder(reminded, tick):
    _, [phone] = reminded(time="07:30")
    tick(utc(2026, 3, 10, 6, 30))
    tick(utc(2026, 3, 11, 6, 30))
    assert len(phone.messages) == 2


def test_a_late_tick_within_the_grace_period_still_sends(reminded, tick, app):
    grace = app.config["REMINDER_GRACE_MINUTES"]
    _, [phone] = reminded(time="07:30")
    late = utc(2026, 3, 10, 6, 30) + timedelta(minutes=grace - 1)
    assert tick(late).delivery.sent == 1
    assert len(phone.messages) == 1


def test_a_reminder_missed_beyond_the_grace_period_is_skipped(reminded, tick, app):
    grace = app.config["REMINDER_GRACE_MINUTES"]
    _, [phone] = reminded(time="07:30")
    too_late = utc(2026, 3, 10, 6, 30) + timedelta(minutes=grace)
    for at in minutes(too_late, too_late + timedelta(hours=2)):
        assert tick(at).claimed == 0
    assert phone.messages == []


def test_a_late_reminder_is_not_carried_into_the_next_local_day(reminded, tick):
    _, [phone] = reminded(timezone="UTC", time="23:50")
    # The scheduler was down from 23:40 until 00:10: that day's reminder is gone,
    # and the new day's is due only at 23:50.
    for at in minutes(utc(2026, 3, 11, 0, 10), utc(2026, 3, 11, 1, 0)):
        tick(at)
    assert phone.messages == []


def test_a_restarted_process_sends_nothing_twice(app, reminded, tick, runner):
    _, [phone] = reminded(time="07:30")
    tick(utc(2026, 3, 10, 6, 30))
    app.extensions.pop("kinetic.vapid", None)  # as a new process would start
    for at in ("2026-03-10T06:30:00+00:00", "2026-03-10T07:31:00+01:00"):
        result = runner.invoke(args=["reminders", "tick", "--at", at])
        assert result.exit_code == 0, result.output
        assert "0 reminder(s) claimed" in result.output
    assert len(phone.messages) == 1


def _tick_process(app, at: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KINETIC_INSTANCE_PATH": app.instance_path,
        "PUSH_ALLOW_HTTP_LOOPBACK": "1",
        "PUSH_BATCH_SIZE": "7",  # small batches, so the two processes interleave
    }
    return subprocess.Popen(
        [BIN / "kinetic", "reminders", "tick", "--at", at],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_scheduler_processes_at_once_send_each_reminder_once(
    app, reminded, count, push_service
):
    phones = [reminded(time="07:30")[1][0] for _ in range(40)]
    # Slow answers keep both processes sending at the same time.
    push_service.latency = 0.1

    first = _tick_process(app, "2026-03-10T06:30:00+00:00")
    second = _tick_process(app, "2026-03-10T06:30:00+00:00")
    outputs = [p.communicate(timeout=120) for p in (first, second)]

    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert sorted(len(phone.messages) for phone in phones) == [1] * 40
    assert count(Reminder) == 40 and count(Notification) == 40
    assert count(PushAttempt) == 40
    assert len(push_service.attempts) == 40


def test_an_expired_lease_is_taken_over_after_a_crash(app, reminded, tick):
    """A process that died after leasing (before sending) holds its rows only
    until the lease runs out; then the next tick sends them."""
    _, [phone] = reminded(time="07:30")
    at = utc(2026, 3, 10, 6, 30)
    with app.app_context():
        reminders.claim_due(at)
        push._lease(at, batch=10)  # ... and the process is gone
        db.session.remove()
    assert tick(at + timedelta(minutes=1)).delivery.sent == 0
    lease = timedelta(seconds=app.config["PUSH_LEASE_SECONDS"])
    assert tick(at + lease).delivery.sent == 1
    assert len(phone.messages) == 1


# -- daylight saving -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timezone", "day", "hhmm", "expected"),
    [
        # Europe/Berlin springs forward 2026-03-29 02:00 -> 03:00, falls back
        # 2026-10-25 03:00 -> 02:00.
        ("Europe/Berlin", date(2026, 3, 29), "02:30", utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", date(2026, 3, 29), "02:00", utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", date(2026, 3, 29), "03:00", utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", date(2026, 3, 29), "18:00", utc(2026, 3, 29, 16, 0)),
        ("Europe/Berlin", date(2026, 3, 28), "18:00", utc(2026, 3, 28, 17, 0)),
        ("Europe/Berlin", date(2026, 10, 25), "02:30", utc(2026, 10, 25, 0, 30)),
        ("Europe/Berlin", date(2026, 10, 25), "18:00", utc(2026, 10, 25, 17, 0)),
        # America/New_York springs forward 2026-03-08 02:00 -> 03:00, falls back
        # 2026-11-01 02:00 -> 01:00.
        ("America/New_York", date(2026, 3, 8), "02:15", utc(2026, 3, 8, 7, 0)),
        ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),
        # Lord Howe Island moves by half an hour.
        ("Australia/Lord_Howe", date(2026, 10, 4), "02:10", utc(2026, 10, 3, 15, 30)),
    ],
)
def test_due_instant_on_and_around_changes(timezone, day, hhmm, expected):
    assert reminders.due_instant(day, hhmm, timezone) == expected


@pytest.mark.parametrize(
    ("timezone", "hhmm", "start", "window", "sent_at"),
    [
        # 02:30 does not exist on this day in Berlin: sent at 03:00 CEST.
        (
            "Europe/Berlin",
            "02:30",
            "2026-03-23",
            (utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 4, 0)),
            utc(2026, 3, 29, 1, 0),
        ),
        # 02:30 happens twice in Berlin: sent at the first, not the second.
        (
            "Europe/Berlin",
            "02:30",
            "2026-10-19",
            (utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 4, 0)),
            utc(2026, 10, 25, 0, 30),
        ),
        # 02:30 does not exist in New York: sent at 03:00 EDT.
        (
            "America/New_York",
            "02:30",
            "2026-03-02",
            (utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 10, 0)),
            utc(2026, 3, 8, 7, 0),
        ),
        # 01:30 happens twice in New York.
        (
            "America/New_York",
            "01:30",
            "2026-10-26",
            (utc(2026, 11, 1, 4, 0), utc(2026, 11, 1, 8, 0)),
            utc(2026, 11, 1, 5, 30),
        ),
    ],
    ids=["berlin-spring", "berlin-autumn", "new-york-spring", "new-york-autumn"],
)
def test_daylight_saving_days_send_once_at_the_right_instant(
    app, clock, reminded, tick, timezone, hhmm, start, window, sent_at
):
    clock.set(window[0])
    _, [phone] = reminded(timezone=timezone, time=hhmm, start=start)
    sent = [at for at in minutes(*window) if tick(at).delivery.sent]
    assert sent == [sent_at]
    assert len(phone.messages) == 1


# -- push service answers --------------------------------------------------------------


def test_410_deletes_the_subscription_and_the_others_still_get_theirs(
    client, reminded, tick, count
):
    patient, [gone] = reminded(script=[410])
    _, [fine] = reminded()

    report = tick(utc(2026, 3, 10, 6, 30))

    assert (report.claimed, report.delivery.sent, report.delivery.gone) == (2, 1, 1)
    assert gone.messages == [] and len(fine.messages) == 1
    assert count(PushSubscription) == 1
    assert count(PushAttempt, PushAttempt.status_code == 410) == 1
    assert count(PushDelivery, PushDelivery.status == "gone") == 1
    # The in-app copy is there all the same.
    assert len(notifications(client, patient)) == 1
    # Next day: no push for the deleted subscription, the in-app copy only.
    assert tick(utc(2026, 3, 11, 6, 30)).delivery.sent == 1
    assert gone.messages == []


def test_500_is_retried_with_backoff_until_it_succeeds(app, reminded, tick, count):
    _, [phone] = reminded(script=[500, 503])
    at = utc(2026, 3, 10, 6, 30)

    assert tick(at).delivery.retry == 1
    assert tick(at + timedelta(seconds=59)).delivery.retry == 0  # waits a minute
    assert tick(at + timedelta(minutes=1)).delivery.retry == 1
    assert tick(at + timedelta(minutes=2)).delivery.sent == 0  # then two minutes
    assert tick(at + timedelta(minutes=3)).delivery.sent == 1

    assert len(phone.messages) == 1
    with app.app_context():
        outcomes = db.session.execute(
            select(PushAttempt.status_code, PushAttempt.outcome).order_by(
                PushAttempt.id
            )
        ).all()
    assert outcomes == [(500, "retry"), (503, "retry"), (201, "sent")]


def test_retries_stop_after_the_last_attempt(app, reminded, tick, count):
    attempts = app.config["PUSH_MAX_ATTEMPTS"]
    _, [phone] = reminded(script=[500] * 20)
    for at in minutes(utc(2026, 3, 10, 6, 30), utc(2026, 3, 10, 8, 30)):
        tick(at)
    assert count(PushAttempt) == attempts
    assert count(PushDelivery, PushDelivery.status == "failed") == 1
    assert phone.messages == []


def test_429_waits_as_long_as_retry_after_says(reminded, tick):
    _, [phone] = reminded(script=[429])  # the service answers Retry-After: 60
    at = utc(2026, 3, 10, 6, 30)
    tick(at)
    assert tick(at + timedelta(seconds=59)).delivery.sent == 0
    assert tick(at + timedelta(seconds=60)).delivery.sent == 1
    assert len(phone.messages) == 1


def test_a_push_service_that_does_not_answer_is_retried(app, client, reminded, tick):
    patient, _ = reminded(phones=0)
    with PushService() as service:
        dead = service.device().subscription
    # That service has shut down: its port refuses connections.
    answer = client.post(
        f"{API}/me/push-subscriptions", json=dead, headers=patient.headers
    )
    assert answer.status_code == 201

    assert tick(utc(2026, 3, 10, 6, 30)).delivery.retry == 1
    with app.app_context():
        attempt = db.session.scalar(select(PushAttempt))
        assert attempt.status_code is None and attempt.outcome == "retry"
        assert "ConnectionError" in attempt.detail


def test_a_reminder_without_a_subscribed_phone_is_in_the_app_only(
    client, reminded, tick, count
):
    patient, _ = reminded(phones=0)
    report = tick(utc(2026, 3, 10, 6, 30))
    assert report.claimed == 1 and report.delivery.sent == 0
    assert [n["kind"] for n in notifications(client, patient)] == ["reminder"]
    assert count(PushDelivery) == 0


# -- nothing to remind of --------------------------------------------------------------


def test_no_reminder_when_the_session_is_done(client, reminded, tick, count):
    patient, [phone] = reminded()
    today = client.get(f"{API}/me/today", headers=patient.headers).json
    [session] = today["sessions"]
    done = client.post(
        f"{API}/sessions/{session['id']}/complete", json={}, headers=patient.headers
    )
    assert done.status_code == 200

    assert tick(utc(2026, 3, 10, 6, 30)).claimed == 0
    assert phone.messages == [] and notifications(client, patient) == []
    assert count(Reminder) == 0


def test_no_reminder_when_the_session_is_partly_done(client, reminded, tick, count):
    patient, [phone] = reminded()
    [session] = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]
    done = client.post(
        f"{API}/sessions/{session['id']}/complete",
        json={"exercises": [{"exercise": "test-bracing", "skipped": True}]},
        headers=patient.headers,
    )
    assert done.status_code == 200 and done.json["status"] == "partly_done"

    assert tick(utc(2026, 3, 10, 6, 30)).claimed == 0
    assert phone.messages == [] and notifications(client, patient) == []
    assert count(Reminder) == 0


def test_no_reminder_on_a_day_without_a_session(reminded, tick):
    _, [phone] = reminded(days=[0])  # Mondays; 2026-03-10 is a Tuesday
    assert tick(utc(2026, 3, 10, 6, 30)).claimed == 0
    assert tick(utc(2026, 3, 16, 6, 30)).claimed == 1  # the next Monday
    assert len(phone.messages) == 1


def test_no_reminder_when_reminders_are_off(client, reminded, tick):
    patient, [phone] = reminded()
    client.put(
        f"{API}/me/reminders",
        json={"enabled": False, "time": "07:30"},
        headers=patient.headers,
    )
    assert tick(utc(2026, 3, 10, 6, 30)).claimed == 0
    assert phone.messages == []


def test_no_reminder_while_the_plan_is_paused(client, app, reminded, tick):
    patient, [phone] = reminded()
    with app.app_context():
        assignment = db.session.scalar(
            select(Assignment).where(Assignment.patient_id == patient.id)
        )
        assignment_id, therapist_id = assignment.id, assignment.therapist_id
        token = accounts.issue_token(db.session.get(User, therapist_id))
        db.session.commit()
    answer = client.patch(
        f"{API}/assignments/{assignment_id}",
        json={"status": "paused"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.json
    assert tick(utc(2026, 3, 10, 6, 30)).claimed == 0
    assert phone.messages == []


def test_erasing_a_reminded_patient_leaves_no_trace(client, reminded, tick, count):
    patient, _ = reminded(script=[500])
    _, [other] = reminded()
    tick(utc(2026, 3, 10, 6, 30))
    assert count(PushAttempt) == 2

    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204

    assert count(Reminder) == count(PushDelivery) == 1
    # The other patient's reminder, and the therapist's notice of the deletion.
    assert count(Notification) == 2
    assert count(PushAttempt) == count(PushSubscription) == 1
    assert len(other.messages) == 1


# -- the nightly job and the scheduler process -----------------------------------------


def statuses_of(app, patient) -> dict:
    with app.app_context():
        try:
            return dict(
                db.session.execute(
                    select(ScheduledSession.date, ScheduledSession.status).where(
                        ScheduledSession.patient_id == patient.id,
                        ScheduledSession.date <= date(2026, 3, 11),
                    )
                ).all()
            )
        finally:
            db.session.remove()


def test_sessions_of_ended_days_are_marked_missed_in_each_timezone(
    app, client, clock, reminded, runner
):
    berlin, _ = reminded(timezone="Europe/Berlin", start="2026-03-09", phones=0)
    honolulu, _ = reminded(timezone="Pacific/Honolulu", start="2026-03-09", phones=0)
    # 2026-03-10 23:30 UTC: Wednesday 00:30 in Berlin, Tuesday 13:30 in Honolulu.
    at = "2026-03-10T23:30:00+00:00"

    result = runner.invoke(args=["sessions", "mark-missed", "--at", at])

    assert result.exit_code == 0, result.output
    assert "3 session(s) marked missed" in result.output  # Berlin 9th, 10th; HNL 9th
    assert statuses_of(app, berlin) == {
        date(2026, 3, 9): "missed",
        date(2026, 3, 10): "missed",
        date(2026, 3, 11): "pending",
    }
    assert statuses_of(app, honolulu) == {
        date(2026, 3, 9): "missed",
        date(2026, 3, 10): "pending",  # still Tuesday there
        date(2026, 3, 11): "pending",
    }
    # Marked or not, a missed session reads the same and can still be completed.
    clock.set(utc(2026, 3, 10, 23, 30))
    sessions = client.get(
        f"{API}/me/sessions?from=2026-03-09&to=2026-03-09", headers=berlin.headers
    ).json
    assert [s["status"] for s in sessions] == ["missed"]
    done = client.post(
        f"{API}/sessions/{sessions[0]['id']}/complete", json={}, headers=berlin.headers
    )
    assert done.status_code == 200 and done.json["status"] == "done"
    again = runner.invoke(args=["sessions", "mark-missed", "--at", at])
    assert "0 session(s) marked missed" in again.output


def test_the_missed_job_leaves_partly_done_sessions_alone(
    app, client, clock, reminded, runner
):
    patient, _ = reminded(timezone="Europe/Berlin", start="2026-03-09", phones=0)
    clock.set(utc(2026, 3, 9, 18, 0))
    [monday] = client.get(f"{API}/me/today", headers=patient.headers).json["sessions"]
    done = client.post(
        f"{API}/sessions/{monday['id']}/complete",
        json={"exercises_done": []},
        headers=patient.headers,
    )
    assert done.status_code == 200 and done.json["status"] == "partly_done"

    at = "2026-03-10T23:30:00+00:00"  # Wednesday 00:30 in Berlin
    result = runner.invoke(args=["sessions", "mark-missed", "--at", at])

    assert "1 session(s) marked missed" in result.output  # Tuesday only
    assert statuses_of(app, patient) == {
        date(2026, 3, 9): "partly_done",
        date(2026, 3, 10): "missed",
        date(2026, 3, 11): "pending",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2026-03-10T06:30:00"], "has no offset"),
        (["--at", "yesterday"], "is not an ISO 8601 instant"),
    ],
)
def test_tick_refuses_an_instant_it_cannot_place(runner, args, message):
    result = runner.invoke(args=["reminders", "tick", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_the_scheduler_runs_the_dispatch_every_minute_and_one_at_a_time(app):
    from kinetic.scheduler import build_scheduler

    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"dispatch-reminders", "mark-missed-sessions", "safety-review"}
    dispatch = jobs["dispatch-reminders"]
    assert str(dispatch.trigger) == "cron[second='0']"
    assert dispatch.max_instances == 1 and dispatch.coalesce is True
    assert str(jobs["mark-missed-sessions"].trigger) == "cron[minute='5']"
    assert str(jobs["safety-review"].trigger) == "cron[minute='10']"
    assert all(job.max_instances == 1 for job in jobs.values())


def test_the_scheduler_job_dispatches_as_of_the_clock(app, clock, reminded):
    from kinetic.scheduler import dispatch_reminders

    _, [phone] = reminded(time="07:30")
    clock.set(utc(2026, 3, 10, 6, 30, 0))
    with app.app_context():
        sender = push.PushSender.from_app()
    dispatch_reminders(app, sender)
    dispatch_reminders(app, sender)
    assert len(phone.messages) == 1


def test_a_large_batch_is_shared_by_sender_processes_and_sent_once(
    app, reminded, tick, count, push_service
):
    phones = [reminded(time="07:30")[1][0] for _ in range(30)]
    app.config.update(PUSH_PROCESSES=2, PUSH_PARALLEL_FROM=10, PUSH_BATCH_SIZE=4)
    try:
        report = tick(utc(2026, 3, 10, 6, 30))
    finally:
        app.config.update(
            PUSH_PROCESSES=2, PUSH_PARALLEL_FROM=2000, PUSH_BATCH_SIZE=200
        )
    assert (report.claimed, report.delivery.sent) == (30, 30)
    assert sorted(len(phone.messages) for phone in phones) == [1] * 30
    assert count(PushAttempt) == 30 and len(push_service.attempts) == 30
