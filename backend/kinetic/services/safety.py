"""Clinical safety: the rules in programs/safety.yaml applied to a patient's pain
entries and sessions, giving advice to the patient and alerts to the therapist.

Red flags raise one alert per entry and pause the patient's active plans. The other
rules raise an alert of their kind unless one is still open, or was acknowledged
less than the rule's cooldown ago. The thresholds and texts are data; what is here
is how they are applied."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Date, and_, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import REGIONS, Alert, Assignment, PainEntry, ScheduledSession, User
from kinetic.services.clock import now, today_in

REGION_NAMES = {"low_back": "low back", "neck": "neck", "headache": "headache"}


# -- the rules file --------------------------------------------------------------------


class SafetyRulesError(RuntimeError):
    """programs/safety.yaml is missing or invalid; the message lists file:line."""


_cache: dict[Path, tuple[float, dict]] = {}


def rules() -> dict[str, Any]:
    """The validated rules, read again when the file changes."""
    from kinetic.services.library import read_safety

    path = Path(current_app.config["PROGRAMS_DIR"]) / "safety.yaml"
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise SafetyRulesError(f"{path}: cannot read the safety rules") from error
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    data, problems = read_safety(path)
    if data is None:
        raise SafetyRulesError("\n".join(map(str, problems)))
    _cache[path] = (mtime, data)
    return data


def checklist() -> dict:
    """What the pain form asks: red flags and reportable symptoms, in plain words."""
    data = rules()
    pain = data["exercise_pain"]
    keep = ("code", "question", "label")
    return {
        "urgent_advice": data["urgent_advice"],
        "urgent_message_advice": data.get("urgent_message_advice")
        or data["urgent_advice"],
        "red_flags": [
            {**{k: f[k] for k in keep}, "phrases": f.get("phrases", [])}
            for f in data["red_flags"]
        ],
        "symptoms": [{k: s[k] for k in keep} for s in data["symptoms"]],
        "exercise_pain": {
            "score": pain["score"],
            "advice": " ".join(pain["advice"].split()),
            "stop_advice": " ".join(pain["stop_advice"].split()),
        },
    }


def red_flag_codes() -> set[str]:
    return {flag["code"] for flag in rules()["red_flags"]}


def symptom_codes() -> set[str]:
    return {symptom["code"] for symptom in rules()["symptoms"]}


# -- what the data shows ---------------------------------------------------------------


@dataclass
class Finding:
    """A rule that holds for a patient today, with the figures behind it."""

    kind: str
    detail: dict[str, Any]
    advice: dict | None = None
    cooldown_days: int = 0


@dataclass
class Daily:
    """A region's daily means and maxima over a range of local days."""

    means: dict[str, dict[date, float]] = field(default_factory=dict)
    maxima: dict[str, dict[date, int]] = field(default_factory=dict)

    def mean_over(self, region: str, start: date, end: date) -> tuple[float, int]:
        values = [v for d, v in self.means.get(region, {}).items() if start <= d <= end]
        return (sum(values) / len(values), len(values)) if values else (0.0, 0)


# What the rules read, in one statement built once (a profile of POST /me/pain
# under load put a tenth of it in building its six statements again, and on
# PostgreSQL each was a round trip): a one-row CTE holds when the active plans
# began, the first entry's day and the last sessions' counts; the daily means and
# maxima since the baseline's start (or the window's, if earlier) join it.
# The patient's last `missed_in_row` sessions before today (their days are asked
# on their own only when the disengaged rule holds).
_LAST_SESSIONS = (
    select(ScheduledSession.date, ScheduledSession.status)
    .where(
        ScheduledSession.patient_id == bindparam("patient"),
        ScheduledSession.date < bindparam("today"),
        ScheduledSession.status != "cancelled",
    )
    .order_by(ScheduledSession.date.desc(), ScheduledSession.slot.desc())
    .limit(bindparam("missed_in_row"))
)
_RECENT = _LAST_SESSIONS.subquery()
_FACTS = select(
    select(func.min(Assignment.start_date))
    .where(Assignment.patient_id == bindparam("patient"), Assignment.status == "active")
    .scalar_subquery()
    .label("started"),
    select(func.min(PainEntry.local_date))
    .where(PainEntry.patient_id == bindparam("patient"), PainEntry.is_diary)
    .scalar_subquery()
    .label("first_entry"),
    select(func.count()).select_from(_RECENT).scalar_subquery().label("recent"),
    select(func.count())
    .select_from(_RECENT)
    .where(_RECENT.c.status == "done")
    .scalar_subquery()
    .label("recent_done"),
).cte("facts")
_BASELINE_START = func.coalesce(_FACTS.c.started, _FACTS.c.first_entry)
_WINDOW_START = bindparam("window_start", type_=Date)
_RULES_DATA = (
    select(
        _FACTS.c.started,
        _FACTS.c.first_entry,
        _FACTS.c.recent,
        _FACTS.c.recent_done,
        PainEntry.local_date,
        *[
            aggregate(getattr(PainEntry, region))
            for region in REGIONS
            for aggregate in (func.sum, func.count, func.max)
        ],
    )
    .select_from(
        _FACTS.outerjoin(
            PainEntry,
            and_(
                PainEntry.patient_id == bindparam("patient"),
                PainEntry.local_date
                >= case(
                    (_BASELINE_START < _WINDOW_START, _BASELINE_START),
                    else_=_WINDOW_START,
                ),
                PainEntry.local_date <= bindparam("today"),
                PainEntry.is_diary,
            ),
        )
    )
    .group_by(
        _FACTS.c.started,
        _FACTS.c.first_entry,
        _FACTS.c.recent,
        _FACTS.c.recent_done,
        PainEntry.local_date,
    )
)


@dataclass
class Facts:
    """What the rules read for a patient on a day."""

    started: date | None  # the active plans' first day
    start: date | None  # the baseline's first day: that, or the first entry's
    daily: Daily
    recent: int  # how many of the last `missed_in_row` sessions there are
    recent_done: int  # and how many of them were done


def _facts(
    patient_id: int,
    today: date,
    window_days: int,
    missed_in_row: int,
    pending: PainEntry | None = None,
) -> Facts:
    """`pending`: an entry about to be written, counted in as if it were (unless
    it is an exercise-pain report, which the rules never read)."""
    if pending is not None and not pending.is_diary:
        pending = None
    rows = db.session.execute(
        _RULES_DATA,
        {
            "patient": patient_id,
            "today": today,
            "window_start": today - timedelta(days=window_days),
            "missed_in_row": missed_in_row,
        },
    ).all()
    first = rows[0]
    # Per region and day: [sum, count, max] of the scores.
    days: dict[str, dict[date, list]] = {region: {} for region in REGIONS}
    for row in rows:
        if row.local_date is None:
            continue  # no entry in the range: the one row of the outer join
        for i, region in enumerate(REGIONS):
            total, count, top = row[5 + 3 * i : 8 + 3 * i]
            if count:
                days[region][row.local_date] = [total, count, top]
    first_entry = first.first_entry
    if pending is not None:
        first_entry = min(filter(None, (first_entry, pending.local_date)))
    start = first.started or first_entry
    window_start = today - timedelta(days=window_days)
    lower = min(start, window_start) if start else window_start
    if pending is not None and lower <= pending.local_date <= today:
        for region in REGIONS:
            score = getattr(pending, region)
            if score is not None:
                day = days[region].setdefault(pending.local_date, [0, 0, score])
                day[0], day[1], day[2] = day[0] + score, day[1] + 1, max(day[2], score)
    daily = Daily()
    for region, by_day in days.items():
        for day, (total, count, top) in by_day.items():
            daily.means.setdefault(region, {})[day] = float(total) / count
            daily.maxima.setdefault(region, {})[day] = int(top)
    return Facts(first.started, start, daily, first.recent, first.recent_done)


def _round(value: float) -> float:
    return round(value, 1)


def _advice(level: str, code: str, text: str) -> dict:
    return {"level": level, "code": code, "text": " ".join(text.split())}


@dataclass(frozen=True)
class Baseline:
    """Each region's mean over the first days of the program (regions with too
    few scores are missing), and the last day of that window."""

    means: dict[str, float]
    end: date


def worsening(daily: Daily, base: Baseline, today: date, cfg: dict) -> Finding | None:
    recent_start = today - timedelta(days=cfg["window_days"] - 1)
    regions = {}
    for region in REGIONS:
        recent, days = daily.mean_over(region, recent_start, today)
        baseline = base.means.get(region)
        # Compared only once the recent window no longer overlaps the baseline.
        if baseline is None or days < cfg["min_days"] or recent_start <= base.end:
            continue
        if recent - baseline >= cfg["mean_rise"]:
            regions[region] = {
                "rule": "mean_rise",
                "baseline": _round(baseline),
                "recent_mean": _round(recent),
                "rise": _round(recent - baseline),
                "window_days": cfg["window_days"],
            }
    for region in REGIONS:
        last = [today - timedelta(days=n) for n in range(cfg["of_last_days"])]
        high = [
            d
            for d in last
            if daily.maxima.get(region, {}).get(d, -1) >= cfg["high_score"]
        ]
        if len(high) >= cfg["high_days"] and region not in regions:
            regions[region] = {
                "rule": "high_scores",
                "high_score": cfg["high_score"],
                "days": sorted(d.isoformat() for d in high),
                "of_last_days": cfg["of_last_days"],
            }
    if not regions:
        return None
    return Finding(
        "worsening",
        {"regions": regions},
        _advice("caution", "worsening", cfg["advice"]),
        cfg["cooldown_days"],
    )


def no_improvement(
    daily: Daily,
    base: Baseline,
    today: date,
    cfg: dict,
    window: int,
    started: date | None,
) -> Finding | None:
    if started is None or (today - started).days < cfg["after_days"]:
        return None
    recent_start = today - timedelta(days=window - 1)
    regions = {}
    for region in REGIONS:
        baseline = base.means.get(region)
        recent, days = daily.mean_over(region, recent_start, today)
        if baseline is None or baseline < cfg["min_baseline"] or not days:
            continue
        fall = (baseline - recent) / baseline
        if fall < cfg["min_fall"]:
            regions[region] = {
                "baseline": _round(baseline),
                "recent_mean": _round(recent),
                "fall_percent": round(fall * 100),
            }
    if not regions:
        return None
    detail = {"regions": regions, "days_on_program": (today - started).days}
    return Finding(
        "no_improvement",
        detail,
        _advice("info", "no_improvement", cfg["advice"]),
        cfg["cooldown_days"],
    )


def disengaged(patient_id: int, today: date, cfg: dict, facts: Facts) -> Finding | None:
    if facts.recent < cfg["missed_in_row"] or facts.recent_done:
        return None
    days = db.session.scalars(
        _LAST_SESSIONS,
        {"patient": patient_id, "today": today, "missed_in_row": cfg["missed_in_row"]},
    ).all()
    detail = {"missed": sorted(d.isoformat() for d in days)}
    return Finding("disengaged", detail, None, cfg["cooldown_days"])


def findings(
    patient: User, today: date, pending: PainEntry | None = None
) -> list[Finding]:
    """Every rule over the patient's data that holds today; `pending`: an entry
    about to be written, counted in (the rules are read before the write, so
    SQLite's one write lock is held only for the writes)."""
    data = rules()
    w, n = data["worsening"], data["no_improvement"]
    window = w["window_days"]
    missed_in_row = data["disengaged"]["missed_in_row"]
    facts = _facts(patient.id, today, window, missed_in_row, pending)
    started, start, daily = facts.started, facts.start, facts.daily
    found = []
    if start is not None:
        end = start + timedelta(days=data["baseline_days"] - 1)
        means = {}
        for region in REGIONS:
            mean, days = daily.mean_over(region, start, end)
            if days >= w["min_days"]:
                means[region] = mean
        base = Baseline(means, end)
        found += [worsening(daily, base, today, w)]
        found += [no_improvement(daily, base, today, n, window, started)]
    found += [disengaged(patient.id, today, data["disengaged"], facts)]
    return [finding for finding in found if finding]


# -- advice and alerts -----------------------------------------------------------------


def advice_for(
    entry: PainEntry, patient: User | None = None, found: list[Finding] | None = None
) -> list[dict]:
    """What the patient is told after an entry: urgent advice first. `found`:
    the findings already worked out for this entry, if any. An exercise-pain
    report gets its own advice (feedback.exercise_pain_advice), never the diary
    rules' (worsening, no improvement, high pain): the player shows it at once."""
    data = rules()
    patient = patient or db.session.get(User, entry.patient_id)
    if not entry.is_diary:
        found = []
    elif found is None:
        found = findings(patient, today_in(patient.timezone))
    advice = []
    if entry.red_flags:
        labels = {f["code"]: f["label"] for f in data["red_flags"]}
        signs = ", ".join(labels.get(code, code) for code in entry.red_flags)
        text = data["urgent_advice"].replace("{signs}", signs)
        advice.append(_advice("urgent", "red_flag", text))
    for symptom in data["symptoms"]:
        if symptom["code"] in (entry.symptoms or []):
            advice.append(_advice("caution", symptom["code"], symptom["advice"]))
    for finding in found:
        if finding.advice:
            advice.append(finding.advice)
    scores = [s for s in (entry.low_back, entry.neck, entry.headache) if s is not None]
    if entry.is_diary and scores and max(scores) >= data["high_pain"]["score"]:
        if not any(a["code"] == "worsening" for a in advice):
            advice.append(_advice("caution", "high_pain", data["high_pain"]["advice"]))
    return advice


def raise_alert(
    patient_id: int,
    kind: str,
    detail: dict,
    cooldown_days: int = 0,
    entry_id: int | None = None,
) -> Alert | None:
    """A new open alert, unless the kind is already open for the patient or was
    acknowledged within the cooldown (red flags: one per entry, always)."""
    if kind != "red_flag":
        recent = db.session.scalar(
            select(Alert.id).where(
                Alert.patient_id == patient_id,
                Alert.kind == kind,
                (Alert.status == "open")
                | (Alert.acknowledged_at > now() - timedelta(days=cooldown_days)),
            )
        )
        if recent:
            return None
    alert = Alert(
        patient_id=patient_id,
        kind=kind,
        detail=detail,
        pain_entry_id=entry_id,
        status="open",
        created_at=now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(alert)
    except IntegrityError:  # another process raised the same alert first
        return None
    return alert


def after_entry(
    entry: PainEntry, patient: User, found: list[Finding] | None = None
) -> list[Finding]:
    """Alerts for a new entry (red flags also pause the active plans); returns
    the findings, for the advice. `found`: the findings, worked out before the
    entry was written (see `findings_before_writing`)."""
    from kinetic.services.plans import set_assignment_status

    data = rules()
    if entry.red_flags:
        active = db.session.scalars(
            select(Assignment).where(
                Assignment.patient_id == patient.id, Assignment.status == "active"
            )
        ).all()
        for assignment in active:
            set_assignment_status(assignment, "paused")
        labels = {f["code"]: f["label"] for f in data["red_flags"]}
        detail = {
            "entry_id": entry.id,
            "codes": list(entry.red_flags),
            "signs": [labels.get(c, c) for c in entry.red_flags],
            "paused_assignments": [a.id for a in active],
        }
        raise_alert(patient.id, "red_flag", detail, entry_id=entry.id)
    for symptom in data["symptoms"]:
        if symptom.get("alert") and symptom["code"] in (entry.symptoms or []):
            detail = {"entry_id": entry.id, "symptom": symptom["code"]}
            raise_alert(patient.id, symptom["alert"], detail, 14, entry.id)
    if not entry.is_diary:
        return []  # not counted in the rules: it changes none of their findings
    today = today_in(patient.timezone)
    if found is None:
        found = findings(patient, today)
    _raise_findings(patient, today, found)
    return found


def findings_before_writing(entry: PainEntry, patient: User) -> list[Finding] | None:
    """The findings the new `entry` will bring, read before it is written, so
    that on SQLite the one write lock is held for the writes alone (holding it
    through the rules cut concurrent writes by a third). None for an entry with
    red flags: those pause the active plans first, which changes the rules'
    baseline, so they are worked out after. None of them for an exercise-pain
    report, which the rules do not read."""
    if not entry.is_diary:
        return []
    if entry.red_flags:
        return None
    return findings(patient, today_in(patient.timezone), pending=entry)


def _raise_findings(patient: User, today: date, found: list[Finding]) -> list[Alert]:
    raised = [
        raise_alert(
            patient.id, f.kind, {**f.detail, "date": today.isoformat()}, f.cooldown_days
        )
        for f in found
    ]
    return [a for a in raised if a]


def evaluate(patient: User, today: date) -> list[Alert]:
    return _raise_findings(patient, today, findings(patient, today))


def evaluate_nightly(at: datetime, hour: int = 2, everyone: bool = False) -> int:
    """Evaluates the patients on a plan whose local time is `hour` o'clock (each
    timezone once a day, from an hourly job); returns the alerts raised."""
    timezones = db.session.scalars(
        select(User.timezone).where(User.role == "patient").distinct()
    ).all()
    due = [
        tz for tz in timezones if everyone or at.astimezone(ZoneInfo(tz)).hour == hour
    ]
    raised = 0
    for timezone in due:
        today = at.astimezone(ZoneInfo(timezone)).date()
        patients = db.session.scalars(
            select(User).where(
                User.role == "patient",
                User.timezone == timezone,
                User.id.in_(
                    select(Assignment.patient_id).where(Assignment.status == "active")
                ),
            )
        ).all()
        for patient in patients:
            raised += len(evaluate(patient, today))
        db.session.commit()
    return raised
