"""Tailoring a patient's plan: its prescription versions, saving it as a program,
and which of its exercises the patient does."""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from kinetic.api.auth import current_user, login_required
from kinetic.api.errors import handle_simultaneous_write
from kinetic.api.library import program_body
from kinetic.api.patients import own_assignment, own_patient
from kinetic.extensions import db
from kinetic.schemas.library import ProgramSchema
from kinetic.schemas.prescriptions import (
    AdherenceArgsSchema,
    ExerciseAdherenceSchema,
    PrescriptionInSchema,
    PrescriptionSchema,
    SaveAsProgramSchema,
    prescription_answer,
)
from kinetic.services import adherence, prescriptions

blp = Blueprint(
    "prescriptions", __name__, url_prefix="/api/v1", description="Prescribing"
)
blp.register_error_handler(IntegrityError, handle_simultaneous_write)

therapist_only = login_required(blp, role="therapist")


@blp.route("/assignments/<id:assignment_id>/prescription")
class PrescriptionOfPlan(MethodView):
    @blp.doc(operationId="assignment_prescription_get")
    @therapist_only
    @blp.response(200, PrescriptionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, assignment_id):
        """The plan as prescribed now: phases, exercises, doses and notes."""
        found = prescriptions.current(own_assignment(assignment_id), for_reading=True)
        return jsonify(prescription_answer(found))

    @blp.doc(operationId="assignment_prescription_update")
    @therapist_only
    @blp.arguments(PrescriptionInSchema)
    @blp.response(200, PrescriptionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, assignment_id):
        """Tailor the plan: a new version (unless nothing changed) that the
        sessions from the patient's today on follow; done sessions keep theirs.

        422 naming the field when the phases do not follow each other from week 1
        without a gap (`phases.N.weeks`) or an exercise is not in your library
        (`phases.N.exercises.M.exercise`); 409 when the plan has ended.
        """
        assignment = own_assignment(assignment_id)
        version = prescriptions.change_prescription(assignment, current_user(), data)
        db.session.commit()
        return version


@blp.route("/assignments/<id:assignment_id>/prescription/history")
@blp.doc(operationId="assignment_prescription_history_list")
@therapist_only
@blp.response(200, PrescriptionSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def prescription_history(assignment_id):
    """Every version of the plan, newest first, with who changed what."""
    return prescriptions.history(own_assignment(assignment_id))


@blp.route("/assignments/<id:assignment_id>/save-as-program", methods=["POST"])
@blp.doc(operationId="assignment_save_as_program")
@therapist_only
@blp.arguments(SaveAsProgramSchema)
@blp.response(201, ProgramSchema)
@blp.alt_response(404, response="NOT_FOUND")
def save_as_program(data, assignment_id):
    """Save the plan as it stands as your own program, to assign to others.

    422 naming `slug` when one of your programs already has that slug (the slug
    defaults to one made from the title).
    """
    assignment = own_assignment(assignment_id)
    program = prescriptions.save_as_program(assignment, current_user(), data)
    db.session.commit()
    return program_body(program)


@blp.route("/patients/<id:patient_id>/exercise-adherence")
@blp.doc(operationId="patient_exercise_adherence_list")
@therapist_only
@blp.arguments(AdherenceArgsSchema, location="query")
@blp.response(200, ExerciseAdherenceSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def exercise_adherence(args, patient_id):
    """Per prescribed exercise over the last `days` days: scheduled, done (in
    full), skipped (the session was done or partly done without it, or with it
    skipped or not done in full) and missed."""
    return adherence.exercise_adherence(own_patient(patient_id), args["days"])
