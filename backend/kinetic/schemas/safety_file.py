"""The shape of programs/safety.yaml: red flags, reportable symptoms and the rules
that alert a therapist."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.schemas.common import SLUG_CODE, StrictInteger
from kinetic.schemas.program_files import SOURCES

# The red-flag codes of the API contract: a clinic may reword them, not drop them.
CONTRACT_RED_FLAGS = (
    "bladder_bowel_change",
    "saddle_numbness",
    "progressive_leg_weakness",
    "fever_or_weight_loss",
    "sudden_severe_headache",
    "headache_worse_upright",
    "stiff_neck_with_fever",
)
ALERT_KINDS = (
    "red_flag",
    "worsening",
    "no_improvement",
    "disengaged",
    "neck_flexion",
    "exercise_pain",
)

Text = fields.Str(required=True, validate=validate.Length(min=1, max=1000))
Days = StrictInteger(required=True, validate=validate.Range(1, 90))
Source = fields.List(
    fields.Str(validate=validate.OneOf([*SOURCES, "guidance"])),
    required=True,
    validate=validate.Length(min=1),
)


def _unique_codes(items: list[dict], name: str) -> None:
    codes = [item["code"] for item in items]
    if len(set(codes)) != len(codes):
        raise ValidationError("Codes must not repeat.", name)


# A phrase: lowercase words (apostrophes allowed), each optionally ending in *
# (any ending), stems of at least three letters.
PHRASE = validate.Regexp(
    r"^[a-z][a-z']{2,}\*?( [a-z][a-z']{1,}\*?){0,5}$",
    error="Lowercase words (up to six), each may end in * for any ending.",
)


class RedFlagSchema(Schema):
    code = fields.Str(required=True, validate=SLUG_CODE)
    question = fields.Str(required=True, validate=validate.Length(min=5, max=200))
    label = fields.Str(required=True, validate=validate.Length(min=3, max=120))
    # Words that bring the urgent advice when a patient writes them in a message.
    phrases = fields.List(
        fields.Str(validate=PHRASE), load_default=list, validate=validate.Length(max=50)
    )
    source = Source


class SymptomSchema(RedFlagSchema):
    advice = Text
    alert = fields.Str(validate=validate.OneOf(ALERT_KINDS))


class WorseningSchema(Schema):
    """Alerts when the clinical picture (programs/picture.yaml) is worsening."""

    cooldown_days = Days
    advice = Text
    source = Source


class NoImprovementSchema(Schema):
    """Alerts when the clinical picture is unchanged after the plan's review
    time (programs/picture.yaml); the advice is given once."""

    cooldown_days = Days
    advice = Text
    source = Source


class DisengagedSchema(Schema):
    missed_in_row = StrictInteger(required=True, validate=validate.Range(1, 30))
    cooldown_days = Days
    source = Source


class HighPainSchema(Schema):
    score = StrictInteger(required=True, validate=validate.Range(1, 10))
    advice = Text
    source = Source


class ExercisePainSchema(HighPainSchema):
    """Pain during an exercise at or above `score` alerts the therapist."""

    stop_advice = Text


class SafetyFileSchema(Schema):
    urgent_advice = Text
    urgent_message_advice = fields.Str(validate=validate.Length(min=1, max=1000))
    red_flags = fields.List(fields.Nested(RedFlagSchema), required=True)
    symptoms = fields.List(fields.Nested(SymptomSchema), load_default=list)
    worsening = fields.Nested(WorseningSchema, required=True)
    no_improvement = fields.Nested(NoImprovementSchema, required=True)
    disengaged = fields.Nested(DisengagedSchema, required=True)
    high_pain = fields.Nested(HighPainSchema, required=True)
    exercise_pain = fields.Nested(ExercisePainSchema, required=True)

    @validates_schema
    def _codes(self, data, **kwargs):
        for key in ("urgent_advice", "urgent_message_advice"):
            if "{signs}" not in data.get(key, "{signs}"):
                raise ValidationError("Must contain {signs}.", key)
        flags = data.get("red_flags", [])
        _unique_codes(flags, "red_flags")
        missing = sorted(set(CONTRACT_RED_FLAGS) - {f["code"] for f in flags})
        if missing:
            raise ValidationError(
                f"The API's red flags must all be here: missing {', '.join(missing)}.",
                "red_flags",
            )
        symptoms = data.get("symptoms", [])
        _unique_codes(symptoms, "symptoms")
        both = {f["code"] for f in flags} & {s["code"] for s in symptoms}
        if both:
            raise ValidationError(
                f"Both a red flag and a symptom: {', '.join(sorted(both))}.", "symptoms"
            )
