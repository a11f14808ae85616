"""Symptom-driven progression: the suggestions the rules of
programs/progression.yaml make on a patient's plans, and the therapist's decision."""

from flask_smorest import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from kinetic.api.auth import current_user, login_required
from kinetic.api.errors import handle_simultaneous_write
from kinetic.api.patients import own_patient
from kinetic.extensions import db
from kinetic.models import Suggestion
from kinetic.schemas.progression import SuggestionSchema
from kinetic.services import access_log, prescriptions, progression
from kinetic.services.patients import patient_of

blp = Blueprint(
    "progression", __name__, url_prefix="/api/v1", description="Progression"
)
blp.register_error_handler(IntegrityError, handle_simultaneous_write)

therapist_only = login_required(blp, role="therapist")


def _body(suggestion: Suggestion) -> Suggestion:
    suggestion.explanation = " ".join(
        progression.rules()[suggestion.action]["explanation"].split()
    )
    suggestion.can_undo = (
        suggestion.status == "applied"
        and prescriptions.current(suggestion.assignment).id
        == suggestion.prescription_id
    )
    return suggestion


def _own(suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or not patient_of(current_user(), suggestion.patient_id):
        abort(404, message="No such suggestion.")
    access_log.record(suggestion.patient_id)
    return suggestion


@blp.route("/patients/<id:patient_id>/suggestions")
@blp.doc(operationId="patient_suggestions_list")
@therapist_only
@blp.response(200, SuggestionSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def patient_suggestions(patient_id):
    """Pending suggestions first, then the changes and decisions of the last 30
    days (automatic changes among them), each with the figures behind it."""
    return [_body(s) for s in progression.for_patient(own_patient(patient_id))]


def _decide(suggestion_id: int, decide) -> Suggestion:
    suggestion = _own(suggestion_id)
    decide(suggestion, current_user())
    db.session.commit()
    return _body(suggestion)


@blp.route("/suggestions/<id:suggestion_id>/accept", methods=["POST"])
@blp.doc(operationId="suggestion_accept")
@therapist_only
@blp.response(200, SuggestionSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def accept(suggestion_id):
    """Make the change: a new prescription version from the patient's current
    week. 409 when it was decided already or the plan no longer allows it."""
    return _decide(suggestion_id, progression.apply)


@blp.route("/suggestions/<id:suggestion_id>/dismiss", methods=["POST"])
@blp.doc(operationId="suggestion_dismiss")
@therapist_only
@blp.response(200, SuggestionSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def dismiss(suggestion_id):
    """Leave the plan as it is; the same trigger is not suggested again."""
    return _decide(suggestion_id, progression.dismiss)


@blp.route("/suggestions/<id:suggestion_id>/undo", methods=["POST"])
@blp.doc(operationId="suggestion_undo")
@therapist_only
@blp.response(200, SuggestionSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def undo(suggestion_id):
    """Undo an applied change (accepted or automatic): a new prescription version
    restoring the phases from before it. 409 once the plan changed again."""
    return _decide(suggestion_id, progression.undo)
