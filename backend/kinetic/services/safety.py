"""Clinical safety: the rules in programs/safety.yaml applied to a patient's pain
entries and sessions, giving advice to the patient and alerts to the therapist.

Red flags raise one alert per entry and pause the patient's active plans. The other
rules raise an alert of their kind unless one is still open, or was acknowledged
less than the rule's cooldown ago. The thresholds and texts are data; what is here
is how they are applied."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import (
    Alert,
    Assignment,
    Notification,
    PainEntry,
    ScheduledSession,
    User,
)
from kinetic.models.plans import COMPLETED_STATUSES
from kinetic.services import picture
from kinetic.services.clock import now, today_in

REGION_NAMES = {"low_back": "low back", "neck": "neck", "headache": "headache"}


# -- the rules file --------------------------------------------------------------------


class SafetyRulesError(RuntimeError):
    """programs/safety.yaml is missing or invalid; the message lists file:line."""


def rules() -> dict[str, Any]:
    """The validated rules, read again when the file changes."""
    from kinetic.services.library import read_safety, rules_file

    return rules_file("safety.yaml", read_safety, SafetyRulesError)


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
    """A rule that holds for a patient today, with the figures behind it.
    `once`: its advice is shown only with the entry that raised its alert
    (`fresh`), then kept among the patient's notifications."""

    kind: str
    detail: dict[str, Any]
    advice: dict | None = None
    cooldown_days: int = 0
    once: bool = False
    fresh: bool = False


class Findings(list):
    """The findings, with the clinical picture's verdict they were read from."""

    verdict: str = "insufficient_data"
    reasons: list[dict] = []


# The patient's last `missed_in_row` sessions before today, newest first.
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


def _advice(level: str, code: str, text: str) -> dict:
    return {"level": level, "code": code, "text": " ".join(text.split())}


def worsening(verdict: str, reasons: list[dict], cfg: dict) -> Finding | None:
    """The picture is worsening: a measure meaningfully worse, or a flare."""
    if verdict != "worsening":
        return None
    worse = [r for r in reasons if r["direction"] == "worse"]
    return Finding(
        "worsening",
        {"reasons": worse},
        _advice("caution", "worsening", cfg["advice"]),
        cfg["cooldown_days"],
    )


def no_improvement(
    verdict: str, reasons: list[dict], days: picture.PainDays, today: date, cfg: dict
) -> Finding | None:
    """The picture is unchanged after the plan's review time."""
    review = picture.rules()["verdict"]["review_after_days"]
    if verdict != "unchanged" or days.started is None:
        return None
    if (today - days.started).days < review:
        return None
    detail = {"reasons": reasons, "days_on_program": (today - days.started).days}
    return Finding(
        "no_improvement",
        detail,
        _advice("info", "no_improvement", cfg["advice"]),
        cfg["cooldown_days"],
        once=True,
    )


def disengaged(patient_id: int, today: date, cfg: dict) -> Finding | None:
    rows = db.session.execute(
        _LAST_SESSIONS,
        {"patient": patient_id, "today": today, "missed_in_row": cfg["missed_in_row"]},
    ).all()
    if len(rows) < cfg["missed_in_row"]:
        return None
    if any(status in COMPLETED_STATUSES for _, status in rows):
        return None
    detail = {"missed": sorted(day.isoformat() for day, _ in rows)}
    return Finding("disengaged", detail, None, cfg["cooldown_days"])


def findings(patient: User, today: date, pending: PainEntry | None = None) -> Findings:
    """Every rule that holds today, read from the one clinical picture;
    `pending`: a diary entry about to be written, counted in (the rules are read
    before the write, so SQLite's one write lock is held only for the writes)."""
    data = rules()
    days = picture.pain_days(patient, today, pending)
    verdict, reasons, *_ = picture.clinical_state(patient, today, days)
    found = Findings(
        f
        for f in (
            worsening(verdict, reasons, data["worsening"]),
            no_improvement(verdict, reasons, days, today, data["no_improvement"]),
            disengaged(patient.id, today, data["disengaged"]),
        )
        if f
    )
    found.verdict, found.reasons = verdict, reasons
    return found


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
        # Advice that something has not eased comes once, with the entry that
        # raised its alert; it stays among the patient's notifications.
        if finding.advice and (finding.fresh or not finding.once):
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
    raised = []
    for f in found:
        detail = {**f.detail, "date": today.isoformat()}
        alert = raise_alert(patient.id, f.kind, detail, f.cooldown_days)
        if alert is not None:
            raised.append(alert)
            f.fresh = True
            if f.once and f.advice:
                _keep_advice(patient, f.advice)
    if getattr(found, "verdict", None) in ("improving", "worsening"):
        _resolve_no_improvement(patient, today, found.verdict, found.reasons)
    return raised


def _keep_advice(patient: User, advice: dict) -> None:
    """An in-app copy of advice given once, where the patient can find it again."""
    db.session.add(
        Notification(
            user_id=patient.id,
            kind="advice",
            title="About your progress",
            body=advice["text"][:500],
            url="/#/trends",
            created_at=now(),
        )
    )


def _resolve_no_improvement(
    patient: User, today: date, verdict: str, reasons: list[dict]
) -> None:
    """An open "no improvement" alert closes itself once the picture improves
    (or worsens: the worsening alert then says what the therapist needs)."""
    way = "better" if verdict == "improving" else "worse"
    why = "; ".join(r["text"] for r in reasons if r["direction"] == way)
    note = f"Now {verdict}: {why}."
    for alert in db.session.scalars(
        select(Alert).where(
            Alert.patient_id == patient.id,
            Alert.kind == "no_improvement",
            Alert.status == "open",
        )
    ):
        alert.status = "resolved"
        alert.detail = {
            **alert.detail,
            "resolved": {"date": today.isoformat(), "note": note},
        }


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
