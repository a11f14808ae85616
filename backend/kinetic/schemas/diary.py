from datetime import timedelta

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from kinetic.schemas.common import REGIONS, Instant, Score, unique_items
from kinetic.services import safety
from kinetic.services.clock import now

# Phones' clocks drift; anything further ahead than this is a mistake.
CLOCK_SKEW = timedelta(minutes=10)


def _known(codes: list[str], known: set[str]) -> None:
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ValidationError(
            f"Unknown: {', '.join(unknown)}. Known: {', '.join(sorted(known))}."
        )


class PainCreateSchema(Schema):
    low_back = Score(allow_none=True)
    neck = Score(allow_none=True)
    headache = Score(allow_none=True)
    recorded_at = Instant()
    notes = fields.Str(validate=validate.Length(max=2000), allow_none=True)
    client_id = fields.UUID()
    red_flags = fields.List(
        fields.Str(validate=validate.Length(max=64)),
        validate=[validate.Length(max=20), unique_items],
        metadata={"description": "red-flag codes (GET /safety/checklist)"},
    )
    symptoms = fields.List(
        fields.Str(validate=validate.Length(max=64)),
        validate=[validate.Length(max=20), unique_items],
        metadata={"description": "symptom codes (GET /safety/checklist)"},
    )
    session_id = fields.Int(
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "the session it was logged in (the player)"},
    )
    exercise = fields.Str(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "the exercise that hurt: a slug in that session"},
    )

    # At least one score that is a number, not null.
    openapi_rules = {
        "anyOf": [
            {"required": [region], "properties": {region: {"type": "integer"}}}
            for region in REGIONS
        ]
    }

    @validates("red_flags")
    def known_red_flags(self, value, **kwargs):
        _known(value, safety.red_flag_codes())

    @validates("symptoms")
    def known_symptoms(self, value, **kwargs):
        _known(value, safety.symptom_codes())

    @validates("recorded_at")
    def not_in_the_future(self, value, **kwargs):
        if value > now() + CLOCK_SKEW:
            raise ValidationError("Must not lie in the future.")

    @validates_schema
    def at_least_one_score(self, data, **kwargs):
        if all(data.get(region) is None for region in REGIONS):
            raise ValidationError(
                "Give at least one score: low_back, neck or headache.", "scores"
            )


class PainPatchSchema(Schema):
    low_back = Score(allow_none=True)
    neck = Score(allow_none=True)
    headache = Score(allow_none=True)
    notes = fields.Str(validate=validate.Length(max=2000), allow_none=True)


class AdviceSchema(Schema):
    level = fields.Str(required=True)
    code = fields.Str(required=True)
    text = fields.Str(required=True)


class PainEntrySchema(Schema):
    id = fields.Int(required=True)
    patient_id = fields.Int(required=True)
    recorded_at = fields.AwareDateTime(required=True)
    date = fields.Date(attribute="local_date", required=True)
    low_back = fields.Int(allow_none=True)
    neck = fields.Int(allow_none=True)
    headache = fields.Int(allow_none=True)
    notes = fields.Str(allow_none=True)
    red_flags = fields.List(fields.Str())
    symptoms = fields.List(fields.Str())
    client_id = fields.Str(allow_none=True)
    session_id = fields.Int(allow_none=True)
    exercise = fields.Str(
        allow_none=True,
        metadata={
            "description": "set on an exercise-pain report from the player, which "
            "the diary lists and trends leave out (see GET /me/trends)"
        },
    )
    corrected_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class PainEntryWithAdviceSchema(PainEntrySchema):
    advice = fields.List(fields.Nested(AdviceSchema), required=True)


class TrendArgsSchema(Schema):
    days = fields.Int(load_default=30, validate=validate.Range(1, 365))


def _region_series():
    return fields.List(fields.Float(allow_none=True), required=True)


class TrendDaySchema(Schema):
    date = fields.Date(required=True)
    low_back = fields.Float(allow_none=True, required=True)
    neck = fields.Float(allow_none=True, required=True)
    headache = fields.Float(allow_none=True, required=True)
    sessions_scheduled = fields.Int(required=True)
    sessions_done = fields.Int(required=True)
    sessions_partly_done = fields.Int(required=True)


class RollingSchema(Schema):
    low_back = _region_series()
    neck = _region_series()
    headache = _region_series()


class ExercisePainSchema(Schema):
    recorded_at = fields.AwareDateTime(required=True)
    date = fields.Date(required=True, metadata={"description": "the local day"})
    exercise = fields.Str(required=True)
    exercise_name = fields.Str(required=True)
    session_id = fields.Int(allow_none=True, required=True)
    region = fields.Str(required=True, validate=validate.OneOf(REGIONS))
    score = fields.Int(required=True, validate=validate.Range(0, 10))


class TrendsSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)
    days = fields.List(fields.Nested(TrendDaySchema), required=True)
    rolling_7 = fields.Nested(RollingSchema, required=True)
    adherence = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "adherence_detail.ratio: the clinical picture's"},
    )
    adherence_detail = fields.Nested(
        "kinetic.schemas.picture.AdherenceSchema",
        required=True,
        metadata={"description": "sessions due, done, partly done and missed"},
    )
    exercise_pain = fields.List(
        fields.Nested(ExercisePainSchema),
        required=True,
        metadata={
            "description": 'pain reported during an exercise ("Stop: this hurts"), '
            "one item per region scored, oldest first; not part of `days` nor "
            "`rolling_7`"
        },
    )
