"""The clinic: its name, its members and their roles, the admins' invites for
therapists, and the removal of a member with the hand-over of their patients."""

from flask.views import MethodView
from flask_smorest import Blueprint

from kinetic.api import throttle
from kinetic.api.auth import current_user, login_required
from kinetic.extensions import db
from kinetic.schemas.clinic import (
    ClinicInviteCreateSchema,
    ClinicInviteSchema,
    ClinicPatchSchema,
    ClinicSchema,
    MemberPatchSchema,
    MemberRemoveSchema,
    MemberSchema,
    OpenInviteSchema,
)
from kinetic.services import clinics

blp = Blueprint("clinic", __name__, url_prefix="/api/v1", description="Clinic")

therapist_only = login_required(blp, role="therapist")


def _admin():
    return clinics.admin_or_403(current_user())


@blp.route("/clinic")
class ClinicView(MethodView):
    @blp.doc(operationId="clinic_get")
    @therapist_only
    @blp.response(200, ClinicSchema)
    def get(self):
        """The caller's clinic, their role in it and how many members it has."""
        return clinics.clinic_answer(clinics.member_or_404(current_user()))

    @blp.doc(operationId="clinic_update")
    @therapist_only
    @blp.arguments(ClinicPatchSchema)
    @blp.response(200, ClinicSchema)
    def patch(self, data):
        """Rename the clinic (admins; other members get 403)."""
        admin = _admin()
        admin.clinic.name = data["name"]
        db.session.commit()
        return clinics.clinic_answer(admin)


@blp.route("/clinic/members")
@blp.doc(operationId="clinic_members_list")
@therapist_only
@blp.response(200, MemberSchema(many=True))
def members():
    """Every member of the caller's clinic by name, with their role, whether
    they treat patients, how many patients they lead and on how many other care
    teams they are."""
    return clinics.members(clinics.member_or_404(current_user()).clinic_id)


@blp.route("/clinic/members/<id:member_id>")
class MemberById(MethodView):
    @blp.doc(operationId="clinic_member_update")
    @therapist_only
    @blp.arguments(MemberPatchSchema)
    @blp.response(200, MemberSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, member_id):
        """Change a member's role or whether they treat patients (admins).

        `member_id` is the member's user id; 404 for anyone not in the caller's
        clinic. 422 naming `role` when the clinic would be left without an
        admin; 422 naming `treats_patients` when setting it false for a member
        with the therapist role, or for one who leads patients or is on a care
        team (hand their patients over first).
        """
        answer = clinics.update_member(_admin(), member_id, data)
        db.session.commit()
        return answer

    @blp.doc(operationId="clinic_member_remove")
    @therapist_only
    @blp.arguments(MemberRemoveSchema, required=False)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, data, member_id):
        """Remove a member from the clinic (admins), handing their patients over.

        In one step: every patient they lead gets `hand_over_to` as lead (and is
        told in the app), they leave every care team, and they continue alone
        in a clinic of one of their own. `hand_over_to` is required when they
        lead any patient, and must be another member of the clinic who treats
        patients (422 naming `hand_over_to`). 422 naming `member` when they are
        the clinic's last admin (an admin may remove themselves only while
        another admin remains). 404 for anyone not in the caller's clinic.
        """
        clinics.remove_member(_admin(), member_id, (data or {}).get("hand_over_to"))
        db.session.commit()


@blp.route("/clinic/invites", methods=["GET"])
@blp.doc(operationId="clinic_invites_list")
@therapist_only
@blp.response(200, OpenInviteSchema(many=True))
def invites():
    """The clinic's open invites for therapists: not used and not expired
    (admins), newest first."""
    return clinics.open_invites(_admin().clinic_id)


# Rate-limited: its endpoint is in extensions.LIMITED_ENDPOINTS.
@blp.route("/clinic/invites", methods=["POST"])
@blp.doc(operationId="clinic_invite_create")
@throttle.invite_limit
@therapist_only
@blp.arguments(ClinicInviteCreateSchema, required=False)
@blp.response(201, ClinicInviteSchema)
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def create_invite(data):
    """A one-time code and link that makes one therapist account in the clinic
    (admins), with the role given (therapist by default).

    They sign up with POST /auth/register and the code, with no role. Name and
    email are optional; with an email, only that address may use it. Invites
    are limited per account (429).
    """
    user = current_user()
    answer = clinics.invite_therapist(user, _admin(), data or {})
    db.session.commit()
    return answer


@blp.route("/clinic/invites/<id:invite_id>")
class ClinicInviteById(MethodView):
    @blp.doc(operationId="clinic_invite_delete")
    @therapist_only
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, invite_id):
        """Withdraw an open invite (admins); 404 for one that is used, expired or
        another clinic's."""
        clinics.withdraw_invite(_admin(), invite_id)
        db.session.commit()
