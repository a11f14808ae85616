"""The health probe's answer."""

from marshmallow import Schema, fields, validate


class HealthSchema(Schema):
    status = fields.Str(required=True, validate=validate.OneOf(["ok"]))
