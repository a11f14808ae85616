"""Which prescribed exercises a patient does, skips or misses."""

from datetime import timedelta

from kinetic.models import User
from kinetic.models.plans import COMPLETED_STATUSES, session_exercises
from kinetic.services.clock import today_in
from kinetic.services.plans import finished_exercises, sessions_between


def exercise_adherence(patient: User, days: int) -> list[dict]:
    """Per exercise over the last `days` days up to today: sessions that had it and
    are finished (done or partly done) or past (scheduled), finished with it done
    in full (done: see plans.finished_exercises; a session completed without a
    list counts every exercise), finished without it, or with it skipped or left
    unfinished (skipped), not finished at all (missed). The most avoided come
    first."""
    today = today_in(patient.timezone)
    rows: dict[str, dict] = {}
    for session in sessions_between(patient, today - timedelta(days - 1), today):
        finished = session.status in COMPLETED_STATUSES
        if not finished and session.date >= today:
            continue  # today's session can still be done
        exercises = session_exercises(session)
        done = finished_exercises(
            exercises, session.exercise_feedback, session.exercises_done
        )
        for item in exercises:
            row = rows.setdefault(
                item["slug"],
                {"exercise": item["slug"], "name": item["name"], "scheduled": 0}
                | dict.fromkeys(("done", "skipped", "missed"), 0),
            )
            row["scheduled"] += 1
            if not finished:
                row["missed"] += 1
            else:
                row["done" if item["slug"] in done else "skipped"] += 1
    return sorted(
        rows.values(), key=lambda r: (-(r["skipped"] + r["missed"]), r["name"])
    )
