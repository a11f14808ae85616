"""The door: what every request must pass before routing, rate limits or a view
see it. Each refusal is cheap, answered in the one error shape and never a 500:

- a URL longer than MAX_URL_LENGTH: 414, found before Flask builds the request;
- a body over MAX_CONTENT_LENGTH bytes: 413, before it is read when its length
  is declared, at the limit when it is sent chunked;
- a JSON body nested deeper than JSON_MAX_DEPTH: 400, from a scan of the text
  before any parser (Python's would recurse, and so would every walk after it);
- a NUL character, an unpaired surrogate (`"\\udfff"`) or an integer of more than
  JSON_MAX_DIGITS digits anywhere in a JSON body, or a NUL in the query: 422
  naming the field (PostgreSQL cannot store the first two; Python refuses to
  read an integer of 4 300 digits, and no field needs a hundred)."""

import json
import re
from itertools import accumulate, count
from operator import sub
from typing import Any

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import NotFound, RequestEntityTooLarge, RequestURITooLarge

from kinetic.api.errors import error_body, handle_http_exception

# Set on the WSGI environ by UrlLimit when the URL was too long.
TOO_LONG = "kinetic.url_too_long"
STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# An opening bracket counts 2, a closing one 0: less 1 a step, the running sum is
# the depth.
STEPS = str.maketrans("[{]}", "\x02\x02\x00\x00")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What can hide a bad value in the body's text; the parsed body is walked only then.
SUSPECT = r"\x00|\\u0000|\\u[dD][89a-fA-F]|[0-9]{%d}"


class UrlLimit:
    """WSGI middleware: a URL over the limit reaches Flask as its first bytes and
    an empty query, so routing and the log line never handle it whole; the first
    before_request answers 414."""

    def __init__(self, wsgi_app, limit: int):
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if len(path) + len(query) > self.limit:
            environ[TOO_LONG] = True
            environ["PATH_INFO"] = path[:256]
            environ["QUERY_STRING"] = ""
        return self.wsgi_app(environ, start_response)


def json_depth(text: str) -> int:
    """How deep brackets outside strings nest (unclosed ones too), counted by
    iterators written in C: no parser, no recursion, no Python loop."""
    brackets = NOT_BRACKET.sub("", STRING.sub("", text)).translate(STEPS)
    steps = brackets.encode("latin-1")
    return max(map(sub, accumulate(steps), count(1)), default=0)


class _LongInteger:
    """Stands for an integer literal with too many digits; it fails every field."""


def _parse(text: str, digits: int) -> Any:
    def integer(literal: str) -> int | _LongInteger:
        return _LongInteger() if len(literal.lstrip("-")) > digits else int(literal)

    try:
        return json.loads(text, parse_int=integer)
    except (ValueError, RecursionError):
        return None  # not JSON: the view's parser answers 400 "Invalid JSON body."


def _problem(value: Any) -> str | None:
    if isinstance(value, _LongInteger):
        digits = current_app.config["JSON_MAX_DIGITS"]
        return f"Integers may have at most {digits} digits."
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "Must not contain NUL characters."
    if LONE_SURROGATE.search(value):
        return "Must not contain unpaired surrogates (not Unicode text)."
    return None


def bad_field(value: Any, path: str = "") -> tuple[str, str] | None:
    """The dotted path of the first bad value (or key) and what is wrong with it.
    The depth is bounded before this walk, so it may recurse."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = bad_field(key, where) or bad_field(item, where)
            if found:
                return found
        return None
    if isinstance(value, list):
        for item in value:
            if found := bad_field(item, path):
                return found
        return None
    problem = _problem(value)
    return (path or "_body", problem) if problem else None


def _refusal(status: int, message: str, errors: dict):
    response = jsonify(error_body(status, message, errors))
    response.status_code = status
    return response


def _decoded_body() -> str | None:
    body = request.get_data()  # werkzeug refuses past MAX_CONTENT_LENGTH: 413
    try:
        return body.decode(json.detect_encoding(body), "surrogatepass")
    except (UnicodeDecodeError, LookupError):
        return None  # not text: the view's parser answers 400


def check_json_body():
    text = _decoded_body()
    if not text:
        return None
    config = current_app.config
    depth = config["JSON_MAX_DEPTH"]
    if json_depth(text) > depth:
        message = f"The JSON body nests deeper than {depth} levels."
        return _refusal(400, message, {"json": [message]})
    digits = config["JSON_MAX_DIGITS"]
    if not re.search(SUSPECT % (digits + 1), text):
        return None
    found = bad_field(_parse(text, digits))
    if found is None:
        return None
    field, problem = found
    return _refusal(
        422, f"Some fields are not valid: {field}.", {field.split(".")[0]: [problem]}
    )


def check_query():
    query = request.query_string
    if b"%00" not in query and b"\x00" not in query:
        return None
    found = bad_field(request.args.to_dict(flat=False))
    if found is None:
        return None
    field, problem = found
    return _refusal(422, f"Some fields are not valid: {field}.", {field: [problem]})


def _body_length() -> int:
    """The body's declared length. One sent without (chunked) is read up to the
    limit, where werkzeug stops without a word: one that fills it counts as more."""
    if request.content_length is not None:
        return request.content_length
    if "chunked" not in request.headers.get("Transfer-Encoding", ""):
        return 0
    read = len(request.get_data())
    return read + 1 if read >= current_app.config["MAX_CONTENT_LENGTH"] else read


def guard_request():
    config = current_app.config
    if request.environ.get(TOO_LONG):
        limit = config["MAX_URL_LENGTH"]
        message = f"The URL is longer than {limit} characters."
        return handle_http_exception(RequestURITooLarge(message))
    limit = config["MAX_CONTENT_LENGTH"]
    if _body_length() > limit:
        message = f"The body is larger than {limit} bytes."
        return handle_http_exception(RequestEntityTooLarge(message))
    if not request.path.startswith("/api/"):
        return None
    if "\x00" in request.path:
        return handle_http_exception(NotFound())
    refused = check_query()
    if refused is None and request.is_json and request.content_length != 0:
        refused = check_json_body()
    return refused


def register_guard(app: Flask) -> None:
    """Call after register_logging (its start stamps the request the log line
    needs) and before the extensions: the limiter's key reads the body."""
    app.wsgi_app = UrlLimit(app.wsgi_app, app.config["MAX_URL_LENGTH"])
    app.before_request(guard_request)
