from marshmallow import Schema, fields, validate

from kinetic.schemas.common import StrictBoolean, validate_timezone

HHMM = validate.Regexp(
    r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use 24-hour HH:MM, e.g. 18:30."
)


class RemindersSchema(Schema):
    enabled = StrictBoolean(required=True)
    time = fields.Str(required=True, validate=HHMM)
    timezone = fields.Str(validate=validate_timezone)
