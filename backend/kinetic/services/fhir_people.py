"""The people of a FHIR bundle: the patient, their therapist as a Practitioner,
and the CareTeam that holds the therapist and that every CarePlan names (not
Patient.generalPractitioner, which a hospital would read as the patient's GP).

Family and given names, birth date and sex go in only as the user gave them
(PATCH /me); `name.text` is always the display name. The email goes in only when
its owner allowed it (`share_email_in_exports`)."""

from kinetic.models import User
from kinetic.services.fhir_context import SNOMED, FhirContext

# SNOMED CT 36682004 |Physiotherapist (occupation)|: within FHIR R4's CareTeam
# participant roles (descendants of 223366009 |Healthcare professional|,
# http://hl7.org/fhir/R4/valueset-participant-role.html), and the code HL7's PACIO
# Functional Status guide gives a physiotherapist's role
# (https://hl7.org/fhir/us/pacio-fs/2021Jan/PractitionerRole-Role-PT.json.html).
PHYSIOTHERAPIST = {"system": SNOMED, "code": "36682004", "display": "Physiotherapist"}


def _name(user: User) -> dict:
    name: dict = {"text": user.name}
    if user.family_name:
        name["family"] = user.family_name
    if user.given_name:
        name["given"] = user.given_name.split()  # one entry per given name
    return name


def _person(kind: str, user: User, ctx: FhirContext) -> dict:
    resource = {
        "resourceType": kind,
        "id": str(user.id),
        "identifier": [
            {"system": f"{ctx.public_url}/api/v1/users", "value": str(user.id)}
        ],
        "active": True,
        "name": [_name(user)],
    }
    if user.share_email_in_exports:
        resource["telecom"] = [{"system": "email", "value": user.email}]
    return resource


def patient_resources(ctx: FhirContext) -> list[tuple[str, dict]]:
    patient = ctx.patient
    resource = _person("Patient", patient, ctx)
    if patient.sex:
        resource["gender"] = patient.sex
    if patient.birth_date:
        resource["birthDate"] = patient.birth_date.isoformat()
    return [(ctx.urn("Patient", patient.id), resource)]


def practitioner_resources(ctx: FhirContext) -> list[tuple[str, dict]]:
    if ctx.therapist is None:
        return []
    resource = _person("Practitioner", ctx.therapist, ctx)
    return [(ctx.urn("Practitioner", ctx.therapist.id), resource)]


def care_team_resources(ctx: FhirContext) -> list[tuple[str, dict]]:
    if ctx.care_team_ref is None:
        return []
    resource = {
        "resourceType": "CareTeam",
        "id": f"care-team-{ctx.patient.id}",
        "status": "active",
        "name": "Physiotherapy",
        "subject": ctx.patient_ref,
        "participant": [
            {
                "role": [{"coding": [PHYSIOTHERAPIST], "text": "Physiotherapist"}],
                "member": ctx.therapist_ref,
            }
        ],
    }
    return [(ctx.care_team_ref["reference"], resource)]
