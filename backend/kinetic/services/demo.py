"""Demo accounts with a month of plausible history, so the charts show something."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import (
    AccessLogEntry,
    Assignment,
    CareTeamMember,
    ClinicMember,
    Exercise,
    Message,
    PainEntry,
    Program,
    ReminderSetting,
    User,
)
from kinetic.models.plans import COMPLETED_STATUSES, session_exercises
from kinetic.schemas.program_files import OwnProgramFileSchema
from kinetic.services import (
    accounts,
    clinics,
    own_library,
    plans,
    prescriptions,
    progression_review,
    questionnaires,
    safety,
    yaml_files,
)
from kinetic.services.clock import now, today_in

THERAPIST = ("therapist@demo.kinetic", "demo-therapist")
PATIENT = ("patient@demo.kinetic", "demo-patient")
# The rest of the demo clinic: a colleague on the patient's care team, and a
# practice manager who runs the clinic without treating patients.
COLLEAGUE = ("colleague@demo.kinetic", "demo-colleague")
MANAGER = ("manager@demo.kinetic", "demo-manager")
CLINIC_NAME = "Demo Physio Clinic"
PREFERRED_PROGRAMS = ("whole-spine-kinetic-chain", "low-back-core-stabilisation")
DAYS = 30
PLAN_DAYS = 27
# The demo clinic's shared program, written by the demo therapist from library
# exercises (see programs/README.md).
DESK_ROUTINE = {
    "slug": "desk-break-neck-routine",
    "title": "Desk-break neck routine",
    "summary": "A short routine for workdays at a desk: chin tucks, shoulder-blade "
    "squeezes and a gentle side stretch, between tasks.",
    "regions": ["neck", "headache"],
    "source": ["000_b555e4ddcfa7718e.txt", "003_0bc4a2e35a39cb53.txt"],
    "weeks": 4,
    "days_of_week": [0, 1, 2, 3, 4],
    "sessions_per_day": 2,
    "sessions": [
        {
            "name": "Start",
            "weeks": [1, 2],
            "focus": "Learn the three movements and fit them into your working day.",
            "exercises": [
                {"exercise": "chin-tuck", "sets": 2, "reps": 8, "hold_seconds": 5},
                {"exercise": "scapular-retraction", "sets": 2, "reps": 10},
                {
                    "exercise": "upper-trapezius-stretch",
                    "sets": 2,
                    "hold_seconds": 20,
                    "side": "alternate",
                },
            ],
        },
        {
            "name": "Routine",
            "weeks": [3, 4],
            "focus": "Keep the breaks going, with a little more of each.",
            "exercises": [
                {"exercise": "chin-tuck", "sets": 3, "reps": 8, "hold_seconds": 5},
                {"exercise": "scapular-retraction", "sets": 3, "reps": 10},
                {
                    "exercise": "upper-trapezius-stretch",
                    "sets": 2,
                    "hold_seconds": 30,
                    "side": "alternate",
                    "note": "Ease into the stretch; never pull hard on your head.",
                },
            ],
        },
    ],
}
PLAN_NOTE = (
    "You have kept up well this month, so I have added a set to your first "
    "exercise. Stop and let me know if anything brings on pain that spreads or lasts."
)


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
    slugs = set(
        db.session.scalars(select(Program.slug).where(Program.owner_id.is_(None)))
    )
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
        if s.status in COMPLETED_STATUSES
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
    """About 80% of sessions done, more in the last two weeks; a skipped exercise
    makes a session partly done; the last three went comfortably, so the
    progression rules have grounds to suggest advancing."""
    today = today_in(patient.timezone)
    past = [
        s
        for s in plans.sessions_between(patient, today - timedelta(DAYS), today)
        if s.date < today
    ]
    for n, session in enumerate(past):
        recent = (today - session.date).days <= 14
        last = n >= len(past) - 3
        if not last and rng.random() >= (0.93 if recent else 0.8):
            continue
        data = {
            "difficulty": rng.randint(3, 6),
            "pain_during": rng.randint(1, 2) if last else rng.randint(1, 4),
        }
        feedback = [_feedback(e, rng, gentle=last) for e in session_exercises(session)]
        if not last and rng.random() < 0.2:  # the last exercise is the one skipped
            feedback[-1] = {"exercise": feedback[-1]["exercise"], "skipped": True}
        # As the player would have sent it: done, or partly done when skipped.
        plans.complete_session(session, {**data, "exercises": feedback})
        session.completed_at = now() - timedelta(days=(today - session.date).days)


def _feedback(exercise: dict, rng: random.Random, gentle: bool = False) -> dict:
    """What the session player would have sent for one exercise."""
    if not gentle and rng.random() < 0.04:
        return {"exercise": exercise["slug"], "skipped": True}
    sets = exercise["dosage"].get("sets", 1)
    return {
        "exercise": exercise["slug"],
        "sets_done": sets,
        "reps_done": sets * exercise["dosage"].get("reps", 1),
        "pain": rng.choice([None, 1, 2] if gentle else [None, 1, 2, 2, 3, 4]),
        "effort": rng.choice(
            ["right", "too_easy"]
            if gentle
            else [None, "too_easy", "right", "right", "right", "too_hard"]
        ),
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


def _own_program(therapist: User) -> None:
    slugs = {e["exercise"] for p in DESK_ROUTINE["sessions"] for e in p["exercises"]}
    found = set(
        db.session.scalars(
            select(Exercise.slug).where(
                Exercise.slug.in_(slugs), Exercise.owner_id.is_(None)
            )
        )
    )
    if found == slugs:
        data = OwnProgramFileSchema().load(DESK_ROUTINE)
        own_library.create_program(therapist, data, owner="clinic")


def _clinic(therapist: User, patient: User) -> None:
    """The demo therapist leads the clinic (an admin who treats), a colleague shares
    the patient's care, and a practice manager administers without treating; the
    colleague and the therapist opened the patient's record yesterday."""
    clinic_id = clinics.start_clinic(therapist, CLINIC_NAME).clinic_id
    colleague = _user(*COLLEAGUE, "Sam Colleague", "therapist")
    manager = _user(*MANAGER, "Morgan Manager", "therapist")
    db.session.add_all(
        [
            ClinicMember(clinic_id=clinic_id, user_id=colleague.id, role="therapist"),
            ClinicMember(
                clinic_id=clinic_id,
                user_id=manager.id,
                role="admin",
                treats_patients=False,
            ),
            CareTeamMember(
                patient_id=patient.id,
                therapist_id=colleague.id,
                added_by_id=therapist.id,
                added_at=now() - timedelta(days=20),
            ),
        ]
    )
    for who, hours in ((therapist, 26), (colleague, 22)):
        at = now() - timedelta(hours=hours)
        db.session.add(
            AccessLogEntry(
                clinic_id=clinic_id,
                therapist_id=who.id,
                patient_id=patient.id,
                kind="view",
                window=int(at.timestamp()) // 600,
                at=at,
            )
        )
    db.session.flush()


def _tailor(assignment: Assignment, therapist: User) -> None:
    """Version 2 of the plan: one more set of the first exercise of the current
    phase, with a note, as a therapist would after a good month."""
    latest = prescriptions.current(assignment)
    week = (today_in("UTC") - assignment.start_date).days // 7 + 1
    phases = []
    for phase in latest.phases:
        items = [yaml_files.planned_item(e) for e in phase["exercises"]]
        if phase["weeks"][0] <= week <= phase["weeks"][1]:
            items[0] = {
                **items[0],
                "sets": min(items[0]["sets"] + 1, 10),
                "note": "Slowly: how well you move matters more than how many.",
            }
        phases.append({**phase, "exercises": items})
    changed = prescriptions.change_prescription(
        assignment, therapist, {"phases": phases, "note": PLAN_NOTE}
    )
    # A week ago, before the last sessions, which the progression rules read.
    changed.changed_at = now() - timedelta(days=7, hours=2)


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
    credentials = {
        "therapist": THERAPIST,
        "colleague": COLLEAGUE,
        "manager": MANAGER,
        "patient": PATIENT,
    }
    if accounts.find_user_by_email(THERAPIST[0]):
        return credentials, False
    therapist = _user(*THERAPIST, "Dr Demo Therapist", "therapist")
    patient = _user(*PATIENT, "Pat Demo", "patient")
    patient.therapist_id = therapist.id
    _clinic(therapist, patient)
    rng = random.Random(20261121)
    slug = _program_slug()
    if slug:
        today = today_in(patient.timezone)
        program = db.session.scalar(
            select(Program).where(Program.slug == slug, Program.owner_id.is_(None))
        )
        content = program.current_version.content
        # Whatever day someone first tries the demo, Today has a session to show,
        # and the plan runs on for weeks after it.
        days = sorted({*content["days_of_week"], today.weekday()})
        weeks = max(content["weeks"], DAYS // 7 + 5)
        assignment = plans.assign_program(
            patient,
            therapist,
            {
                "program": slug,
                # In the plan's fourth week: the middle phase of a six-week
                # program, so that the demo's suggestion to advance early applies.
                "start_date": today - timedelta(PLAN_DAYS),
                "days_of_week": days,
                "weeks": weeks,
            },
        )
        _complete_past_sessions(patient, rng)
        _tailor(assignment, therapist)
    _own_program(therapist)
    _history(patient, rng)
    _thread(patient, therapist)
    _outcomes(patient, therapist)
    db.session.flush()
    # The suggestion, the alerts and every figure come from the real rules, so
    # the demo tells the same story on every screen.
    progression_review.after_completion(patient, today_in(patient.timezone))
    safety.evaluate(patient, today_in(patient.timezone))
    # Reminders on at 18:00, so the scheduler of `make run` has someone to remind.
    db.session.add(ReminderSetting(patient_id=patient.id, enabled=True, time="18:00"))
    db.session.flush()
    return credentials, True
