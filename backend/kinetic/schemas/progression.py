from marshmallow import Schema, fields, validate

from kinetic.models.progression import SUGGESTION_STATUSES
from kinetic.schemas.care_teams import PersonSchema


class SuggestionSchema(Schema):
    id = fields.Int(required=True)
    assignment_id = fields.Int(required=True)
    patient_id = fields.Int(required=True)
    program_title = fields.Function(lambda s: s.assignment.program_title)
    action = fields.Str(
        required=True, metadata={"description": "advance, hold or step_back"}
    )
    reason = fields.Str(
        required=True, metadata={"description": "the figures that set it off, in words"}
    )
    figures = fields.Dict(
        required=True,
        metadata={
            "description": "the numbers behind it: pain during, adherence, "
            "mean rise, alert; week, from_phase, to_phase"
        },
    )
    explanation = fields.Str(metadata={"description": "the rule, in plain words"})
    status = fields.Str(
        required=True,
        validate=validate.OneOf(SUGGESTION_STATUSES),
        metadata={
            "description": "pending; applied (accepted, or automatic), dismissed, "
            "undone; withdrawn: its grounds no longer held (see withdrawn_reason)"
        },
    )
    withdrawn_reason = fields.Str(
        allow_none=True,
        metadata={
            "description": "why it was withdrawn: the newer fact, in plain words; "
            "null unless withdrawn"
        },
    )
    automatic = fields.Bool(required=True)
    created_at = fields.AwareDateTime(required=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    decided_by = fields.Nested(
        PersonSchema,
        allow_none=True,
        metadata={"description": "the therapist who decided; null if automatic"},
    )
    prescription_version = fields.Function(
        lambda s: s.prescription.version if s.prescription else None
    )
    can_undo = fields.Bool()
