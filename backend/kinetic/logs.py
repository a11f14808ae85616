"""Logs: one line per request with its request id, as JSON in production
(python-json-logger, encoded by orjson) or as text in the embedded default. The
request id comes from the proxy's X-Request-ID (Caddy sets one) or is made here,
and is sent back in the answer, so a user's report can be found in the logs.

What a client sends never shapes the log itself: the text format escapes control
characters (a `%0a` in a path cannot start a fake line), and the path is cut to
LOG_PATH_MAX characters in both formats."""

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.orjson import OrjsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix

GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# C0 and C1 control characters, DEL, and Unicode's line and paragraph separators.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
log = logging.getLogger("kinetic.request")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (or "-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object per line. orjson encodes it: the standard library's
    encoder was a third of the request line's cost under load."""
    return OrjsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level"},
        timestamp=False,
    )


def escape_controls(text: str) -> str:
    """`\\n`, `\\r`, `\\t` or `\\xNN` / `\\uNNNN` for each control character."""
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class TextFormatter(logging.Formatter):
    """One line per record, whatever the message holds; a traceback keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


def text_formatter() -> logging.Formatter:
    return TextFormatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
    )


def configure(fmt: str) -> None:
    """The root logger writes to stdout in `fmt` ("json" or "text"), once."""
    root = logging.getLogger()
    if any(getattr(h, "kinetic", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.kinetic = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(json_formatter() if fmt == "json" else text_formatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def register_logging(app: Flask) -> None:
    if not app.testing:
        configure(app.config["LOG_FORMAT"])
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Behind Caddy: the client's address (for the login limiter and the
        # logs) and scheme come from the proxy's X-Forwarded-* headers.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    @app.before_request
    def start():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if GOOD_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        user = g.get("user")
        path = capped(request.path, app.config["LOG_PATH_MAX"])
        log.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.started) * 1000, 1),
                "user_id": user.id if user is not None else None,
                "remote_addr": request.remote_addr,
            },
        )
        return response
