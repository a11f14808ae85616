"""What the OpenAPI document says beyond what apispec reads from each field: rules
over several fields of a body, the timezone names, the push services this server
accepts, that no text holds a NUL character, the years a date may name, the size
of a mapping and the FHIR Bundle the records export."""

from copy import deepcopy

from apispec import BasePlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from marshmallow import fields, validate

from kinetic.extensions import api
from kinetic.schemas.common import DAY_BOUNDS, Day, Instant, Timezone, timezone_names
from kinetic.schemas.program_files import OwnExerciseFileSchema, OwnProgramFileSchema
from kinetic.schemas.reminders import PushEndpoint
from kinetic.services.push import endpoint_pattern

# refuse_nul_characters (api/errors.py) refuses it in every string of a request.
NO_NUL = r"^[^\x00]*$"
TIMEZONE_REF = "#/components/schemas/Timezone"
FHIR_BUNDLE_REF = "#/components/schemas/FhirBundle"
# The frame of a FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html); each
# entry's resource follows its own FHIR R4 definition (tests/api/test_fhir.py).
FHIR_BUNDLE = {
    "type": "object",
    "description": "A FHIR R4 Bundle of type `collection`: the patient's record, "
    "one FHIR resource per entry.",
    "required": ["resourceType", "type", "entry"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "id": {"type": "string"},
        "type": {"type": "string", "example": "collection"},
        "timestamp": {"type": "string", "format": "date-time"},
        "entry": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["fullUrl", "resource"],
                "properties": {
                    "fullUrl": {"type": "string", "example": "urn:uuid:..."},
                    "resource": {
                        "type": "object",
                        "required": ["resourceType"],
                        "properties": {"resourceType": {"type": "string"}},
                    },
                },
            },
        },
    },
}


class SchemaRules(BasePlugin):
    """Adds a marshmallow schema's `openapi_rules` (anyOf and the like, for rules
    over several fields) to the schema's component."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        if schema is None:
            return None
        rules = getattr(resolve_schema_cls(schema), "openapi_rules", None)
        return deepcopy(rules) if rules else None


def _timezone(self, field, **kwargs) -> dict:
    return {"allOf": [{"$ref": TIMEZONE_REF}]} if isinstance(field, Timezone) else {}


def _no_nul(self, field, ret, **kwargs) -> dict:
    if not isinstance(field, fields.String) or {"pattern", "enum", "allOf"} & set(ret):
        return {}
    return {"pattern": NO_NUL}


def _day_bounds(self, field, ret, **kwargs) -> dict:
    # JSON Schema bounds only numbers; the words say it (422 outside).
    if not isinstance(field, (Day, Instant)):
        return {}
    said = ret.get("description")
    return {"description": f"{said}; {DAY_BOUNDS}" if said else DAY_BOUNDS}


def _mapping_size(self, field, ret, **kwargs) -> dict:
    # apispec states a Length on a Dict as maxLength, a string's keyword.
    if not isinstance(field, fields.Dict):
        return {}
    bounds = {"minLength": "minProperties", "maxLength": "maxProperties"}
    return {bounds[key]: ret.pop(key) for key in list(ret) if key in bounds}


def _not_null(self, field, ret, **kwargs) -> dict:
    # A field may take null only to answer it with a clearer 422 of its own;
    # `metadata={"nullable": False}` keeps the document to what is accepted.
    if field.metadata.get("nullable") is False:
        ret.pop("nullable", None)
    return {}


def _none_of(self, field, **kwargs) -> dict:
    words = [v.iterable for v in field.validators if isinstance(v, validate.NoneOf)]
    return {"not": {"enum": list(words[0])}} if words else {}


def register_openapi(app: Flask) -> None:
    """Call before the blueprints are registered: their schemas are read then."""
    converter = api.ma_plugin.converter
    push_pattern = endpoint_pattern(app.config)

    def _push_endpoint(self, field, **kwargs) -> dict:
        return {"pattern": push_pattern} if isinstance(field, PushEndpoint) else {}

    for function in (
        _timezone,
        _push_endpoint,
        _no_nul,
        _none_of,
        _day_bounds,
        _mapping_size,
        _not_null,
    ):
        converter.add_attribute_function(function)
    api.spec.components.schema(
        "Timezone",
        {
            "type": "string",
            "enum": timezone_names(),
            "description": "An IANA timezone name, e.g. Europe/Berlin.",
        },
    )
    api.spec.components.schema("FhirBundle", FHIR_BUNDLE)
    # The shapes of the YAML files (api/library_files.py refers to them by name;
    # the JSON routes take them with `owner` added).
    api.spec.components.schema("OwnExerciseFile", schema=OwnExerciseFileSchema)
    api.spec.components.schema("OwnProgramFile", schema=OwnProgramFileSchema)


def drop_unused_pagination() -> None:
    """Call after the blueprints are registered. flask-smorest registers its
    PaginationMetadata schema for the pagination header whether or not a route
    pages its answers; none here does, so it would stand unused in the document."""
    if "PAGINATION" not in api.spec.components.headers:
        api.spec.components.schemas.pop("PaginationMetadata", None)
