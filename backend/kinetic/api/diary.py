"""The patient's side: today's sessions, completing them, pain and trends."""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.api.errors import error_body
from kinetic.api.views import pain_of, sessions_of, summary_of, trends_of
from kinetic.extensions import db
from kinetic.schemas.diary import (
    PainCreateSchema,
    PainEntrySchema,
    PainEntryWithAdviceSchema,
    PainPatchSchema,
    TrendArgsSchema,
    TrendsSchema,
)
from kinetic.schemas.picture import SummaryArgsSchema, SummarySchema
from kinetic.schemas.plans import (
    RangeArgsSchema,
    SessionCompleteSchema,
    SessionConflictSchema,
    SessionSchema,
    TodaySchema,
)
from kinetic.services import (
    diary,
    feedback,
    plans,
    progression,
    progression_recheck,
    progression_review,
    safety,
)
from kinetic.services.clock import today_in

blp = Blueprint("diary", __name__, url_prefix="/api/v1", description="Patients")

patient_only = login_required(blp, role="patient")


@blp.route("/me/today")
@blp.doc(operationId="me_today_get")
@patient_only
@blp.response(200, TodaySchema)
def today():
    """Today's sessions in the patient's own timezone."""
    patient = current_user()
    day = today_in(patient.timezone)
    sessions = plans.with_status(plans.sessions_between(patient, day, day), day)
    return {
        "date": day,
        "sessions": sessions,
        "paused_plans": plans.paused(patient),
        "plan_changes": progression.recent_automatic(patient),
    }


@blp.route("/me/sessions")
@blp.doc(operationId="me_sessions_list")
@patient_only
@blp.arguments(RangeArgsSchema, location="query")
@blp.response(200, SessionSchema(many=True))
def my_sessions(args):
    """Scheduled sessions between two dates (default: 30 days back, 14 ahead).

    `to` must not be before `from`, and the range covers at most 366 days:
    otherwise 422 naming `to` (a rule between two parameters, which OpenAPI
    cannot state).
    """
    return sessions_of(current_user(), args)


@blp.route("/sessions/<id:session_id>/complete", methods=["POST"])
@blp.doc(operationId="session_complete")
@patient_only
@blp.arguments(SessionCompleteSchema, required=False)
@blp.response(200, SessionSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, schema=SessionConflictSchema)
def complete(data, session_id):
    """Mark a session done, or partly done; the same completion again changes
    nothing.

    Every field of the body is optional, and so is the body. The session becomes
    `partly_done` when an exercise was skipped or not done in full (fewer
    `sets_done` than its dosage's sets, or left out of `exercises` or
    `exercises_done`), with `done_fraction` = exercises done in full / exercises
    in the session; otherwise `done` (1.0), as it does with no list at all.

    A session is finished once. Sent again with the same answers (a phone
    syncing twice) it answers 200 with the stored session and changes nothing;
    with other answers (another device finished it first, even at the same
    moment) 409 with the stored session in `session`, whose answers count. 409
    also when the session lies in the future or was cancelled (its plan is on
    hold); 422 naming `exercises_done` when it names an exercise that is not in
    this session.
    """
    patient = current_user()
    session = plans.patients_session(patient, session_id)
    if session is None:
        abort(404, message="No such session.")
    today = today_in(patient.timezone)
    try:
        session, first = plans.complete_session(session, data)
    except plans.CompletionConflict as conflict:
        return _completion_conflict(conflict, today)
    if first:
        feedback.after_completion(session, patient)
        progression_recheck.recheck_pending(patient.id, "a completed session")
        progression_review.after_completion(patient, today)
    db.session.commit()
    return plans.with_status([session], today)[0]


def _completion_conflict(conflict: plans.CompletionConflict, today):
    db.session.rollback()
    stored = plans.with_status([conflict.session], today)[0]
    body = error_body(409, conflict.message)
    body["session"] = SessionSchema().dump(stored)
    response = jsonify(body)
    response.status_code = 409
    return response


@blp.route("/me/pain")
class MyPain(MethodView):
    @blp.doc(operationId="me_pain_entry_create")
    @patient_only
    @blp.arguments(PainCreateSchema)
    @blp.response(201, PainEntryWithAdviceSchema)
    @blp.alt_response(200, schema=PainEntryWithAdviceSchema, success=True)
    def post(self, data):
        """Record pain scores; the same client_id again returns the first entry.

        With `exercise` (and its `session_id`) it is an exercise-pain report from
        the player: its advice is the exercise-pain rule's (and urgent advice for
        red flags), and it counts in no diary figure or rule.

        At least one of low_back, neck and headache must be a number (the schema's
        anyOf). Rules on the server's data, which no schema can show, answer 422
        naming the field: `recorded_at` must not lie more than 10 minutes in the
        future nor before the year 2000, and `red_flags` and `symptoms` hold codes
        from GET /safety/checklist, which clinicians may change at any time.
        """
        patient = current_user()
        entry, created = diary.pain_to_record(patient, data)
        found = None
        if created:
            found = safety.findings_before_writing(entry, patient)
            entry, created = diary.save_pain(patient, entry)
        if created:
            found = safety.after_entry(entry, patient, found)
            feedback.after_exercise_entry(entry, patient)
            progression_recheck.after_pain_entry(patient.id, entry, found)
        else:
            found = None
        db.session.commit()
        entry.advice = _advice(entry, patient, found)
        return entry, 201 if created else 200

    @blp.doc(operationId="me_pain_entries_list")
    @patient_only
    @blp.arguments(RangeArgsSchema, location="query")
    @blp.response(200, PainEntrySchema(many=True))
    def get(self, args):
        """Diary entries between two dates, oldest first (default: the last 30 days).

        Exercise-pain reports (an entry with `exercise`, from the player) are not
        diary entries and are left out: GET /me/trends lists them.

        `to` must not be before `from`, and the range covers at most 366 days:
        otherwise 422 naming `to` (a rule between two parameters, which OpenAPI
        cannot state).
        """
        return pain_of(current_user(), args)


def _advice(entry, patient, found=None) -> list[dict]:
    return feedback.exercise_pain_advice(entry) + safety.advice_for(
        entry, patient, found
    )


@blp.route("/me/pain/<id:entry_id>")
class MyPainEntry(MethodView):
    @blp.doc(operationId="me_pain_entry_update")
    @patient_only
    @blp.arguments(PainPatchSchema, required=False)
    @blp.response(200, PainEntryWithAdviceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data, entry_id):
        """Correct one's own entry within 24 hours of saving it.

        Every field of the body is optional, and so is the body: the fields left
        out keep their value. 409 after 24 hours; 422 naming `scores` when no
        score would remain.
        """
        patient = current_user()
        entry = _own_entry(patient, entry_id)
        diary.correct_pain(entry, data)
        feedback.after_exercise_entry(entry, patient)  # corrected up to the threshold
        progression_recheck.recheck_pending(patient.id, "a corrected pain entry")
        found = (
            safety.findings(patient, today_in(patient.timezone))
            if entry.is_diary
            else []
        )
        db.session.commit()
        entry.advice = _advice(entry, patient, found)
        return entry

    @blp.doc(operationId="me_pain_entry_delete")
    @patient_only
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, entry_id):
        """Delete one's own entry within 24 hours; never one with a red flag."""
        diary.delete_pain(_own_entry(current_user(), entry_id))
        db.session.commit()


def _own_entry(patient, entry_id):
    entry = diary.own_entry(patient, entry_id)
    if entry is None:
        abort(404, message="No such pain entry.")
    return entry


@blp.route("/me/trends")
@blp.doc(operationId="me_trends_get")
@patient_only
@blp.arguments(TrendArgsSchema, location="query")
@blp.response(200, TrendsSchema)
def my_trends(args):
    """Daily means, 7-day rolling means and adherence over the last `days` days."""
    return trends_of(current_user(), args)


@blp.route("/me/summary")
@blp.doc(operationId="me_summary_get")
@patient_only
@blp.arguments(SummaryArgsSchema, location="query")
@blp.response(200, SummarySchema)
def my_summary(args):
    """The clinical picture: adherence over the last `days` days, the change in
    pain and questionnaire scores, and the verdict with its reasons. Every
    screen shows these same figures (see docs/clinical-picture.md)."""
    return summary_of(current_user(), args)
