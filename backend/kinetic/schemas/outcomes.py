"""The API's shapes for questionnaires, their schedules and responses, and
insights."""

from marshmallow import Schema, fields, missing, validate

from kinetic.schemas.common import SLUG, Day, StrictInteger

Slug = fields.Str(required=True, validate=[validate.Length(max=80), SLUG])


class QuestionnaireSummarySchema(Schema):
    def get_attribute(self, obj, attr, default):
        # The instruments are dicts: a key the file leaves out (`items`, for one
        # written per patient) is missing, not the dict's own method of that name.
        if isinstance(obj, dict):
            return obj.get(attr, missing)
        return super().get_attribute(obj, attr, default)

    slug = fields.Str(required=True)
    title = fields.Str(required=True)
    name = fields.Str(required=True)
    summary = fields.Str(required=True)
    instructions = fields.Str(required=True)
    better = fields.Str(required=True, metadata={"description": "lower or higher"})
    score_range = fields.List(fields.Float(), required=True)
    per_patient_items = fields.Bool(
        required=True, metadata={"description": "items are the therapist's goals"}
    )
    minimal_important_change = fields.Dict(required=True)
    bands = fields.Dict(required=True)
    source = fields.Dict(required=True)
    licence = fields.Dict(required=True)


class QuestionnaireSchema(QuestionnaireSummarySchema):
    items = fields.List(fields.Dict())
    goals = fields.Dict(metadata={"description": "the range of per-patient items"})
    scoring = fields.Dict(required=True)


class ScheduleCreateSchema(Schema):
    questionnaire = Slug
    every_days = StrictInteger(required=True, validate=validate.Range(1, 365))
    start_date = Day()
    goals = fields.List(
        fields.Str(validate=validate.Length(min=3, max=200)),
        validate=validate.Length(max=10),
        allow_none=True,
        metadata={"description": "the items, for an instrument written per patient"},
    )


class ItemSchema(Schema):
    code = fields.Str(required=True)
    text = fields.Str(required=True)


class ResponseSchema(Schema):
    id = fields.Int(required=True)
    questionnaire = fields.Str(required=True)
    date = fields.Date(required=True)
    answered_at = fields.AwareDateTime(required=True)
    score = fields.Float(required=True)
    band = fields.Str(allow_none=True, required=True)
    answers = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True)
    baseline = fields.Bool(required=True)
    change_from_baseline = fields.Float(allow_none=True, required=True)
    meaningful = fields.Bool(allow_none=True, required=True)


class ScheduleSchema(QuestionnaireSummarySchema):
    id = fields.Int(required=True)
    questionnaire = fields.Str(required=True)
    every_days = fields.Int(required=True)
    start_date = fields.Date(required=True)
    next_due = fields.Date(required=True)
    due = fields.Bool(required=True)
    goals = fields.List(fields.Nested(ItemSchema), allow_none=True)
    baseline = fields.Nested(ResponseSchema, allow_none=True)
    latest = fields.Nested(ResponseSchema, allow_none=True)
    responses = fields.List(fields.Nested(ResponseSchema), required=True)


class DueItemSchema(ItemSchema):
    min = fields.Int()
    max = fields.Int()
    anchors = fields.Dict()
    options = fields.List(fields.Dict())


class DueSchema(Schema):
    questionnaire = fields.Str(required=True)
    title = fields.Str(required=True)
    name = fields.Str(required=True)
    summary = fields.Str(required=True)
    instructions = fields.Str(required=True)
    better = fields.Str(required=True)
    score_range = fields.List(fields.Float(), required=True)
    due_date = fields.Date(required=True)
    items = fields.List(fields.Nested(DueItemSchema), required=True)


class ResponseCreateSchema(Schema):
    questionnaire = Slug
    # Checked against the instrument's items by the service, which names each
    # bad answer as answers.<item>, null too ("Answer this question."): the
    # document says what is accepted, a whole number.
    answers = fields.Dict(
        keys=fields.Str(validate=validate.Length(max=40)),
        values=fields.Raw(
            allow_none=True, metadata={"type": "integer", "nullable": False}
        ),
        required=True,
        validate=validate.Length(max=30),
        metadata={
            "description": "item code (as in GET /questionnaires/{slug}) to the "
            "answer, a whole number within the item's range or options"
        },
    )
    client_id = fields.UUID(required=True)


class ResponseArgsSchema(Schema):
    questionnaire = fields.Str(validate=[validate.Length(max=80), SLUG])


class InsightSchema(Schema):
    kind = fields.Str(
        required=True,
        metadata={"description": "after_session, weekly_adherence or exercise"},
    )
    region = fields.Str(required=True)
    exercise = fields.Str()
    exercise_name = fields.Str()
    n_with = fields.Int(required=True)
    n_without = fields.Int(required=True)
    mean_with = fields.Float(required=True)
    mean_without = fields.Float(required=True)
    difference = fields.Float(required=True)
    sentence = fields.Str(
        required=True, metadata={"description": "the figures, for the therapist"}
    )
    plain = fields.Str(
        required=True,
        metadata={
            "description": "the same finding in plain words, for the patient: "
            '"On days after your exercises, your neck pain was lower by about 1 point."'
        },
    )
