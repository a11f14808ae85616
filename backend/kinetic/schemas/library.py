from marshmallow import Schema, fields, pre_dump, validate
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Exercise
from kinetic.schemas.program_files import (
    SOURCES,
    OwnExerciseFileSchema,
    OwnProgramFileSchema,
)
from kinetic.services import figure_scene


def _sources(obj) -> list[dict]:
    files = obj.get("source", []) if isinstance(obj, dict) else obj.source
    return [{"file": f, "title": SOURCES.get(f, f)} for f in files or []]


class AuthorSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


def Owner() -> fields.Str:  # noqa: N802 - reads like a field class
    return fields.Str(
        metadata={
            "description": "library (the files), clinic (your clinic's shared "
            "library), me (yours) or therapist (your therapist's own, as a patient "
            "sees it)"
        }
    )


def Author() -> fields.Nested:  # noqa: N802
    return fields.Nested(
        AuthorSchema,
        allow_none=True,
        metadata={"description": "who wrote a clinic's item; absent for others"},
    )


def Editable() -> fields.Bool:  # noqa: N802
    return fields.Bool(
        metadata={
            "description": "whether you may edit, archive or share it: your own, or "
            "the clinic's when you wrote it or are one of the clinic's admins"
        }
    )


def NewOwner(required: bool = False) -> fields.Str:  # noqa: N802
    default = {"required": True} if required else {"load_default": "me"}
    return fields.Str(
        **default,
        validate=validate.OneOf(["me", "clinic"]),
        metadata={
            "description": "me (yours alone, the default) or clinic (every member of "
            "your clinic may see and assign it)"
        },
    )


class ExerciseCreateSchema(OwnExerciseFileSchema):
    """The fields of an exercise file, and whose it is."""

    owner = NewOwner()


class ProgramCreateSchema(OwnProgramFileSchema):
    """The fields of a program file, and whose it is."""

    owner = NewOwner()


class OwnerMoveSchema(Schema):
    owner = NewOwner(required=True)


class ImportArgsSchema(Schema):
    owner = fields.Str(
        load_default="me",
        validate=validate.OneOf(["me", "clinic"]),
        metadata={"description": "me (the default) or clinic: whose the item becomes"},
    )


class SourceSchema(Schema):
    file = fields.Str(required=True)
    title = fields.Str(required=True)


def Sources() -> fields.Method:  # noqa: N802 - reads like a field class
    return fields.Function(
        _sources,
        metadata={"description": "the source articles, with their titles"},
    )


class DoseSchema(Schema):
    sets = fields.Int(required=True)
    reps = fields.Int()
    hold_seconds = fields.Int()
    rest_seconds = fields.Int()
    side = fields.Str(metadata={"description": "left, right, both or alternate"})


class FigureKeyframeSchema(Schema):
    label = fields.Str(required=True)
    joints = fields.Dict(keys=fields.Str(), values=fields.Float(), required=True)
    release = fields.List(fields.Str())
    rest = fields.List(fields.Str())


class ExerciseFigureSchema(Schema):
    """A jointed figure for frontend/js/figure.js (format: programs/README.md)."""

    view = fields.Str(required=True)
    base = fields.Str(required=True)
    props = fields.List(fields.Str(), required=True)
    closeup = fields.Str()
    arrows = fields.List(fields.Str())
    joints = fields.Dict(keys=fields.Str(), values=fields.Float())
    hold = fields.Int(required=True)
    keyframes = fields.List(fields.Nested(FigureKeyframeSchema), required=True)


class ExerciseSchema(Schema):
    slug = fields.Str(required=True)
    name = fields.Str(required=True)
    category = fields.Str(required=True)
    regions = fields.List(fields.Str(), required=True)
    summary = fields.Str()
    instructions = fields.List(fields.Str(), required=True)
    cues = fields.List(fields.Str(), required=True)
    cautions = fields.List(fields.Str(), required=True)
    dosage = fields.Nested(DoseSchema, required=True)
    figure = fields.Nested(
        ExerciseFigureSchema,
        allow_none=True,
        dump_default=None,
        metadata={"description": "the figure to draw, or null when it has none"},
    )
    drawing = fields.Function(
        lambda exercise: figure_scene.drawing(exercise.get("figure")),
        allow_none=True,
        metadata={
            "type": "object",
            "description": "the figure placed for drawing (frontend/js/figure.js): "
            "shapes, the points of each frame, props, close-up and arrows; null "
            "without a figure",
        },
    )
    source = fields.List(fields.Str())
    sources = Sources()
    owner = Owner()
    author = Author()
    editable = Editable()
    version = fields.Int()
    archived = fields.Bool()

    @pre_dump
    def figure_of_an_older_version(self, exercise: dict, **kwargs) -> dict:
        """A program version stored before its exercises had figures shows the
        library exercise's current figure: a plan keeps its text and dosage, and
        gains the picture."""
        if "figure" in exercise:
            return exercise
        query = select(Exercise.content).where(
            Exercise.slug == exercise["slug"], Exercise.owner_id.is_(None)
        )
        current = db.session.scalar(query) or {}
        return {**exercise, "figure": current.get("figure")}


class PlanExerciseSchema(ExerciseSchema):
    """An exercise in a plan: its text, the dose and the therapist's note."""

    note = fields.Str(allow_none=True, dump_default=None)


class ProgramPhaseSchema(Schema):
    name = fields.Str(required=True)
    weeks = fields.List(fields.Int(), required=True)
    focus = fields.Str()
    exercises = fields.List(fields.Nested(PlanExerciseSchema), required=True)


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
    sources = Sources()
    owner = Owner()
    author = Author()
    editable = Editable()
    archived = fields.Bool()


class ProgramSchema(ProgramSummarySchema):
    advice = fields.List(fields.Str())
    sessions = fields.List(fields.Nested(ProgramPhaseSchema), required=True)


class LibraryArgsSchema(Schema):
    q = fields.Str(
        validate=validate.Length(max=200), metadata={"description": "words to find"}
    )
    category = fields.Str()
    region = fields.Str()
    archived = fields.Bool(
        load_default=False,
        metadata={"description": "true: the archived items, yours and the clinic's"},
    )
    owner = fields.Str(
        validate=validate.OneOf(["library", "clinic", "me"]),
        metadata={"description": "only the library's (files), the clinic's or yours"},
    )
