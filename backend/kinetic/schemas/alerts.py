from marshmallow import Schema, fields, validate

from kinetic.schemas.care_teams import PersonSchema

# `resolved`: a "no improvement" alert that closed itself when the picture improved.
ALERT_STATUSES = ("open", "acknowledged", "resolved")


class AlertSchema(Schema):
    id = fields.Int(required=True)
    patient_id = fields.Int(required=True)
    patient_name = fields.Str()
    kind = fields.Str(
        required=True,
        metadata={
            "description": "red_flag, worsening, no_improvement, disengaged, "
            "neck_flexion or exercise_pain"
        },
    )
    detail = fields.Dict(
        required=True, metadata={"description": "the figures that raised it"}
    )
    summary = fields.Str(metadata={"description": "the detail in plain words"})
    created_at = fields.AwareDateTime(required=True)
    status = fields.Str(required=True)
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    acknowledged_by = fields.Nested(
        PersonSchema,
        allow_none=True,
        metadata={"description": "the therapist who acknowledged it"},
    )


class AlertArgsSchema(Schema):
    status = fields.Str(validate=validate.OneOf(ALERT_STATUSES))
    patient_id = fields.Int(validate=validate.Range(1, 2**31 - 1))


class AlertPatchSchema(Schema):
    status = fields.Str(required=True, validate=validate.OneOf(["acknowledged"]))


class ChecklistItemSchema(Schema):
    code = fields.Str(required=True)
    question = fields.Str(required=True)
    label = fields.Str(required=True)
    phrases = fields.List(
        fields.Str(), metadata={"description": "words that flag it in a message"}
    )


class ExercisePainAdviceSchema(Schema):
    score = fields.Int(required=True)
    advice = fields.Str(required=True)
    stop_advice = fields.Str(required=True)


class ChecklistSchema(Schema):
    urgent_advice = fields.Str(required=True)
    urgent_message_advice = fields.Str()
    red_flags = fields.List(fields.Nested(ChecklistItemSchema), required=True)
    symptoms = fields.List(fields.Nested(ChecklistItemSchema), required=True)
    exercise_pain = fields.Nested(
        ExercisePainAdviceSchema,
        metadata={"description": "what the session player says after pain"},
    )
