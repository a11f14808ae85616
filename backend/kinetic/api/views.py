"""Readings shared by the patient's own endpoints and the therapist's view of them."""

from datetime import date, timedelta

from flask import Response, jsonify
from flask_smorest import abort

from kinetic.models import User
from kinetic.services import diary, exercise_pain, picture, plans, trends
from kinetic.services.clock import today_in

MAX_RANGE_DAYS = 366


def date_range(patient: User, args: dict, back: int, ahead: int):
    """`from` defaults to `back` days before today, or before `to` if that comes
    earlier; `to` to `ahead` days after today, or after `from` if that is later."""
    today = today_in(patient.timezone)
    start = args.get("from_") or min(today, args.get("to") or today) - timedelta(back)
    end = args.get("to") or max(start, today) + timedelta(days=ahead)
    if end < start:
        abort(
            422,
            message="to is before from",
            messages={"query": {"to": ["Must not be before from."]}},
        )
    if (end - start).days >= MAX_RANGE_DAYS:
        abort(
            422,
            message="range too long",
            messages={
                "query": {"to": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]}
            },
        )
    return start, end


def pain_of(patient: User, args: dict) -> list:
    return diary.entries_between(patient, *date_range(patient, args, 30, 0))


def sessions_of(patient: User, args: dict) -> list:
    start, end = date_range(patient, args, 30, 14)
    found = plans.sessions_between(patient, start, end)
    return plans.with_status(found, today_in(patient.timezone))


def trends_of(patient: User, args: dict) -> Response:
    """Sent as the service builds it, already in TrendsSchema's form, without
    marshmallow's dump (a sixth of the 90-day trend under load, for values the
    server made itself); the schema stays the document, and a test checks the
    two agree. Exercise-pain reports come beside the diary's figures, never in
    them."""
    data = trends.trends(patient, args["days"])
    data["exercise_pain"] = exercise_pain.reports_between(
        patient.id, date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
    )
    return jsonify(data)


def summary_of(patient: User, args: dict) -> Response:
    """The clinical picture, in SummarySchema's form (built by the service)."""
    return jsonify(picture.summary(patient, args["days"]).as_dict())
