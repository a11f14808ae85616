"""A patient's record to take elsewhere: the printable progress report (JSON for
the PWA's print page, and a PDF) and the FHIR R4 bundle."""

import json
from datetime import timedelta

from flask import Response, request
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.api.openapi import FHIR_BUNDLE_REF
from kinetic.api.views import MAX_RANGE_DAYS
from kinetic.models import User
from kinetic.schemas.records import ReportArgsSchema, ReportSchema
from kinetic.services import access_log, fhir, report, report_pdf
from kinetic.services.clock import today_in
from kinetic.services.patients import patient_of

blp = Blueprint("records", __name__, url_prefix="/api/v1", description="Records")

therapist_only = login_required(blp, role="therapist")
FHIR_JSON = "application/fhir+json"
FHIR_BUNDLE = {"$ref": FHIR_BUNDLE_REF}
PDF_FILE = {"type": "string", "format": "binary"}
# What the FHIR answers can be sent as: JSON only (no application/fhir+xml).
FHIR_FORMATS = (FHIR_JSON, "application/json")


def _own_patient(patient_id: int) -> User:
    patient = patient_of(current_user(), patient_id)
    if patient is None:
        abort(404, message="No such patient.")
    access_log.record(patient.id)
    return patient


def _period(patient: User, args: dict):
    end = args.get("to") or today_in(patient.timezone)
    start = args.get("from_") or end - timedelta(days=29)
    if end < start:
        abort(422, messages={"query": {"to": ["Must not be before from."]}})
    if (end - start).days >= MAX_RANGE_DAYS:
        abort(
            422,
            messages={"query": {"to": [f"At most {MAX_RANGE_DAYS} days at a time."]}},
        )
    return start, end


@blp.route("/patients/<id:patient_id>/report")
@blp.doc(operationId="patient_report_get")
@therapist_only
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(200, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
def patient_report(args, patient_id):
    """The progress report over a period (default: the last 30 days), as
    sections of text, figures, tables and an SVG chart.

    `to` defaults to the patient's today and `from` to 29 days before `to`. 422
    naming `to` when it is before `from` or 366 days or more after it.
    """
    patient = _own_patient(patient_id)
    return report.build_report(patient, *_period(patient, args))


@blp.route("/patients/<id:patient_id>/report.pdf")
@blp.doc(operationId="patient_report_pdf_get")
@therapist_only
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(
    200, PDF_FILE, content_type="application/pdf", description="the report, a PDF file"
)
@blp.alt_response(404, response="NOT_FOUND")
def patient_report_pdf(args, patient_id):
    """The progress report as a PDF (A4 or Letter).

    The period as for the report: 422 naming `to` when it is before `from` or 366
    days or more after it.
    """
    patient = _own_patient(patient_id)
    start, end = _period(patient, args)
    made = report.build_report(patient, start, end)
    name = f"progress-report-{patient.id}-{start}-{end}.pdf"
    return Response(
        report_pdf.report_pdf(made, args["paper"]),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _acceptable() -> None:
    """406, in the API's error shape, when the Accept header takes no JSON (only
    application/fhir+xml, say); no Accept header, or */*, is JSON. Parameters
    (FHIR's `fhirVersion=4.0`) do not matter."""
    accept = request.accept_mimetypes
    taken = {value.split(";")[0].strip().lower() for value, q in accept if q > 0}
    if accept and not taken & {*FHIR_FORMATS, "application/*", "*/*"}:
        abort(
            406,
            message="This record is served as application/fhir+json only "
            "(no XML); accept that, application/json or */*.",
        )


def _fhir(patient: User) -> Response:
    body = fhir.bundle(patient)
    return Response(json.dumps(body), mimetype=FHIR_JSON)


@blp.route("/patients/<id:patient_id>/fhir")
@blp.doc(operationId="patient_fhir_get")
@therapist_only
@blp.response(200, FHIR_BUNDLE, content_type=FHIR_JSON)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(406, response="NOT_ACCEPTABLE")
def patient_fhir(patient_id):
    """The patient's record as a FHIR R4 Bundle (collection).

    JSON only: 406 when the Accept header takes no JSON (application/fhir+xml).
    """
    _acceptable()
    return _fhir(_own_patient(patient_id))


@blp.route("/me/fhir")
@blp.doc(operationId="me_fhir_get")
@login_required(blp, role="patient")
@blp.response(200, FHIR_BUNDLE, content_type=FHIR_JSON)
@blp.alt_response(406, response="NOT_ACCEPTABLE")
def my_fhir():
    """The patient's own record as a FHIR R4 Bundle (collection).

    JSON only: 406 when the Accept header takes no JSON (application/fhir+xml).
    """
    _acceptable()
    return _fhir(current_user())
