"""A patient's record as a FHIR R4 Bundle (type `collection`): the patient, their
therapist and care team, the pain diary and, apart from it, the exercise-pain
reports, a CarePlan per assignment (as it is prescribed now) and the
questionnaires answered with their scores.

Each resource kind is made by one function in RESOURCES from the bundle's
context; a new kind is one more function there. Resources refer to each other by
`urn:uuid:` full URLs, stable per object and per installation (PUBLIC_URL)."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Assignment, Prescription, User
from kinetic.services import fhir_outcomes, fhir_pain, fhir_people
from kinetic.services.clock import now, today_in
from kinetic.services.fhir_context import SNOMED, FhirContext
from kinetic.services.links import public_url

EXERCISE_THERAPY = {
    "system": SNOMED,
    "code": "229065009",
    "display": "Exercise therapy (regime/therapy)",
}
CAREPLAN_STATUS = {"active": "active", "paused": "on-hold", "stopped": "revoked"}
# Every activity of a paused or stopped plan has the plan's state, whatever its dates.
HELD = {"paused": "on-hold", "stopped": "stopped"}
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _dosage(dosage: dict) -> str:
    parts = []
    if dosage.get("sets") and dosage.get("reps"):
        parts.append(f"{dosage['sets']} sets of {dosage['reps']}")
    elif dosage.get("sets"):
        parts.append(f"{dosage['sets']} set{'s' if dosage['sets'] != 1 else ''}")
    if dosage.get("hold_seconds"):
        parts.append(f"hold {dosage['hold_seconds']} s")
    if dosage.get("rest_seconds"):
        parts.append(f"rest {dosage['rest_seconds']} s")
    if dosage.get("side"):
        parts.append(dosage["side"])
    return ", ".join(parts)


def _description(exercise: dict) -> str:
    text = _dosage(exercise.get("dosage") or {}) or exercise["name"]
    return f"{text}. {exercise['note']}" if exercise.get("note") else text


def _phases(a: Assignment) -> list[dict]:
    """The plan as prescribed now: its latest prescription version (tailored
    doses, exercises and notes), or the program as written for an older plan."""
    if a.prescription is not None:
        return a.prescription.phases
    return a.program_version.content["sessions"]


def activity_status(a: Assignment, start: date, end: date, today: date) -> str:
    """A phase's activities on `today`: from its dates for a running plan
    (ended: completed, under way: in-progress, to come: not-started), the plan's
    own state for a paused or stopped one."""
    if a.status in HELD:
        return HELD[a.status]
    if end < today:
        return "completed"
    return "in-progress" if start <= today else "not-started"


def _activities(a: Assignment, today: date) -> list[dict]:
    """One activity per exercise of each phase of the current prescription,
    scheduled on the plan's days within the phase's weeks."""
    activities = []
    for phase in _phases(a):
        first, last = phase["weeks"]
        start = a.start_date + timedelta(weeks=first - 1)
        end = min(a.end_date, a.start_date + timedelta(weeks=last) - timedelta(days=1))
        if start > a.end_date:
            continue
        timing = {
            "repeat": {
                "boundsPeriod": {"start": start.isoformat(), "end": end.isoformat()},
                "frequency": a.sessions_per_day,
                "period": 1,
                "periodUnit": "d",
                "dayOfWeek": [DAY_CODES[d] for d in a.days_of_week],
            }
        }
        status = activity_status(a, start, end, today)
        for exercise in phase["exercises"]:
            detail = {
                "kind": "ServiceRequest",
                "code": {"coding": [EXERCISE_THERAPY], "text": exercise["name"]},
                "status": status,
                "scheduledTiming": timing,
                "description": _description(exercise),
            }
            activities.append({"detail": detail})
    return activities


def _title(a: Assignment) -> str:
    title = f"{a.program_title} (version {a.program_version_number}"
    if a.prescription is not None:
        title += f", prescription version {a.prescription.version}"
    return f"{title})"


def _note(prescription: Prescription) -> dict:
    """The therapist's note on the plan, as of its latest version."""
    note = {"text": prescription.note, "time": prescription.changed_at.isoformat()}
    if prescription.changed_by is not None:
        note["authorString"] = prescription.changed_by.name
    return note


def _care_plan(a: Assignment, ctx: FhirContext) -> dict:
    status = CAREPLAN_STATUS.get(a.status, "unknown")
    if status == "active" and a.end_date < ctx.today:
        status = "completed"
    resource = {
        "resourceType": "CarePlan",
        "id": f"assignment-{a.id}",
        "status": status,
        "intent": "plan",
        "title": _title(a),
        "description": a.program_version.content.get("summary", "")[:1000]
        or a.program_title,
        "subject": ctx.patient_ref,
        "period": {"start": a.start_date.isoformat(), "end": a.end_date.isoformat()},
        "created": a.created_at.isoformat(),
        "activity": _activities(a, ctx.today),
    }
    if ctx.therapist_ref:
        resource["author"] = ctx.therapist_ref
        resource["careTeam"] = [ctx.care_team_ref]
    if a.prescription is not None and a.prescription.note:
        resource["note"] = [_note(a.prescription)]
    return resource


def care_plans(ctx: FhirContext) -> list[tuple[str, dict]]:
    plans = db.session.scalars(
        select(Assignment)
        .where(Assignment.patient_id == ctx.patient.id)
        .order_by(Assignment.start_date, Assignment.id)
    )
    return [(ctx.urn("CarePlan", a.id), _care_plan(a, ctx)) for a in plans]


RESOURCES: list[Callable[[FhirContext], list[tuple[str, dict]]]] = [
    fhir_people.patient_resources,
    fhir_people.practitioner_resources,
    fhir_people.care_team_resources,
    fhir_pain.pain_observations,
    fhir_pain.exercise_pain_observations,
    care_plans,
    fhir_outcomes.questionnaire_resources,
]


def bundle(patient: User) -> dict:
    therapist = (
        db.session.get(User, patient.therapist_id) if patient.therapist_id else None
    )
    ctx = FhirContext(patient, therapist, public_url(), today_in(patient.timezone))
    entries = [
        {"fullUrl": full_url, "resource": resource}
        for make in RESOURCES
        for full_url, resource in make(ctx)
    ]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": now().isoformat(),
        "entry": entries,
    }
