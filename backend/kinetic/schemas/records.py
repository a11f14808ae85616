from marshmallow import Schema, fields, validate

from kinetic.schemas.common import Day


class ReportArgsSchema(Schema):
    from_ = Day(data_key="from", metadata={"description": "default: 30 days ago"})
    to = Day(metadata={"description": "default: the patient's today"})
    paper = fields.Str(
        load_default="a4",
        validate=validate.OneOf(["a4", "letter"]),
        metadata={"description": "the PDF's paper size"},
    )


class BlockSchema(Schema):
    type = fields.Str(
        required=True, metadata={"description": "text, figures, table or chart"}
    )
    text = fields.Str()
    figures = fields.List(fields.Dict())
    columns = fields.List(fields.Str())
    rows = fields.List(fields.List(fields.Str()))
    svg = fields.Str()
    alt = fields.Str()


class SectionSchema(Schema):
    key = fields.Str(required=True)
    title = fields.Str(required=True)
    blocks = fields.List(fields.Nested(BlockSchema), required=True)
    data = fields.Dict(required=True)


class ReportSchema(Schema):
    patient = fields.Dict(required=True)
    therapist = fields.Str(allow_none=True)
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)
    timezone = fields.Str(required=True)
    generated_at = fields.AwareDateTime(required=True)
    sections = fields.List(fields.Nested(SectionSchema), required=True)
