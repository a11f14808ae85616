from flask_smorest import Blueprint, abort
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kinetic.api.auth import public
from kinetic.extensions import db
from kinetic.schemas.health import HealthSchema

blp = Blueprint("health", __name__, description="Operations")


@blp.route("/healthz")
@blp.doc(operationId="health_get")
@public(blp)
@blp.response(200, HealthSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        abort(503, message="The database does not answer.")
    return {"status": "ok"}
