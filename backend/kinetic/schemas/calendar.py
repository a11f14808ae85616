from marshmallow import Schema, fields


class CalendarLinkSchema(Schema):
    url = fields.Str(required=True, metadata={"description": "secret: keep it private"})
    webcal_url = fields.Str(required=True)


class CalendarStateSchema(Schema):
    active = fields.Bool(required=True)
    created_at = fields.AwareDateTime(allow_none=True)
