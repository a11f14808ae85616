from marshmallow import Schema, fields, validate

from kinetic.models.clinics import ACCESS_KINDS
from kinetic.schemas.common import Day

KIND = fields.Str(
    required=True,
    validate=validate.OneOf(ACCESS_KINDS),
    metadata={
        "description": "view (read), export, report (progress report or its "
        "PDF), fhir (the FHIR record) or change"
    },
)
LIMIT = fields.Int(
    load_default=1000,
    validate=validate.Range(min=1, max=10_000),
    metadata={"description": "the newest rows up to this many (JSON only)"},
)


class AccessLogArgsSchema(Schema):
    patient_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    therapist_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    from_ = Day(data_key="from", metadata={"description": "the first UTC day"})
    to = Day(metadata={"description": "the last UTC day (included)"})
    format = fields.Str(
        load_default="json",
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "csv: a text/csv file with the same columns"},
    )
    limit = LIMIT


class MyAccessLogArgsSchema(Schema):
    limit = LIMIT


class AccessLogRowSchema(Schema):
    id = fields.Int(required=True)
    at = fields.AwareDateTime(required=True)
    therapist_id = fields.Int(required=True)
    therapist_name = fields.Str(required=True, allow_none=True)
    patient_id = fields.Int(required=True)
    patient_name = fields.Str(
        required=True,
        allow_none=True,
        metadata={"description": "null once the patient's account is erased"},
    )
    kind = KIND


class MyAccessLogRowSchema(Schema):
    at = fields.AwareDateTime(required=True)
    therapist_id = fields.Int(required=True)
    therapist_name = fields.Str(required=True, allow_none=True)
    kind = KIND
