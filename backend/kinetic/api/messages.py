"""Messages between a patient and their therapist: one thread per patient."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.extensions import db
from kinetic.schemas.messages import (
    MessageCreateSchema,
    MessageSchema,
    MessageWithAdviceSchema,
)
from kinetic.services import access_log, messages, progression_recheck
from kinetic.services.patients import patient_of

blp = Blueprint("messages", __name__, url_prefix="/api/v1", description="Messages")

patient_only = login_required(blp, role="patient")
therapist_only = login_required(blp, role="therapist")


@blp.route("/me/messages")
class MyMessages(MethodView):
    @blp.doc(operationId="me_messages_list")
    @patient_only
    @blp.response(200, MessageSchema(many=True))
    def get(self):
        """The patient's thread with their therapist, oldest first."""
        return messages.thread(current_user())

    @blp.doc(operationId="me_message_send")
    @patient_only
    @blp.arguments(MessageCreateSchema)
    @blp.response(201, MessageWithAdviceSchema)
    @blp.alt_response(200, schema=MessageWithAdviceSchema, success=True)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data):
        """Write to the therapist; the same client_id again sends once. Words
        that match a red flag bring urgent advice in the answer."""
        patient = current_user()
        if patient.therapist_id is None:
            abort(409, message="You have no therapist to write to.")
        message, created = messages.send(patient, patient, data)
        if created:
            message.advice = messages.after_patient_message(message, patient)
            progression_recheck.recheck_pending(patient.id, "a message")
        else:
            message.advice = messages.urgent_advice(messages.red_flags_in(message.body))
        db.session.commit()
        return message, 201 if created else 200


def _own_patient(patient_id: int):
    patient = patient_of(current_user(), patient_id)
    if patient is None:
        abort(404, message="No such patient.")
    access_log.record(patient.id)
    return patient


@blp.route("/patients/<id:patient_id>/messages")
class PatientMessages(MethodView):
    @blp.doc(operationId="patient_messages_list")
    @therapist_only
    @blp.response(200, MessageSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, patient_id):
        """The thread with one of the therapist's patients, oldest first."""
        return messages.thread(_own_patient(patient_id))

    @blp.doc(operationId="patient_message_send")
    @therapist_only
    @blp.arguments(MessageCreateSchema)
    @blp.response(201, MessageSchema)
    @blp.alt_response(200, schema=MessageSchema, success=True)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, patient_id):
        """Write to a patient: they get an in-app notification and a push."""
        patient = _own_patient(patient_id)
        message, created = messages.send(patient, current_user(), data)
        db.session.commit()
        return message, 201 if created else 200


@blp.route("/messages/<id:message_id>/read", methods=["POST"])
@blp.doc(operationId="message_mark_read")
@login_required(blp)
@blp.response(200, MessageSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def mark_read(message_id):
    """Mark a message read; only its recipient may, and the first time counts."""
    message = messages.message_for(current_user(), message_id)
    if message is None:
        abort(404, message="No such message.")
    access_log.record(message.patient_id)
    messages.mark_read(message, current_user())
    db.session.commit()
    return message
