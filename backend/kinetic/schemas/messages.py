from marshmallow import Schema, ValidationError, fields, validate, validates

from kinetic.schemas.care_teams import PersonSchema
from kinetic.schemas.diary import AdviceSchema


class MessageCreateSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    client_id = fields.UUID(
        metadata={"description": "made by the client; the same one again sends once"}
    )

    @validates("body")
    def not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Write something first.")


class MessageSchema(Schema):
    id = fields.Int(required=True)
    patient_id = fields.Int(required=True)
    sender_id = fields.Int(allow_none=True)
    sender = fields.Nested(
        PersonSchema,
        allow_none=True,
        metadata={
            "description": "who wrote it: the patient or a therapist of the care "
            "team; null once their account is erased"
        },
    )
    from_patient = fields.Bool(required=True)
    body = fields.Str(required=True)
    client_id = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(allow_none=True, required=True)


class MessageWithAdviceSchema(MessageSchema):
    advice = fields.List(
        fields.Nested(AdviceSchema),
        metadata={"description": "urgent advice when the words match a red flag"},
    )


class LastMessageSchema(Schema):
    id = fields.Int()
    body = fields.Function(lambda m: m.body[:140])
    from_patient = fields.Bool()
    created_at = fields.AwareDateTime()
