"""Care teams: who shares a patient's care, and who did what."""

from marshmallow import Schema, fields, validate

SCOPES = ("all", "mine", "team")


class PersonSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


def person(user) -> dict | None:
    """{id, name} of a user (a relationship that may be empty), for the
    who-did-it fields."""
    return None if user is None else {"id": user.id, "name": user.name}


class CareTeamMemberSchema(PersonSchema):
    lead = fields.Bool(required=True)
    added_at = fields.AwareDateTime(
        required=True, allow_none=True, metadata={"description": "null for the lead"}
    )
    added_by = fields.Nested(PersonSchema, required=True, allow_none=True)


class CareTeamSchema(Schema):
    patient_id = fields.Int(required=True)
    lead = fields.Nested(PersonSchema, required=True, allow_none=True)
    members = fields.List(
        fields.Nested(CareTeamMemberSchema),
        required=True,
        metadata={"description": "the lead first, then the others by name"},
    )


class CareTeamAddSchema(Schema):
    therapist_id = fields.Int(
        required=True,
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "a therapist of the clinic who treats patients"},
    )


class PatientListArgsSchema(Schema):
    scope = fields.Str(
        load_default="all",
        validate=validate.OneOf(SCOPES),
        metadata={
            "description": "all (default); mine: the patients I lead; team: those "
            "whose care team I am on without leading"
        },
    )
