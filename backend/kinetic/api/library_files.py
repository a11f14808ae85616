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
from kinetic.schemas.library import ExerciseSchema, ProgramSchema
from kinetic.schemas.program_files import OwnExerciseFileSchema, OwnProgramFileSchema
from kinetic.services import own_library, yaml_files

blp = Blueprint(
    "library_files", __name__, url_prefix="/api/v1", description="Library files"
)
blp.register_error_handler(IntegrityError, handle_simultaneous_write)

MAX_FILE = 200_000  # characters; the longest program file is about 5 000
YAML_BODY = {
    "required": True,
    "content": {
        "application/yaml": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
    },
}
YAML_ANSWER = {
    "200": {
        "description": "the file, exactly as in programs/",
        "content": {"application/yaml": {"schema": {"type": "string"}}},
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
@login_required(blp)
@blp.doc(responses=YAML_ANSWER)
@blp.alt_response(404, response="NOT_FOUND")
def exercise_file(slug):
    """Download an exercise as a YAML file."""
    row = visible_or_404(Exercise, slug)
    return _file(slug, yaml_files.exercise_file(row.content))


@blp.route("/programs/<slug:slug>.yaml")
@login_required(blp)
@blp.doc(responses=YAML_ANSWER)
@blp.alt_response(404, response="NOT_FOUND")
def program_file(slug):
    """Download a program as a YAML file (its exercises by slug, with their dose)."""
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


def _import(schema: Schema, create, body):
    text = request.get_data(as_text=True)
    if len(text) > MAX_FILE:
        upload = yaml_files.Upload()
        upload.problem((), f"The file is too long: at most {MAX_FILE} characters.")
        return _refuse(upload)
    upload = yaml_files.read_upload(text, schema)
    if upload.problems:
        return _refuse(upload)
    try:
        row = create(current_user(), upload.data)
    except ValidationError as exc:
        upload.add_errors(exc.messages)
        return _refuse(upload)
    db.session.commit()
    return body(row), 201


@blp.route("/exercises/import", methods=["POST"])
@login_required(blp, role="therapist")
@blp.doc(requestBody=YAML_BODY, responses=BAD_FILE)
@blp.response(201, ExerciseSchema)
def import_exercise():
    """Upload an exercise file (YAML) to make it your own exercise."""
    return _import(OwnExerciseFileSchema(), own_library.create_exercise, exercise_body)


@blp.route("/programs/import", methods=["POST"])
@login_required(blp, role="therapist")
@blp.doc(requestBody=YAML_BODY, responses=BAD_FILE)
@blp.response(201, ProgramSchema)
def import_program():
    """Upload a program file (YAML) to make it your own program."""
    return _import(OwnProgramFileSchema(), own_library.create_program, program_body)
