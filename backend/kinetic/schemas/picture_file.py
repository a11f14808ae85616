"""The shape of programs/picture.yaml: the figures the one clinical picture
(services/picture.py) is worked out with."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.schemas.common import SLUG, StrictInteger
from kinetic.schemas.program_files import SOURCES

Days = StrictInteger(required=True, validate=validate.Range(1, 90))
Source = fields.List(
    fields.Str(validate=validate.OneOf([*SOURCES, "guidance"])),
    required=True,
    validate=validate.Length(min=1),
)


class AdherenceSchema(Schema):
    default_window_days = StrictInteger(required=True, validate=validate.Range(7, 365))
    source = Source


class FlareSchema(Schema):
    high_score = StrictInteger(required=True, validate=validate.Range(1, 10))
    high_days = Days
    of_last_days = Days

    @validates_schema
    def _days(self, data, **kwargs):
        if data["high_days"] > data["of_last_days"]:
            raise ValidationError("Cannot exceed of_last_days.", "high_days")


class PainSchema(Schema):
    baseline_days = Days
    recent_days = Days
    min_days = Days
    min_baseline = fields.Float(required=True, validate=validate.Range(0, 10))
    meaningful_points = fields.Float(required=True, validate=validate.Range(0.5, 10))
    meaningful_percent = fields.Float(required=True, validate=validate.Range(1, 100))
    flare = fields.Nested(FlareSchema, required=True)
    source = Source

    @validates_schema
    def _days(self, data, **kwargs):
        for key in ("baseline_days", "recent_days"):
            if data["min_days"] > data[key]:
                raise ValidationError(f"Cannot exceed {key}.", "min_days")


class QuestionnairesSchema(Schema):
    primary = fields.List(fields.Str(validate=SLUG), required=True)


class VerdictSchema(Schema):
    review_after_days = Days


class PictureFileSchema(Schema):
    adherence = fields.Nested(AdherenceSchema, required=True)
    pain = fields.Nested(PainSchema, required=True)
    questionnaires = fields.Nested(QuestionnairesSchema, required=True)
    verdict = fields.Nested(VerdictSchema, required=True)
