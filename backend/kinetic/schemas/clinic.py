"""Clinics: the practice, its members and the admins' invites for therapists."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.models.clinics import MEMBER_ROLES
from kinetic.schemas.common import Email, StrictBoolean, StrictInteger

MEMBER_ROLE = validate.OneOf(MEMBER_ROLES)


class ClinicSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    created_at = fields.AwareDateTime(required=True)
    my_role = fields.Str(required=True, validate=MEMBER_ROLE)
    treats_patients = fields.Bool(
        required=True, metadata={"description": "whether the caller treats patients"}
    )
    member_count = fields.Int(required=True)


class ClinicPatchSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))


class UserClinicSchema(Schema):
    """`clinic` in a therapist's user answer."""

    id = fields.Int(required=True)
    name = fields.Str(required=True)
    role = fields.Str(required=True, validate=MEMBER_ROLE)
    treats_patients = fields.Bool(required=True)


class MemberSchema(Schema):
    id = fields.Int(required=True, metadata={"description": "the member's user id"})
    name = fields.Str(required=True)
    email = fields.Str(required=True)
    role = fields.Str(required=True, validate=MEMBER_ROLE)
    treats_patients = fields.Bool(required=True)
    joined_at = fields.AwareDateTime(required=True)
    lead_count = fields.Int(
        required=True, metadata={"description": "patients they lead"}
    )
    team_count = fields.Int(
        required=True,
        metadata={"description": "patients whose care team they are on, not as lead"},
    )


class MemberPatchSchema(Schema):
    role = fields.Str(validate=MEMBER_ROLE)
    treats_patients = StrictBoolean(
        metadata={"description": "false only for an admin with no patients"}
    )

    openapi_rules = {
        "anyOf": [{"required": ["role"]}, {"required": ["treats_patients"]}]
    }

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("Give role or treats_patients.", "role")


class MemberRemoveSchema(Schema):
    hand_over_to = StrictInteger(
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={
            "description": "the user id of the treating member who takes over the "
            "patients they lead; required when they lead any"
        },
    )


class ClinicInviteCreateSchema(Schema):
    name = fields.Str(validate=validate.Length(min=1, max=120))
    email = Email()
    role = fields.Str(
        validate=MEMBER_ROLE,
        metadata={"description": "the member role they join with (therapist)"},
    )


class ClinicInviteSchema(Schema):
    code = fields.Str(required=True)
    url = fields.Str(
        required=True, metadata={"description": "the join link to send or show"}
    )
    expires_at = fields.AwareDateTime(required=True)
    name = fields.Str(required=True, allow_none=True)
    email = fields.Str(required=True, allow_none=True)
    role = fields.Str(required=True, validate=MEMBER_ROLE)


class OpenInviteSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True, allow_none=True)
    email = fields.Str(required=True, allow_none=True)
    role = fields.Str(required=True, validate=MEMBER_ROLE)
    expires_at = fields.AwareDateTime(required=True)
