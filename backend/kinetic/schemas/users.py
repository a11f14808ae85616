from datetime import date, timedelta

from marshmallow import Schema, ValidationError, fields, post_dump, validate

from kinetic.models.users import SEXES
from kinetic.schemas.clinic import UserClinicSchema
from kinetic.schemas.common import Email, StrictBoolean, Timezone
from kinetic.services.clock import now


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


EXPORTS = "in health-record exports (FHIR)"


class ClinicOfUser(fields.Nested):
    """A therapist's clinic and place in it (services/clinics.py); none for a
    patient."""

    def get_value(self, obj, attr, accessor=None, default=None):
        from kinetic.services.clinics import brief_of

        return brief_of(obj)


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
    family_name = fields.Str(required=True, allow_none=True)
    given_name = fields.Str(required=True, allow_none=True)
    birth_date = fields.Date(required=True, allow_none=True)
    sex = fields.Str(required=True, allow_none=True, validate=validate.OneOf(SEXES))
    share_email_in_exports = fields.Bool(required=True)
    clinic = ClinicOfUser(
        UserClinicSchema,
        dump_only=True,
        metadata={"description": "a therapist's clinic and role (not for a patient)"},
    )

    @post_dump
    def _no_clinic_for_a_patient(self, data, **kwargs):
        if data.get("clinic", ...) is None:
            del data["clinic"]
        return data


class RegisterSchema(Schema):
    email = Email(required=True)
    password = NewPassword(required=True, load_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    role = fields.Str(validate=validate.OneOf(["therapist", "patient"]))
    invite_code = fields.Str(validate=validate.Length(min=1, max=64))
    timezone = Timezone()

    # With an invite code: a patient's (role patient, or no role) or a clinic's
    # for a therapist (role therapist, or no role). Without one: a therapist.
    openapi_rules = {
        "anyOf": [
            {"required": ["invite_code"]},
            {"required": ["role"], "properties": {"role": {"enum": ["therapist"]}}},
        ]
    }


class LoginSchema(Schema):
    email = fields.Str(required=True, validate=validate.Length(min=1, max=254))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.Str(required=True)
    user = fields.Nested(UserSchema, required=True)


def _born(value: date) -> None:
    # A day of slack: the user's today may already be tomorrow in UTC.
    if value > now().date() + timedelta(days=1):
        raise ValidationError("Must not be in the future.")


def PersonName(**kwargs) -> fields.Str:  # noqa: N802 - reads like a field class
    return fields.Str(
        allow_none=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": f"{kwargs.pop('what')} {EXPORTS}; null clears it"},
        **kwargs,
    )


class UserPatchSchema(Schema):
    name = fields.Str(validate=validate.Length(min=1, max=120))
    timezone = Timezone()
    family_name = PersonName(what="Family name (surname)")
    given_name = PersonName(what="Given name(s)")
    birth_date = fields.Date(
        allow_none=True,
        validate=[validate.Range(min=date(1900, 1, 1)), _born],
        metadata={"description": f"{EXPORTS}; null clears it"},
    )
    sex = fields.Str(
        allow_none=True,
        validate=validate.OneOf(SEXES),
        metadata={"description": f"FHIR administrative gender {EXPORTS}"},
    )
    share_email_in_exports = StrictBoolean(
        metadata={"description": f"whether the email goes {EXPORTS} (default false)"}
    )


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
