"""How each exercise went: pain during it (the `exercise_pain` rule in
programs/safety.yaml) and the per-exercise feedback a therapist reads."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Alert, PainEntry, ScheduledSession, User
from kinetic.models.plans import COMPLETED_STATUSES, session_exercises
from kinetic.services import safety
from kinetic.services.clock import now, today_in

EFFORTS = ("too_easy", "right", "too_hard")


def _worst(entry: PainEntry) -> tuple[str | None, int]:
    scored = [(r, getattr(entry, r)) for r in safety.REGION_NAMES]
    scored = [(r, s) for r, s in scored if s is not None]
    return max(scored, key=lambda pair: pair[1]) if scored else (None, -1)


def exercise_name(session: ScheduledSession, slug: str) -> str:
    named = {e["slug"]: e.get("name", slug) for e in session_exercises(session)}
    return named.get(slug, slug)


def exercise_pain_advice(entry: PainEntry) -> list[dict]:
    """What the patient reads at once after "Stop: this hurts"."""
    if not entry.exercise:
        return []
    cfg = safety.rules()["exercise_pain"]
    high = _worst(entry)[1] >= cfg["score"]
    text = cfg["advice"] if high else cfg["stop_advice"]
    text = " ".join(text.split())
    return [{"level": "caution", "code": "exercise_pain", "text": text}]


def raise_exercise_pain(
    patient: User,
    session: ScheduledSession,
    slug: str,
    score: int,
    region: str | None = None,
    entry: PainEntry | None = None,
) -> Alert | None:
    """An `exercise_pain` alert when the score reaches the rule's threshold, at most
    once per exercise per patient per (local) day."""
    if score < safety.rules()["exercise_pain"]["score"]:
        return None
    day = today_in(patient.timezone).isoformat()
    recent = db.session.scalars(
        select(Alert.detail).where(
            Alert.patient_id == patient.id,
            Alert.kind == "exercise_pain",
            Alert.created_at > now() - timedelta(days=2),
        )
    ).all()
    if any(d.get("exercise") == slug and d.get("date") == day for d in recent):
        return None
    detail = {
        "exercise": slug,
        "exercise_name": exercise_name(session, slug),
        "score": score,
        "region": region,
        "session_id": session.id,
        "entry_id": entry.id if entry else None,
        "stopped": entry is not None,
        "date": day,
    }
    alert = Alert(
        patient_id=patient.id,
        kind="exercise_pain",
        detail=detail,
        pain_entry_id=entry.id if entry else None,
        status="open",
        created_at=now(),
    )
    db.session.add(alert)
    db.session.flush()
    return alert


def after_exercise_entry(entry: PainEntry, patient: User) -> None:
    if entry.exercise and entry.session_id:
        session = db.session.get(ScheduledSession, entry.session_id)
        region, score = _worst(entry)
        raise_exercise_pain(patient, session, entry.exercise, score, region, entry)


def after_completion(session: ScheduledSession, patient: User) -> None:
    for item in session.exercise_feedback or []:
        if item.get("pain") is not None:
            raise_exercise_pain(patient, session, item["exercise"], item["pain"])


def _done_sessions(patient: User, start, end) -> list[ScheduledSession]:
    return list(
        db.session.scalars(
            select(ScheduledSession).where(
                ScheduledSession.patient_id == patient.id,
                ScheduledSession.status.in_(COMPLETED_STATUSES),
                ScheduledSession.date.between(start, end),
            )
        )
    )


def _row(slug: str, name: str) -> dict:
    return {
        "exercise": slug,
        "name": name,
        "sessions": 0,
        "skipped": 0,
        "pains": [],
        "effort": dict.fromkeys(EFFORTS, 0),
        "stopped_for_pain": 0,
    }


def exercise_feedback(patient: User, days: int) -> list[dict]:
    """Per exercise over the last `days` days: the sessions it was done in, how
    often it was skipped, mean pain during, effort counts and times stopped."""
    end = today_in(patient.timezone)
    return exercise_feedback_between(patient, end - timedelta(days=days - 1), end)


def exercise_feedback_between(patient: User, start: date, end: date) -> list[dict]:
    """The same figures over the patient's local days from `start` to `end`."""
    rows: dict[str, dict] = {}
    for session in _done_sessions(patient, start, end):
        names = {e["slug"]: e.get("name") for e in session_exercises(session)}
        items = session.exercise_feedback or [
            {"exercise": slug} for slug in session.exercises_done or []
        ]
        for item in items:
            slug = item["exercise"]
            row = rows.setdefault(slug, _row(slug, names.get(slug) or slug))
            _count(row, item)
    stopped = db.session.execute(
        select(PainEntry.exercise, PainEntry.session_id).where(
            PainEntry.patient_id == patient.id,
            ~PainEntry.is_diary,
            PainEntry.local_date.between(start, end),
        )
    ).all()
    counts: dict[str, int] = defaultdict(int)
    for slug, session_id in stopped:
        counts[slug] += 1
        if slug not in rows:
            session = session_id and db.session.get(ScheduledSession, session_id)
            name = exercise_name(session, slug) if session else slug
            rows[slug] = _row(slug, name)
    for slug, count in counts.items():
        rows[slug]["stopped_for_pain"] = count
    return [_finish(row) for row in sorted(rows.values(), key=lambda r: r["name"])]


def _count(row: dict, item: dict) -> None:
    if item.get("skipped"):
        row["skipped"] += 1
        return
    row["sessions"] += 1
    if item.get("pain") is not None:
        row["pains"].append(item["pain"])
    if item.get("effort") in EFFORTS:
        row["effort"][item["effort"]] += 1


def _finish(row: dict) -> dict:
    pains = row.pop("pains")
    row["mean_pain"] = round(sum(pains) / len(pains), 1) if pains else None
    row["pain_reports"] = len(pains)
    return row
