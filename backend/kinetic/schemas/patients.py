from marshmallow import Schema, fields, validate

from kinetic.schemas.care_teams import CareTeamSchema, PersonSchema
from kinetic.schemas.messages import LastMessageSchema
from kinetic.schemas.plans import AssignmentSchema


class LatestSchema(Schema):
    low_back = fields.Int(allow_none=True)
    neck = fields.Int(allow_none=True)
    headache = fields.Int(allow_none=True)
    recorded_at = fields.AwareDateTime(allow_none=True)


class PatientSummarySchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    email = fields.Str(required=True)
    timezone = fields.Str()
    latest = fields.Nested(LatestSchema, required=True)
    adherence_7d = fields.Float(allow_none=True, required=True)
    open_alerts = fields.Int(required=True)
    unread_messages = fields.Int(
        required=True, metadata={"description": "messages from the patient not read"}
    )
    last_message = fields.Nested(LastMessageSchema, allow_none=True)
    pending_suggestions = fields.Int(
        metadata={"description": "progression suggestions awaiting a decision"}
    )
    lead = fields.Nested(
        PersonSchema,
        required=True,
        allow_none=True,
        metadata={"description": "the patient's lead therapist"},
    )
    my_part = fields.Str(
        required=True,
        validate=validate.OneOf(["lead", "member"]),
        metadata={"description": "lead: the caller leads; member: on the care team"},
    )


class PatientDetailSchema(PatientSummarySchema):
    assignments = fields.List(fields.Nested(AssignmentSchema), required=True)
    care_team = fields.Nested(CareTeamSchema, required=True)
