"""Demo accounts with a month of plausible history, so the charts show something."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import (
    PainEntry,
    Program,
    ReminderSetting,
    User,
)
from kinetic.services import accounts, plans, questionnaires
from kinetic.services.clock import now, today_in

THERAPIST = ("therapist@demo.kinetic", "demo-therapist")
PATIENT = ("patient@demo.kinetic", "demo-patient")
PREFERRED_PROGRAMS = ("whole-spine-kinetic-chain", "low-back-core-stabilisation")
DAYS = 30


def _user(email: str, password: str, name: str, role: str) -> User:
    user = User(
        email=email,
        name=name,
        role=role,
        timezone="UTC",
        password_hash=accounts.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _program_slug() -> str | None:
    slugs = set(db.session.scalars(select(Program.slug)))
    for slug in PREFERRED_PROGRAMS:
        if slug in slugs:
            return slug
    return min(slugs) if slugs else None


def _score(start: float, progress: float, rng: random.Random) -> int:
    """A score that eases by about 3 points over the month, with day-to-day noise."""
    return max(0, min(10, round(start - 3 * progress + rng.uniform(-1, 1))))


def _history(patient: User, rng: random.Random) -> None:
    today = today_in(patient.timezone)
    zone = ZoneInfo(patient.timezone)
    done = {
        s.date
        for s in plans.sessions_between(patient, today - timedelta(DAYS), today)
        if s.status == "done"
    }
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        if rng.random() < 0.15:
            continue  # a day without an entry, as in real life
        # A little easier on the day after a session, so Insights has a story.
        progress = (DAYS - back) / DAYS + (0.25 if day - timedelta(1) in done else 0)
        at = datetime.combine(day, time(19, rng.randint(0, 59)), zone)

        db.session.add(
            PainEntry(
                patient_id=patient.id,
                recorded_at=at.astimezone(UTC),
                local_date=day,
                low_back=_score(6.5, progress, rng),
                neck=_score(5, progress, rng),
                headache=_score(3.5, progress, rng) if rng.random() < 0.7 else None,
            )
        )


def _complete_past_sessions(patient: User, rng: random.Random) -> None:
    today = today_in(patient.timezone)
    for session in plans.sessions_between(patient, today - timedelta(DAYS), today):
        if session.date < today and rng.random() < 0.8:
            session.status = "done"
            session.completed_at = now() - timedelta(days=(today - session.date).days)
            session.difficulty = rng.randint(3, 6)
            session.pain_during = rng.randint(1, 4)


# Weekly PEG-3 answers easing over the month (the last one a week ago, so it is
# due today), and two function goals answered every two weeks.
PEG_ANSWERS = ((28, (7, 6, 6)), (21, (6, 6, 5)), (14, (5, 5, 4)), (7, (4, 4, 3)))
GOALS = ("Sit at my desk for an hour", "Carry the shopping home")
GOAL_ANSWERS = ((27, (3, 4)), (13, (5, 6)))


def _answered(patient: User, schedule, back: int, values: tuple) -> None:
    day = today_in(patient.timezone) - timedelta(days=back)
    at = datetime.combine(day, time(19, 30), ZoneInfo(patient.timezone))
    db.session.add(
        questionnaires.new_response(patient, schedule, list(values), at.astimezone(UTC))
    )
    schedule.next_due = questionnaires.next_due_after(schedule, day)


def _outcomes(patient: User, therapist: User) -> None:
    today = today_in(patient.timezone)
    plan = (
        ("peg-3", 7, None, PEG_ANSWERS),
        ("function-goals", 14, list(GOALS), GOAL_ANSWERS),
    )
    for slug, every, goals, answers in plan:
        if questionnaires.instrument(slug) is None:
            continue
        start = today - timedelta(days=answers[0][0])
        schedule, _ = questionnaires.schedule(
            patient,
            therapist,
            {
                "questionnaire": slug,
                "every_days": every,
                "start_date": start,
                "goals": goals,
            },
        )
        for back, values in answers:
            _answered(patient, schedule, back, values)


def ensure_demo() -> tuple[dict[str, tuple[str, str]], bool]:
    """Creates the demo accounts unless they exist; the caller commits."""
    credentials = {"therapist": THERAPIST, "patient": PATIENT}
    if accounts.find_user_by_email(THERAPIST[0]):
        return credentials, False
    therapist = _user(*THERAPIST, "Dr Demo Therapist", "therapist")
    patient = _user(*PATIENT, "Pat Demo", "patient")
    patient.therapist_id = therapist.id
    rng = random.Random(20261121)
    slug = _program_slug()
    if slug:
        today = today_in(patient.timezone)
        program = db.session.scalar(select(Program).where(Program.slug == slug))
        content = program.current_version.content
        # Whatever day someone first tries the demo, Today has a session to show,
        # and the plan runs on for weeks after it.
        days = sorted({*content["days_of_week"], today.weekday()})
        weeks = max(content["weeks"], DAYS // 7 + 5)
        plans.assign_program(
            patient,
            therapist,
            {
                "program": slug,
                "start_date": today - timedelta(DAYS),
                "days_of_week": days,
                "weeks": weeks,
            },
        )
        _complete_past_sessions(patient, rng)
    _history(patient, rng)
    _outcomes(patient, therapist)
    # Reminders on at 18:00, so the scheduler of `make run` has someone to remind.
    db.session.add(ReminderSetting(patient_id=patient.id, enabled=True, time="18:00"))
    db.session.flush()
    return credentials, True
