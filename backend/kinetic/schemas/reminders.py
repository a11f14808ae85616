import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import Schema, ValidationError, fields, validate

from kinetic.schemas.common import Pattern, StrictBoolean, Timezone
from kinetic.services.push import endpoint_matches

HHMM = Pattern(
    r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use 24-hour HH:MM, e.g. 18:30."
)
# base64url without padding, as browsers send them: an uncompressed P-256 point
# (65 bytes, starting 0x04) and a 16-byte auth secret.
P256DH = Pattern(
    r"^B[A-P][A-Za-z0-9_-]{85}=?$",
    error="Not a P-256 public key (65 bytes, uncompressed, base64url).",
)
AUTH = Pattern(
    r"^[A-Za-z0-9_-]{22}(==)?$", error="The auth secret is 16 bytes, base64url."
)


class RemindersSchema(Schema):
    enabled = StrictBoolean(required=True)
    time = fields.Str(required=True, validate=HHMM)
    timezone = Timezone()


def _b64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError("Not base64url.") from error


def validate_on_curve(value: str) -> None:
    if not P256DH.regex.fullmatch(value):
        return  # P256DH has said what is wrong
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url(value))
    except ValueError as error:
        raise ValidationError("Not a point on the P-256 curve.") from error


class PushEndpoint(fields.String):
    """The push service's URL for one browser: HTTPS to a known push service
    (PUSH_SERVICE_HOSTS). The OpenAPI document gives the same pattern, built from
    the server's configuration."""

    def __init__(self, **kwargs):
        super().__init__(
            validate=[validate.Length(max=2048), self._known_service], **kwargs
        )

    @staticmethod
    def _known_service(value: str) -> None:
        if not endpoint_matches(value):
            raise ValidationError("Not the address of a known Web Push service.")


class PushKeysSchema(Schema):
    p256dh = fields.Str(required=True, validate=[P256DH, validate_on_curve])
    auth = fields.Str(required=True, validate=AUTH)


class PushSubscriptionSchema(Schema):
    """A browser's PushSubscription.toJSON()."""

    endpoint = PushEndpoint(required=True)
    expirationTime = fields.Float(allow_none=True, load_only=True)  # noqa: N815
    keys = fields.Nested(PushKeysSchema, required=True, load_only=True)
    created_at = fields.DateTime(dump_only=True)


class PushKeysEchoSchema(Schema):
    """The keys a client may send back when unsubscribing: read, never used."""

    p256dh = fields.Str(validate=validate.Length(max=100))
    auth = fields.Str(validate=validate.Length(max=40))


class PushUnsubscribeSchema(Schema):
    endpoint = fields.Str(required=True, validate=validate.Length(max=2048))
    expirationTime = fields.Float(allow_none=True, load_only=True)  # noqa: N815
    keys = fields.Nested(PushKeysEchoSchema, load_only=True)


class PublicKeySchema(Schema):
    public_key = fields.Str(required=True)


class NotificationSchema(Schema):
    id = fields.Int()
    kind = fields.Str(
        metadata={
            "description": "`reminder`, `message` or `advice` (a patient's); "
            "`account_gone` (a therapist's: a patient deleted their account)"
        }
    )
    title = fields.Str()
    body = fields.Str()
    url = fields.Str()
    created_at = fields.DateTime()


class NotificationArgsSchema(Schema):
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
