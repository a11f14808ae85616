"""The clinical picture's shape: GET /me/summary and GET /patients/{id}/summary."""

from marshmallow import Schema, fields, validate

VERDICTS = ("improving", "unchanged", "worsening", "insufficient_data")
DIRECTIONS = ("better", "worse", "same")


class SummaryArgsSchema(Schema):
    days = fields.Int(
        load_default=28,
        validate=validate.Range(7, 365),
        metadata={"description": "the adherence window, in days up to today"},
    )


class WindowSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)
    days = fields.Int(required=True)


class AdherenceSchema(Schema):
    due = fields.Int(
        required=True,
        metadata={"description": "sessions of past days, and today's once done"},
    )
    done = fields.Int(required=True)
    partly_done = fields.Int(required=True)
    missed = fields.Int(required=True)
    ratio = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "(done + each partly done session's share of exercises "
            "done) / due; null when nothing was due"
        },
    )


class RegionPictureSchema(Schema):
    baseline = fields.Float(allow_none=True, required=True)
    recent = fields.Float(allow_none=True, required=True)
    change = fields.Float(allow_none=True, required=True)
    change_pct = fields.Int(allow_none=True, required=True)
    meaningful = fields.Bool(
        required=True,
        metadata={"description": "at least 2 points and 30% either way (IMMPACT)"},
    )
    direction = fields.Str(
        allow_none=True, required=True, validate=validate.OneOf(DIRECTIONS)
    )


class PainPictureSchema(Schema):
    low_back = fields.Nested(RegionPictureSchema, required=True)
    neck = fields.Nested(RegionPictureSchema, required=True)
    headache = fields.Nested(RegionPictureSchema, required=True)


class QuestionnairePictureSchema(Schema):
    slug = fields.Str(required=True)
    title = fields.Str(required=True)
    baseline = fields.Float(allow_none=True, required=True)
    latest = fields.Float(allow_none=True, required=True)
    latest_date = fields.Date(allow_none=True, required=True)
    change = fields.Float(allow_none=True, required=True)
    meaningful = fields.Bool(
        required=True,
        metadata={"description": "by the questionnaire's minimal important change"},
    )
    direction = fields.Str(
        allow_none=True, required=True, validate=validate.OneOf(DIRECTIONS)
    )


class ReasonSchema(Schema):
    measure = fields.Str(
        required=True,
        metadata={
            "description": "pain.<region>, flare.<region> or questionnaire.<slug>"
        },
    )
    direction = fields.Str(required=True, validate=validate.OneOf(DIRECTIONS))
    text = fields.Str(required=True)
    baseline = fields.Float()
    recent = fields.Float()
    latest = fields.Float()
    change = fields.Float()
    change_pct = fields.Int()
    days = fields.List(fields.Date())


class SummarySchema(Schema):
    as_of = fields.Date(required=True)
    window = fields.Nested(WindowSchema, required=True)
    adherence = fields.Nested(AdherenceSchema, required=True)
    pain = fields.Nested(PainPictureSchema, required=True)
    questionnaires = fields.List(
        fields.Nested(QuestionnairePictureSchema), required=True
    )
    verdict = fields.Str(required=True, validate=validate.OneOf(VERDICTS))
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    plan_started = fields.Date(allow_none=True, required=True)
