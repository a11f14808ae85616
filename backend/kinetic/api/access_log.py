"""The access log: who opened which patient's record. Clinic admins read and
export their clinic's; a patient reads who opened theirs. Append-only: no route
changes or deletes a row."""

from flask import Response
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.schemas.access_log import (
    AccessLogArgsSchema,
    AccessLogRowSchema,
    MyAccessLogArgsSchema,
    MyAccessLogRowSchema,
)
from kinetic.services import access_log, clinics
from kinetic.services.clock import now

blp = Blueprint("access_log", __name__, url_prefix="/api/v1", description="Access log")

CSV_ANSWER = {
    "200": {
        "description": "the rows, newest first (format=csv: a text/csv file)",
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/AccessLogRow"},
                }
            },
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "a header row ("
                    + ", ".join(access_log.COLUMNS)
                    + ") and one line per row",
                }
            },
        },
    }
}


@blp.route("/clinic/access-log")
@blp.doc(operationId="clinic_access_log_list")
@login_required(blp, role="therapist")
@blp.arguments(AccessLogArgsSchema, location="query")
@blp.response(200, AccessLogRowSchema(many=True))
@blp.doc(responses=CSV_ANSWER)
def clinic_access_log(args):
    """Who opened or changed which patient's record in your clinic, newest first:
    one row per therapist, patient, kind and ten minutes (clinic admins only;
    other members 403).

    `from` and `to` are UTC days, `to` included: 422 naming `to` when it is
    before `from`. format=csv answers a text/csv attachment with the same
    columns and every matching row; JSON answers the newest `limit` rows.
    """
    clinic_id = clinics.admin_or_403(current_user(), "see its access log").clinic_id
    if args.get("from_") and args.get("to") and args["to"] < args["from_"]:
        abort(422, messages={"query": {"to": ["Must not be before from."]}})
    if args["format"] == "csv":
        rows = access_log.clinic_rows(clinic_id, args, None)
        name = f"access-log-{now().date().isoformat()}.csv"
        return Response(
            access_log.as_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return access_log.clinic_rows(clinic_id, args, args["limit"])


@blp.route("/me/access-log")
@blp.doc(operationId="me_access_log_list")
@login_required(blp, role="patient")
@blp.arguments(MyAccessLogArgsSchema, location="query")
@blp.response(200, MyAccessLogRowSchema(many=True))
def my_access_log(args):
    """Who in your care team opened or changed your record, and when, newest
    first (one row per therapist, kind and ten minutes)."""
    return access_log.patient_rows(current_user().id, args["limit"])
