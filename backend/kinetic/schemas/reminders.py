import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import Schema, ValidationError, fields, validate

from kinetic.schemas.common import StrictBoolean, validate_timezone
from kinetic.services.push import endpoint_allowed

HHMM = validate.Regexp(
    r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use 24-hour HH:MM, e.g. 18:30."
)


class RemindersSchema(Schema):
    enabled = StrictBoolean(required=True)
    time = fields.Str(required=True, validate=HHMM)
    timezone = fields.Str(validate=validate_timezone)


def _b64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError("Not base64url.") from error


def validate_p256dh(value: str) -> None:
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url(value))
    except ValueError as error:
        raise ValidationError(
            "Not a P-256 public key (65 bytes, uncompressed, base64url)."
        ) from error


def validate_auth(value: str) -> None:
    if len(_b64url(value)) != 16:
        raise ValidationError("The auth secret is 16 bytes, base64url.")


def validate_endpoint(value: str) -> None:
    if not endpoint_allowed(value):
        raise ValidationError("Not the address of a known Web Push service.")


class PushKeysSchema(Schema):
    p256dh = fields.Str(
        required=True, validate=[validate.Length(max=100), validate_p256dh]
    )
    auth = fields.Str(required=True, validate=[validate.Length(max=40), validate_auth])


class PushSubscriptionSchema(Schema):
    """A browser's PushSubscription.toJSON()."""

    endpoint = fields.Str(
        required=True, validate=[validate.Length(max=2048), validate_endpoint]
    )
    expirationTime = fields.Float(allow_none=True, load_only=True)  # noqa: N815
    keys = fields.Nested(PushKeysSchema, required=True, load_only=True)
    created_at = fields.DateTime(dump_only=True)


class PushUnsubscribeSchema(Schema):
    endpoint = fields.Str(required=True, validate=validate.Length(max=2048))
    expirationTime = fields.Float(allow_none=True, load_only=True)  # noqa: N815
    keys = fields.Dict(load_only=True)


class PublicKeySchema(Schema):
    public_key = fields.Str(required=True)


class NotificationSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"description": "`reminder` or `message`"})
    title = fields.Str()
    body = fields.Str()
    url = fields.Str()
    created_at = fields.DateTime()


class NotificationArgsSchema(Schema):
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
