"""Serves the PWA in frontend/, its npm libraries and the API docs' own assets,
with a content security policy that allows no inline script."""

from pathlib import Path

import swagger_ui_bundle
from flask import Flask, abort, request, send_from_directory
from werkzeug.routing import PathConverter

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"

# The npm files the app may load, by the name it asks for (frontend/package.json).
VENDOR = {
    "uPlot.iife.min.js": "uplot/dist/uPlot.iife.min.js",
    "uPlot.min.css": "uplot/dist/uPlot.min.css",
    "qrcode.mjs": "qrcode-generator/dist/qrcode.mjs",
}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; "
    "worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# flask-smorest's Swagger UI page starts itself with an inline script.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class ShellPath(PathConverter):
    """Any path outside /api/: a GET for the app's files must not make an API
    route look as if it took GET too (405 answers list the allowed methods)."""

    regex = r"(?!api/)[^/].*?"


def _security_headers(response):
    docs = request.path.startswith("/api/docs")
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _revalidate(response):
    # The service worker keeps the shell offline; the browser asks again each
    # time and gets a 304 when nothing changed.
    response.headers["Cache-Control"] = "no-cache"
    return response


def register_frontend(app: Flask) -> None:
    root = Path(app.config.get("FRONTEND_DIR") or FRONTEND)
    modules = root / "node_modules"
    app.after_request(_security_headers)
    app.url_map.converters["shell"] = ShellPath

    @app.get("/api/docs/assets/<path:filename>")
    def docs_assets(filename: str):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/vendor/<name>")
    def vendor(name: str):
        if name not in VENDOR:
            abort(404)
        path = modules / VENDOR[name]
        response = send_from_directory(path.parent, path.name, max_age=86400)
        return response

    @app.get("/")
    def index():
        return _revalidate(send_from_directory(root, "index.html"))

    @app.get("/<shell:filename>")
    def frontend_file(filename: str):
        if filename.startswith(("node_modules/", "package")):
            abort(404)
        response = _revalidate(send_from_directory(root, filename))
        if filename == "sw.js":
            response.headers["Service-Worker-Allowed"] = "/"
        return response
