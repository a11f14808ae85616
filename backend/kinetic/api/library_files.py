"""Exercises and programs as YAML files, both ways, in exactly the programs/ format."""

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import IntegrityError

from kinetic.api.auth import current_user, login_required
from kinetic.api.errors import error_body, handle_simultaneous_write
from kinetic.api.library import exercise_body, program_body, visible_or_404
from kinetic.extensions import db
from kinetic.models import Exercise, Program
from kinetic.schemas.library import ExerciseSchema, ImportArgsSchema, ProgramSchema
from kinetic.schemas.program_files import OwnExerciseFileSchema, OwnProgramFileSchema
from kinetic.services import own_library, safe_yaml, yaml_files

blp = Blueprint(
    "library_files", __name__, url_prefix="/api/v1", description="Library files"
)
blp.register_error_handler(IntegrityError, handle_simultaneous_write)


def _yaml_body(schema: str) -> dict:
    # The YAML text's data is the mapping that schema describes (schemathesis
    # writes it as YAML). text/plain is taken too, as curl's --data-binary sends it.
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"required": True, "content": {"application/yaml": {"schema": ref}}}


def _yaml_answer(schema: str) -> dict:
    # Not a JSON string: a YAML document whose data is a mapping of those fields.
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "200": {
            "description": "the file, exactly as in programs/",
            "content": {"application/yaml": {"schema": ref}},
        }
    }


BAD_FILE = {
    "422": {
        "description": "`problems`: each with its `line`, `field` and `message`; "
        "nothing is stored"
    }
}


def _file(slug: str, data: dict) -> Response:
    response = Response(yaml_files.dump(data), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    return response


@blp.route("/exercises/<slug:slug>.yaml")
@blp.doc(operationId="exercise_file_get")
@login_required(blp)
@blp.doc(responses=_yaml_answer("OwnExerciseFile"))
@blp.alt_response(404, response="NOT_FOUND")
def exercise_file(slug):
    """Download an exercise as a YAML file: the library's, your clinic's or yours."""
    row = visible_or_404(Exercise, slug)
    return _file(slug, yaml_files.exercise_file(row.content))


@blp.route("/programs/<slug:slug>.yaml")
@blp.doc(operationId="program_file_get")
@login_required(blp)
@blp.doc(responses=_yaml_answer("OwnProgramFile"))
@blp.alt_response(404, response="NOT_FOUND")
def program_file(slug):
    """Download a program as a YAML file (its exercises by slug, with their dose):
    the library's, your clinic's or yours."""
    program = visible_or_404(Program, slug)
    return _file(slug, yaml_files.program_file(program.current_version.content))


def _refuse(upload: yaml_files.Upload):
    db.session.rollback()
    problems = sorted(upload.problems, key=lambda p: p.line)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(
            f"line {problem.line}: {problem.message}"
        )
    body = error_body(
        422, "Some fields are not valid: " + ", ".join(errors) + ".", errors
    )
    body["problems"] = [vars(p) for p in problems]
    response = jsonify(body)
    response.status_code = 422
    return response


def _import(schema: Schema, create, body, owner: str):
    text = request.get_data(as_text=True)
    if len(text) > safe_yaml.MAX_UPLOAD:
        upload = yaml_files.Upload()
        limit = safe_yaml.MAX_UPLOAD
        upload.problem((), f"The file is too long: at most {limit} characters.")
        return _refuse(upload)
    upload = yaml_files.read_upload(text, schema)
    if upload.problems:
        return _refuse(upload)
    try:
        row = create(current_user(), upload.data, owner=owner)
    except ValidationError as exc:
        upload.add_errors(exc.messages)
        return _refuse(upload)
    db.session.commit()
    return body(row), 201


@blp.route("/exercises/import", methods=["POST"])
@blp.doc(operationId="exercise_file_import")
@login_required(blp, role="therapist")
@blp.doc(requestBody=_yaml_body("OwnExerciseFile"), responses=BAD_FILE)
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(201, ExerciseSchema)
def import_exercise(args):
    """Upload an exercise file (YAML) to make it your own exercise, or with
    `?owner=clinic` the clinic's.

    The body is the file's text, as `application/yaml` (or `text/plain`). Its
    fields and their rules are those of `POST /exercises`, including the ones
    between fields no schema can state; a file nested deeper than 50 levels,
    with more than 100 aliases or with more than 10 000 values once its aliases
    are written out is refused as a whole. Every problem is a 422 with its line.
    """
    return _import(
        OwnExerciseFileSchema(),
        own_library.create_exercise,
        exercise_body,
        args["owner"],
    )


@blp.route("/programs/import", methods=["POST"])
@blp.doc(operationId="program_file_import")
@login_required(blp, role="therapist")
@blp.doc(requestBody=_yaml_body("OwnProgramFile"), responses=BAD_FILE)
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(201, ProgramSchema)
def import_program(args):
    """Upload a program file (YAML) to make it your own program, or with
    `?owner=clinic` the clinic's.

    The body is the file's text, as `application/yaml` (or `text/plain`). Its
    fields and their rules are those of `POST /programs`, including the ones
    between fields and records no schema can state; a file nested deeper than 50
    levels, with more than 100 aliases or with more than 10 000 values once its
    aliases are written out is refused as a whole. Every problem is a 422 with
    its line.
    """
    return _import(
        OwnProgramFileSchema(), own_library.create_program, program_body, args["owner"]
    )
