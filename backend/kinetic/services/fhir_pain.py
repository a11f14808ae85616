"""Pain in the FHIR bundle: one Observation per region scored in each diary
entry, and, kept apart, one per region of each exercise-pain report ("Stop: this
hurts" in the player), which names its exercise and the plan it belongs to.

Both are the patient's 0-10 numeric rating, LOINC 72514-3, with the SNOMED CT
body site of the region; a report from an exercise says so in its category and
code text, so a reader never mixes the two."""

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import REGIONS, PainEntry
from kinetic.services import exercise_pain
from kinetic.services.fhir_context import LOINC, SNOMED, SURVEY, FhirContext

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
DURING_EXERCISE = {"text": "Pain during an exercise (exercise-pain report)"}


def _observation(kind: str, entry: PainEntry, region: str, ctx: FhirContext) -> dict:
    code, display, text = BODY_SITES[region]
    return {
        "resourceType": "Observation",
        "id": f"{kind}-{entry.id}-{region.replace('_', '-')}",
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


def _scored(entry: PainEntry) -> list[str]:
    return [r for r in REGIONS if getattr(entry, r) is not None]


def pain_observations(ctx: FhirContext) -> list[tuple[str, dict]]:
    """The pain diary: exercise-pain reports are not among them."""
    entries = db.session.scalars(
        select(PainEntry)
        .where(PainEntry.patient_id == ctx.patient.id, PainEntry.is_diary)
        .order_by(PainEntry.recorded_at, PainEntry.id)
    )
    out = []
    for entry in entries:
        for region in _scored(entry):
            resource = _observation("pain", entry, region, ctx)
            out.append((ctx.urn("Observation", f"pain/{entry.id}/{region}"), resource))
    return out


def _during(resource: dict, exercise: str, plan_id: int | None, ctx: FhirContext):
    resource["category"] = [SURVEY, DURING_EXERCISE]
    resource["code"]["text"] = "Pain severity 0-10 during an exercise"
    resource["component"] = [
        {"code": {"text": "Exercise being done"}, "valueString": exercise}
    ]
    resource["note"] = [
        {
            "text": f'Reported during the exercise {exercise} ("Stop: this hurts" '
            "in the session player); not a pain diary entry."
        }
    ]
    if plan_id is not None:
        resource["basedOn"] = [{"reference": ctx.urn("CarePlan", plan_id)}]


def exercise_pain_observations(ctx: FhirContext) -> list[tuple[str, dict]]:
    out = []
    for entry, plan_id, exercise in exercise_pain.named_reports(ctx.patient.id):
        for region in _scored(entry):
            resource = _observation("exercise-pain", entry, region, ctx)
            _during(resource, exercise, plan_id, ctx)
            key = f"exercise-pain/{entry.id}/{region}"
            out.append((ctx.urn("Observation", key), resource))
    return out
