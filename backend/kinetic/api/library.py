"""The exercise and program library: the files in programs/, each clinic's shared
exercises and programs and each therapist's own, written with the same schemas as
the files."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from kinetic.api.auth import current_user, login_required
from kinetic.api.errors import handle_simultaneous_write
from kinetic.extensions import db
from kinetic.models import Exercise, Program
from kinetic.schemas.library import (
    ExerciseCreateSchema,
    ExerciseSchema,
    LibraryArgsSchema,
    OwnerMoveSchema,
    ProgramCreateSchema,
    ProgramSchema,
    ProgramSummarySchema,
)
from kinetic.schemas.program_files import ExerciseEditSchema, ProgramEditSchema
from kinetic.services import own_library

blp = Blueprint("library", __name__, url_prefix="/api/v1", description="Library")
blp.register_error_handler(IntegrityError, handle_simultaneous_write)

therapist_only = login_required(blp, role="therapist")


def _whose(row: Exercise | Program) -> dict:
    user = current_user()
    whose = {
        "owner": own_library.owner_of(row, user),
        "editable": own_library.may_change(row, user),
    }
    if row.clinic_id is not None:
        whose["author"] = own_library.author_of(row)
    return whose


def exercise_body(row: Exercise) -> dict:
    return {
        **row.content,
        **_whose(row),
        "version": row.version,
        "archived": row.archived_at is not None,
    }


def program_body(program: Program) -> dict:
    version = program.current_version
    return {
        **version.content,
        "version": version.version,
        **_whose(program),
        "archived": program.archived_at is not None,
    }


def visible_or_404(model, slug: str):
    row = own_library.find(model, current_user(), slug)
    if row is None or (model is Program and row.current_version is None):
        abort(404, message=f"No such {model.__name__.lower()}.")
    return row


def own_or_error(model, slug: str):
    """A row the caller may change: their own, or their clinic's when they wrote
    it or are an admin. The library's is 403, and so is a clinic item for the
    other members (visible, not theirs to change); another therapist's own is 404
    like a missing one."""
    row = visible_or_404(model, slug)
    if row.owner_id is None:
        abort(
            403,
            message="The library cannot be changed here: download it as YAML and "
            "upload it under a new slug to make your own copy.",
        )
    if not own_library.may_change(row, current_user()):
        abort(403, message=own_library.NOT_YOURS)
    return row


@blp.route("/exercises")
class Exercises(MethodView):
    @blp.doc(operationId="exercises_list")
    @login_required(blp)
    @blp.arguments(LibraryArgsSchema, location="query")
    @blp.response(200, ExerciseSchema(many=True))
    def get(self, args):
        """The exercises you may use, by category then name: the library's, your
        clinic's and your own; filter by words (`q`), region, category or `owner`
        (library, clinic, me); `archived=true` lists the archived ones, yours and
        the clinic's."""
        rows = own_library.listed(Exercise, current_user(), args)
        rows = [r for r in rows if own_library.matches(r.content, args)]
        rows.sort(key=lambda r: (r.category, r.name.casefold(), r.slug))
        return [exercise_body(r) for r in rows]

    @blp.doc(operationId="exercise_create")
    @therapist_only
    @blp.arguments(ExerciseCreateSchema)
    @blp.response(201, ExerciseSchema)
    def post(self, data):
        """Create an exercise, yours or the clinic's (the fields of an exercise
        file, and `owner`).

        What no schema can state answers 422 naming the field: a figure's base and
        props must be ones its view draws, and each joint angle within that base's
        range; a dosage gives reps, hold_seconds or both. `owner`: me (the
        default) or clinic, to share it with your clinic: every member sees and
        may use it; its author and the clinic's admins may change it. The slug may
        not be the library's or the clinic's, nor one of yours; a clinic item's
        may not be any member's own either (422 naming slug).
        """
        owner = data.pop("owner")
        row = own_library.create_exercise(current_user(), data, owner)
        db.session.commit()
        return exercise_body(row)


@blp.route("/exercises/<slug:slug>")
class ExerciseBySlug(MethodView):
    @blp.doc(operationId="exercise_get")
    @login_required(blp)
    @blp.response(200, ExerciseSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """One exercise, with its full text."""
        return exercise_body(visible_or_404(Exercise, slug))

    @blp.doc(operationId="exercise_update")
    @therapist_only
    @blp.arguments(ExerciseEditSchema)
    @blp.response(200, ExerciseSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def put(self, data, slug):
        """Edit your own exercise, or a clinic's you wrote or (as an admin) any of
        the clinic's: a new version; running plans keep theirs. Another member's
        clinic item is 403.

        What no schema can state answers 422 naming the field: a figure's base and
        props must be ones its view draws, and each joint angle within that base's
        range; a dosage gives reps, hold_seconds or both.
        """
        row = own_library.edit_exercise(own_or_error(Exercise, slug), data)
        db.session.commit()
        return exercise_body(row)

    @blp.doc(operationId="exercise_archive")
    @therapist_only
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, slug):
        """Archive your own exercise (or a clinic's, as for editing): no longer
        offered, kept in running plans."""
        own_library.archive(own_or_error(Exercise, slug))
        db.session.commit()

    @blp.doc(operationId="exercise_move")
    @therapist_only
    @blp.arguments(OwnerMoveSchema)
    @blp.response(200, ExerciseSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, slug):
        """Share your own exercise with the clinic (`{"owner": "clinic"}`).

        Its slug may then not be any clinic member's own, nor the clinic's (422
        naming slug). A clinic's item cannot become someone's own again (422
        naming owner); the library's is 403, another member's clinic item too.
        """
        row = own_or_error(Exercise, slug)
        own_library.move(Exercise, row, current_user(), data["owner"])
        db.session.commit()
        return exercise_body(row)


@blp.route("/programs")
class Programs(MethodView):
    @blp.doc(operationId="programs_list")
    @login_required(blp)
    @blp.arguments(LibraryArgsSchema, location="query")
    @blp.response(200, ProgramSummarySchema(many=True))
    def get(self, args):
        """The programs you may use, at their current version: the library's, your
        clinic's and your own; filter by words (`q`), region or `owner` (library,
        clinic, me); `archived=true` lists the archived ones, yours and the
        clinic's."""
        rows = own_library.listed(Program, current_user(), args)
        bodies = [program_body(p) for p in rows if p.current_version]
        bodies = [b for b in bodies if own_library.matches(b, args)]
        return sorted(bodies, key=lambda b: (b["title"].casefold(), b["slug"]))

    @blp.doc(operationId="program_create")
    @therapist_only
    @blp.arguments(ProgramCreateSchema)
    @blp.response(201, ProgramSchema)
    def post(self, data):
        """Create a program, yours or the clinic's (the fields of a program file,
        and `owner`).

        What no schema can state answers 422 naming the field: the phases follow
        each other from week 1 to `weeks` without a gap, and each planned exercise
        is one you may use (`GET /exercises`). `owner`: me (the default) or
        clinic, to share it with your clinic: every member sees and may assign
        it; its author and the clinic's admins may change it. The slug may not be
        the library's or the clinic's, nor one of yours; a clinic program's may
        not be any member's own either (422 naming slug).
        """
        owner = data.pop("owner")
        program = own_library.create_program(current_user(), data, owner=owner)
        db.session.commit()
        return program_body(program)


@blp.route("/programs/<slug:slug>")
class ProgramBySlug(MethodView):
    @blp.doc(operationId="program_get")
    @login_required(blp)
    @blp.response(200, ProgramSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """One program with its phases, exercises and dosage."""
        return program_body(visible_or_404(Program, slug))

    @blp.doc(operationId="program_update")
    @therapist_only
    @blp.arguments(ProgramEditSchema)
    @blp.response(200, ProgramSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def put(self, data, slug):
        """Edit your own program, or a clinic's you wrote or (as an admin) any of
        the clinic's: a new version; running plans stay on theirs. Another
        member's clinic program is 403.

        What no schema can state answers 422 naming the field: the phases follow
        each other from week 1 to `weeks` without a gap, and each planned exercise
        is one you may use (`GET /exercises`).
        """
        program = own_or_error(Program, slug)
        own_library.edit_program(current_user(), program, data)
        db.session.commit()
        return program_body(program)

    @blp.doc(operationId="program_archive")
    @therapist_only
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, slug):
        """Archive your own program (or a clinic's, as for editing): it can no
        longer be assigned."""
        own_library.archive(own_or_error(Program, slug))
        db.session.commit()

    @blp.doc(operationId="program_move")
    @therapist_only
    @blp.arguments(OwnerMoveSchema)
    @blp.response(200, ProgramSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, slug):
        """Share your own program with the clinic (`{"owner": "clinic"}`).

        Its slug may then not be any clinic member's own, nor the clinic's (422
        naming slug). A clinic's program cannot become someone's own again (422
        naming owner); the library's is 403, another member's clinic program too.
        """
        program = own_or_error(Program, slug)
        own_library.move(Program, program, current_user(), data["owner"])
        db.session.commit()
        return program_body(program)
