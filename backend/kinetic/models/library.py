from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinetic.extensions import db
from kinetic.models.types import UTCDateTime, utcnow


def _owner() -> Mapped[int | None]:
    """None for the library (the files in programs/), else the therapist's id: the
    author of a clinic's item, the owner of their own."""
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


def _clinic() -> Mapped[int | None]:
    """The clinic whose shared library holds the item; None for the files and a
    therapist's own."""
    return mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)


class Exercise(db.Model):
    """The current text of one exercise, from a file or a therapist's own; programs
    and prescriptions snapshot it, so an edit never changes a running plan."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = _owner()
    clinic_id: Mapped[int | None] = _clinic()
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("owner_id", "slug", name="uq_exercises_owner"),)


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = _owner()
    clinic_id: Mapped[int | None] = _clinic()
    slug: Mapped[str] = mapped_column(String(80))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_versions.id", use_alter=True, name="fk_programs_current")
    )

    current_version: Mapped["ProgramVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )

    __table_args__ = (UniqueConstraint("owner_id", "slug", name="uq_programs_owner"),)


class ProgramVersion(db.Model):
    """An immutable snapshot of a program with its exercises resolved in full."""

    __tablename__ = "program_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program] = relationship(foreign_keys=[program_id])

    __table_args__ = (UniqueConstraint("program_id", "version"),)

    def shared_content(self) -> dict[str, Any]:
        """`content`, decoded once per process for each distinct content (by its
        hash, never by a row id, which a deleted row may hand on): a profile of
        GET /me/today under load put 14-16% of it in decoding the same JSON
        again. Where a query deferred the column, it is read only on the first
        sight. Shared between requests: read it, never change it."""
        return shared_json(("program", self.content_hash), lambda: self.content)


_shared: dict[tuple[str, str], Any] = {}


def shared_json(key: tuple[str, str], load) -> Any:
    """The decoded JSON for `key` (a kind and a SHA-256 of the JSON), `load()`ed
    on the process's first sight of it."""
    found = _shared.get(key)  # one read: another thread may clear in between
    if found is None:
        if len(_shared) > 1000:
            _shared.clear()
        found = _shared[key] = load()
    return found


def shared_json_many(kind: str, digests: set[str], read_missing) -> dict[str, Any]:
    """The decoded JSON of each digest of a kind; `read_missing(digests)` reads
    those this process has not seen yet, as {digest: JSON}, in one go."""
    seen = {d: _shared.get((kind, d)) for d in digests}
    found = {d: value for d, value in seen.items() if value is not None}
    missing = digests - found.keys()
    if missing:
        read = read_missing(missing)
        for digest in missing:
            found[digest] = shared_json((kind, digest), lambda d=digest: read[d])
    return found
