"""The shapes of the YAML files in programs/, checked before anything is loaded."""

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from kinetic.schemas.common import (
    CATEGORIES,
    NOT_RESERVED,
    SLUG,
    DaysOfWeek,
    Regions,
    StrictInteger,
)
from kinetic.schemas.figure_file import FigureSchema

# The articles the content is drawn from, by file name, with their titles (the
# article's own heading, or a plain description where it has none; see
# programs/README.md and REVIEW.md).
SOURCES = {
    "000_b555e4ddcfa7718e.txt": "The Complex Link Between Low Back Pain and Neck Pain",
    "001_a94b04284e5c8fdf.txt": "Can Cervical Spine Cause Lower Back Pain?",
    "002_810b03d06ce736e2.txt": "How Lower Back Pain May Actually Start in the Neck",
    "003_0bc4a2e35a39cb53.txt": "How low back pain and headaches are linked",
    "004_eacb79c1a9c33faa.txt": (
        "Low back pain when bending the head forward: causes, relief and red flags"
    ),
}

Text = fields.Str(validate=validate.Length(min=1, max=600))


def _lines(min_items: int, max_items: int) -> fields.List:
    return fields.List(
        fields.Str(validate=validate.Length(min=1, max=600)),
        required=True,
        validate=validate.Length(min=min_items, max=max_items),
    )


def _as_list(data: dict, key: str) -> dict:
    if isinstance(data, dict) and isinstance(data.get(key), str):
        return {**data, key: [data[key]]}
    return data


class SourcedSchema(Schema):
    source = fields.List(
        fields.Str(validate=validate.OneOf(sorted(SOURCES))),
        required=True,
        validate=validate.Length(min=1),
    )

    @pre_load
    def source_may_be_one_name(self, data, **kwargs):
        return _as_list(data, "source")


class DosageSchema(Schema):
    sets = StrictInteger(required=True, validate=validate.Range(1, 10))
    reps = StrictInteger(validate=validate.Range(1, 50))
    hold_seconds = StrictInteger(validate=validate.Range(1, 600))
    rest_seconds = StrictInteger(validate=validate.Range(0, 600))

    @validates_schema
    def reps_or_hold(self, data, **kwargs):
        if "reps" not in data and "hold_seconds" not in data:
            raise ValidationError("Give reps, hold_seconds or both.", "reps")


class ExerciseFileSchema(SourcedSchema):
    slug = fields.Str(
        required=True, validate=[SLUG, NOT_RESERVED, validate.Length(max=80)]
    )
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    regions = Regions(required=True)
    summary = fields.Str(required=True, validate=validate.Length(min=1, max=600))
    instructions = _lines(2, 12)
    cues = _lines(1, 8)
    cautions = _lines(1, 8)
    dosage = fields.Nested(DosageSchema, required=True)
    figure = fields.Nested(FigureSchema)


SIDES = ("left", "right", "both", "alternate")


class PlannedExerciseSchema(Schema):
    """One exercise of a phase with its dose; a prescription uses the same."""

    exercise = fields.Str(required=True, validate=SLUG)
    sets = StrictInteger(required=True, validate=validate.Range(1, 10))
    reps = StrictInteger(validate=validate.Range(1, 50))
    hold_seconds = StrictInteger(validate=validate.Range(1, 600))
    rest_seconds = StrictInteger(validate=validate.Range(0, 600))
    side = fields.Str(validate=validate.OneOf(SIDES))
    note = fields.Str(validate=validate.Length(min=1, max=600))


class PhaseSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    weeks = fields.List(
        StrictInteger(validate=validate.Range(1, 52)),
        required=True,
        validate=validate.Length(equal=2, error="Give [first week, last week]."),
    )
    focus = fields.Str(validate=validate.Length(max=600))
    exercises = fields.List(
        fields.Nested(PlannedExerciseSchema),
        required=True,
        validate=validate.Length(min=1, max=10),
    )


class ProgramFileSchema(SourcedSchema):
    slug = fields.Str(
        required=True, validate=[SLUG, NOT_RESERVED, validate.Length(max=80)]
    )
    title = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    summary = fields.Str(required=True, validate=validate.Length(min=1, max=1200))
    regions = Regions(required=True)
    weeks = StrictInteger(required=True, validate=validate.Range(1, 52))
    days_of_week = DaysOfWeek(required=True)
    sessions_per_day = StrictInteger(required=True, validate=validate.Range(1, 3))
    advice = fields.List(fields.Str(validate=validate.Length(min=1, max=600)))
    sessions = fields.List(
        fields.Nested(PhaseSchema), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def phases_cover_every_week(self, data, **kwargs):
        check_phase_weeks(data["sessions"], data["weeks"], "sessions", "weeks")


def check_phase_weeks(phases: list, weeks: int, field: str, weeks_field: str) -> None:
    """Phases must run from week 1 to the last week, one after the other."""
    expected = 1
    for index, phase in enumerate(phases):
        first, last = phase["weeks"]
        if first != expected or last < first:
            raise ValidationError(
                {
                    index: {
                        "weeks": [
                            f"Expected this phase to start at week "
                            f"{expected} and not end before it starts."
                        ]
                    }
                },
                field,
            )
        expected = last + 1
    if expected - 1 != weeks:
        raise ValidationError(
            f"The phases end at week {expected - 1} but the plan has {weeks} weeks.",
            weeks_field,
        )


def _optional_source():
    return fields.List(
        fields.Str(validate=validate.OneOf(sorted(SOURCES))),
        validate=validate.Length(max=len(SOURCES)),
    )


class OwnExerciseFileSchema(ExerciseFileSchema):
    """A therapist's own exercise: the file schema, with source articles optional."""

    source = _optional_source()


class OwnProgramFileSchema(ProgramFileSchema):
    """A therapist's own program: the file schema, with source articles optional."""

    source = _optional_source()


class ExerciseEditSchema(OwnExerciseFileSchema):
    """An edit: the slug may be left out (it cannot change)."""

    slug = fields.Str(validate=SLUG)


class ProgramEditSchema(OwnProgramFileSchema):
    """An edit: the slug may be left out (it cannot change)."""

    slug = fields.Str(validate=SLUG)
