"""Logs: one line per request with its request id, as JSON in production
(python-json-logger, encoded by orjson) or as text in the embedded default. The
request id comes from the proxy's X-Request-ID (Caddy sets one) or is made here,
and is sent back in the answer, so a user's report can be found in the logs."""

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.orjson import OrjsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix

GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
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


def configure(fmt: str) -> None:
    """The root logger writes to stdout in `fmt` ("json" or "text"), once."""
    root = logging.getLogger()
    if any(getattr(h, "kinetic", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.kinetic = True
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(json_formatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
            )
        )
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
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.started) * 1000, 1),
                "user_id": user.id if user is not None else None,
                "remote_addr": request.remote_addr,
            },
        )
        return response
