"""The one clinical picture of a patient: adherence, the change in pain per
region, the questionnaires' change and a verdict, worked out with the figures in
programs/picture.yaml. Every screen, report, alert and progression rule reads it,
so none can tell another story (docs/clinical-picture.md says it in plain words)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select

from kinetic.extensions import db
from kinetic.models import (
    REGIONS,
    Assignment,
    PainEntry,
    QuestionnaireResponse,
    ScheduledSession,
    User,
)
from kinetic.models.plans import COMPLETED_STATUSES
from kinetic.services.clock import today_in

# How a reason names a region's pain.
PAIN_NAMES = {"low_back": "Low back pain", "neck": "Neck pain", "headache": "Headache"}


class PictureRulesError(RuntimeError):
    """programs/picture.yaml is missing or invalid; the message lists file:line."""


def rules() -> dict[str, Any]:
    """The validated figures, read again when the file changes."""
    from kinetic.services.library import read_picture, rules_file

    return rules_file("picture.yaml", read_picture, PictureRulesError)


# -- adherence ---------------------------------------------------------------------


@dataclass
class Adherence:
    """Sessions due in a window and what became of them. `ratio`: done sessions
    count 1, a partly done one its `done_fraction`, over the sessions due."""

    due: int = 0
    done: int = 0
    partly_done: int = 0
    missed: int = 0
    units: float = 0.0

    @property
    def ratio(self) -> float | None:
        return round(self.units / self.due, 3) if self.due else None

    def as_dict(self) -> dict:
        return {
            "due": self.due,
            "done": self.done,
            "partly_done": self.partly_done,
            "missed": self.missed,
            "ratio": self.ratio,
        }


# Built once: per patient, day and status, the sessions and the sum of their
# done fractions (a session done before fractions existed counts 1).
_SESSION_ROWS = (
    select(
        ScheduledSession.patient_id,
        ScheduledSession.date,
        ScheduledSession.status,
        func.count(),
        func.sum(func.coalesce(ScheduledSession.done_fraction, 1.0)),
    )
    .where(
        ScheduledSession.patient_id.in_(bindparam("patients", expanding=True)),
        ScheduledSession.date.between(bindparam("start"), bindparam("end")),
        ScheduledSession.status != "cancelled",
    )
    .group_by(
        ScheduledSession.patient_id, ScheduledSession.date, ScheduledSession.status
    )
)


def count_session(tally: Adherence, day, status, count, fraction, today) -> None:
    """Adds sessions of one day and status to `tally`: every session of a past
    day is due; today's only once done or partly done; later ones never."""
    if day > today or (day == today and status not in COMPLETED_STATUSES):
        return
    tally.due += count
    if status == "done":
        tally.done += count
        tally.units += count
    elif status == "partly_done":
        tally.partly_done += count
        tally.units += float(fraction or 0)
    else:
        tally.missed += count


def session_rows(patient_ids, start: date, end: date):
    """(patient, day, status, sessions, sum of done fractions) per day and status."""
    return db.session.execute(
        _SESSION_ROWS, {"patients": list(patient_ids), "start": start, "end": end}
    ).all()


def adherence_by_patient(
    patients: Iterable[User], windows: dict[int, tuple[date, date]]
) -> dict[int, Adherence]:
    """Each patient's adherence over their window (first, last day, inclusive),
    in one statement however many patients there are."""
    patients = list(patients)
    out = {p.id: Adherence() for p in patients}
    if not patients:
        return out
    todays = {p.id: today_in(p.timezone) for p in patients}
    low = min(first for first, _ in windows.values())
    high = max(last for _, last in windows.values())
    for patient_id, day, status, count, fraction in session_rows(out, low, high):
        first, last = windows[patient_id]
        if first <= day <= last:
            count_session(
                out[patient_id], day, status, count, fraction, todays[patient_id]
            )
    return out


def adherence(patient: User, first: date, last: date) -> Adherence:
    return adherence_by_patient([patient], {patient.id: (first, last)})[patient.id]


# -- pain --------------------------------------------------------------------------


@dataclass
class PainDays:
    """A patient's diary by local day: per region and day [sum, count, max] of
    the scores, and when the current plan started (None without an active plan)."""

    started: date | None
    first_entry: date | None
    totals: dict[str, dict[date, list]] = field(default_factory=dict)

    def add(self, day: date, region: str, total: float, count: int, top: int):
        found = self.totals.setdefault(region, {}).setdefault(day, [0.0, 0, top])
        found[0], found[1], found[2] = (
            found[0] + total,
            found[1] + count,
            max(found[2], top),
        )

    def add_entry(self, entry: PainEntry) -> None:
        """Counts in an entry about to be written (the rules run before the write)."""
        self.first_entry = min(filter(None, (self.first_entry, entry.local_date)))
        for region in REGIONS:
            if (score := getattr(entry, region)) is not None:
                self.add(entry.local_date, region, score, 1, score)

    def mean_over(self, region: str, start: date, end: date) -> tuple[float, int]:
        values = [
            total / count
            for d, (total, count, _) in self.totals.get(region, {}).items()
            if start <= d <= end
        ]
        return (sum(values) / len(values), len(values)) if values else (0.0, 0)

    def highest(self, region: str, day: date) -> int:
        return self.totals.get(region, {}).get(day, (0, 0, -1))[2]


def baseline_window(days: PainDays, region: str, cfg: dict) -> tuple[date, date] | None:
    """The 7 days before the current plan when they hold enough scored days,
    else the plan's first 7 days; without a plan, the first 7 days of entries."""
    length = timedelta(days=cfg["baseline_days"] - 1)
    if days.started is not None:
        before = days.started - timedelta(days=cfg["baseline_days"])
        if days.mean_over(region, before, before + length)[1] >= cfg["min_days"]:
            return before, before + length
        return days.started, days.started + length
    if days.first_entry is not None:
        return days.first_entry, days.first_entry + length
    return None


def region_change(days: PainDays, region: str, today: date, cfg: dict) -> dict:
    """Baseline, recent mean and their change for one region, unrounded; the
    change is None until both windows hold enough days and no longer overlap."""
    out = {"baseline": None, "recent": None, "change": None, "change_pct": None}
    out |= {"meaningful": False, "direction": None, "judged": False}
    window = baseline_window(days, region, cfg)
    recent_start = today - timedelta(days=cfg["recent_days"] - 1)
    if window is not None:
        base, n = days.mean_over(region, *window)
        out["baseline"] = base if n >= cfg["min_days"] else None
    recent, n = days.mean_over(region, recent_start, today)
    out["recent"] = recent if n >= cfg["min_days"] else None
    if out["baseline"] is None or out["recent"] is None or recent_start <= window[1]:
        return out
    change = out["recent"] - out["baseline"]
    pct = change / out["baseline"] * 100 if out["baseline"] else None
    meaningful = abs(change) >= cfg["meaningful_points"] - 1e-9 and (
        pct is None or abs(pct) >= cfg["meaningful_percent"] - 1e-9
    )
    direction = ("worse" if change > 0 else "better") if meaningful else "same"
    # A low baseline leaves no room to fall: judged only if it rose meaningfully.
    judged = out["baseline"] >= cfg["min_baseline"] or direction == "worse"
    return out | {
        "change": change,
        "change_pct": pct,
        "meaningful": meaningful,
        "direction": direction,
        "judged": judged,
    }


def flares(days: PainDays, today: date, cfg: dict) -> dict[str, list[date]]:
    """Regions scored at least `high_score` on `high_days` of the last days."""
    last = [today - timedelta(days=n) for n in range(cfg["of_last_days"])]
    found = {}
    for region in REGIONS:
        high = [d for d in last if days.highest(region, d) >= cfg["high_score"]]
        if len(high) >= cfg["high_days"]:
            found[region] = sorted(high)
    return found


# The diary's daily means and maxima since a day, and the facts they are judged
# by; exercise-pain reports ("Stop: this hurts") are not diary entries.
_DIARY_DAYS = (
    select(
        PainEntry.local_date,
        *[
            aggregate(getattr(PainEntry, region))
            for region in REGIONS
            for aggregate in (func.sum, func.count, func.max)
        ],
    )
    .where(
        PainEntry.patient_id == bindparam("patient"),
        PainEntry.is_diary,
        PainEntry.local_date.between(bindparam("start"), bindparam("end")),
    )
    .group_by(PainEntry.local_date)
)
# When the active plans began and the first diary day, in one round trip.
_STARTS = select(
    select(func.min(Assignment.start_date))
    .where(Assignment.patient_id == bindparam("patient"), Assignment.status == "active")
    .scalar_subquery(),
    select(func.min(PainEntry.local_date))
    .where(PainEntry.patient_id == bindparam("patient"), PainEntry.is_diary)
    .scalar_subquery(),
)


def pain_days(patient: User, today: date, pending: PainEntry | None = None) -> PainDays:
    """What the pain picture reads, from the baseline's earliest day on;
    `pending`: a diary entry about to be written, counted in."""
    cfg = rules()["pain"]
    params = {"patient": patient.id}
    started, first_entry = db.session.execute(_STARTS, params).one()
    if pending is not None and not pending.is_diary:
        pending = None  # a "this hurts" report is not a diary entry
    if pending is not None:
        first_entry = min(filter(None, (first_entry, pending.local_date)))
    days = PainDays(started, first_entry)
    lower = today - timedelta(
        days=max(cfg["recent_days"], cfg["flare"]["of_last_days"])
    )
    if started is not None:
        lower = min(lower, started - timedelta(days=cfg["baseline_days"]))
    elif first_entry is not None:
        lower = min(lower, first_entry)
    rows = db.session.execute(_DIARY_DAYS, params | {"start": lower, "end": today})
    for row in rows:
        for i, region in enumerate(REGIONS):
            total, count, top = row[1 + 3 * i : 4 + 3 * i]
            if count:
                days.add(row[0], region, float(total), count, int(top))
    if pending is not None and lower <= pending.local_date <= today:
        days.add_entry(pending)
    return days


# -- questionnaires ----------------------------------------------------------------


def questionnaire_change(slug: str, content: dict, baseline, latest) -> dict:
    """The latest score against the baseline (the first answer to the items as
    they are now), judged by the questionnaire's own minimal important change."""
    mic = content["minimal_important_change"]
    out = {"slug": slug, "title": content["title"], "baseline": None, "latest": None}
    out |= {"change": None, "meaningful": False, "direction": None, "judged": False}
    if latest is None:
        return out
    out["latest"] = latest
    if mic["type"] == "rating":  # a rating of change stands alone (PGIC)
        lower = content["better"] == "lower"
        out["meaningful"] = latest <= mic["value"] if lower else latest >= mic["value"]
        return out
    out["baseline"] = baseline
    if baseline is None:
        return out
    change = latest - baseline
    better_by = -change if content["better"] == "lower" else change
    meaningful = abs(change) >= mic["value"] - 1e-9
    direction = ("better" if better_by > 0 else "worse") if meaningful else "same"
    primary = slug in rules()["questionnaires"]["primary"]
    return out | {
        "change": change,
        "meaningful": meaningful,
        "direction": direction,
        "judged": primary,
    }


# A patient's answers, oldest first per schedule, without building ORM rows (the
# picture is read with every pain entry).
_ANSWERS = (
    select(
        QuestionnaireResponse.schedule_id,
        QuestionnaireResponse.items,
        QuestionnaireResponse.answers,
        QuestionnaireResponse.local_date,
    )
    .where(QuestionnaireResponse.patient_id == bindparam("patient"))
    .order_by(
        QuestionnaireResponse.schedule_id,
        QuestionnaireResponse.answered_at,
        QuestionnaireResponse.id,
    )
)


def questionnaire_changes(patient: User) -> list[dict]:
    """Per schedule: the baseline (the first answer to the items as they are
    now) and the latest answer, unrounded, judged by `questionnaire_change`."""
    from kinetic.services import questionnaires

    answers = defaultdict(list)
    for schedule_id, items, given, day in db.session.execute(
        _ANSWERS, {"patient": patient.id}
    ):
        answers[schedule_id].append((items, given, day))
    out = []
    for schedule in questionnaires.schedules_of(patient):
        content = schedule.questionnaire.content
        # Each score before rounding: the change is worked out from these.
        rows = [
            (items, questionnaires.exact_score_of(content, given), day)
            for items, given, day in answers.get(schedule.id, [])
        ]
        asked = [
            {"code": i["code"], "text": i["text"]}
            for i in questionnaires.items_of(content, schedule.goals)
        ]
        current = [score for items, score, _ in rows if items == asked]
        # One answer to the current items is a baseline, not yet a change.
        base = current[0] if len(current) > 1 else None
        latest = rows[-1] if rows else None
        found = questionnaire_change(
            schedule.questionnaire.slug,
            content,
            base if latest is not None and latest[0] == asked else None,
            latest[1] if latest else None,
        )
        out.append(found | {"latest_date": latest[2] if latest else None})
    return out


# -- the verdict -------------------------------------------------------------------


def _points(value: float, decimals: int = 1) -> str:
    return f"{value:+.{decimals}f}".replace("-", "−")


def _pain_reason(region: str, change: dict) -> dict:
    name = PAIN_NAMES[region]
    word = {"better": "a meaningful fall", "worse": "a meaningful rise"}
    text = (
        f"{name} {change['baseline']:.1f} → {change['recent']:.1f} "
        f"({_points(change['change'])} points, "
        f"{_points(change['change_pct'], 0)}%): "
        + word.get(change["direction"], "no meaningful change")
    )
    return {
        "measure": f"pain.{region}",
        "direction": change["direction"],
        "baseline": round(change["baseline"], 1),
        "recent": round(change["recent"], 1),
        "change": round(change["change"], 1),
        "change_pct": round(change["change_pct"]),
        "text": text,
    }


def _questionnaire_reason(item: dict) -> dict:
    word = {"better": "a meaningful improvement", "worse": "meaningfully worse"}
    text = (
        f"{item['title']} {item['baseline']:.1f} → {item['latest']:.1f} "
        f"({_points(item['change'])}): "
        + word.get(item["direction"], "less than its minimal important change")
    )
    return {
        "measure": f"questionnaire.{item['slug']}",
        "direction": item["direction"],
        "baseline": round(item["baseline"], 1),
        "latest": round(item["latest"], 1),
        "change": round(item["change"], 1),
        "text": text,
    }


def _flare_reason(region: str, high: list[date], cfg: dict) -> dict:
    return {
        "measure": f"flare.{region}",
        "direction": "worse",
        "days": [d.isoformat() for d in high],
        "text": (
            f"{PAIN_NAMES[region]} {cfg['high_score']} or more "
            f"on {len(high)} of the last {cfg['of_last_days']} days"
        ),
    }


def judge(pain: dict, flared: dict, questionnaires: list[dict]) -> tuple:
    """(verdict, reasons): `worsening` when any judged measure is meaningfully
    worse or a region flares, even if another improves (safety first); else
    `improving` when any is meaningfully better; else `unchanged`; and
    `insufficient_data` when nothing can be judged yet."""
    cfg = rules()["pain"]["flare"]
    reasons = [_flare_reason(r, high, cfg) for r, high in flared.items()]
    reasons += [_pain_reason(r, c) for r, c in pain.items() if c["judged"]]
    reasons += [_questionnaire_reason(q) for q in questionnaires if q["judged"]]
    order = {"worse": 0, "better": 1, "same": 2}
    reasons.sort(key=lambda r: order[r["direction"]])
    directions = {r["direction"] for r in reasons}
    if "worse" in directions:
        return "worsening", reasons
    if "better" in directions:
        return "improving", reasons
    return ("unchanged" if reasons else "insufficient_data"), reasons


@dataclass
class Picture:
    as_of: date
    start: date
    end: date
    adherence: Adherence
    pain: dict[str, dict]
    questionnaires: list[dict]
    verdict: str
    reasons: list[dict]
    started: date | None = None

    def as_dict(self) -> dict:
        """The summary's JSON form (PictureSchema's), figures rounded once here."""
        return {
            "as_of": self.as_of.isoformat(),
            "window": {
                "from": self.start.isoformat(),
                "to": self.end.isoformat(),
                "days": (self.end - self.start).days + 1,
            },
            "adherence": self.adherence.as_dict(),
            "pain": {r: _rounded_pain(c) for r, c in self.pain.items()},
            "questionnaires": [_rounded_questionnaire(q) for q in self.questionnaires],
            "verdict": self.verdict,
            "reasons": self.reasons,
            "plan_started": self.started.isoformat() if self.started else None,
        }


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _rounded_pain(change: dict) -> dict:
    pct = change["change_pct"]
    return {
        "baseline": _one(change["baseline"]),
        "recent": _one(change["recent"]),
        "change": _one(change["change"]),
        "change_pct": None if pct is None else round(pct),
        "meaningful": change["meaningful"],
        "direction": change["direction"],
    }


def _rounded_questionnaire(item: dict) -> dict:
    return {
        "slug": item["slug"],
        "title": item["title"],
        "baseline": _one(item["baseline"]),
        "latest": _one(item["latest"]),
        "latest_date": item["latest_date"].isoformat() if item["latest_date"] else None,
        "change": _one(item["change"]),
        "meaningful": item["meaningful"],
        "direction": item["direction"],
    }


def clinical_state(
    patient: User, today: date, days: PainDays | None = None
) -> tuple[str, list[dict], dict, list[dict], PainDays]:
    """(verdict, reasons, pain, questionnaires, days) on `today`; `days`: the
    diary already read (the safety rules read it with a pending entry)."""
    cfg = rules()["pain"]
    days = days if days is not None else pain_days(patient, today)
    pain = {r: region_change(days, r, today, cfg) for r in REGIONS}
    flared = flares(days, today, cfg["flare"])
    questionnaires = questionnaire_changes(patient)
    verdict, reasons = judge(pain, flared, questionnaires)
    return verdict, reasons, pain, questionnaires, days


def summary(patient: User, window_days: int | None = None) -> Picture:
    """The picture for the last `window_days` days up to the patient's today."""
    window_days = window_days or rules()["adherence"]["default_window_days"]
    today = today_in(patient.timezone)
    return between(patient, today - timedelta(days=window_days - 1), today)


def between(patient: User, start: date, end: date) -> Picture:
    """The picture as of the patient's today, with adherence from `start` to
    `end` (a report's period)."""
    today = today_in(patient.timezone)
    verdict, reasons, pain, questionnaires, days = clinical_state(patient, today)
    return Picture(
        as_of=today,
        start=start,
        end=end,
        adherence=adherence(patient, start, end),
        pain=pain,
        questionnaires=questionnaires,
        verdict=verdict,
        reasons=reasons,
        started=days.started,
    )
