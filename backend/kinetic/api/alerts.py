"""Alerts on a therapist's patients, and the safety checklist the pain form asks."""

from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.extensions import db
from kinetic.schemas.alerts import (
    AlertArgsSchema,
    AlertPatchSchema,
    AlertSchema,
    ChecklistSchema,
)
from kinetic.services import access_log, alerts, safety

blp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Safety")

therapist_only = login_required(blp, role="therapist")


@blp.route("/alerts")
@blp.doc(operationId="alerts_list")
@therapist_only
@blp.arguments(AlertArgsSchema, location="query")
@blp.response(200, AlertSchema(many=True))
def list_alerts(args):
    """Alerts on the therapist's own patients: open first, newest first."""
    return alerts.alerts_of(current_user(), args.get("status"), args.get("patient_id"))


@blp.route("/alerts/<id:alert_id>", methods=["PATCH"])
@blp.doc(operationId="alert_acknowledge")
@therapist_only
@blp.arguments(AlertPatchSchema)
@blp.response(200, AlertSchema)
@blp.alt_response(404, response="NOT_FOUND")
def acknowledge(data, alert_id):
    """Acknowledge an alert; acknowledging it again changes nothing."""
    alert = alerts.alert_of(current_user(), alert_id)
    if alert is None:
        abort(404, message="No such alert.")
    access_log.record(alert.patient_id)
    alerts.acknowledge(alert, current_user())
    db.session.commit()
    return alerts.present([alert])[0]


@blp.route("/safety/checklist")
@blp.doc(operationId="safety_checklist_get")
@login_required(blp)
@blp.response(200, ChecklistSchema)
def checklist():
    """The red-flag questions and reportable symptoms, in plain words."""
    return safety.checklist()
