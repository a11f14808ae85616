"""A tailored plan's shapes: the phases are checked by the program-file schemas, so a
plan, a program file and a therapist's own program obey the same limits."""

from marshmallow import Schema, fields, pre_dump, pre_load, validate

from kinetic.models.library import shared_json
from kinetic.schemas.common import NOT_RESERVED, SLUG, StrictInteger
from kinetic.schemas.program_files import SIDES, PhaseSchema, PlannedExerciseSchema

# A form's blank field: an empty text means none, as null does.
BLANKABLE = ("side", "note", "focus")


def _without(data, keys: tuple[str, ...]):
    """The body without nulls, blank texts and the fields a GET answers with that
    are not input, so a client may send back what it got. The schemas below
    document each (nullable, "" allowed, the GET's keys as ignored)."""
    if not isinstance(data, dict):
        return data
    return {
        k: v
        for k, v in data.items()
        if v is not None and not (v == "" and k in BLANKABLE) and k not in keys
    }


def _ignored() -> fields.Raw:
    return fields.Raw(
        load_only=True, metadata={"description": "as a GET answers it; ignored"}
    )


class PrescribedExerciseSchema(PlannedExerciseSchema):
    name = _ignored()
    reps = StrictInteger(validate=validate.Range(1, 50), allow_none=True)
    hold_seconds = StrictInteger(validate=validate.Range(1, 600), allow_none=True)
    rest_seconds = StrictInteger(validate=validate.Range(0, 600), allow_none=True)
    side = fields.Str(validate=validate.OneOf((*SIDES, "")), allow_none=True)
    note = fields.Str(validate=validate.Length(max=600), allow_none=True)

    @pre_load
    def drop_read_only(self, data, **kwargs):
        return _without(data, ("name",))


class PrescribedPhaseSchema(PhaseSchema):
    focus = fields.Str(validate=validate.Length(max=600), allow_none=True)
    exercises = fields.List(
        fields.Nested(PrescribedExerciseSchema),
        required=True,
        validate=validate.Length(min=1, max=10),
    )

    @pre_load
    def drop_nulls(self, data, **kwargs):
        return _without(data, ())


def Phases(**kwargs) -> fields.List:  # noqa: N802 - reads like a field class
    return fields.List(
        fields.Nested(PrescribedPhaseSchema),
        validate=validate.Length(min=1, max=52),
        **kwargs,
    )


PlanNote = fields.Str(allow_none=True, validate=validate.Length(max=2000))


READ_ONLY = ("assignment_id", "version", "changed_at", "changed_by", "changes")


class PrescriptionInSchema(Schema):
    note = PlanNote
    phases = Phases(required=True)
    # What GET answers beside them; a client may send it back.
    assignment_id = _ignored()
    version = _ignored()
    changed_at = _ignored()
    changed_by = _ignored()
    changes = _ignored()
    weeks = _ignored()

    @pre_load
    def drop_read_only(self, data, **kwargs):
        return _without(data, (*READ_ONLY, "weeks"))


class PrescribedItemSchema(Schema):
    exercise = fields.Str(required=True)
    name = fields.Str(required=True)
    sets = fields.Int(required=True)
    reps = fields.Int(allow_none=True)
    hold_seconds = fields.Int(allow_none=True)
    rest_seconds = fields.Int(allow_none=True)
    side = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)


class PrescribedPhaseOutSchema(Schema):
    name = fields.Str(required=True)
    weeks = fields.List(fields.Int(), required=True)
    focus = fields.Str(allow_none=True)
    exercises = fields.List(fields.Nested(PrescribedItemSchema), required=True)


class ChangedBySchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


def _item(item: dict) -> dict:
    dosage = item["dosage"]
    keys = ("sets", "reps", "hold_seconds", "rest_seconds", "side")
    return {
        "exercise": item["slug"],
        "name": item["name"],
        **{key: dosage.get(key) for key in keys},
        "note": item.get("note"),
    }


class PrescriptionSchema(Schema):
    assignment_id = fields.Int(required=True)
    version = fields.Int(required=True)
    note = fields.Str(allow_none=True)
    changed_at = fields.AwareDateTime(required=True)
    changed_by = fields.Nested(ChangedBySchema, allow_none=True)
    changes = fields.List(fields.Str(), required=True)
    weeks = fields.Int(metadata={"description": "the plan's length"})
    phases = fields.List(fields.Nested(PrescribedPhaseOutSchema), required=True)

    @pre_dump
    def flatten_doses(self, prescription, **kwargs):
        return _flat(prescription, _flat_phases(prescription))


def _flat_phases(prescription) -> list[dict]:
    return [
        {**phase, "exercises": [_item(i) for i in phase["exercises"]]}
        for phase in prescription.shared_phases()
    ]


def _flat(prescription, phases: list) -> dict:
    return {
        "assignment_id": prescription.assignment_id,
        "version": prescription.version,
        "note": prescription.note,
        "changed_at": prescription.changed_at,
        "changed_by": prescription.changed_by,
        "changes": prescription.changes,
        "weeks": prescription.assignment.weeks,
        "phases": phases,
    }


_PHASES = PrescribedPhaseOutSchema(many=True)


def prescription_answer(prescription) -> dict:
    """PrescriptionSchema's dump, built without marshmallow for the plan's read:
    the phases, the bulk of it, are dumped once per process for each distinct
    prescription (by its hash, as shared_json), and the few other fields are
    written out here (dumping the phases was a third of the read under load). A
    test checks it equals the schema's dump."""
    phases = shared_json(
        ("prescription-dumped", prescription.phases_hash),
        lambda: _PHASES.dump(_flat_phases(prescription)),
    )
    answer = _flat(prescription, phases)
    answer["changed_at"] = prescription.changed_at.isoformat()
    by = prescription.changed_by
    answer["changed_by"] = None if by is None else {"id": by.id, "name": by.name}
    return answer


class SaveAsProgramSchema(Schema):
    title = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    slug = fields.Str(validate=[SLUG, NOT_RESERVED, validate.Length(max=80)])


class AdherenceArgsSchema(Schema):
    days = fields.Int(load_default=14, validate=validate.Range(1, 366))


class ExerciseAdherenceSchema(Schema):
    exercise = fields.Str(required=True)
    name = fields.Str(required=True)
    scheduled = fields.Int(required=True)
    done = fields.Int(required=True)
    skipped = fields.Int(required=True)
    missed = fields.Int(required=True)
