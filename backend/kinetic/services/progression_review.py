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

from sqlalchemy import func, insert, select, true
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
from kinetic.services import picture, progression
from kinetic.services.clock import now
from kinetic.services.progression_blocks import blocking_fact, day_words

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
    adherence: picture.Adherence | None = None
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
            ScheduledSession.status.in_(("done", "partly_done")),
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
    """The advance rule's adherence is the clinical picture's, over the rule's
    last `days` days (today included): the one figure every screen shows."""
    patient_ids = {plan.patient_id for plan in plans.values()}
    patients = db.session.scalars(select(User).where(User.id.in_(patient_ids)))
    window = (today - timedelta(days=days - 1), today)
    found = picture.adherence_by_patient(patients, dict.fromkeys(patient_ids, window))
    for plan in plans.values():
        plan.adherence = found.get(plan.patient_id)


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


def _alerts(
    who: ColumnElement, plans: dict, kinds: list[str], days: int | None = 7
) -> None:
    """The alerts of `kinds` of the last `days` days (None: of any age, for a
    pending step back, whose alert does not stop counting as it ages)."""
    recent = Alert.created_at >= now() - timedelta(days=days) if days else true()
    rows = db.session.execute(
        select(Alert.patient_id, Alert.id, Alert.kind, Alert.created_at)
        .join(User, User.id == Alert.patient_id)
        .where(who, Alert.kind.in_(kinds), recent)
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


def _open_rules(plan: Plan, today: date, recheck: bool = False) -> set[str]:
    """The rules that could still make a suggestion for `plan` today, from the
    plan alone (see _decide): none while one is pending (unless `recheck`ing
    that one) or outside the plan's weeks; a step back only after the first
    phase; an advance only before the last; a hold only in a phase's last week."""
    week = progression.plan_week(plan.start, today)
    if (plan.pending and not recheck) or not 1 <= week <= plan.weeks:
        return set()
    index = progression.phase_at(plan.phases, week)
    found = {"step_back"} if index > 0 else set()
    if index + 1 < len(plan.phases):
        found.add("advance")
        if plan.phases[index + 1]["weeks"][0] == week + 1:
            found.add("hold")
    return found


def gather(who: ColumnElement, today: date, recheck: bool = False) -> dict[int, Plan]:
    """The active plans with progression on that a rule could still apply to,
    and the figures those rules read. Each figure is read only for the plans
    whose rules need it (a profile put the six reads at half of a session's
    completion): a plan in its last phase with no alert since it changed needs
    no session figures at all. `recheck`: for plans with a pending suggestion,
    to re-run its rule."""
    rules = progression.rules()
    plans = _plans(who)
    if plans and not recheck:
        _earlier(who, plans)
    open_rules = {i: _open_rules(plan, today, recheck) for i, plan in plans.items()}
    plans = {i: plan for i, plan in plans.items() if open_rules[i]}

    def needed(*names: str) -> bool:
        return any(open_rules[i] & set(names) for i in plans)

    if needed("step_back"):
        _alerts(who, plans, rules["step_back"]["alerts"], None if recheck else 7)
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


def _step_back(plan: Plan, index: int, rules: dict) -> Found | str:
    if index == 0:
        return "the plan is in its first phase"
    if not plan.alerts:
        return "none of its alerts was raised since the plan last changed"
    alert_id, kind = max(plan.alerts)
    words = "an exercise pain alert" if kind == "exercise_pain" else f"a {kind} alert"
    figures = {"alert_id": alert_id, "alert": kind}
    reason = f"{words.capitalize()} was raised since the plan last changed."
    return "step_back", f"step_back:alert{alert_id}", figures, reason


def _hold(plan: Plan, index: int, week: int, rules: dict) -> Found | str:
    cfg = rules["hold"]
    if index + 1 >= len(plan.phases):
        return "the plan is in its last phase"
    if plan.phases[index + 1]["weeks"][0] != week + 1:
        return "the plan is not in the last week of a phase now"
    last = plan.sessions[: cfg["sessions"]]
    painful = [s for s in last if (s["pain_during"] or 0) >= cfg["pain_during"]]
    rose = {r: v for r, v in plan.rise.items() if v >= cfg["mean_rise"]}
    if len(painful) < cfg["in_sessions"] and not rose:
        return (
            f"pain during was {cfg['pain_during']} or more in {len(painful)} of the "
            f"last {len(last)} sessions, and no region's pain rose by "
            f"{cfg['mean_rise']:g} over {cfg['mean_days']} days"
        )
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


def adherence_words(adherence: picture.Adherence, days: int) -> str:
    counts = [f"{adherence.missed} missed"] if adherence.missed else []
    if adherence.partly_done:
        counts.append(f"{adherence.partly_done} partly done")
    return (
        f"{round(adherence.ratio * 100)}% of the {adherence.due} sessions due in the "
        f"last {days} days were done" + (f" ({', '.join(counts)})" if counts else "")
    )


def _comfortable(recent: list[dict], cfg: dict) -> str | None:
    """Why the last sessions were not all comfortable, or None if they were."""
    for s in recent:
        if s["pain_during"] is None:
            return f"the session of {day_words(s['date'])} has no pain score"
        if s["pain_during"] > cfg["max_pain_during"]:
            return (
                f"pain during the session of {day_words(s['date'])} was "
                f"{s['pain_during']}/10, above the {cfg['max_pain_during']} the rule "
                "allows"
            )
        if cfg["not_effort"] in s["efforts"]:
            effort = cfg["not_effort"].replace("_", " ")
            return f"an exercise was rated {effort} on {day_words(s['date'])}"
    return None


def _advance(plan: Plan, index: int, rules: dict) -> Found | str:
    cfg = rules["advance"]
    days = cfg["adherence_days"]
    if index + 1 >= len(plan.phases):
        return "the plan is in its last phase"
    adherence = plan.adherence
    if adherence is None or adherence.ratio is None:
        return f"no session was due in the last {days} days"
    begun = plan.start + timedelta(weeks=plan.phases[index]["weeks"][0] - 1)
    recent = [
        s
        for s in plan.sessions
        if s["completed_at"] >= plan.changed_at and s["date"] >= begun.isoformat()
    ][: cfg["sessions"]]
    if len(recent) < cfg["sessions"]:
        return f"fewer than {cfg['sessions']} sessions were done in this phase"
    if adherence.ratio < cfg["min_adherence"]:
        minimum = round(cfg["min_adherence"] * 100)
        return f"{adherence_words(adherence, days)}, under the {minimum}% it needs"
    if why := _comfortable(recent, cfg):
        return why
    figures = {
        "pain_during": [s["pain_during"] for s in recent],
        "adherence": adherence.ratio,
        "adherence_days": days,
        "sessions_due": adherence.due,
        "missed": adherence.missed,
    }
    reason = (
        f"Pain during the last {len(recent)} sessions was {_pains(recent)} out of 10, "
        f"no exercise was too hard, and {adherence_words(adherence, days)}."
    )
    return "advance", f"advance:v{plan.version}:p{index}", figures, reason


RULES = {"step_back": _step_back, "hold": _hold, "advance": _advance}


def _apply_rule(action: str, plan: Plan, week: int, rules: dict) -> Found | str:
    index = progression.phase_at(plan.phases, week)
    if action == "hold":
        return _hold(plan, index, week, rules)
    return RULES[action](plan, index, rules)


def _decide(plan: Plan, week: int, rules: dict) -> Found | None:
    plan.sessions.sort(key=lambda s: s["date"], reverse=True)
    for action in RULES:  # a step back first, then a hold, then an advance
        found = _apply_rule(action, plan, week, rules)
        if isinstance(found, tuple):
            return found
    return None


def why_not(plan: Plan, action: str, today: date, rules: dict) -> str | None:
    """None while `action`'s rule still holds for `plan` today and the change can
    still be made; otherwise why not, in words (to withdraw its suggestion)."""
    week = progression.plan_week(plan.start, today)
    if not 1 <= week <= plan.weeks:
        return "the plan has ended"
    plan.sessions.sort(key=lambda s: s["date"], reverse=True)
    found = _apply_rule(action, plan, week, rules)
    if isinstance(found, str):
        return found
    cfg = rules[action]
    if progression.changed_phases(action, plan.phases, week, plan.weeks, cfg) is None:
        return "the plan no longer allows this change"
    return None


def _blocked(plan: Plan, found: Found, rules: dict) -> bool:
    """An advance is not made after a fact that rules it out (exercise pain, a
    red flag, an open worsening alert) since the plan changed, within the days
    whose adherence it reads; read only for an advance about to be made."""
    if found[0] != "advance":
        return False
    cfg = rules["advance"]
    since = max(plan.changed_at, now() - timedelta(days=cfg["adherence_days"]))
    return blocking_fact(plan.patient_id, since, cfg["withdrawn_by"]) is not None


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
        if not found or found[1] in plan.triggers or _blocked(plan, found, rules):
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
