"""What went together with feeling better: pain on days after a session against
days without, weekly adherence against the weekly change in pain, and each
exercise done often enough against the region's pain the day after. Plain
comparisons of means, shown only with enough days on each side; they say what
happened together, never what caused it."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import REGIONS, ScheduledSession, User
from kinetic.models.plans import COMPLETED_STATUSES, session_exercises
from kinetic.services import picture
from kinetic.services.clock import today_in
from kinetic.services.plans import finished_exercises
from kinetic.services.trends import daily_means

# The issue asks for the last 4 to 12 weeks: look back 12 weeks at most, and say
# nothing until the patient's entries span 4 weeks, since a shorter stretch
# mostly shows how a flare-up settles on its own.
WINDOW_DAYS = 84
MIN_SPAN_DAYS = 28
# A mean of fewer days swings by a point with one unusual day on a 0-10 scale.
MIN_DAYS_EACH_SIDE = 6
# Weekly comparisons need at least this many weeks on each side.
MIN_WEEKS_EACH_SIDE = 2
# Weeks with at least this share of planned sessions done count as "with".
HIGH_ADHERENCE = 0.8
# Per exercise, only the largest differences: a longer list goes unread.
MAX_EXERCISE_FINDINGS = 5
CAUTION = "This shows what happened together, not what caused it."
REGION_WORDS = {
    "low_back": "low back pain",
    "neck": "neck pain",
    "headache": "headache",
}
# The patient's sentence rounds the difference to whole points ("about 1 point"):
# below half a point it says "about the same". A wording choice, not a clinical
# judgement (the clinical picture's meaningful change is in programs/picture.yaml).
SAME_BELOW = 0.5


def _points(difference: float) -> str:
    whole = max(1, int(abs(difference) + 0.5))
    return f"about {whole} {'point' if whole == 1 else 'points'}"


def _plain_day(after: str, region: str, difference: float) -> str:
    """The patient's sentence for pain on the days after something."""
    pain = f"your {REGION_WORDS[region]}"
    if abs(difference) < SAME_BELOW:
        return f"On days after {after}, {pain} was about the same as on other days."
    way = "lower" if difference < 0 else "higher"
    return f"On days after {after}, {pain} was {way} by {_points(difference)}."


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _finding(kind: str, region: str, with_: list, without: list, **extra) -> dict:
    mean_with, mean_without = _mean(with_), _mean(without)
    return {
        "kind": kind,
        "region": region,
        **extra,
        "n_with": len(with_),
        "n_without": len(without),
        "mean_with": round(mean_with, 1),
        "mean_without": round(mean_without, 1),
        "difference": round(mean_with - mean_without, 1),
    }


def _split(pain: dict[date, float], marked: set[date]) -> tuple[list, list]:
    """Pain on the days after a marked day, and on the other days."""
    with_ = [v for d, v in pain.items() if d - timedelta(days=1) in marked]
    without = [v for d, v in pain.items() if d - timedelta(days=1) not in marked]
    return with_, without


def _enough(with_: list, without: list, least: int) -> bool:
    return len(with_) >= least and len(without) >= least


def _after_sessions(pain, done_days) -> Iterable[dict]:
    for region in REGIONS:
        with_, without = _split(pain[region], done_days)
        if not _enough(with_, without, MIN_DAYS_EACH_SIDE):
            continue
        found = _finding("after_session", region, with_, without)
        found["sentence"] = (
            f"On days after a session, {REGION_WORDS[region]} averaged "
            f"{found['mean_with']} ({found['n_with']} days); on other days "
            f"{found['mean_without']} ({found['n_without']} days). {CAUTION}"
        )
        found["plain"] = _plain_day("your exercises", region, found["difference"])
        yield found


def _weekly(pain, counts, today: date) -> Iterable[dict]:
    """Weeks (ending yesterday) with high adherence against the others, by how
    the week's mean pain changed from the week before."""
    ends = [today - timedelta(days=1 + 7 * k) for k in range(WINDOW_DAYS // 7)]
    weeks = [[end - timedelta(days=n) for n in range(7)] for end in ends]
    for region in REGIONS:
        with_, without = [], []
        for week, before in zip(weeks, weeks[1:], strict=False):
            # The week's adherence as the clinical picture counts it.
            tally = picture.Adherence()
            for day in week:
                for row in counts.get(day, []):
                    picture.count_session(tally, day, *row, today)
            now_ = [pain[region][d] for d in week if d in pain[region]]
            then = [pain[region][d] for d in before if d in pain[region]]
            if not tally.due or not now_ or not then:
                continue
            side = with_ if tally.ratio >= HIGH_ADHERENCE else without
            side.append(_mean(now_) - _mean(then))
        if not _enough(with_, without, MIN_WEEKS_EACH_SIDE):
            continue
        found = _finding("weekly_adherence", region, with_, without)
        share = round(HIGH_ADHERENCE * 100)
        found["sentence"] = (
            f"In weeks with at least {share}% of sessions done, "
            f"{REGION_WORDS[region]} changed by {found['mean_with']:+} on average "
            f"from the week before ({found['n_with']} weeks); in other weeks by "
            f"{found['mean_without']:+} ({found['n_without']} weeks). {CAUTION}"
        )
        found["plain"] = _plain_weekly(region, found["difference"])
        yield found


def _plain_weekly(region: str, difference: float) -> str:
    """The patient's sentence for weeks with most sessions done against the rest."""
    weeks = "In weeks when you did most of your sessions"
    pain = f"your {REGION_WORDS[region]}"
    if abs(difference) < SAME_BELOW:
        return f"{weeks}, {pain} changed about as much as in other weeks."
    way = "more" if difference < 0 else "less"
    return f"{weeks}, {pain} eased {_points(difference)} {way} than in other weeks."


def _by_exercise(pain, sessions) -> Iterable[dict]:
    days: dict[str, set[date]] = defaultdict(set)
    about: dict[str, dict] = {}
    for session in sessions:
        planned = session_exercises(session)
        done = finished_exercises(
            planned, session.exercise_feedback, session.exercises_done
        )
        for exercise in planned:
            if exercise["slug"] in done:
                days[exercise["slug"]].add(session.date)
                about[exercise["slug"]] = exercise
    for slug in sorted(days):
        for region in about[slug].get("regions", []):
            with_, without = _split(pain.get(region, {}), days[slug])
            if not _enough(with_, without, MIN_DAYS_EACH_SIDE):
                continue
            name = about[slug]["name"]
            found = _finding("exercise", region, with_, without, exercise=slug)
            found["exercise_name"] = name
            found["sentence"] = (
                f"On days after {name}, {REGION_WORDS[region]} averaged "
                f"{found['mean_with']} ({found['n_with']} days); on other days "
                f"{found['mean_without']} ({found['n_without']} days). {CAUTION}"
            )
            found["plain"] = _plain_day(name, region, found["difference"])
            yield found


def insights(patient: User) -> list[dict]:
    today = today_in(patient.timezone)
    start = today - timedelta(days=WINDOW_DAYS - 1)
    pain: dict[str, dict[date, float]] = {region: {} for region in REGIONS}
    for _, day, *means in daily_means([patient.id], start, today):
        for region, value in zip(REGIONS, means, strict=True):
            if value is not None:
                pain[region][day] = float(value)
    first = min((d for series in pain.values() for d in series), default=today)
    if (today - first).days + 1 < MIN_SPAN_DAYS:
        return []
    sessions = list(
        db.session.scalars(
            select(ScheduledSession).where(
                ScheduledSession.patient_id == patient.id,
                ScheduledSession.status.in_(COMPLETED_STATUSES),
                ScheduledSession.date.between(start - timedelta(days=1), today),
            )
        )
    )
    counts: dict[date, list[tuple]] = defaultdict(list)
    for _, day, *row in picture.session_rows([patient.id], start, today):
        counts[day].append(tuple(row))
    done_days = {s.date for s in sessions}
    by_exercise = sorted(
        _by_exercise(pain, sessions), key=lambda f: -abs(f["difference"])
    )
    return [
        *_after_sessions(pain, done_days),
        *_weekly(pain, counts, today),
        *by_exercise[:MAX_EXERCISE_FINDINGS],
    ]
