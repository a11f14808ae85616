from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.models.library import shared_json
from kinetic.models.plans import (
    PROGRESSION_MODES,
    SESSION_STATUSES,
    session_exercises,
    session_phase,
)
from kinetic.schemas.common import Day, DaysOfWeek, Score, StrictBoolean, StrictInteger
from kinetic.schemas.library import PlanExerciseSchema
from kinetic.schemas.prescriptions import Phases, PlanNote

Progression = fields.Str(
    validate=validate.OneOf(PROGRESSION_MODES),
    metadata={
        "description": "what the rules of programs/progression.yaml do: suggest "
        "(the default: the therapist accepts or dismisses), auto (applied, both "
        "told why) or off"
    },
)


class AssignmentCreateSchema(Schema):
    program = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    start_date = Day()
    weeks = StrictInteger(validate=validate.Range(1, 52))
    days_of_week = DaysOfWeek()
    sessions_per_day = StrictInteger(validate=validate.Range(1, 3))
    phases = Phases(
        metadata={"description": "tailor the plan from the start (as the PUT)"}
    )
    note = PlanNote
    progression = Progression


class AssignmentPatchSchema(Schema):
    status = fields.Str(validate=validate.OneOf(["active", "paused", "stopped"]))
    progression = Progression

    # At least one of the two: an empty body changes nothing and is refused.
    openapi_rules = {"anyOf": [{"required": ["status"]}, {"required": ["progression"]}]}

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("Give status or progression.", "status")


class AssignmentSchema(Schema):
    id = fields.Int(required=True)
    patient_id = fields.Int(required=True)
    program = fields.Str(required=True)
    program_title = fields.Str()
    program_version = fields.Int(required=True, attribute="program_version_number")
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    days_of_week = fields.List(fields.Int())
    sessions_per_day = fields.Int()
    status = fields.Str(required=True)
    progression = fields.Str(required=True)
    created_at = fields.AwareDateTime()
    prescription_version = fields.Function(
        lambda a: a.prescription.version if a.prescription else None
    )
    prescription_changed_at = fields.Function(
        lambda a: a.prescription.changed_at.isoformat() if a.prescription else None
    )


_EXERCISES = PlanExerciseSchema(many=True)


def _exercises(session) -> list[dict]:
    """The session's exercises as JSON, serialised once per process for each phase
    of each distinct prescription (shared_json, by the content's hash); a profile
    of GET /me/today put a quarter of its time in dumping these same dicts again."""
    if session.prescription is not None:
        digest = session.prescription.phases_hash
    else:
        digest = session.assignment.program_version.content_hash
    return shared_json(
        ("dumped exercises", f"{digest}/{session_phase(session)}"),
        lambda: _EXERCISES.dump(session_exercises(session)),
    )


EFFORTS = ("too_easy", "right", "too_hard")


class ExerciseFeedbackSchema(Schema):
    """How one exercise of the session went (all but `exercise` optional)."""

    exercise = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    sets_done = StrictInteger(validate=validate.Range(0, 50), allow_none=True)
    reps_done = StrictInteger(validate=validate.Range(0, 500), allow_none=True)
    seconds = StrictInteger(validate=validate.Range(0, 4 * 3600), allow_none=True)
    pain = Score(allow_none=True)
    effort = fields.Str(validate=validate.OneOf(EFFORTS), allow_none=True)
    skipped = StrictBoolean(load_default=False)


# Cancelled sessions are never shown.
SHOWN_STATUSES = tuple(s for s in SESSION_STATUSES if s != "cancelled")
DoneFraction = fields.Float(
    dump_only=True,
    allow_none=True,
    validate=validate.Range(0, 1),
    metadata={
        "description": "exercises done in full / exercises in the session: 1 when "
        "done, below 1 when partly_done, null otherwise"
    },
)


def _prescription(session) -> dict | None:
    version = session.prescription
    if version is None:
        return None
    return {
        "version": version.version,
        "changed_at": version.changed_at.isoformat(),
        "note": version.note,
        "changed_by": version.changed_by.name if version.changed_by else None,
        "changes": list(version.changes or []),
    }


class SessionSchema(Schema):
    id = fields.Int(required=True)
    assignment_id = fields.Int(required=True)
    program = fields.Function(lambda s: s.assignment.program)
    program_title = fields.Function(lambda s: s.assignment.program_title)
    date = fields.Date(required=True)
    slot = fields.Int(required=True)
    status = fields.Str(
        attribute="current_status",
        validate=validate.OneOf(SHOWN_STATUSES),
        metadata={
            "description": "as the patient reads it today: a pending session of a "
            "past day is missed; partly_done when an exercise was skipped or not "
            "done in full"
        },
    )
    done_fraction = DoneFraction
    completed_at = fields.AwareDateTime(allow_none=True)
    exercises_done = fields.List(fields.Str(), allow_none=True)
    difficulty = fields.Int(allow_none=True)
    pain_during = fields.Int(allow_none=True)
    notes = fields.Str(allow_none=True)
    exercises = fields.Function(lambda s: _exercises(s))
    exercise_feedback = fields.List(
        fields.Nested(ExerciseFeedbackSchema),
        allow_none=True,
        metadata={"description": "the `exercises` sent with the completion"},
    )
    prescription = fields.Function(
        _prescription,
        metadata={
            "description": "the version the session follows: {version, changed_at, "
            "note, changed_by, changes}; `changes` lists in plain words what that "
            "version changed (Today shows it for a change of the last 7 days). A "
            "session not done yet takes a new version at once; a done one keeps its"
        },
    )


class SessionCompleteSchema(Schema):
    exercises_done = fields.List(
        fields.Str(validate=validate.Length(min=1, max=80)),
        validate=validate.Length(max=20),
    )
    difficulty = Score()
    pain_during = Score()
    notes = fields.Str(validate=validate.Length(max=2000))
    client_id = fields.UUID()
    exercises = fields.List(
        fields.Nested(ExerciseFeedbackSchema),
        validate=validate.Length(max=30),
        metadata={"description": "per exercise, at most one item each"},
    )


class SessionConflictSchema(Schema):
    """409 of a completion: the error, and the session as stored when another
    completion won."""

    code = fields.Int(required=True)
    status = fields.Str(required=True)
    message = fields.Str(required=True)
    session = fields.Nested(
        SessionSchema,
        metadata={"description": "the stored session, when it was already finished"},
    )


class RangeArgsSchema(Schema):
    from_ = Day(
        data_key="from", metadata={"description": "the first day, in local time"}
    )
    to = Day(metadata={"description": "the last day, included; not before `from`"})


class PlanChangeSchema(Schema):
    action = fields.Str(required=True)
    text = fields.Str(required=True)
    applied_at = fields.AwareDateTime(required=True)


class TodaySchema(Schema):
    date = fields.Date(required=True)
    sessions = fields.List(fields.Nested(SessionSchema), required=True)
    paused_plans = fields.Int(
        metadata={"description": "plans on hold until the therapist resumes them"}
    )
    plan_changes = fields.List(
        fields.Nested(PlanChangeSchema),
        metadata={"description": "automatic progression changes of the last 7 days"},
    )


class EffortCountsSchema(Schema):
    too_easy = fields.Int(required=True)
    right = fields.Int(required=True)
    too_hard = fields.Int(required=True)


class ExerciseFeedbackSummarySchema(Schema):
    exercise = fields.Str(required=True)
    name = fields.Str(required=True)
    sessions = fields.Int(
        required=True, metadata={"description": "finished sessions it was done in"}
    )
    skipped = fields.Int(required=True)
    mean_pain = fields.Float(
        required=True, allow_none=True, metadata={"description": "pain during, 0-10"}
    )
    pain_reports = fields.Int(required=True)
    effort = fields.Nested(EffortCountsSchema, required=True)
    stopped_for_pain = fields.Int(
        required=True, metadata={"description": '"Stop: this hurts" entries'}
    )
