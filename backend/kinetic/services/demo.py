"""Demo accounts with a month of plausible history, so the charts show something."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Message, PainEntry, Program, ReminderSetting, User
from kinetic.models.plans import session_exercises
from kinetic.services import accounts, plans
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
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        if rng.random() < 0.15:
            continue  # a day without an entry, as in real life
        progress = (DAYS - back) / DAYS
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
            feedback = [_feedback(e, rng) for e in session_exercises(session)]
            session.exercise_feedback = feedback
            done = [f["exercise"] for f in feedback if not f["skipped"]]
            session.exercises_done = done


def _feedback(exercise: dict, rng: random.Random) -> dict:
    """What the session player would have sent for one exercise."""
    if rng.random() < 0.1:
        return {"exercise": exercise["slug"], "skipped": True}
    sets = exercise["dosage"].get("sets", 1)
    return {
        "exercise": exercise["slug"],
        "sets_done": sets,
        "reps_done": sets * exercise["dosage"].get("reps", 1),
        "pain": rng.choice([None, 1, 2, 2, 3, 4]),
        "effort": rng.choice([None, "too_easy", "right", "right", "right", "too_hard"]),
        "skipped": False,
    }


# (days ago, from the patient?, text): the last one is still unread.
THREAD = (
    (
        29,
        False,
        "Welcome, Pat! Your whole-spine program starts today. Go gently, "
        "and tell me here how the first sessions feel.",
    ),
    (
        28,
        True,
        "Thanks! The chin tucks feel odd but fine. Should the bird dog "
        "wobble this much?",
    ),
    (
        28,
        False,
        "A little wobble is normal. Move slowly and keep your back still; "
        "it gets steadier within a week or two.",
    ),
    (
        1,
        True,
        "My back has been much better this week. Could we add something "
        "for sitting at my desk?",
    ),
)


def _thread(patient: User, therapist: User) -> None:
    for days, from_patient, text in THREAD:
        at = now() - timedelta(days=days, hours=2)
        last = days == THREAD[-1][0]
        db.session.add(
            Message(
                patient_id=patient.id,
                sender_id=patient.id if from_patient else therapist.id,
                body=text,
                created_at=at,
                read_at=None if last else at + timedelta(hours=1),
            )
        )


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
    _thread(patient, therapist)
    # Reminders on at 18:00, so the scheduler of `make run` has someone to remind.
    db.session.add(ReminderSetting(patient_id=patient.id, enabled=True, time="18:00"))
    db.session.flush()
    return credentials, True
