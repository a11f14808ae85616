from marshmallow import Schema, fields, validate

from kinetic.schemas.common import Email, Timezone


def NewPassword(**kwargs) -> fields.Str:
    """A password being chosen. The server's policy (services/passwords.py) also
    refuses the most common passwords and any holding the address, and may ask
    for more than 10 characters (PASSWORD_MIN_LENGTH)."""
    return fields.Str(
        validate=validate.Length(
            min=10, max=256, error="Use at least 10 characters (at most 256)."
        ),
        **kwargs,
    )


class UserSchema(Schema):
    id = fields.Int(required=True)
    # Not Email(): accounts made under earlier rules keep their address.
    email = fields.Str(required=True)
    name = fields.Str(required=True)
    role = fields.Str(required=True, validate=validate.OneOf(["therapist", "patient"]))
    timezone = fields.Str(required=True)
    therapist_name = fields.Function(
        lambda user: user.therapist.name if user.therapist else None,
        dump_only=True,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "a patient's therapist; null for a therapist",
        },
    )


class RegisterSchema(Schema):
    email = Email(required=True)
    password = NewPassword(required=True, load_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    role = fields.Str(validate=validate.OneOf(["therapist", "patient"]))
    invite_code = fields.Str(validate=validate.Length(min=1, max=64))
    timezone = Timezone()

    # A patient signs up with an invite code (role patient, or no role); a
    # therapist with role therapist and no code.
    openapi_rules = {
        "anyOf": [
            {
                "required": ["invite_code"],
                "properties": {"role": {"enum": ["patient"]}},
            },
            {
                "required": ["role"],
                "properties": {"role": {"enum": ["therapist"]}},
                # No invite_code at all, whatever its value.
                "not": {"properties": {"invite_code": {}}, "required": ["invite_code"]},
            },
        ]
    }


class LoginSchema(Schema):
    email = fields.Str(required=True, validate=validate.Length(min=1, max=254))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.Str(required=True)
    user = fields.Nested(UserSchema, required=True)


class UserPatchSchema(Schema):
    name = fields.Str(validate=validate.Length(min=1, max=120))
    timezone = Timezone()


class InviteCreateSchema(Schema):
    name = fields.Str(validate=validate.Length(min=1, max=120))
    email = Email()


class InviteSchema(Schema):
    code = fields.Str(required=True)
    expires_at = fields.AwareDateTime(required=True)
    name = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)


class PasswordChangeSchema(Schema):
    current_password = fields.Str(
        required=True, validate=validate.Length(min=1, max=256)
    )
    new_password = NewPassword(required=True)
