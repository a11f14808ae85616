"""What every FHIR resource maker shares: the patient and therapist as
references, and stable `urn:uuid:` full URLs for this installation's objects."""

import uuid
from dataclasses import dataclass

from kinetic.models import User

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
_NAMESPACE = uuid.UUID("6f1c2a52-8d3e-4c55-9a41-1f0d7b9e2c10")


def urn(kind: str, key) -> str:
    """A stable urn:uuid for one object of this installation."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{key}')}"


@dataclass(frozen=True)
class FhirContext:
    patient: User
    therapist: User | None
    base_url: str  # identifiers' namespace: this server

    @property
    def patient_ref(self) -> dict:
        return {
            "reference": urn("Patient", self.patient.id),
            "display": self.patient.name,
        }

    @property
    def therapist_ref(self) -> dict | None:
        if self.therapist is None:
            return None
        return {
            "reference": urn("Practitioner", self.therapist.id),
            "display": self.therapist.name,
        }
