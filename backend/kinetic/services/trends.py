"""Daily means, rolling means and adherence, aggregated in SQL."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import bindparam, func, select

from kinetic.extensions import db
from kinetic.models import (
    REGIONS,
    Alert,
    PainEntry,
    Suggestion,
    User,
)
from kinetic.services import picture
from kinetic.services.clock import today_in

# Built once, for any list of patients (a profile of the 90-day trend put a
# sixth of it in building these two statements and their cache keys again).
_DAILY_MEANS = (
    select(
        PainEntry.patient_id,
        PainEntry.local_date,
        *[func.avg(getattr(PainEntry, region)) for region in REGIONS],
    )
    .where(
        PainEntry.patient_id.in_(bindparam("patients", expanding=True)),
        PainEntry.local_date.between(bindparam("start"), bindparam("end")),
        PainEntry.is_diary,
    )
    .group_by(PainEntry.patient_id, PainEntry.local_date)
)


def daily_means(patient_ids, start: date, end: date):
    """(patient, local day, mean low back, neck, headache) per day with entries."""
    return db.session.execute(
        _DAILY_MEANS, {"patients": list(patient_ids), "start": start, "end": end}
    ).all()


def trends(patient: User, days: int) -> dict:
    """The trend in its JSON form (TrendsSchema's, dates as ISO text): it is sent
    as it is."""
    today = today_in(patient.timezone)
    start = today - timedelta(days=days - 1)
    means = {
        row[1]: row[2:]
        for row in daily_means([patient.id], start - timedelta(6), today)
    }
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tally = picture.Adherence()
    for _, day, status, count, fraction in picture.session_rows(
        [patient.id], start, today
    ):
        counts[day][status] += count
        picture.count_session(tally, day, status, count, fraction, today)
    # Each region's daily values from 6 days before the window on, so the
    # trailing 7-day mean is a running sum and count (one pass, not 7 lookups a day).
    span = [start + timedelta(days=n) for n in range(-6, days)]
    series = {
        region: [
            float(means[d][i]) if d in means and means[d][i] is not None else None
            for d in span
        ]
        for i, region in enumerate(REGIONS)
    }
    daily = []
    for n in range(days):
        day = span[n + 6]
        by_status = counts.get(day, {})
        row = {"date": day.isoformat()}
        for region in REGIONS:
            value = series[region][n + 6]
            row[region] = None if value is None else round(value, 2)
        row["sessions_scheduled"] = sum(by_status.values())
        row["sessions_done"] = by_status.get("done", 0)
        row["sessions_partly_done"] = by_status.get("partly_done", 0)
        daily.append(row)
    rolling = {region: _running_means(series[region], days) for region in REGIONS}
    return {
        "from": start.isoformat(),
        "to": today.isoformat(),
        "days": daily,
        "rolling_7": rolling,
        "adherence": tally.ratio,
        "adherence_detail": tally.as_dict(),
    }


def _running_means(values: list[float | None], days: int) -> list[float | None]:
    """The mean of the non-empty values in each trailing 7-day window; `values`
    starts 6 days before the first window ends."""
    out, total, count = [], 0.0, 0
    for n, value in enumerate(values):
        if value is not None:
            total, count = total + value, count + 1
        if n >= 7 and (old := values[n - 7]) is not None:
            total, count = total - old, count - 1
        if n >= 6:
            out.append(round(total / count, 2) if count else None)
    return out


def _newest(column):
    return (
        select(column)
        .where(PainEntry.patient_id == User.id, column.is_not(None), PainEntry.is_diary)
        .order_by(PainEntry.recorded_at.desc(), PainEntry.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _counted(model, status):
    return (
        select(func.count())
        .where(model.patient_id == User.id, model.status == status)
        .scalar_subquery()
    )


# Built once (building its seven subqueries was a fifth of the patient list).
_LATEST_SCORES = select(
    User.id,
    *[_newest(getattr(PainEntry, region)).label(region) for region in REGIONS],
    _newest(PainEntry.recorded_at).label("recorded_at"),
    _counted(Alert, "open").label("open_alerts"),
    _counted(Suggestion, "pending").label("pending_suggestions"),
).where(User.id.in_(bindparam("patients", expanding=True)))


def _latest_scores(patient_ids) -> dict[int, dict]:
    """Each region's most recent score, and the counts of open alerts and pending
    progression suggestions, in one query: every correlated subquery walks an
    index and stops at its first row, so the cost does not grow with a
    patient's history (on PostgreSQL each statement saved is a round trip)."""
    rows = db.session.execute(_LATEST_SCORES, {"patients": list(patient_ids)})
    return {row["id"]: dict(row) for row in rows.mappings()}


def patient_summaries(patients: list[User]) -> list[dict]:
    """Latest scores, 7-day adherence and open alerts for many patients in a fixed
    number of queries, however many patients there are."""
    ids = [p.id for p in patients]
    if not ids:
        return []
    windows = {}
    for p in patients:
        today = today_in(p.timezone)
        windows[p.id] = (today - timedelta(days=6), today)
    adherence = picture.adherence_by_patient(patients, windows)
    latest = _latest_scores(ids)
    return [
        {
            "id": p.id,
            "name": p.name,
            "email": p.email,
            "timezone": p.timezone,
            "latest": {key: latest[p.id][key] for key in (*REGIONS, "recorded_at")},
            "adherence_7d": adherence[p.id].ratio,
            "open_alerts": latest[p.id]["open_alerts"],
            "pending_suggestions": latest[p.id]["pending_suggestions"],
        }
        for p in patients
    ]
