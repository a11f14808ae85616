"""What every FHIR resource maker shares: the patient, their therapist and care
team as references, the patient's today, this server's public address, and
stable `urn:uuid:` full URLs for this installation's objects."""

import uuid
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class FhirContext:
    patient: User
    therapist: User | None
    # PUBLIC_URL: the namespace of identifiers and full URLs, never the Host header.
    public_url: str
    today: date  # the day asked on, in the patient's timezone (the app's clock)

    def urn(self, kind: str, key) -> str:
        """A stable urn:uuid for one object of this installation: the same in
        every export, and unlike another installation's object of the same id."""
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, self.public_url)
        return f"urn:uuid:{uuid.uuid5(namespace, f'{kind}/{key}')}"

    @property
    def patient_ref(self) -> dict:
        return {
            "reference": self.urn("Patient", self.patient.id),
            "display": self.patient.name,
        }

    @property
    def therapist_ref(self) -> dict | None:
        if self.therapist is None:
            return None
        return {
            "reference": self.urn("Practitioner", self.therapist.id),
            "display": self.therapist.name,
        }

    @property
    def care_team_ref(self) -> dict | None:
        """The patient's care team (their therapist), which every CarePlan names."""
        if self.therapist is None:
            return None
        return {"reference": self.urn("CareTeam", self.patient.id)}
