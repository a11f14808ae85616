"""Messages: one thread per patient with their therapist, sent once whatever the
network does, read receipts, a notification and Web Push to the patient's phones
for a therapist's message, and urgent advice when a patient writes about a red
flag."""

import re

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import Message, Notification, User
from kinetic.services import client_ids, push, safety
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now
from kinetic.services.patients import on_care_team

SENTENCE_END = re.compile(r"[.!?;\n]+")
WORD = re.compile(r"[a-z0-9']+")
THREAD_LIMIT = 500


def thread(patient: User, limit: int = THREAD_LIMIT) -> list[Message]:
    """The patient's thread, oldest first (the newest `limit` messages)."""
    newest = list(
        db.session.scalars(
            select(Message)
            .where(Message.patient_id == patient.id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(limit)
        )
    )
    return newest[::-1]


_FIRST_ROW = client_ids.first_row(Message, Message.sender_id)


def _by_client_id(sender: User, client_id: str) -> Message | None:
    return _FIRST_ROW(sender.id, client_id)


def send(patient: User, sender: User, data: dict) -> tuple[Message, bool]:
    """Adds a message to the patient's thread; the same client_id again returns
    the first message (a phone resending after a lost answer)."""
    client_id = str(data["client_id"]) if data.get("client_id") else None
    if client_id and (first := _by_client_id(sender, client_id)):
        return first, False
    message = Message(
        patient_id=patient.id,
        sender_id=sender.id,
        body=data["body"].strip(),
        client_id=client_id,
        created_at=now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        first = _by_client_id(sender, client_id) if client_id else None
        if first is None:
            raise
        return first, False
    if sender.id != patient.id:
        _notify_patient(patient, sender, message)
    return message, True


def _notify_patient(patient: User, therapist: User, message: Message) -> None:
    """The in-app copy and one push delivery per phone, sent by the scheduler's
    dispatch like a reminder. The text stays in the app: a lock screen shows
    only who wrote."""
    notification = Notification(
        user_id=patient.id,
        kind="message",
        title=f"New message from {therapist.name}"[:120],
        body="Open Kinetic Chain to read it.",
        url="/#/messages",
        created_at=message.created_at,
    )
    db.session.add(notification)
    db.session.flush()
    push.queue_deliveries(Notification.id == notification.id)


def mark_read(message: Message, reader: User) -> Message:
    """Only the recipient marks a message read; the first time counts. A
    therapist's message is to the patient, whoever on the care team wrote it."""
    to_patient = not message.from_patient
    if message.sender_id == reader.id or (reader.role == "therapist" and to_patient):
        raise AccountError(403, "Only the recipient can mark a message read.")
    if message.read_at is None:
        message.read_at = now()
        db.session.flush()
    return message


def message_for(user: User, message_id: int) -> Message | None:
    """The message if it is in a thread the user may see, else None (404)."""
    query = select(Message).join(User, User.id == Message.patient_id)
    query = query.where(Message.id == message_id)
    if user.role == "patient":
        query = query.where(Message.patient_id == user.id)
    else:
        query = query.where(on_care_team(user.id))
    return db.session.scalar(query)


def _thread_summaries_statement():
    unread = func.sum(
        case(
            ((Message.sender_id == Message.patient_id) & Message.read_at.is_(None), 1),
            else_=0,
        )
    )
    threads = (
        select(
            Message.patient_id,
            unread.label("unread"),
            func.max(Message.id).label("last_id"),
        )
        .where(Message.patient_id.in_(bindparam("patients", expanding=True)))
        .group_by(Message.patient_id)
        .subquery()
    )
    # One statement: each thread's counts with its last message.
    return select(threads.c.patient_id, threads.c.unread, Message).join(
        Message, Message.id == threads.c.last_id
    )


# Built once: the therapist's patient list runs it on every load.
_THREAD_SUMMARIES = _thread_summaries_statement()


def thread_summaries(patient_ids: list[int]) -> dict[int, dict]:
    """Per patient: messages from the patient not yet read, and the last message."""
    rows = db.session.execute(_THREAD_SUMMARIES, {"patients": list(patient_ids)})
    return {
        patient_id: {"unread": int(count or 0), "last": last}
        for patient_id, count, last in rows.all()
    }


# -- red flags in a patient's words ----------------------------------------------------


def _matches(phrase: str, words: list[str]) -> bool:
    def found(stem: str) -> bool:
        if stem.endswith("*"):
            return any(word.startswith(stem[:-1]) for word in words)
        return stem in words

    return all(found(stem) for stem in phrase.split())


def red_flags_in(text: str) -> list[str]:
    """The red-flag codes whose phrases (programs/safety.yaml) a text contains:
    every word of a phrase in one sentence, in any order. Negations are not
    understood: "no bladder trouble" matches too, erring towards advice."""
    text = text.lower().replace("\u2019", "'")
    sentences = [WORD.findall(part) for part in SENTENCE_END.split(text)]
    found = []
    for flag in safety.rules()["red_flags"]:
        phrases = flag.get("phrases") or []
        if any(_matches(p, words) for p in phrases for words in sentences):
            found.append(flag["code"])
    return found


def urgent_advice(codes: list[str]) -> list[dict]:
    """The urgent advice for red flags found in a message (empty without any)."""
    if not codes:
        return []
    data = safety.rules()
    labels = {f["code"]: f["label"] for f in data["red_flags"]}
    signs = ", ".join(labels.get(code, code) for code in codes)
    template = data.get("urgent_message_advice") or data["urgent_advice"]
    text = " ".join(template.replace("{signs}", signs).split())
    return [{"level": "urgent", "code": "red_flag", "text": text}]


def after_patient_message(message: Message, patient: User) -> list[dict]:
    """Urgent advice for a red flag in the patient's words, and a red_flag alert
    for the therapist. Plans are not paused: free text may be negated or about
    the past, so pausing stays the therapist's decision."""
    codes = red_flags_in(message.body)
    if codes:
        labels = {f["code"]: f["label"] for f in safety.rules()["red_flags"]}
        detail = {
            "message_id": message.id,
            "codes": codes,
            "signs": [labels.get(c, c) for c in codes],
            "excerpt": message.body[:200],
            "paused_assignments": [],
        }
        safety.raise_alert(patient.id, "red_flag", detail)
    return urgent_advice(codes)
