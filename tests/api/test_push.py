"""Web Push subscriptions, the public key, in-app notifications, and the VAPID key
kept in the instance folder."""

import base64
import threading
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from kinetic import create_app
from kinetic.config import Config
from kinetic.extensions import db
from kinetic.models import Notification, PushSubscription, User
from kinetic.services import push
from kinetic.testing import browser_subscription

API = "/api/v1"
SUBS = f"{API}/me/push-subscriptions"
FCM = "https://fcm.googleapis.com/fcm/send/"


def subscriptions(app, patient=None) -> list[str]:
    with app.app_context():
        query = select(PushSubscription.endpoint).order_by(PushSubscription.id)
        if patient:
            query = query.where(PushSubscription.user_id == patient.id)
        found = list(db.session.scalars(query))
        db.session.remove()
    return found


def test_the_public_key_is_a_p256_point_that_stays_the_same(client, make_patient):
    patient = make_patient()
    first = client.get(f"{API}/push/public-key", headers=patient.headers)
    assert first.status_code == 200
    key = first.json["public_key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    again = client.get(f"{API}/push/public-key", headers=patient.headers)
    assert again.json == {"public_key": key}


def test_a_generated_key_is_kept_in_the_instance_folder_and_reused(tmp_path):
    config = type(
        "Fresh",
        (Config,),
        {"INSTANCE_PATH": str(tmp_path), "VAPID_PRIVATE_KEY": None},
    )
    first, second = create_app(config), create_app(config)
    with first.app_context():
        key = push.public_key()
    assert (tmp_path / "vapid_private.pem").stat().st_mode & 0o777 == 0o600
    with second.app_context():  # a new process: same file, same key
        assert push.public_key() == key


def test_a_configured_key_wins(tmp_path):
    vapid = push.Vapid()
    vapid.generate_keys()
    config = type(
        "Configured",
        (Config,),
        {
            "INSTANCE_PATH": str(tmp_path),
            "VAPID_PRIVATE_KEY": vapid.private_pem().decode(),
        },
    )
    with create_app(config).app_context():
        expected = push.b64urlencode(
            vapid.public_key.public_bytes(
                push.serialization.Encoding.X962,
                push.serialization.PublicFormat.UncompressedPoint,
            )
        )
        assert push.public_key() == expected
    assert not (tmp_path / "vapid_private.pem").exists()


def test_subscribing_stores_the_browser_and_repeating_updates_it(
    app, client, make_patient
):
    patient = make_patient()
    phone = browser_subscription(FCM + "phone-1")

    created = client.post(SUBS, json=phone, headers=patient.headers)
    assert created.status_code == 201, created.json
    assert created.json["endpoint"] == phone["endpoint"]
    assert "keys" not in created.json  # the secrets are not echoed back

    renewed = browser_subscription(FCM + "phone-1")
    again = client.post(SUBS, json=renewed, headers=patient.headers)
    assert again.status_code == 200
    assert subscriptions(app) == [phone["endpoint"]]
    with app.app_context():
        stored = db.session.scalar(select(PushSubscription))
        assert stored.p256dh == renewed["keys"]["p256dh"]


def test_a_subscription_that_loses_the_race_updates_the_winners_row(
    app, client, make_patient, monkeypatch
):
    """Two copies of one subscription at once: both find no row, and the
    second's insert meets the unique endpoint. It updates that row (200); it was
    a 500."""
    patient = make_patient()
    phone = browser_subscription(FCM + "phone-1")
    assert client.post(SUBS, json=phone, headers=patient.headers).status_code == 201
    real_lookup = push._by_endpoint
    calls = []

    def lookup_that_misses_once(endpoint):
        calls.append(endpoint)
        return None if len(calls) == 1 else real_lookup(endpoint)

    monkeypatch.setattr(push, "_by_endpoint", lookup_that_misses_once)
    renewed = browser_subscription(FCM + "phone-1")
    again = client.post(SUBS, json=renewed, headers=patient.headers)
    monkeypatch.undo()

    assert len(calls) == 2  # the insert failed and the row was looked up again
    assert again.status_code == 200, again.json
    assert again.json["endpoint"] == phone["endpoint"]
    assert subscriptions(app) == [phone["endpoint"]]
    with app.app_context():
        stored = db.session.scalar(select(PushSubscription))
        assert stored.p256dh == renewed["keys"]["p256dh"]


def test_ten_copies_of_a_subscription_at_once_keep_one_row(app, make_patient):
    patient = make_patient()
    phone = browser_subscription(FCM + "phone-1")
    start = threading.Barrier(10)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(client.post(SUBS, json=phone, headers=patient.headers))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 9 + [201], [a.get_data(as_text=True) for a in answers]
    assert subscriptions(app) == [phone["endpoint"]]


def test_a_phone_that_changes_hands_moves_to_the_new_patient(app, client, make_patient):
    first, second = make_patient(), make_patient()
    phone = browser_subscription(FCM + "shared-tablet")
    assert client.post(SUBS, json=phone, headers=first.headers).status_code == 201
    assert client.post(SUBS, json=phone, headers=second.headers).status_code == 201
    assert subscriptions(app, first) == []
    assert subscriptions(app, second) == [phone["endpoint"]]


def test_only_the_newest_ten_phones_are_kept(app, client, clock, make_patient):
    patient = make_patient()
    for n in range(12):
        clock.advance(minutes=1)
        phone = browser_subscription(f"{FCM}device-{n}")
        assert client.post(SUBS, json=phone, headers=patient.headers).status_code == 201
    kept = subscriptions(app, patient)
    assert len(kept) == push.MAX_SUBSCRIPTIONS
    assert f"{FCM}device-0" not in kept and f"{FCM}device-11" in kept


GOOD = browser_subscription(FCM + "x")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "endpoint": "https://evil.example.org/push/1"}, "endpoint"),
        ({**GOOD, "endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({**GOOD, "endpoint": "http://10.0.0.5/push/1"}, "endpoint"),
        ({**GOOD, "endpoint": "https://fcm.googleapis.com.evil.org/x"}, "endpoint"),
        ({**GOOD, "endpoint": "not a url"}, "endpoint"),
        ({**GOOD, "endpoint": FCM + "x" * 2100}, "endpoint"),
        ({"keys": GOOD["keys"]}, "endpoint"),
        ({"endpoint": GOOD["endpoint"]}, "keys"),
        ({**GOOD, "keys": {"auth": GOOD["keys"]["auth"]}}, "keys"),
        ({**GOOD, "keys": {**GOOD["keys"], "p256dh": "AAAA"}}, "keys"),
        ({**GOOD, "keys": {**GOOD["keys"], "p256dh": "B" * 87}}, "keys"),
        ({**GOOD, "keys": {**GOOD["keys"], "auth": "c2hvcnQ"}}, "keys"),
        ({**GOOD, "keys": {**GOOD["keys"], "auth": "***"}}, "keys"),
        ({**GOOD, "keys": "secret"}, "keys"),
        ({**GOOD, "expirationTime": "tomorrow"}, "expirationTime"),
        ({**GOOD, "extra": 1}, "extra"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_bad_subscription_is_422_naming_the_field(
    app, client, make_patient, body, field
):
    patient = make_patient()
    response = client.post(SUBS, json=body, headers=patient.headers)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert subscriptions(app) == []


def test_a_subscription_of_a_known_service_on_a_subdomain_is_fine(client, make_patient):
    patient = make_patient()
    for endpoint in (
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QO0ab",
        "https://wns2-by3p.notify.windows.com/w/?token=x",
    ):
        phone = browser_subscription(endpoint)
        assert client.post(SUBS, json=phone, headers=patient.headers).status_code == 201


def test_unsubscribing_forgets_only_the_callers_own_phone(app, client, make_patient):
    mine, theirs = make_patient(), make_patient()
    my_phone = browser_subscription(FCM + "mine")
    their_phone = browser_subscription(FCM + "theirs")
    client.post(SUBS, json=my_phone, headers=mine.headers)
    client.post(SUBS, json=their_phone, headers=theirs.headers)

    # Someone else's endpoint reads exactly like one that does not exist.
    foreign = client.delete(
        SUBS, json={"endpoint": their_phone["endpoint"]}, headers=mine.headers
    )
    missing = client.delete(SUBS, json={"endpoint": FCM + "nope"}, headers=mine.headers)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json == missing.json
    assert subscriptions(app, theirs) == [their_phone["endpoint"]]

    # A browser sends its whole PushSubscription back; that is fine too.
    gone = client.delete(SUBS, json=my_phone, headers=mine.headers)
    assert gone.status_code == 204
    assert subscriptions(app, mine) == []
    again = client.delete(SUBS, json=my_phone, headers=mine.headers)
    assert again.status_code == 404


def test_unsubscribing_needs_an_endpoint(client, make_patient):
    patient = make_patient()
    response = client.delete(SUBS, json={}, headers=patient.headers)
    assert response.status_code == 422
    assert "endpoint" in response.json["errors"]


def _notify(app, patient, title, at):
    with app.app_context():
        db.session.add(
            Notification(
                user_id=patient.id, kind="message", title=title, body="b", created_at=at
            )
        )
        db.session.commit()


def test_notifications_are_the_callers_own_newest_first(app, client, make_patient):
    patient, other = make_patient(), make_patient()
    _notify(app, patient, "older", datetime(2026, 3, 1, 9, tzinfo=UTC))
    _notify(app, patient, "newer", datetime(2026, 3, 2, 9, tzinfo=UTC))
    _notify(app, other, "not yours", datetime(2026, 3, 3, 9, tzinfo=UTC))

    response = client.get(f"{API}/me/notifications", headers=patient.headers)
    assert response.status_code == 200
    assert [n["title"] for n in response.json] == ["newer", "older"]
    assert set(response.json[0]) == {"id", "kind", "title", "body", "url", "created_at"}
    limited = client.get(f"{API}/me/notifications?limit=1", headers=patient.headers)
    assert [n["title"] for n in limited.json] == ["newer"]


@pytest.mark.parametrize("limit", ["0", "201", "x", "1.5"])
def test_a_bad_notification_limit_is_422(client, make_patient, limit):
    patient = make_patient()
    response = client.get(
        f"{API}/me/notifications?limit={limit}", headers=patient.headers
    )
    assert response.status_code == 422
    assert "limit" in response.json["errors"]


def test_export_holds_reminders_notifications_and_phones(app, client, make_patient):
    patient = make_patient()
    phone = browser_subscription(FCM + "exported")
    client.post(SUBS, json=phone, headers=patient.headers)
    client.put(
        f"{API}/me/reminders",
        json={"enabled": True, "time": "08:15"},
        headers=patient.headers,
    )
    _notify(app, patient, "hello", datetime(2026, 3, 1, 9, tzinfo=UTC))

    export = client.get(f"{API}/me/export", headers=patient.headers).json

    assert export["reminders"] == {"enabled": True, "time": "08:15", "timezone": "UTC"}
    assert [n["title"] for n in export["notifications"]] == ["hello"]
    assert [s["endpoint"] for s in export["push_subscriptions"]] == [phone["endpoint"]]
    assert "keys" not in export["push_subscriptions"][0]


def test_erasure_removes_phones_and_notifications(app, client, make_patient):
    patient, other = make_patient(), make_patient()
    for who, name in ((patient, "a"), (other, "b")):
        client.post(SUBS, json=browser_subscription(FCM + name), headers=who.headers)
        _notify(app, who, name, datetime(2026, 3, 1, 9, tzinfo=UTC))

    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204

    with app.app_context():
        assert db.session.get(User, patient.id) is None
        owners = db.session.scalars(select(PushSubscription.user_id)).all()
        assert owners == [other.id]
        left = db.session.execute(select(Notification.user_id, Notification.kind)).all()
        # The other patient's, and their therapist's notice of the deletion.
        assert sorted(kind for _, kind in left) == ["account_gone", "message"]
        assert [user for user, kind in left if kind == "message"] == [other.id]
