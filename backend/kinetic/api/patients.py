"""The therapist's side: their own patients, plans and the patients' records."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from kinetic.api.auth import current_user, login_required
from kinetic.api.views import pain_of, sessions_of, summary_of, trends_of
from kinetic.extensions import db
from kinetic.models import Assignment, User
from kinetic.schemas.care_teams import PatientListArgsSchema
from kinetic.schemas.diary import PainEntrySchema, TrendArgsSchema, TrendsSchema
from kinetic.schemas.patients import PatientDetailSchema, PatientSummarySchema
from kinetic.schemas.picture import SummaryArgsSchema, SummarySchema
from kinetic.schemas.plans import (
    AssignmentCreateSchema,
    AssignmentPatchSchema,
    AssignmentSchema,
    ExerciseFeedbackSummarySchema,
    RangeArgsSchema,
    SessionSchema,
)
from kinetic.services import access_log, care_teams, feedback, messages, plans
from kinetic.services.patients import assignment_of, patient_of
from kinetic.services.trends import patient_summaries

blp = Blueprint("patients", __name__, url_prefix="/api/v1", description="Therapists")

therapist_only = login_required(blp, role="therapist")


def own_patient(patient_id: int) -> User:
    patient = patient_of(current_user(), patient_id)
    if patient is None:
        abort(404, message="No such patient.")
    access_log.record(patient.id)
    return patient


def own_assignment(assignment_id: int) -> Assignment:
    """The plan if its patient is the caller's own, else 404 (another therapist's
    plan is indistinguishable from none)."""
    assignment = assignment_of(current_user(), assignment_id)
    if assignment is None:
        abort(404, message="No such assignment.")
    access_log.record(assignment.patient_id)
    return assignment


def _assignments(patient: User, *, include_stopped: bool) -> list[Assignment]:
    query = select(Assignment).where(Assignment.patient_id == patient.id)
    if not include_stopped:
        query = query.where(Assignment.status != "stopped")
    return list(db.session.scalars(query.order_by(Assignment.start_date.desc())))


def summaries(patients: list[User], leads: dict | None = None) -> list[dict]:
    """Latest scores, adherence, alerts and pending suggestions, with each
    thread's unread messages, the lead and the caller's part in the care."""
    threads = messages.thread_summaries([p.id for p in patients])
    leads = care_teams.leads_of(patients) if leads is None else leads
    me = current_user().id
    out = []
    for patient, summary in zip(patients, patient_summaries(patients), strict=True):
        thread = threads.get(summary["id"], {})
        summary["unread_messages"] = thread.get("unread", 0)
        summary["last_message"] = thread.get("last")
        summary["lead"] = leads.get(patient.therapist_id)
        summary["my_part"] = "lead" if patient.therapist_id == me else "member"
        out.append(summary)
    return out


@blp.route("/patients")
class Patients(MethodView):
    @blp.doc(operationId="patients_list")
    @therapist_only
    @blp.arguments(PatientListArgsSchema, location="query")
    @blp.response(200, PatientSummarySchema(many=True))
    def get(self, args):
        """The patients whose care team the therapist is on, with latest scores,
        adherence, alerts, unread messages, the lead and the caller's part:
        `scope` mine lists those they lead, team those they share without
        leading."""
        patients, leads = care_teams.patients_in_scope(current_user(), args["scope"])
        return summaries(patients, leads)


@blp.route("/patients/<id:patient_id>")
class PatientById(MethodView):
    @blp.doc(operationId="patient_get")
    @therapist_only
    @blp.response(200, PatientDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, patient_id):
        """One patient with the plans that are active or paused, and their care
        team."""
        patient = own_patient(patient_id)
        (summary,) = summaries([patient])
        return {
            **summary,
            "assignments": _assignments(patient, include_stopped=False),
            "care_team": care_teams.team_of(patient),
        }


@blp.route("/patients/<id:patient_id>/assignments")
class PatientAssignments(MethodView):
    @blp.doc(operationId="patient_assignments_list")
    @therapist_only
    @blp.response(200, AssignmentSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, patient_id):
        """Every plan the patient has had."""
        return _assignments(own_patient(patient_id), include_stopped=True)

    @blp.doc(operationId="patient_assignment_create")
    @therapist_only
    @blp.arguments(AssignmentCreateSchema)
    @blp.response(201, AssignmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data, patient_id):
        """Assign a program at its current version and schedule its sessions;
        `phases` (and `note`) tailor it from the start.

        422 naming `program` when no program has this slug (GET /programs lists
        them; they are data loaded while the server runs). 409 while the patient
        has a plan of this program that is not stopped (active or paused): one
        plan per program, however many requests arrive at once.
        """
        assignment = plans.assign_program(own_patient(patient_id), current_user(), data)
        db.session.commit()
        return assignment


@blp.route("/assignments/<id:assignment_id>")
class AssignmentById(MethodView):
    @blp.doc(operationId="assignment_update")
    @therapist_only
    @blp.arguments(AssignmentPatchSchema)
    @blp.response(200, AssignmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data, assignment_id):
        """Pause, resume or stop a plan, or set its `progression` mode."""
        assignment = own_assignment(assignment_id)
        if "status" in data:
            plans.set_assignment_status(assignment, data["status"])
        if "progression" in data:
            assignment.progression = data["progression"]
        db.session.commit()
        return assignment


@blp.route("/patients/<id:patient_id>/pain")
@blp.doc(operationId="patient_pain_entries_list")
@therapist_only
@blp.arguments(RangeArgsSchema, location="query")
@blp.response(200, PainEntrySchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def patient_pain(args, patient_id):
    """The patient's diary entries, oldest first (default: the last 30 days).

    Exercise-pain reports (an entry with `exercise`, from the player) are not
    diary entries and are left out: GET /patients/{id}/trends lists them.

    `to` must not be before `from`, and the range covers at most 366 days:
    otherwise 422 naming `to` (a rule between two parameters, which OpenAPI
    cannot state).
    """
    return pain_of(own_patient(patient_id), args)


@blp.route("/patients/<id:patient_id>/sessions")
@blp.doc(operationId="patient_sessions_list")
@therapist_only
@blp.arguments(RangeArgsSchema, location="query")
@blp.response(200, SessionSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def patient_sessions(args, patient_id):
    """The patient's scheduled sessions (default: 30 days back, 14 ahead).

    `to` must not be before `from`, and the range covers at most 366 days:
    otherwise 422 naming `to` (a rule between two parameters, which OpenAPI
    cannot state).
    """
    return sessions_of(own_patient(patient_id), args)


@blp.route("/patients/<id:patient_id>/trends")
@blp.doc(operationId="patient_trends_get")
@therapist_only
@blp.arguments(TrendArgsSchema, location="query")
@blp.response(200, TrendsSchema)
@blp.alt_response(404, response="NOT_FOUND")
def patient_trends(args, patient_id):
    """The patient's daily means, rolling means and adherence."""
    return trends_of(own_patient(patient_id), args)


@blp.route("/patients/<id:patient_id>/summary")
@blp.doc(operationId="patient_summary_get")
@therapist_only
@blp.arguments(SummaryArgsSchema, location="query")
@blp.response(200, SummarySchema)
@blp.alt_response(404, response="NOT_FOUND")
def patient_summary(args, patient_id):
    """The clinical picture: adherence over the last `days` days, the change in
    pain and questionnaire scores, and the verdict with its reasons."""
    return summary_of(own_patient(patient_id), args)


@blp.route("/patients/<id:patient_id>/exercise-feedback")
@blp.doc(operationId="patient_exercise_feedback_list")
@therapist_only
@blp.arguments(TrendArgsSchema, location="query")
@blp.response(200, ExerciseFeedbackSummarySchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def patient_exercise_feedback(args, patient_id):
    """Per exercise over the last `days` days: sessions, mean pain during, effort
    and times stopped for pain."""
    return feedback.exercise_feedback(own_patient(patient_id), args["days"])
