"""The row a client_id made. The PWA sends each write with a client_id of its own,
and the same client_id again (a phone retrying from its outbox) answers with the
first row instead of writing another."""

from collections.abc import Callable

from sqlalchemy import bindparam, select

from kinetic.extensions import db


def first_row(model, owner) -> Callable[[int, str], object | None]:
    """A lookup of `model`'s row by its owner's id (the `owner` column) and
    client_id, its statement built once: every write runs it first (building it
    again was a tenth of a pain entry under load)."""
    statement = select(model).where(
        owner == bindparam("owner"), model.client_id == bindparam("client_id")
    )

    def find(owner_id: int, client_id: str):
        return db.session.scalar(statement, {"owner": owner_id, "client_id": client_id})

    return find
