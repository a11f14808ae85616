"""The HTTP API: one blueprint per resource, an auth guard and one error shape."""

from flask import Flask

from kinetic.api import accounts, diary, health, library, patients
from kinetic.api.errors import register_error_handlers
from kinetic.extensions import api


def register_api(app: Flask) -> None:
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
    for module in (accounts, library, patients, diary, health):
        api.register_blueprint(module.blp)
    register_error_handlers(app)
