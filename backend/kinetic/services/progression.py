"""Symptom-driven progression: the rules of programs/progression.yaml turned into
changes of a plan's phases. Each change is a new prescription version with its
reason; an undo is another version that restores the phases before the change.
Finding which plans a rule applies to is in progression_review.py."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from kinetic.extensions import db
from kinetic.models import Assignment, Notification, Prescription, Suggestion, User
from kinetic.services import push
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now, today_in
from kinetic.services.library import digest
from kinetic.services.prescriptions import current, repin

ACTION_WORDS = {
    "advance": "Advance early",
    "hold": "Hold this phase",
    "step_back": "Step back a phase",
}


class ProgressionRulesError(RuntimeError):
    """programs/progression.yaml is missing or invalid; the message lists file:line."""


def rules() -> dict[str, Any]:
    """The validated rules, read again when the file changes."""
    from kinetic.services.library import read_progression, rules_file

    return rules_file("progression.yaml", read_progression, ProgressionRulesError)


# -- phases ----------------------------------------------------------------------------


def plan_week(assignment_start: date, today: date) -> int:
    return (today - assignment_start).days // 7 + 1


def phase_at(phases: list[dict], week: int) -> int:
    for index, phase in enumerate(phases):
        first, last = phase["weeks"]
        if first <= week <= last:
            return index
    return len(phases) - 1


def move_phase_start(
    phases: list[dict], index: int, start: int, weeks: int
) -> list[dict]:
    """Phase `index` begins at week `start`: the phases before it keep their
    starts and the one just before ends at `start - 1` (a phase left with no week
    is dropped; with none before, it starts at week 1); it and the phases after
    keep their lengths, the last runs to week `weeks`, what does not fit is cut."""
    moved = [
        {**phase, "weeks": list(phase["weeks"])}
        for phase in phases[:index]
        if phase["weeks"][0] < start
    ]
    if moved:
        moved[-1]["weeks"][1] = start - 1
    begin = start
    for phase in phases[index:]:
        if begin > weeks:
            break
        first, last = phase["weeks"]
        moved.append({**phase, "weeks": [begin, min(begin + last - first, weeks)]})
        begin += last - first + 1
    moved[0]["weeks"][0] = 1
    moved[-1]["weeks"][1] = weeks
    return moved


def changed_phases(
    action: str, phases: list[dict], week: int, weeks: int, cfg: dict | None = None
) -> list[dict] | None:
    """The phases after `action` in plan week `week`, or None when it cannot apply
    (no next or previous phase, or the next phase is not due next week)."""
    index = phase_at(phases, week)
    cfg = cfg or rules()[action]
    if action == "advance" and index + 1 < len(phases):
        return move_phase_start(phases, index + 1, week, weeks)
    if action == "hold" and index + 1 < len(phases):
        following = phases[index + 1]["weeks"][0]
        if following != week + 1:
            return None
        return move_phase_start(phases, index + 1, following + cfg["weeks"], weeks)
    if action == "step_back" and index > 0:
        # The previous phase runs on to cover the coming `weeks` weeks; then this
        # phase starts over with its full length.
        return move_phase_start(phases, index, week + cfg["weeks"], weeks)
    return None


def target_phase(action: str, phases: list[dict], week: int) -> str | None:
    """The name of the phase the patient is in after `action`."""
    index = phase_at(phases, week)
    offset = {"advance": 1, "hold": 0, "step_back": -1}[action]
    if 0 <= index + offset < len(phases):
        return phases[index + offset]["name"]
    return None


# -- applying, undoing -----------------------------------------------------------------


def _new_version(
    assignment: Assignment, phases: list[dict], changes: list[str], by: User | None
) -> Prescription:
    latest = current(assignment)
    prescription = Prescription(
        assignment=assignment,
        version=latest.version + 1,
        phases=phases,
        phases_hash=digest(phases),
        note=latest.note,
        changes=changes,
        changed_by_id=by.id if by else None,
        changed_at=now(),
    )
    db.session.add(prescription)
    db.session.flush()
    patient = db.session.get(User, assignment.patient_id)
    repin(assignment, prescription, today_in(patient.timezone))
    return prescription


def apply(suggestion: Suggestion, by: User | None) -> Suggestion:
    """Makes the suggested change now, from the patient's current week."""
    assignment = suggestion.assignment
    _still_pending(suggestion, "accepted")
    if assignment.status == "stopped":
        raise AccountError(409, "A stopped plan cannot be changed.")
    patient = db.session.get(User, assignment.patient_id)
    latest = current(assignment)
    week = plan_week(assignment.start_date, today_in(patient.timezone))
    phases = changed_phases(suggestion.action, latest.phases, week, assignment.weeks)
    if phases is None or phases == latest.phases:
        raise AccountError(409, "The plan has changed; this no longer applies.")
    words = ACTION_WORDS[suggestion.action]
    _mark(suggestion, "applied", by, was="pending")
    suggestion.previous_prescription_id = latest.id
    suggestion.prescription = _new_version(
        assignment, phases, [f"{words}: {suggestion.reason}"], by
    )
    return suggestion


def _still_pending(suggestion: Suggestion, verb: str) -> None:
    if suggestion.status == "withdrawn":
        raise AccountError(
            409,
            f"This suggestion was withdrawn, so it can no longer be {verb}. "
            f"{suggestion.withdrawn_reason or ''}".strip(),
        )
    if suggestion.status != "pending":
        raise AccountError(409, f"This suggestion is already {suggestion.status}.")


def _mark(suggestion: Suggestion, status: str, by: User | None, was: str) -> None:
    """The decision, made only if the row is still `was` in the UPDATE itself:
    of two decisions at the same moment (or a decision and a withdrawal), the
    second finds no row to change and gets a 409."""
    result = db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.status == was)
        .values(status=status, decided_at=now(), decided_by_id=by.id if by else None)
    )
    if result.rowcount != 1:
        raise AccountError(
            409, "This suggestion was just decided or withdrawn elsewhere: reload."
        )


def dismiss(suggestion: Suggestion, by: User) -> Suggestion:
    _still_pending(suggestion, "dismissed")
    _mark(suggestion, "dismissed", by, was="pending")
    db.session.flush()
    return suggestion


def undo(suggestion: Suggestion, by: User) -> Suggestion:
    """A new version with the phases from before the change, while the change is
    still the plan's latest version."""
    if suggestion.status != "applied":
        raise AccountError(409, "Only an applied change can be undone.")
    latest = current(suggestion.assignment)
    if suggestion.prescription_id != latest.id:
        raise AccountError(409, "The plan was changed again since; edit it instead.")
    previous = suggestion.previous_prescription
    words = ACTION_WORDS[suggestion.action].lower()
    _mark(suggestion, "undone", by, was="applied")
    _new_version(suggestion.assignment, previous.phases, [f"Undone: {words}"], by)
    db.session.flush()
    return suggestion


def tell_patient(suggestion: Suggestion) -> None:
    """The in-app notification (and push) of an automatic change."""
    notification = Notification(
        user_id=suggestion.patient_id,
        kind="plan",
        title="Your exercise plan has changed",
        body=patient_text(suggestion)[:500],
        url="/#/today",
        created_at=now(),
    )
    db.session.add(notification)
    db.session.flush()
    push.queue_deliveries(Notification.id == notification.id)


def patient_text(suggestion) -> str:
    """What the patient is told of a change: `suggestion` is a Suggestion or a
    row with its action and figures."""
    text = " ".join(rules()[suggestion.action]["tell_patient"].split())
    return text.replace("{phase}", suggestion.figures.get("to_phase") or "")


def for_patient(patient: User) -> list[Suggestion]:
    """Pending suggestions first, then the decisions of the last 30 days."""
    recent = now() - timedelta(days=30)
    rows = db.session.scalars(
        select(Suggestion)
        .where(
            Suggestion.patient_id == patient.id,
            (Suggestion.status == "pending") | (Suggestion.decided_at >= recent),
        )
        .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    ).all()
    return sorted(rows, key=lambda s: s.status != "pending")


# Built once, and run below the ORM (only three columns are needed): Today asks
# it on every load.
_RECENT_AUTOMATIC = (
    select(Suggestion.action, Suggestion.figures, Suggestion.decided_at)
    .where(
        Suggestion.patient_id == bindparam("patient"),
        Suggestion.automatic.is_(True),
        Suggestion.status == "applied",
        Suggestion.decided_at >= bindparam("since"),
    )
    .order_by(Suggestion.decided_at.desc())
)


def recent_automatic(patient: User, days: int = 7) -> list[dict]:
    """Automatic changes of the patient's plans in the last `days`, for Today."""
    since = now() - timedelta(days=days)
    rows = (
        db.session.connection()
        .execute(_RECENT_AUTOMATIC, {"patient": patient.id, "since": since})
        .all()
    )
    return [
        {"action": s.action, "text": patient_text(s), "applied_at": s.decided_at}
        for s in rows
    ]
