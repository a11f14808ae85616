"""A pending progression suggestion follows the newest facts: when an event its
rule reads arrives (exercise pain, a red flag, a worsening alert, a missed
session, a questionnaire answer, a completed session), its rule is run again for
its plan; if it would not make the same change now, or a fact that rules out an
advance arrived since it was made (`withdrawn_by` in programs/progression.yaml),
it is withdrawn with that fact in plain words, and can no longer be accepted."""

import logging
from collections import defaultdict
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.sql.elements import ColumnElement

from kinetic.extensions import db
from kinetic.models import Suggestion, User
from kinetic.services import progression, progression_review
from kinetic.services.clock import now, today_in
from kinetic.services.progression_blocks import blocking_fact

log = logging.getLogger(__name__)


def recheck_pending(
    who: int | ColumnElement, event: str, actions: tuple[str, ...] | None = None
) -> list[int]:
    """Re-checks the pending suggestions of one patient (an id) or of the
    patients `who` selects, after `event` (for the log); returns the ids of those
    withdrawn. `actions`: only suggestions of these actions (those whose rule the
    event can change). One query when none is pending, which is the common case."""
    if isinstance(who, int):
        who = User.id == who
    query = (
        select(Suggestion, User.timezone)
        .join(User, User.id == Suggestion.patient_id)
        .where(who, Suggestion.status == "pending")
    )
    if actions is not None:
        query = query.where(Suggestion.action.in_(actions))
    rows = db.session.execute(query).all()
    by_timezone: dict[str, list[Suggestion]] = defaultdict(list)
    for suggestion, timezone in rows:
        by_timezone[timezone].append(suggestion)
    withdrawn = []
    for timezone, group in by_timezone.items():
        today = today_in(timezone)
        patients = User.id.in_({s.patient_id for s in group})
        plans = progression_review.gather(patients, today, recheck=True)
        for suggestion in group:
            why = _why_withdrawn(suggestion, plans, today)
            if why and withdraw(suggestion, why):
                log.info("suggestion %d withdrawn after %s", suggestion.id, event)
                withdrawn.append(suggestion.id)
    return withdrawn


def after_pain_entry(patient_id: int, entry, found) -> list[int]:
    """A plain diary entry that raised no alert can change only a hold's grounds
    (its rise in diary pain); exercise pain, a red flag or a new alert (`found`,
    the safety findings, fresh when raised now) may change any rule's.
    Re-checking every pending suggestion on each entry was half the cost of
    POST /me/pain."""
    plain = entry.is_diary and not entry.red_flags
    if plain and not any(f.fresh for f in found or []):
        return recheck_pending(patient_id, "a pain entry", ("hold",))
    return recheck_pending(patient_id, "a pain entry")


def _why_withdrawn(suggestion: Suggestion, plans: dict, today: date) -> str | None:
    rules = progression.rules()
    if suggestion.action == "advance":
        blocked_by = rules["advance"]["withdrawn_by"]
        fact = blocking_fact(suggestion.patient_id, suggestion.created_at, blocked_by)
        if fact:
            return f"Withdrawn: {fact}."
    plan = plans.get(suggestion.assignment_id)
    if plan is None:
        assignment = suggestion.assignment
        if assignment.status != "active" or assignment.progression == "off":
            return None  # the therapist paused it or turned progression off
        return "Withdrawn: the plan's current week no longer allows this change."
    why = progression_review.why_not(plan, suggestion.action, today, rules)
    return f"Withdrawn: {why}." if why else None


def withdraw(suggestion: Suggestion, reason: str) -> bool:
    """Withdrawn only while still pending (in the UPDATE itself, so a decision
    made at the same moment is not overwritten); False if it was decided."""
    result = db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.status == "pending")
        .values(status="withdrawn", withdrawn_reason=reason[:500], decided_at=now())
    )
    return result.rowcount == 1
