"""Checks every FHIR answer of the tests goes through: the official FHIR R4 JSON
schema (tests/data/fhir, validated with `jsonschema`) and the R4B models of
fhir.resources, full URLs that are urn:uuids, unique, and the answer's media
type."""

import gzip
import json
from functools import cache
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from jsonschema import Draft6Validator
from jsonschema.validators import extend

SCHEMA = Path(__file__).parents[1] / "data" / "fhir" / "fhir.schema.json.gz"
MODELS = {
    "Patient": Patient,
    "Practitioner": Practitioner,
    "CareTeam": CareTeam,
    "Observation": Observation,
    "CarePlan": CarePlan,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Questionnaire": Questionnaire,
}


@cache
def _schema() -> dict:
    return json.loads(gzip.decompress(SCHEMA.read_bytes()))


def _one_of(validator, one_of, instance, schema):
    """`oneOf` as the schema's own `discriminator` reads it (as ajv does): a
    resource is checked against the definition its resourceType names. The same
    verdict as trying all 146 (each requires its own resourceType constant), but
    trying all, nested in `contained`, takes jsonschema 20 s a bundle."""
    kind = instance.get("resourceType") if isinstance(instance, dict) else None
    ref = {"$ref": f"#/definitions/{kind}"}
    if kind in _schema()["discriminator"]["mapping"] and ref in one_of:
        yield from validator.descend(instance, ref)
    else:
        yield from Draft6Validator.VALIDATORS["oneOf"](
            validator, one_of, instance, schema
        )


R4Validator = extend(Draft6Validator, {"oneOf": _one_of})


@cache
def _validator(kind: str | None = None) -> Draft6Validator:
    """The whole schema (a resource of any kind), or one kind's definition."""
    schema = _schema()
    if kind is not None:
        schema = {"$ref": f"#/definitions/{kind}", "definitions": schema["definitions"]}
    return R4Validator(schema)


def r4_errors(resource: dict) -> list[str]:
    """What the official R4 schema refuses in `resource` (a bundle, say), each
    named by resource and path; none for a valid one."""
    if _validator().is_valid(resource):
        return []
    found = [resource] + [e.get("resource", {}) for e in resource.get("entry", [])]
    errors = []
    for item in found:
        kind = item.get("resourceType")
        if kind not in _schema()["definitions"]:
            errors.append(f"unknown resourceType {kind!r}")
            continue
        for error in _validator(kind).iter_errors(item):
            path = ".".join(str(p) for p in error.absolute_path)
            errors.append(f"{kind}/{item.get('id')} {path}: {error.message}")
    return errors or ["invalid, though no entry alone is"]


def resources(answer) -> list[dict]:
    """The bundle's resources, each checked, with its full URL added as
    `fullUrl` so references can be followed."""
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "application/fhir+json"
    data = json.loads(answer.data)
    assert r4_errors(data) == []
    Bundle.model_validate(data)  # the bundle as a whole, with every entry
    assert data["type"] == "collection"
    for entry in data["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
        entry["resource"]["fullUrl"] = entry["fullUrl"]
    assert len({e["fullUrl"] for e in data["entry"]}) == len(data["entry"])
    return [entry["resource"] for entry in data["entry"]]


def of(found: list[dict], kind: str) -> list[dict]:
    return [r for r in found if r["resourceType"] == kind]
