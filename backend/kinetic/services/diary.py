"""Pain entries: recording them once, whatever the network does, and advice."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import Alert, PainEntry, ScheduledSession, User
from kinetic.models.plans import session_exercises
from kinetic.services import client_ids
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now

FIELDS = ("low_back", "neck", "headache", "notes")
SCORES = ("low_back", "neck", "headache")
# How long a patient may correct or delete their own entry.
EDITABLE = timedelta(hours=24)


_FIRST_ROW = client_ids.first_row(PainEntry, PainEntry.patient_id)


def _by_client_id(patient: User, client_id: str) -> PainEntry | None:
    return _FIRST_ROW(patient.id, client_id)


def record_pain(patient: User, data: dict) -> tuple[PainEntry, bool]:
    """Returns the entry and whether it is new; a repeated client_id returns the
    first entry unchanged, even when two copies race each other."""
    entry, new = pain_to_record(patient, data)
    return save_pain(patient, entry) if new else (entry, False)


def pain_to_record(patient: User, data: dict) -> tuple[PainEntry, bool]:
    """The entry the data asks for, not written yet (True), or the first entry
    of a client_id already used (False). Reads only."""
    client_id = str(data["client_id"]) if data.get("client_id") else None
    if client_id and (first := _by_client_id(patient, client_id)):
        return first, False
    _check_link(patient, data)
    recorded_at = data.get("recorded_at") or now()
    entry = PainEntry(
        session_id=data.get("session_id"),
        exercise=data.get("exercise"),
        patient_id=patient.id,
        recorded_at=recorded_at,
        local_date=recorded_at.astimezone(ZoneInfo(patient.timezone)).date(),
        client_id=client_id,
        **{key: data.get(key) for key in FIELDS},
        red_flags=sorted(set(data.get("red_flags") or [])),
        symptoms=sorted(set(data.get("symptoms") or [])),
    )
    return entry, True


def save_pain(patient: User, entry: PainEntry) -> tuple[PainEntry, bool]:
    """Writes a new entry; if a copy with its client_id won the race, returns
    that one (False)."""
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        # Another request with the same client_id won the race: answer with its row.
        first = _by_client_id(patient, entry.client_id) if entry.client_id else None
        if first is None:
            raise
        return first, False
    return entry, True


def _check_link(patient: User, data: dict) -> None:
    """A session given must be the patient's, an exercise must be in it."""
    session_id, slug = data.get("session_id"), data.get("exercise")
    if session_id is None:
        if slug is not None:
            raise AccountError(422, "Give the exercise's session.", "session_id")
        return
    session = db.session.get(ScheduledSession, session_id)
    if session is None or session.patient_id != patient.id:
        raise AccountError(422, "No such session of yours.", "session_id")
    if slug is not None and slug not in {e["slug"] for e in session_exercises(session)}:
        raise AccountError(422, f"Not in this session: {slug}.", "exercise")


def _editable(entry: PainEntry) -> None:
    if now() - entry.recorded_at > EDITABLE:
        raise AccountError(
            409, "Entries can be changed only in the first 24 hours after saving them."
        )


def correct_pain(entry: PainEntry, data: dict) -> PainEntry:
    """Changes scores or notes within 24 hours; at least one score must remain.
    Alerts the entry raised stay, marked as raised by a corrected entry."""
    _editable(entry)
    for key in FIELDS:
        if key in data:
            setattr(entry, key, data[key])
    if all(getattr(entry, key) is None for key in SCORES):
        raise AccountError(
            422, "Give at least one score: low_back, neck or headache.", "scores"
        )
    entry.corrected_at = now()
    for alert in _alerts_of(entry):
        alert.detail = {**alert.detail, "entry_corrected_at": now().isoformat()}
    db.session.flush()
    return entry


def delete_pain(entry: PainEntry) -> None:
    """Deletes within 24 hours, never an entry with a red flag; the alerts it
    raised stay, marked as from a deleted entry."""
    if entry.red_flags:
        raise AccountError(
            409,
            "An entry with a warning sign cannot be deleted: the alert to your "
            "therapist stands. If it was a mistake, please tell your therapist.",
        )
    _editable(entry)
    for alert in _alerts_of(entry):
        alert.detail = {**alert.detail, "entry_deleted": True}
        alert.pain_entry_id = None
    db.session.flush()
    db.session.delete(entry)
    db.session.flush()


def _alerts_of(entry: PainEntry) -> list[Alert]:
    query = select(Alert).where(Alert.pain_entry_id == entry.id)
    return list(db.session.scalars(query))


def own_entry(patient: User, entry_id: int) -> PainEntry | None:
    entry = db.session.get(PainEntry, entry_id)
    return entry if entry and entry.patient_id == patient.id else None


def entries_between(patient: User, start: date, end: date) -> list[PainEntry]:
    return list(
        db.session.scalars(
            select(PainEntry)
            .where(
                PainEntry.patient_id == patient.id,
                PainEntry.local_date.between(start, end),
                PainEntry.is_diary,
            )
            .order_by(PainEntry.recorded_at, PainEntry.id)
        )
    )
