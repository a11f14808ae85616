"""The shape of programs/progression.yaml: when a plan advances early, holds, or
steps back a phase. Each rule says in plain words what it does and where its
thresholds come from."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.schemas.common import StrictInteger
from kinetic.schemas.program_files import SOURCES
from kinetic.schemas.safety_file import ALERT_KINDS

Explanation = fields.Str(required=True, validate=validate.Length(min=20, max=1000))
Sessions = StrictInteger(required=True, validate=validate.Range(1, 10))
Score = StrictInteger(required=True, validate=validate.Range(0, 10))
Weeks = StrictInteger(required=True, validate=validate.Range(1, 8))
BASES = ("guidance", "starting_value")
# The facts that withdraw a pending advance (see services/progression_recheck.py).
WITHDRAWN_BY = ("exercise_pain", "red_flag", "worsening")


class RuleSchema(Schema):
    explanation = Explanation
    tell_patient = fields.Str(required=True, validate=validate.Length(min=10, max=500))
    basis = fields.Str(required=True, validate=validate.OneOf(BASES))
    source = fields.List(
        fields.Str(validate=validate.OneOf([*SOURCES, "guidance"])),
        validate=validate.Length(min=1),
    )

    @validates_schema
    def _basis(self, data, **kwargs):
        if data.get("basis") == "guidance" and "source" not in data:
            raise ValidationError("A rule from guidance names its source.", "source")


class AdvanceSchema(RuleSchema):
    sessions = Sessions
    max_pain_during = Score
    not_effort = fields.Str(
        required=True, validate=validate.OneOf(["too_easy", "right", "too_hard"])
    )
    min_adherence = fields.Float(required=True, validate=validate.Range(0, 1))
    adherence_days = StrictInteger(required=True, validate=validate.Range(7, 56))
    withdrawn_by = fields.List(
        fields.Str(validate=validate.OneOf(WITHDRAWN_BY)), required=True
    )


class HoldSchema(RuleSchema):
    sessions = Sessions
    pain_during = Score
    in_sessions = Sessions
    mean_rise = fields.Float(required=True, validate=validate.Range(0.5, 10))
    mean_days = StrictInteger(required=True, validate=validate.Range(3, 28))
    weeks = Weeks

    @validates_schema
    def _counts(self, data, **kwargs):
        if data.get("in_sessions", 0) > data.get("sessions", 10):
            raise ValidationError("Cannot exceed sessions.", "in_sessions")


class StepBackSchema(RuleSchema):
    alerts = fields.List(
        fields.Str(validate=validate.OneOf(ALERT_KINDS)),
        required=True,
        validate=validate.Length(min=1),
    )
    weeks = Weeks


class ProgressionFileSchema(Schema):
    advance = fields.Nested(AdvanceSchema, required=True)
    hold = fields.Nested(HoldSchema, required=True)
    step_back = fields.Nested(StepBackSchema, required=True)
