"""Which plans a progression rule applies to, for many patients at once: a few
set-based queries (plans, their last sessions, adherence, pain means, alerts,
earlier suggestions) and the rules applied to the rows in memory; no query per
patient. Run after each completed session (for that patient) and nightly (for the
patients whose local time is the review hour)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.sql.elements import ColumnElement

from kinetic.extensions import db
from kinetic.models import (
    Alert,
    Assignment,
    PainEntry,
    Prescription,
    ScheduledSession,
    Suggestion,
    User,
)
from kinetic.models.library import shared_json_many
from kinetic.services import progression
from kinetic.services.clock import now

REGIONS = ("low_back", "neck", "headache")


@dataclass
class Plan:
    id: int
    patient_id: int
    start: date
    weeks: int
    mode: str
    version: int
    changed_at: datetime
    phases: list[dict]
    sessions: list[dict] = field(default_factory=list)
    adherence: float | None = None
    rise: dict[str, float] = field(default_factory=dict)
    alerts: list[tuple[int, str]] = field(default_factory=list)
    triggers: set[str] = field(default_factory=set)
    pending: bool = False


def _plans(who: ColumnElement) -> dict[int, Plan]:
    # The newest version of each plan's prescription, looked up per plan by the
    # (assignment_id, version) key: a grouped subquery over every prescription
    # was a tenth of a session's completion.
    latest = (
        select(func.max(Prescription.version))
        .where(Prescription.assignment_id == Assignment.id)
        .correlate(Assignment)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Assignment.id,
            Assignment.patient_id,
            Assignment.start_date,
            Assignment.end_date,
            Assignment.progression,
            Prescription.version,
            Prescription.changed_at,
            Prescription.phases_hash,
        )
        .join(User, User.id == Assignment.patient_id)
        .join(
            Prescription,
            (Prescription.assignment_id == Assignment.id)
            & (Prescription.version == latest),
        )
        .where(who, Assignment.status == "active", Assignment.progression != "off")
    ).all()
    phases = _phases({r[7] for r in rows})
    return {
        r[0]: Plan(
            r[0], r[1], r[2], ((r[3] - r[2]).days + 1) // 7, *r[4:7], phases[r[7]]
        )
        for r in rows
    }


def _phases(hashes: set[str]) -> dict[str, list[dict]]:
    """Each distinct prescription's phases, decoded once: most plans share a few
    (a profile put 85% of the review in decoding the same JSON again). Those the
    process has decoded already (Prescription.shared_phases) are not read again:
    a patient's review after a completed session usually reads none."""
    return shared_json_many("prescription", hashes, _read_phases)


def _read_phases(hashes: set[str]) -> dict[str, list[dict]]:
    first = (
        select(func.min(Prescription.id))
        .where(Prescription.phases_hash.in_(hashes))
        .group_by(Prescription.phases_hash)
    )
    return dict(
        db.session.execute(
            select(Prescription.phases_hash, Prescription.phases).where(
                Prescription.id.in_(first)
            )
        ).all()
    )


def _last_sessions(who: ColumnElement, today: date, plans: dict, count: int) -> None:
    ranked = (
        select(
            ScheduledSession.assignment_id,
            ScheduledSession.date,
            ScheduledSession.completed_at,
            ScheduledSession.pain_during,
            ScheduledSession.exercise_feedback,
            func.row_number()
            .over(
                partition_by=ScheduledSession.assignment_id,
                order_by=(ScheduledSession.date.desc(), ScheduledSession.slot.desc()),
            )
            .label("n"),
        )
        .join(User, User.id == ScheduledSession.patient_id)
        .where(
            who,
            ScheduledSession.status == "done",
            ScheduledSession.date > today - timedelta(days=28),
        )
        .subquery()
    )
    for row in db.session.execute(select(ranked).where(ranked.c.n <= count)):
        plan = plans.get(row.assignment_id)
        if plan is not None:
            plan.sessions.append(_session(row))


def _session(row: Any) -> dict:
    items = row.exercise_feedback or []
    pains = [i["pain"] for i in items if i.get("pain") is not None]
    if row.pain_during is not None:
        pains.append(row.pain_during)
    return {
        "date": row.date.isoformat(),
        "completed_at": row.completed_at,
        "pain_during": max(pains) if pains else None,
        "efforts": sorted({i["effort"] for i in items if i.get("effort")}),
    }


def _adherence(who: ColumnElement, today: date, plans: dict, days: int) -> None:
    done = func.sum(func.cast(ScheduledSession.status == "done", db.Integer))
    rows = db.session.execute(
        select(ScheduledSession.assignment_id, func.count(), done)
        .join(User, User.id == ScheduledSession.patient_id)
        .where(
            who,
            ScheduledSession.date >= today - timedelta(days=days),
            ScheduledSession.date < today,
            ScheduledSession.status != "cancelled",
        )
        .group_by(ScheduledSession.assignment_id)
    )
    for assignment_id, scheduled, done_count in rows:
        if assignment_id in plans and scheduled:
            plans[assignment_id].adherence = round((done_count or 0) / scheduled, 2)


def _pain_rise(who: ColumnElement, today: date, plans: dict, days: int) -> None:
    """Per patient and region: the mean of the last `days` days minus the mean of
    the `days` before (diary entries, by the patient's local day)."""
    recent = PainEntry.local_date > today - timedelta(days=days)
    columns = []
    for region in REGIONS:
        value = getattr(PainEntry, region)
        columns.append(func.avg(db.case((recent, value))))
        columns.append(func.avg(db.case((~recent, value))))
    rows = db.session.execute(
        select(PainEntry.patient_id, *columns)
        .join(User, User.id == PainEntry.patient_id)
        .where(
            who,
            PainEntry.is_diary,
            PainEntry.local_date > today - timedelta(days=2 * days),
            PainEntry.local_date <= today,
        )
        .group_by(PainEntry.patient_id)
    )
    rises = {}
    for row in rows:
        means = row[1:]
        rises[row[0]] = {
            region: round(float(means[2 * i]) - float(means[2 * i + 1]), 1)
            for i, region in enumerate(REGIONS)
            if means[2 * i] is not None and means[2 * i + 1] is not None
        }
    for plan in plans.values():
        plan.rise = rises.get(plan.patient_id, {})


def _alerts(who: ColumnElement, plans: dict, kinds: list[str]) -> None:
    rows = db.session.execute(
        select(Alert.patient_id, Alert.id, Alert.kind, Alert.created_at)
        .join(User, User.id == Alert.patient_id)
        .where(
            who,
            Alert.kind.in_(kinds),
            Alert.created_at >= now() - timedelta(days=7),
        )
    ).all()
    by_patient = defaultdict(list)
    for patient_id, alert_id, kind, created_at in rows:
        by_patient[patient_id].append((alert_id, kind, created_at))
    for plan in plans.values():
        plan.alerts = [
            (alert_id, kind)
            for alert_id, kind, created_at in by_patient.get(plan.patient_id, [])
            if created_at >= plan.changed_at
        ]


def _earlier(who: ColumnElement, plans: dict) -> None:
    rows = db.session.execute(
        select(Suggestion.assignment_id, Suggestion.trigger, Suggestion.status)
        .join(User, User.id == Suggestion.patient_id)
        .where(who)
    )
    for assignment_id, trigger, status in rows:
        plan = plans.get(assignment_id)
        if plan is not None:
            plan.triggers.add(trigger)
            plan.pending |= status == "pending"


def _open_rules(plan: Plan, today: date) -> set[str]:
    """The rules that could still make a suggestion for `plan` today, from the
    plan alone (see _decide): none while one is pending or outside the plan's
    weeks; a step back only after the first phase; an advance only before the
    last; a hold only in a phase's last week."""
    week = progression.plan_week(plan.start, today)
    if plan.pending or not 1 <= week <= plan.weeks:
        return set()
    index = progression.phase_at(plan.phases, week)
    found = {"step_back"} if index > 0 else set()
    if index + 1 < len(plan.phases):
        found.add("advance")
        if plan.phases[index + 1]["weeks"][0] == week + 1:
            found.add("hold")
    return found


def gather(who: ColumnElement, today: date) -> dict[int, Plan]:
    """The active plans with progression on that a rule could still apply to,
    and the figures those rules read. Each figure is read only for the plans
    whose rules need it (a profile put the six reads at half of a session's
    completion): a plan in its last phase with no alert since it changed needs
    no session figures at all."""
    rules = progression.rules()
    plans = _plans(who)
    if plans:
        _earlier(who, plans)
    open_rules = {i: _open_rules(plan, today) for i, plan in plans.items()}
    plans = {i: plan for i, plan in plans.items() if open_rules[i]}

    def needed(*names: str) -> bool:
        return any(open_rules[i] & set(names) for i in plans)

    if needed("step_back"):
        _alerts(who, plans, rules["step_back"]["alerts"])
        plans = {
            i: plan
            for i, plan in plans.items()
            if plan.alerts or open_rules[i] != {"step_back"}
        }
    if needed("advance", "hold"):
        count = max(rules["advance"]["sessions"], rules["hold"]["sessions"])
        _last_sessions(who, today, plans, count)
        _adherence(who, today, plans, rules["advance"]["adherence_days"])
    if needed("hold"):
        _pain_rise(who, today, plans, rules["hold"]["mean_days"])
    return plans


# -- the rules over the gathered figures -----------------------------------------------

Found = tuple[str, str, dict, str]  # action, trigger, figures, reason


def _pains(sessions: list[dict]) -> str:
    scores = [str(s["pain_during"]) for s in sessions]
    if len(scores) == 1:
        return scores[0]
    return ", ".join(scores[:-1]) + " and " + scores[-1]


def _step_back(plan: Plan, index: int, rules: dict) -> Found | None:
    if index == 0 or not plan.alerts:
        return None
    alert_id, kind = max(plan.alerts)
    words = "an exercise pain alert" if kind == "exercise_pain" else f"a {kind} alert"
    figures = {"alert_id": alert_id, "alert": kind}
    reason = f"{words.capitalize()} was raised since the plan last changed."
    return "step_back", f"step_back:alert{alert_id}", figures, reason


def _hold(plan: Plan, index: int, week: int, rules: dict) -> Found | None:
    cfg = rules["hold"]
    if index + 1 >= len(plan.phases):
        return None
    if plan.phases[index + 1]["weeks"][0] != week + 1:
        return None
    last = plan.sessions[: cfg["sessions"]]
    painful = [s for s in last if (s["pain_during"] or 0) >= cfg["pain_during"]]
    rose = {r: v for r, v in plan.rise.items() if v >= cfg["mean_rise"]}
    if len(painful) < cfg["in_sessions"] and not rose:
        return None
    figures = {"pain_during": [s["pain_during"] for s in last], "mean_rise": rose}
    parts = []
    if len(painful) >= cfg["in_sessions"]:
        parts.append(
            f"pain during was {cfg['pain_during']} or more in {len(painful)} of the "
            f"last {len(last)} sessions ({_pains(painful)})"
        )
    for region, rise in rose.items():
        name = region.replace("_", " ")
        parts.append(f"{name} pain rose by {rise} over {cfg['mean_days']} days")
    reason = " and ".join(parts).capitalize() + "."
    return "hold", f"hold:v{plan.version}:w{week}", figures, reason


def _advance(plan: Plan, index: int, rules: dict) -> Found | None:
    cfg = rules["advance"]
    if index + 1 >= len(plan.phases) or plan.adherence is None:
        return None
    begun = plan.start + timedelta(weeks=plan.phases[index]["weeks"][0] - 1)
    recent = [
        s
        for s in plan.sessions
        if s["completed_at"] >= plan.changed_at and s["date"] >= begun.isoformat()
    ][: cfg["sessions"]]
    if len(recent) < cfg["sessions"] or plan.adherence < cfg["min_adherence"]:
        return None
    if any(s["pain_during"] is None for s in recent):
        return None
    if any(s["pain_during"] > cfg["max_pain_during"] for s in recent):
        return None
    if any(cfg["not_effort"] in s["efforts"] for s in recent):
        return None
    figures = {
        "pain_during": [s["pain_during"] for s in recent],
        "adherence": plan.adherence,
        "adherence_days": cfg["adherence_days"],
    }
    reason = (
        f"Pain during the last {len(recent)} sessions was {_pains(recent)} out of 10, "
        f"no exercise was too hard, and {round(plan.adherence * 100)}% of the "
        f"sessions of the last {cfg['adherence_days']} days were done."
    )
    return "advance", f"advance:v{plan.version}:p{index}", figures, reason


def _decide(plan: Plan, week: int, rules: dict) -> Found | None:
    plan.sessions.sort(key=lambda s: s["date"], reverse=True)
    index = progression.phase_at(plan.phases, week)
    return (
        _step_back(plan, index, rules)
        or _hold(plan, index, week, rules)
        or _advance(plan, index, rules)
    )


def review(who: ColumnElement, today: date) -> list[int]:
    """New suggestions for the plans of the patients `who` selects (applied at once
    on plans in `auto` mode); none for a plan with one still pending, and never
    twice for the same trigger."""
    rules = progression.rules()
    made = []
    for plan in gather(who, today).values():
        week = progression.plan_week(plan.start, today)
        if plan.pending or not 1 <= week <= plan.weeks:
            continue
        found = _decide(plan, week, rules)
        if not found or found[1] in plan.triggers:
            continue
        action, trigger, figures, reason = found
        cfg = rules[action]
        if (
            progression.changed_phases(action, plan.phases, week, plan.weeks, cfg)
            is None
        ):
            continue
        figures |= {
            "week": week,
            "from_phase": plan.phases[progression.phase_at(plan.phases, week)]["name"],
            "to_phase": progression.target_phase(action, plan.phases, week),
        }
        made.append(
            {
                "assignment_id": plan.id,
                "patient_id": plan.patient_id,
                "action": action,
                "trigger": trigger,
                "reason": reason,
                "figures": figures,
                "status": "pending",
                "automatic": plan.mode == "auto",
                "created_at": now(),
            }
        )
    if not made:
        return []
    # One bulk insert; only the automatic ones are loaded again, to be applied.
    ids = db.session.scalars(insert(Suggestion).returning(Suggestion.id), made).all()
    auto = [i for i, row in zip(ids, made, strict=True) if row["automatic"]]
    for suggestion in db.session.scalars(
        select(Suggestion).where(Suggestion.id.in_(auto))
    ):
        progression.apply(suggestion, None)
        progression.tell_patient(suggestion)
    return ids


def after_completion(patient: User, today: date) -> list[int]:
    return review(User.id == patient.id, today)


def evaluate_nightly(at: datetime, hour: int = 2, everyone: bool = False) -> int:
    """Reviews the patients whose local time is `hour` o'clock (each timezone once
    a day, from the hourly safety review); returns the suggestions made."""
    timezones = db.session.scalars(
        select(User.timezone).where(User.role == "patient").distinct()
    ).all()
    made = 0
    for timezone in timezones:
        local = at.astimezone(ZoneInfo(timezone))
        if everyone or local.hour == hour:
            who = (User.role == "patient") & (User.timezone == timezone)
            made += len(review(who, local.date()))
            db.session.commit()
    return made
