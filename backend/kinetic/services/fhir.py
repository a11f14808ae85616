"""A patient's record as a FHIR R4 Bundle (type `collection`): the patient, their
therapist, one Observation per pain score, a CarePlan per assignment (as it is
prescribed now) and the questionnaires answered with their scores.

Each resource kind is made by one function in RESOURCES from the bundle's
context; a new kind is one more function there. Resources refer to each other by
`urn:uuid:` full URLs, stable per object."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import REGIONS, Assignment, PainEntry, Prescription, User
from kinetic.services import fhir_outcomes
from kinetic.services.clock import now, today_in
from kinetic.services.fhir_context import LOINC, SNOMED, SURVEY, FhirContext
from kinetic.services.links import public_url

PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# SNOMED CT body structures (concept ids checked against published FHIR value sets
# and SNOMED's own modelling notes): the site of each diary region.
BODY_SITES = {
    "low_back": ("37822005", "Lower back structure (body structure)", "Low back"),
    "neck": ("45048000", "Neck structure (body structure)", "Neck"),
    "headache": ("69536005", "Head structure (body structure)", "Head"),
}
EXERCISE_THERAPY = {
    "system": SNOMED,
    "code": "229065009",
    "display": "Exercise therapy (regime/therapy)",
}
CAREPLAN_STATUS = {"active": "active", "paused": "on-hold", "stopped": "revoked"}
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _person(kind: str, user: User, ctx: FhirContext) -> dict:
    system = f"{ctx.public_url}/api/v1/users"
    return {
        "resourceType": kind,
        "id": str(user.id),
        "identifier": [{"system": system, "value": str(user.id)}],
        "active": True,
        "name": [{"text": user.name}],
        "telecom": [{"system": "email", "value": user.email}],
    }


def patient_resources(ctx: FhirContext) -> list[tuple[str, dict]]:
    resource = _person("Patient", ctx.patient, ctx)
    if ctx.therapist_ref:
        resource["generalPractitioner"] = [ctx.therapist_ref]
    return [(ctx.urn("Patient", ctx.patient.id), resource)]


def practitioner_resources(ctx: FhirContext) -> list[tuple[str, dict]]:
    if ctx.therapist is None:
        return []
    resource = _person("Practitioner", ctx.therapist, ctx)
    return [(ctx.urn("Practitioner", ctx.therapist.id), resource)]


def _pain_observation(entry: PainEntry, region: str, ctx: FhirContext) -> dict:
    code, display, text = BODY_SITES[region]
    return {
        "resourceType": "Observation",
        "id": f"pain-{entry.id}-{region.replace('_', '-')}",
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_CODE], "text": "Pain severity 0-10"},
        "subject": ctx.patient_ref,
        "effectiveDateTime": entry.recorded_at.isoformat(),
        "issued": entry.created_at.isoformat(),
        "performer": [ctx.patient_ref],
        "valueInteger": getattr(entry, region),
        "bodySite": {
            "coding": [{"system": SNOMED, "code": code, "display": display}],
            "text": text,
        },
    }


def pain_observations(ctx: FhirContext) -> list[tuple[str, dict]]:
    entries = db.session.scalars(
        select(PainEntry)
        .where(PainEntry.patient_id == ctx.patient.id)
        .order_by(PainEntry.recorded_at, PainEntry.id)
    )
    return [
        (ctx.urn("Observation", f"pain/{e.id}/{r}"), _pain_observation(e, r, ctx))
        for e in entries
        for r in REGIONS
        if getattr(e, r) is not None
    ]


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


def _activities(a: Assignment, today: date) -> list[dict]:
    """One activity per exercise of each phase of the current prescription,
    scheduled on the plan's days within the phase's weeks."""
    status = "on-hold" if a.status == "paused" else "in-progress"
    if a.status == "stopped":
        status = "stopped"
    elif a.end_date < today:
        status = "completed"
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


def care_plans(ctx: FhirContext) -> list[tuple[str, dict]]:
    today = today_in(ctx.patient.timezone)
    plans = db.session.scalars(
        select(Assignment)
        .where(Assignment.patient_id == ctx.patient.id)
        .order_by(Assignment.start_date, Assignment.id)
    )
    out = []
    for a in plans:
        status = CAREPLAN_STATUS.get(a.status, "unknown")
        if status == "active" and a.end_date < today:
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
            "period": {
                "start": a.start_date.isoformat(),
                "end": a.end_date.isoformat(),
            },
            "created": a.created_at.isoformat(),
            "activity": _activities(a, today),
        }
        if ctx.therapist_ref:
            resource["author"] = ctx.therapist_ref
        if a.prescription is not None and a.prescription.note:
            resource["note"] = [_note(a.prescription)]
        out.append((ctx.urn("CarePlan", a.id), resource))
    return out


RESOURCES: list[Callable[[FhirContext], list[tuple[str, dict]]]] = [
    patient_resources,
    practitioner_resources,
    pain_observations,
    care_plans,
    fhir_outcomes.questionnaire_resources,
]


def bundle(patient: User) -> dict:
    therapist = (
        db.session.get(User, patient.therapist_id) if patient.therapist_id else None
    )
    ctx = FhirContext(patient, therapist, public_url())
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
