"""Tailored plans: each change to a plan's phases or doses is a new prescription
version; sessions done keep theirs, sessions from the patient's today on follow."""

import re
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import defer

from kinetic.extensions import db
from kinetic.models import Assignment, Prescription, Program, ScheduledSession, User
from kinetic.schemas.program_files import OwnProgramFileSchema, check_phase_weeks
from kinetic.services import own_library, yaml_files
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now, today_in
from kinetic.services.library import digest

DOSE = ("sets", "reps", "hold_seconds", "rest_seconds", "side")


def fit_phases(phases: list[dict], weeks: int) -> list[dict]:
    """A program's phases made to cover a plan of `weeks`: a longer plan repeats
    the last phase, a shorter one ends early."""
    fitted = []
    for phase in phases:
        first, last = phase["weeks"]
        if first > weeks:
            break
        fitted.append({**phase, "weeks": [first, min(last, weeks)]})
    fitted[-1] = {**fitted[-1], "weeks": [fitted[-1]["weeks"][0], weeks]}
    return fitted


def check_phases(phases: list[dict], weeks: int) -> None:
    try:
        check_phase_weeks(phases, weeks, "phases", "phases")
    except ValidationError as exc:
        raise ValidationError(exc.normalized_messages()) from exc


def first_prescription(
    assignment: Assignment, therapist: User, data: dict
) -> Prescription:
    """Version 1: the program as written, or the phases the therapist gave."""
    weeks = assignment.weeks
    title = assignment.program_version.content["title"]
    if data.get("phases"):
        check_phases(data["phases"], weeks)
        phases = own_library.resolve_phases(therapist, data["phases"], "phases")
        changes = [f"Tailored from {title}"]
    else:
        phases = fit_phases(assignment.program_version.content["sessions"], weeks)
        changes = [f"Prescribed from {title}"]
    prescription = Prescription(
        assignment=assignment,
        version=1,
        phases=phases,
        phases_hash=digest(phases),
        note=data.get("note") or None,
        changes=changes,
        changed_by_id=therapist.id,
        changed_at=now(),
    )
    db.session.add(prescription)
    return prescription


def current(
    assignment: Assignment, *, for_reading: bool = False
) -> Prescription | None:
    """The latest version. `for_reading`: its phases JSON is left in the database
    for Prescription.shared_phases (decoding it was a fifth of a read)."""
    query = (
        select(Prescription)
        .where(Prescription.assignment_id == assignment.id)
        .order_by(Prescription.version.desc())
        .limit(1)
    )
    if for_reading:
        query = query.options(defer(Prescription.phases))
    return db.session.scalar(query)


def history(assignment: Assignment) -> list[Prescription]:
    return list(
        db.session.scalars(
            select(Prescription)
            .where(Prescription.assignment_id == assignment.id)
            .order_by(Prescription.version.desc())
        )
    )


def _pinned(phases: list[dict]) -> dict[str, dict]:
    """The exercise texts already in a plan, with their current dose as the default."""
    return {
        item["slug"]: {k: v for k, v in item.items() if k != "note"}
        for phase in phases
        for item in phase["exercises"]
    }


def change_prescription(
    assignment: Assignment, therapist: User, data: dict
) -> Prescription:
    """A new version when anything changed; the plan's later sessions follow it."""
    if assignment.status == "stopped":
        raise AccountError(409, "A stopped plan cannot be changed.")
    latest = current(assignment)
    check_phases(data["phases"], assignment.weeks)
    focus = {phase["name"]: phase.get("focus") for phase in latest.phases}
    for phase in data["phases"]:
        if "focus" not in phase and focus.get(phase["name"]):
            phase["focus"] = focus[phase["name"]]
    phases = own_library.resolve_phases(
        therapist, data["phases"], "phases", _pinned(latest.phases)
    )
    note = data.get("note") or None
    changes = describe_changes(latest.phases, phases)
    if note != latest.note:
        changes.append("Plan note changed" if note else "Plan note removed")
    if not changes:
        return latest
    prescription = Prescription(
        assignment=assignment,
        version=latest.version + 1,
        phases=phases,
        phases_hash=digest(phases),
        note=note,
        changes=changes,
        changed_by_id=therapist.id,
        changed_at=now(),
    )
    db.session.add(prescription)
    db.session.flush()
    patient = db.session.get(User, assignment.patient_id)
    repin(assignment, prescription, today_in(patient.timezone))
    return prescription


def repin(assignment: Assignment, prescription: Prescription, today: date) -> None:
    """Sessions from today on that are not done yet take the new version."""
    db.session.execute(
        update(ScheduledSession)
        .where(
            ScheduledSession.assignment_id == assignment.id,
            ScheduledSession.date >= today,
            ScheduledSession.status.in_(("pending", "cancelled")),
        )
        .values(prescription_id=prescription.id)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()


def _dose(item: dict[str, Any]) -> str:
    dosage = item["dosage"]
    sets = dosage["sets"]
    if "reps" in dosage:
        parts = [f"{sets} × {dosage['reps']}"]
    else:
        parts = [f"{sets} set" if sets == 1 else f"{sets} sets"]
    if "hold_seconds" in dosage:
        parts.append(f"hold {dosage['hold_seconds']} s")
    if "rest_seconds" in dosage:
        parts.append(f"rest {dosage['rest_seconds']} s")
    if "side" in dosage:
        parts.append(dosage["side"])
    return ", ".join(parts)


def _phase_changes(name: str, old: list[dict], new: list[dict]) -> list[str]:
    before = {item["slug"]: item for item in old}
    after = {item["slug"]: item for item in new}
    changes = [
        f"{name}: {item['name']} removed"
        for s, item in before.items()
        if s not in after
    ]
    for slug, item in after.items():
        if slug not in before:
            changes.append(f"{name}: {item['name']} added ({_dose(item)})")
        elif before[slug]["dosage"] != item["dosage"]:
            changes.append(
                f"{name}: {item['name']} {_dose(before[slug])} → {_dose(item)}"
            )
        elif before[slug].get("note") != item.get("note"):
            changes.append(f"{name}: {item['name']} note changed")
    kept = [s for s in before if s in after]
    if [s for s in after if s in before] != kept:
        changes.append(f"{name}: order changed")
    return changes


def describe_changes(old: list[dict], new: list[dict]) -> list[str]:
    """What changed between two versions, in words a therapist can scan."""
    changes = []
    if [(p["name"], p["weeks"]) for p in old] != [(p["name"], p["weeks"]) for p in new]:
        changes.append("Phases changed")
    for index, phase in enumerate(new):
        previous = old[index]["exercises"] if index < len(old) else []
        changes += _phase_changes(phase["name"], previous, phase["exercises"])
        if index < len(old) and old[index].get("focus") != phase.get("focus"):
            changes.append(f"{phase['name']}: focus changed")
    return changes


def _slug_of(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:80].strip("-")


def save_as_program(assignment: Assignment, therapist: User, data: dict) -> Program:
    """The plan as it stands now, as the therapist's own program: the tailored
    phases, the plan's schedule and the original program's texts."""
    origin = assignment.program_version.content
    latest = current(assignment)
    file = {
        "slug": data.get("slug") or _slug_of(data["title"]),
        "title": data["title"],
        "summary": origin["summary"],
        "regions": origin["regions"],
        "source": origin.get("source", []),
        "weeks": assignment.weeks,
        "days_of_week": assignment.days_of_week,
        "sessions_per_day": assignment.sessions_per_day,
        "advice": origin.get("advice", []),
        "sessions": latest.phases,
    }
    program = OwnProgramFileSchema().load(yaml_files.program_file(file))
    return own_library.create_program(therapist, program, _pinned(latest.phases))
