"""The HTTP API: one blueprint per resource, an auth guard and one error shape."""

from flask import Flask
from werkzeug.routing import BaseConverter, IntegerConverter

from kinetic.api import (
    access_log,
    accounts,
    alerts,
    calendar,
    care_teams,
    clinic,
    diary,
    health,
    library,
    library_files,
    messages,
    outcomes,
    patients,
    prescriptions,
    progression,
    records,
    reminders,
)
from kinetic.api.errors import register_error_handlers
from kinetic.api.openapi import drop_unused_pagination, register_openapi
from kinetic.extensions import api
from kinetic.schemas.common import RESERVED_SLUGS, SLUG
from kinetic.services.access_log import register as record_accesses


class IdConverter(IntegerConverter):
    """Row ids: positive and within a 32-bit integer, so an absurd id in a URL is a
    404 rather than an overflow in the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)


class SlugConverter(BaseConverter):
    """A library slug: never `import` (its own route) and without a dot, so
    /exercises/import and /exercises/<slug>.yaml are not also /exercises/<slug>,
    and a 405 or OPTIONS lists exactly the route's own methods."""

    regex = r"(?!import(?![a-z0-9-]))[a-z0-9]+(?:-[a-z0-9]+)*"


def register_api(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["slug"] = SlugConverter
    api.register_converter(
        IdConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    )
    api.register_converter(
        SlugConverter,
        lambda _: {
            "type": "string",
            "pattern": SLUG.regex.pattern,
            "not": {"enum": list(RESERVED_SLUGS)},
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
    register_openapi(app)
    for module in (
        accounts,
        library_files,
        library,
        patients,
        care_teams,
        prescriptions,
        progression,
        alerts,
        diary,
        outcomes,
        reminders,
        messages,
        records,
        calendar,
        access_log,
        clinic,
        health,
    ):
        api.register_blueprint(module.blp)
    drop_unused_pagination()
    register_error_handlers(app)
    record_accesses(app)
