"""Every error answer is JSON: {code, status, message} and, for 422, `errors`."""

import logging
from http import HTTPStatus

from flask import Flask, jsonify
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from kinetic.extensions import db
from kinetic.services.accounts import AccountError

log = logging.getLogger(__name__)


def _field_errors(messages: dict) -> dict:
    # webargs nests messages under the request location ("json", "query", ...);
    # clients care about the field, so lift the fields to the top.
    errors: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            errors.update(fields)
        else:
            errors[location] = fields
    return errors


def _string_keys(messages):
    """marshmallow names a list item by its index (an int) beside string keys such
    as `_schema`; JSON keys are strings, and sorting mixed keys would fail."""
    if isinstance(messages, dict):
        return {str(key): _string_keys(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_string_keys(value) for value in messages]
    return messages


def dotted_fields(errors: dict, prefix: str = "") -> list[str]:
    """Each bad field as a dotted path, e.g. phases.0.exercises.1.exercise."""
    names = []
    for key, value in errors.items():
        name = f"{prefix}.{key}" if prefix and key != "_schema" else prefix or str(key)
        if isinstance(value, dict):
            names += dotted_fields(value, name)
        else:
            names.append(name)
    return names


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    body = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        body["errors"] = _string_keys(errors)
    return body


def _status_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def handle_http_exception(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    message = data.get("message") or exc.description or _status_name(exc.code)
    errors = _field_errors(data["messages"]) if "messages" in data else None
    if exc.code == 422 and not errors:
        errors = {"_body": [message]}
    if exc.code == 422:
        message = invalid_fields_message(errors)
    response = jsonify(error_body(exc.code, message, errors))
    response.status_code = exc.code
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if exc.code == 405 and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def invalid_fields_message(errors: dict) -> str:
    names = ", ".join(sorted(dotted_fields(errors)))
    return f"Some fields are not valid: {names}."


def handle_validation_error(exc: ValidationError):
    """A rule a service checks after the schema (an unknown exercise, a slug that is
    taken), reported exactly like a schema error."""
    messages = (
        exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}
    )
    response = jsonify(error_body(422, invalid_fields_message(messages), messages))
    response.status_code = 422
    return response


def handle_account_error(exc: AccountError):
    errors = {exc.field: [exc.message]} if exc.field and exc.status == 422 else None
    response = jsonify(error_body(exc.status, exc.message, errors))
    response.status_code = exc.status
    return response


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("unhandled error")
    return handle_http_exception(InternalServerError())


def handle_simultaneous_write(exc: IntegrityError):
    """Two requests that made the same new version or slug at once: the second gets
    a 409 instead of a 500 (for the blueprints that register this)."""
    db.session.rollback()
    log.info("simultaneous write refused: %s", exc.orig)
    message = "Changed at the same moment elsewhere: reload and retry."
    response = jsonify(error_body(409, message))
    response.status_code = 409
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(AccountError, handle_account_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
