"""Pain entries: recording them once, whatever the network does, and advice."""

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import PainEntry, User
from kinetic.services.clock import now

FIELDS = ("low_back", "neck", "headache", "notes")


def _by_client_id(patient: User, client_id: str) -> PainEntry | None:
    return db.session.scalar(
        select(PainEntry).where(
            PainEntry.patient_id == patient.id, PainEntry.client_id == client_id
        )
    )


def record_pain(patient: User, data: dict) -> tuple[PainEntry, bool]:
    """Returns the entry and whether it is new; a repeated client_id returns the
    first entry unchanged, even when two copies race each other."""
    client_id = str(data["client_id"]) if data.get("client_id") else None
    if client_id and (first := _by_client_id(patient, client_id)):
        return first, False
    recorded_at = data.get("recorded_at") or now()
    entry = PainEntry(
        patient_id=patient.id,
        recorded_at=recorded_at,
        local_date=recorded_at.astimezone(ZoneInfo(patient.timezone)).date(),
        client_id=client_id,
        **{key: data.get(key) for key in FIELDS},
        red_flags=sorted(set(data.get("red_flags") or [])),
        symptoms=sorted(set(data.get("symptoms") or [])),
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        # Another request with the same client_id won the race: answer with its row.
        first = _by_client_id(patient, client_id) if client_id else None
        if first is None:
            raise
        return first, False
    return entry, True


def entries_between(patient: User, start: date, end: date) -> list[PainEntry]:
    return list(
        db.session.scalars(
            select(PainEntry)
            .where(
                PainEntry.patient_id == patient.id,
                PainEntry.local_date.between(start, end),
            )
            .order_by(PainEntry.recorded_at, PainEntry.id)
        )
    )
