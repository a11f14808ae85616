"""Outcome measures and insight: the instruments, the therapist's schedules, the
patient's answers, and what went together with feeling better."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.api.patients import own_patient
from kinetic.extensions import db
from kinetic.schemas.outcomes import (
    DueSchema,
    InsightSchema,
    QuestionnaireSchema,
    QuestionnaireSummarySchema,
    ResponseArgsSchema,
    ResponseCreateSchema,
    ResponseSchema,
    ScheduleCreateSchema,
    ScheduleSchema,
)
from kinetic.services import (
    insights,
    outcomes,
    progression_recheck,
    questionnaires,
)
from kinetic.services.questionnaires import QuestionnaireError

blp = Blueprint("outcomes", __name__, url_prefix="/api/v1", description="Outcomes")

therapist_only = login_required(blp, role="therapist")
patient_only = login_required(blp, role="patient")


def refuse(error: QuestionnaireError):
    abort(422, messages={"json": error.errors})


@blp.route("/questionnaires")
@blp.doc(operationId="questionnaires_list")
@login_required(blp)
@blp.response(200, QuestionnaireSummarySchema(many=True))
def list_questionnaires():
    """Every instrument, with its scoring rules, source and licence."""
    return [outcomes.summary(q.content) for q in questionnaires.instruments()]


@blp.route("/questionnaires/<string:slug>")
@blp.doc(operationId="questionnaire_get")
@login_required(blp)
@blp.response(200, QuestionnaireSchema)
@blp.alt_response(404, response="NOT_FOUND")
def one_questionnaire(slug):
    """One instrument with its items."""
    found = questionnaires.instrument(slug)
    if found is None:
        abort(404, message="No such questionnaire.")
    return {**found.content, **outcomes.summary(found.content)}


@blp.route("/patients/<id:patient_id>/questionnaires")
class PatientQuestionnaires(MethodView):
    @blp.doc(operationId="patient_questionnaires_list")
    @therapist_only
    @blp.response(200, ScheduleSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, patient_id):
        """The patient's schedules with every response, its score and change."""
        return outcomes.schedules_with_scores(own_patient(patient_id))

    @blp.doc(operationId="patient_questionnaire_schedule")
    @therapist_only
    @blp.arguments(ScheduleCreateSchema)
    @blp.response(201, ScheduleSchema)
    @blp.alt_response(200, schema=ScheduleSchema, success=True)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, patient_id):
        """Schedule an instrument every N days from a date (default: today); for an
        instrument already scheduled, change its schedule (200).

        422 naming `questionnaire` when it is not the slug of an instrument of
        GET /questionnaires, and naming `goals` when they do not fit it (an
        instrument written per patient needs them, others take none).
        """
        patient = own_patient(patient_id)
        try:
            row, created = questionnaires.schedule(patient, current_user(), data)
        except QuestionnaireError as error:
            refuse(error)
        db.session.commit()
        (shown,) = [
            s for s in outcomes.schedules_with_scores(patient) if s["id"] == row.id
        ]
        return shown, 201 if created else 200


@blp.route("/me/questionnaires/due")
@blp.doc(operationId="me_questionnaires_due_list")
@patient_only
@blp.response(200, DueSchema(many=True))
def due():
    """The questionnaires due on the patient's today, with their items."""
    return questionnaires.due(current_user())


@blp.route("/me/questionnaire-responses")
class MyResponses(MethodView):
    @blp.doc(operationId="me_questionnaire_response_create")
    @patient_only
    @blp.arguments(ResponseCreateSchema)
    @blp.response(201, ResponseSchema)
    @blp.alt_response(200, schema=ResponseSchema, success=True)
    def post(self, data):
        """Answer a questionnaire; scored here. The same client_id again returns
        the first response.

        422 naming `questionnaire` when it is not the slug of an instrument of
        GET /questionnaires or your therapist has not scheduled it, and naming
        `answers.<item>` for an answer missing, unknown or out of the item's range.
        """
        try:
            row, created = questionnaires.record_response(current_user(), data)
        except QuestionnaireError as error:
            refuse(error)
        if created:
            progression_recheck.recheck_pending(current_user().id, "a questionnaire")
        db.session.commit()
        return outcomes.outcome(row), 201 if created else 200

    @blp.doc(operationId="me_questionnaire_responses_list")
    @patient_only
    @blp.arguments(ResponseArgsSchema, location="query")
    @blp.response(200, ResponseSchema(many=True))
    def get(self, args):
        """The patient's responses, oldest first, optionally of one instrument.

        422 naming `questionnaire` when it is not the slug of an instrument of
        GET /questionnaires.
        """
        try:
            return outcomes.responses_of(current_user(), args.get("questionnaire"))
        except QuestionnaireError as error:
            abort(422, messages={"query": error.errors})


@blp.route("/me/insights")
@blp.doc(operationId="me_insights_list")
@patient_only
@blp.response(200, InsightSchema(many=True))
def my_insights():
    """What went together with lower pain over the last weeks, where there is
    enough data."""
    return insights.insights(current_user())


@blp.route("/patients/<id:patient_id>/insights")
@blp.doc(operationId="patient_insights_list")
@therapist_only
@blp.response(200, InsightSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def patient_insights(patient_id):
    """The patient's insights."""
    return insights.insights(own_patient(patient_id))
