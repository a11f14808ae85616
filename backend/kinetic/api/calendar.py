"""The calendar feed: the patient makes or revokes a secret URL; the feed itself
needs no bearer token, since calendar apps cannot send one (the URL is the
secret)."""

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required, public
from kinetic.extensions import db
from kinetic.schemas.calendar import CalendarLinkSchema, CalendarStateSchema
from kinetic.services import calendar
from kinetic.services.links import public_url

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="Calendar")

patient_only = login_required(blp, role="patient")


@blp.route("/me/calendar")
class MyCalendar(MethodView):
    @blp.doc(operationId="me_calendar_link_get")
    @patient_only
    @blp.response(200, CalendarStateSchema)
    def get(self):
        """Whether a calendar link is active (its URL cannot be shown again)."""
        found = calendar.feed_of(current_user())
        return {"active": found is not None, "created_at": found and found.created_at}

    @blp.doc(operationId="me_calendar_link_create")
    @patient_only
    @blp.response(201, CalendarLinkSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self):
        """A new secret calendar URL; the previous one stops working.

        409 within CALENDAR_LINK_REPEAT_SECONDS (30 by default) of the last new
        link: of a double tap, or many requests at once, one makes the link and
        the others are refused, so every URL handed out works. DELETE first to
        replace a link at once."""
        token = calendar.create_feed(current_user())
        db.session.commit()
        url = public_url(url_for("calendar.feed", token=token))
        webcal = "webcal://" + url.split("://", 1)[1]
        return {"url": url, "webcal_url": webcal}

    @blp.doc(operationId="me_calendar_link_revoke")
    @patient_only
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self):
        """Revoke the calendar URL: calendars subscribed to it get nothing more."""
        if not calendar.revoke_feed(current_user()):
            abort(404, message="No calendar link to revoke.")
        db.session.commit()


@blp.route("/calendar/<token>.ics")
@blp.doc(operationId="calendar_feed_get")
@public(blp)
@blp.response(
    200,
    {"type": "string"},
    content_type="text/calendar",
    description="an iCalendar file (RFC 5545)",
)
@blp.alt_response(404, response="NOT_FOUND")
def feed(token):
    """The iCalendar feed behind a secret URL (no bearer token)."""
    patient = calendar.patient_for_token(token) if len(token) <= 100 else None
    if patient is None:
        abort(404, message="No such calendar.")
    body = calendar.feed(patient)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="kinetic-chain.ics"'},
    )
