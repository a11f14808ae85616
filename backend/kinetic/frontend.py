"""Serves the PWA in frontend/ and the API docs' own assets (no CDN needed)."""

from pathlib import Path

import swagger_ui_bundle
from flask import Flask, send_from_directory

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def register_frontend(app: Flask) -> None:
    root = Path(app.config.get("FRONTEND_DIR") or FRONTEND)

    @app.get("/api/docs/assets/<path:filename>")
    def docs_assets(filename: str):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/")
    def index():
        return send_from_directory(root, "index.html")

    @app.get("/<path:filename>")
    def frontend_file(filename: str):
        return send_from_directory(root, filename)
