"""The exercise and program library, as loaded from programs/."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from kinetic.api.auth import login_required
from kinetic.extensions import db
from kinetic.models import Exercise, Program
from kinetic.schemas.library import (
    ExerciseSchema,
    LibraryArgsSchema,
    ProgramSchema,
    ProgramSummarySchema,
)

blp = Blueprint("library", __name__, url_prefix="/api/v1", description="Library")


def _program_body(program: Program) -> dict:
    version = program.current_version
    return {**version.content, "version": version.version}


@blp.route("/exercises")
class Exercises(MethodView):
    @login_required(blp)
    @blp.arguments(LibraryArgsSchema, location="query")
    @blp.response(200, ExerciseSchema(many=True))
    def get(self, args):
        """Every exercise, optionally of one category or region."""
        query = select(Exercise).order_by(Exercise.category, Exercise.name)
        if "category" in args:
            query = query.where(Exercise.category == args["category"])
        rows = [e.content for e in db.session.scalars(query)]
        if "region" in args:
            rows = [e for e in rows if args["region"] in e["regions"]]
        return rows


@blp.route("/exercises/<string:slug>")
class ExerciseBySlug(MethodView):
    @login_required(blp)
    @blp.response(200, ExerciseSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """One exercise."""
        exercise = db.session.scalar(select(Exercise).where(Exercise.slug == slug))
        if exercise is None:
            abort(404, message="No such exercise.")
        return exercise.content


@blp.route("/programs")
class Programs(MethodView):
    @login_required(blp)
    @blp.response(200, ProgramSummarySchema(many=True))
    def get(self):
        """Every program, at its current version."""
        programs = db.session.scalars(select(Program).order_by(Program.slug))
        return [_program_body(p) for p in programs if p.current_version]


@blp.route("/programs/<string:slug>")
class ProgramBySlug(MethodView):
    @login_required(blp)
    @blp.response(200, ProgramSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """One program with its phases, exercises and dosage."""
        program = db.session.scalar(select(Program).where(Program.slug == slug))
        if program is None or program.current_version is None:
            abort(404, message="No such program.")
        return _program_body(program)
