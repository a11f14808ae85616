from marshmallow import Schema, fields


class DosageSchema(Schema):
    sets = fields.Int(required=True)
    reps = fields.Int()
    hold_seconds = fields.Int()
    rest_seconds = fields.Int()


class ExerciseSchema(Schema):
    slug = fields.Str(required=True)
    name = fields.Str(required=True)
    category = fields.Str(required=True)
    regions = fields.List(fields.Str(), required=True)
    summary = fields.Str()
    instructions = fields.List(fields.Str(), required=True)
    cues = fields.List(fields.Str(), required=True)
    cautions = fields.List(fields.Str(), required=True)
    dosage = fields.Nested(DosageSchema, required=True)
    source = fields.List(fields.Str())


class PhaseSchema(Schema):
    name = fields.Str(required=True)
    weeks = fields.List(fields.Int(), required=True)
    focus = fields.Str()
    exercises = fields.List(fields.Nested(ExerciseSchema), required=True)


class ProgramSummarySchema(Schema):
    slug = fields.Str(required=True)
    version = fields.Int(required=True)
    title = fields.Str(required=True)
    summary = fields.Str(required=True)
    regions = fields.List(fields.Str(), required=True)
    weeks = fields.Int(required=True)
    days_of_week = fields.List(fields.Int())
    sessions_per_day = fields.Int()
    source = fields.List(fields.Str())


class ProgramSchema(ProgramSummarySchema):
    advice = fields.List(fields.Str())
    sessions = fields.List(fields.Nested(PhaseSchema), required=True)


class LibraryArgsSchema(Schema):
    category = fields.Str()
    region = fields.Str()
