"""Which prescribed exercises a patient does, skips or misses."""

from datetime import timedelta

from kinetic.models import User
from kinetic.models.plans import session_exercises
from kinetic.services.clock import today_in
from kinetic.services.plans import sessions_between


def exercise_adherence(patient: User, days: int) -> list[dict]:
    """Per exercise over the last `days` days up to today: sessions that had it and
    are done or past (scheduled), done with it ticked (done; a session completed
    without a list counts every exercise), done without it (skipped), not done
    (missed). The most avoided come first."""
    today = today_in(patient.timezone)
    rows: dict[str, dict] = {}
    for session in sessions_between(patient, today - timedelta(days - 1), today):
        if session.status != "done" and session.date >= today:
            continue  # today's session can still be done
        ticked = session.exercises_done
        for item in session_exercises(session):
            row = rows.setdefault(
                item["slug"],
                {"exercise": item["slug"], "name": item["name"], "scheduled": 0}
                | dict.fromkeys(("done", "skipped", "missed"), 0),
            )
            row["scheduled"] += 1
            if session.status != "done":
                row["missed"] += 1
            elif ticked is None or item["slug"] in ticked:
                row["done"] += 1
            else:
                row["skipped"] += 1
    return sorted(
        rows.values(), key=lambda r: (-(r["skipped"] + r["missed"]), r["name"])
    )
