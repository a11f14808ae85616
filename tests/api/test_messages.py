"""Messages: the thread, sending once, read receipts, unread counts, the push to
the patient's phones through the reminder dispatch, and red flags in words."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from kinetic.extensions import db
from kinetic.models import Alert, Assignment, Message, PushDelivery
from kinetic.services import messages, push, reminders
from kinetic.testing import PushService

API = "/api/v1"


@pytest.fixture
def pair(clock, make_therapist, make_patient):
    therapist = make_therapist("Dr Who")
    patient = make_patient(therapist)
    return therapist, patient


def write(client, account, body, path="/me/messages", client_id=None):
    return client.post(
        f"{API}{path}",
        json={"body": body, "client_id": client_id or str(uuid.uuid4())},
        headers=account.headers,
    )


def test_a_patient_and_their_therapist_share_one_thread(client, clock, pair):
    therapist, patient = pair
    sent = write(client, patient, "The bird dog is easier this week.")
    clock.advance(minutes=5)
    reply = write(
        client, therapist, "Great, keep going.", f"/patients/{patient.id}/messages"
    )

    assert sent.status_code == 201, sent.json
    assert sent.json["from_patient"] is True and sent.json["advice"] == []
    assert reply.status_code == 201 and reply.json["from_patient"] is False
    mine = client.get(f"{API}/me/messages", headers=patient.headers)
    theirs = client.get(
        f"{API}/patients/{patient.id}/messages", headers=therapist.headers
    )
    assert mine.status_code == theirs.status_code == 200
    assert [m["body"] for m in mine.json] == [
        "The bird dog is easier this week.",
        "Great, keep going.",
    ]
    assert mine.json == theirs.json
    assert all(m["read_at"] is None for m in mine.json)


def test_the_same_client_id_sends_once(client, pair, app):
    _, patient = pair
    client_id = str(uuid.uuid4())

    first = write(client, patient, "Hello", client_id=client_id)
    again = write(client, patient, "Hello", client_id=client_id)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n "}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"body": 5}, "body"),
        ({}, "body"),
        ({"body": "hi", "client_id": "not-a-uuid"}, "client_id"),
    ],
)
def test_bad_messages_are_refused_naming_the_field(client, pair, body, field):
    _, patient = pair

    answer = client.post(f"{API}/me/messages", json=body, headers=patient.headers)

    assert answer.status_code == 422
    assert field in answer.json["errors"]
    assert client.get(f"{API}/me/messages", headers=patient.headers).json == []


def test_a_message_of_2000_characters_is_kept_whole(client, pair):
    therapist, patient = pair
    body = "a" * 2000

    answer = write(client, therapist, body, f"/patients/{patient.id}/messages")

    assert answer.status_code == 201 and answer.json["body"] == body


def test_read_receipts_by_the_recipient_only(client, clock, pair):
    therapist, patient = pair
    message = write(client, patient, "Question about the stretch").json

    own = client.post(f"{API}/messages/{message['id']}/read", headers=patient.headers)
    clock.advance(minutes=3)
    read = client.post(
        f"{API}/messages/{message['id']}/read", headers=therapist.headers
    )
    clock.advance(minutes=3)
    again = client.post(
        f"{API}/messages/{message['id']}/read", headers=therapist.headers
    )

    assert own.status_code == 403 and "recipient" in own.json["message"]
    assert read.status_code == 200
    assert read.json["read_at"] == "2026-03-10T12:03:00+00:00"
    assert again.json["read_at"] == read.json["read_at"]  # the first time counts


def test_the_patient_list_counts_unread_messages(client, clock, pair, make_patient):
    therapist, patient = pair
    quiet = make_patient(therapist)
    first = write(client, patient, "One").json
    write(client, patient, "Two")
    write(client, therapist, "Reply", f"/patients/{patient.id}/messages")

    def listed():
        answer = client.get(f"{API}/patients", headers=therapist.headers)
        assert answer.status_code == 200
        return {p["id"]: p for p in answer.json}

    before = listed()
    client.post(f"{API}/messages/{first['id']}/read", headers=therapist.headers)
    after = listed()

    assert before[patient.id]["unread_messages"] == 2  # the reply is not counted
    assert before[patient.id]["last_message"]["body"] == "Reply"
    assert before[quiet.id]["unread_messages"] == 0
    assert before[quiet.id]["last_message"] is None
    assert after[patient.id]["unread_messages"] == 1
    detail = client.get(f"{API}/patients/{patient.id}", headers=therapist.headers)
    assert detail.json["unread_messages"] == 1


def test_a_therapists_message_reaches_the_patients_phone(app, client, clock, pair):
    therapist, patient = pair
    with app.app_context():
        key = push.public_key()
    with PushService(vapid_public_key=key, subject=app.config["VAPID_SUBJECT"]) as svc:
        phone = svc.device()
        subscribed = client.post(
            f"{API}/me/push-subscriptions",
            json=phone.subscription,
            headers=patient.headers,
        )
        assert subscribed.status_code == 201

        write(client, therapist, "Private advice", f"/patients/{patient.id}/messages")
        # The scheduler's minute tick sends it, as it sends reminders.
        with app.app_context():
            report = reminders.tick(datetime(2026, 3, 10, 12, 1, tzinfo=UTC))
            again = reminders.tick(datetime(2026, 3, 10, 12, 2, tzinfo=UTC))
            db.session.remove()

    assert svc.problems == []
    assert (report.delivery.sent, again.delivery.sent) == (1, 0)
    [pushed] = phone.messages
    assert pushed["title"] == "New message from Dr Who 1"
    assert pushed["url"] == "/#/messages" and pushed["tag"] == "kinetic-message"
    assert "Private advice" not in pushed["body"]  # the lock screen shows no text
    notes = client.get(f"{API}/me/notifications", headers=patient.headers).json
    assert [(n["kind"], n["title"]) for n in notes] == [
        ("message", "New message from Dr Who 1")
    ]


def test_a_patients_message_makes_no_push(app, client, pair):
    _, patient = pair

    write(client, patient, "Only for my therapist")

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushDelivery)) == 0


def test_red_flag_words_bring_urgent_advice_and_an_alert(
    app, client, pair, make_assignment
):
    therapist, patient = pair
    make_assignment(patient, therapist)

    answer = write(client, patient, "Since last night my saddle area feels numb.")

    assert answer.status_code == 201
    [advice] = answer.json["advice"]
    assert advice["level"] == "urgent" and advice["code"] == "red_flag"
    assert "seek urgent medical care now" in advice["text"]
    assert "numbness between the legs or around the buttocks" in advice["text"]
    alerts = client.get(f"{API}/alerts?status=open", headers=therapist.headers).json
    [alert] = [a for a in alerts if a["kind"] == "red_flag"]
    assert alert["detail"]["message_id"] == answer.json["id"]
    assert alert["detail"]["codes"] == ["saddle_numbness"]
    assert alert["summary"].startswith("Wrote in a message: “Since last night")
    assert "plans not paused" in alert["summary"]
    with app.app_context():  # plans stay as they were: the therapist decides
        statuses = db.session.scalars(select(Assignment.status)).all()
        assert statuses == ["active"]
    resent = write(
        client, patient, answer.json["body"], client_id=answer.json["client_id"]
    )
    assert resent.status_code == 200 and resent.json["advice"] == [advice]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("I can't control my bladder since yesterday", ["bladder_bowel_change"]),
        ("Numbness between my legs", ["saddle_numbness"]),
        (
            "My left leg is getting weaker. Also I have a fever",
            [
                "progressive_leg_weakness",
                "fever_or_weight_loss",
            ],
        ),
        ("Worst headache of my life, it came on suddenly", ["sudden_severe_headache"]),
        (
            "The headache is worse when I stand and better lying down",
            ["headache_worse_upright"],
        ),
        ("The exercises went well today", []),
        ("My leg felt fine. Weak coffee though", []),  # words in different sentences
        ("I feel numb about it", []),
    ],
)
def test_red_flag_phrases_match_whole_words_in_one_sentence(ctx, text, codes):
    assert messages.red_flags_in(text) == codes


def test_therapist_messages_are_never_checked_for_red_flags(app, client, pair):
    therapist, patient = pair

    answer = write(
        client, therapist, "Any bladder changes?", f"/patients/{patient.id}/messages"
    )

    assert answer.status_code == 201 and "advice" not in answer.json
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 0


def test_messages_are_exported_and_erased_with_the_account(app, client, pair):
    therapist, patient = pair
    write(client, patient, "Mine")
    write(client, therapist, "Theirs", f"/patients/{patient.id}/messages")

    exported = client.get(f"{API}/me/export", headers=patient.headers).json
    sent = client.get(f"{API}/me/export", headers=therapist.headers).json
    erased = client.delete(f"{API}/me", headers=patient.headers)

    assert [m["body"] for m in exported["messages"]] == ["Mine", "Theirs"]
    assert [m["body"] for m in sent["messages"]] == ["Theirs"]
    assert erased.status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0
