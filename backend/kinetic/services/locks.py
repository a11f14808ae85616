"""A lock for a check and the write it allows, so that requests at the same
moment cannot both pass the check (two plans of one program, say)."""

from sqlalchemy import select

from kinetic.extensions import db


def lock_row(model, row_id: int) -> None:
    """Holds `model`'s row until the transaction ends; a second request waits
    here for the first to commit, then sees what it wrote.

    PostgreSQL locks the row (FOR NO KEY UPDATE, which inserts referring to the
    row do not wait for). SQLite has no row locks but one writer at a time:
    BEGIN IMMEDIATE takes that writer's lock now, not at the later write (Python's
    sqlite3 otherwise begins only before the first write, and has already begun
    when this request wrote before, which took the lock then)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        statement = select(model.id).where(model.id == row_id)
        connection.execute(statement.with_for_update(key_share=True))
        return
    dbapi = connection.connection.dbapi_connection
    if not dbapi.in_transaction:
        dbapi.execute("BEGIN IMMEDIATE")
