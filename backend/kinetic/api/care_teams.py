"""Care teams: the lead therapist and the clinic colleagues who share a
patient's care."""

from flask.views import MethodView
from flask_smorest import Blueprint

from kinetic.api.auth import current_user, login_required
from kinetic.api.patients import own_patient
from kinetic.extensions import db
from kinetic.schemas.care_teams import CareTeamAddSchema, CareTeamSchema
from kinetic.services import care_teams

blp = Blueprint("care_teams", __name__, url_prefix="/api/v1", description="Care teams")

therapist_only = login_required(blp, role="therapist")


@blp.route("/patients/<id:patient_id>/care-team")
class PatientCareTeam(MethodView):
    @blp.doc(operationId="patient_care_team_get")
    @therapist_only
    @blp.response(200, CareTeamSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, patient_id):
        """The patient's lead therapist and the others on their care team."""
        return care_teams.team_of(own_patient(patient_id))

    @blp.doc(operationId="patient_care_team_add")
    @therapist_only
    @blp.arguments(CareTeamAddSchema)
    @blp.response(201, CareTeamSchema)
    @blp.alt_response(200, schema=CareTeamSchema, success=True)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, patient_id):
        """Add a therapist of the clinic to the care team (the lead only: 403 for
        the other members). 200 and the team unchanged when they are on it
        already; 422 naming `therapist_id` when they are not a therapist of the
        clinic who treats patients. The patient is told who joined."""
        patient = own_patient(patient_id)
        added = care_teams.add_member(patient, current_user(), data["therapist_id"])
        db.session.commit()
        return care_teams.team_of(patient), 201 if added else 200


@blp.route("/patients/<id:patient_id>/care-team/<id:therapist_id>", methods=["DELETE"])
@blp.doc(operationId="patient_care_team_remove")
@therapist_only
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def remove(patient_id, therapist_id):
    """Take a therapist off the care team: the lead removes anyone, a member
    may leave (403 otherwise). 422 naming `therapist_id` for the lead (transfer
    the lead first); 404 when they are not on the team."""
    care_teams.remove_member(own_patient(patient_id), current_user(), therapist_id)
    db.session.commit()


@blp.route("/patients/<id:patient_id>/lead", methods=["POST"])
@blp.doc(operationId="patient_lead_transfer")
@therapist_only
@blp.arguments(CareTeamAddSchema)
@blp.response(200, CareTeamSchema)
@blp.alt_response(404, response="NOT_FOUND")
def transfer_lead(data, patient_id):
    """Hand the lead to another therapist of the clinic who treats patients
    (the lead only: 403 for the other members; 422 naming `therapist_id`
    otherwise). The old lead stays on the team as a member; the patient is
    told."""
    patient = own_patient(patient_id)
    care_teams.transfer_lead(patient, current_user(), data["therapist_id"])
    db.session.commit()
    return care_teams.team_of(patient)


@blp.route("/me/care-team")
@blp.doc(operationId="me_care_team_get")
@login_required(blp, role="patient")
@blp.response(200, CareTeamSchema)
def my_care_team():
    """The patient's lead therapist and the others who share their care (a
    patient without a therapist: no lead and no members)."""
    return care_teams.team_of(current_user())
