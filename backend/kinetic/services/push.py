"""Web Push: the server's VAPID key pair, the browsers' subscriptions, and sending
pending deliveries with retries. pywebpush encrypts (RFC 8291, aes128gcm) and
py_vapid signs (RFC 8292); what is ours is who gets what, once, and what an answer
from a push service means."""

import json
import logging
import multiprocessing
import os
import re
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import urllib3
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from py_vapid.utils import b64urlencode
from pywebpush import WebPusher
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import (
    Notification,
    PushAttempt,
    PushDelivery,
    PushSubscription,
    User,
)
from kinetic.services.clock import now

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 10  # per user; the oldest goes when an eleventh device subscribes


# -- the VAPID key pair ----------------------------------------------------------------


def _read_key(text: str) -> Vapid:
    text = text.strip()
    if "-----BEGIN" in text:
        key = serialization.load_pem_private_key(text.encode(), password=None)
        return Vapid(key)
    return Vapid.from_string(text)  # base64url: a raw 32-byte scalar or DER


def _key_file_once(path: Path) -> None:
    """Writes a new key to `path` unless one is there. The file appears complete
    or not at all (link(2) fails if it exists), so a web worker and the scheduler
    starting together end up with the same key."""
    vapid = Vapid()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as tmp:
        tmp.write(vapid.private_pem())
    os.chmod(tmp.name, 0o600)
    try:
        os.link(tmp.name, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp.name)


def vapid_key() -> Vapid:
    """The configured key (VAPID_PRIVATE_KEY), else the one kept in instance/,
    made on first use. Cached on the app."""
    cache = current_app.extensions.setdefault("kinetic.vapid", {})
    if "key" not in cache:
        configured = current_app.config.get("VAPID_PRIVATE_KEY")
        if configured:
            cache["key"] = _read_key(configured)
        else:
            path = Path(current_app.instance_path) / "vapid_private.pem"
            if not path.exists():
                _key_file_once(path)
            cache["key"] = _read_key(path.read_text())
    return cache["key"]


def _public_of(vapid: Vapid) -> str:
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(point)


def public_key() -> str:
    """The application server key a browser subscribes with: the uncompressed P-256
    point, base64url without padding."""
    return _public_of(vapid_key())


def new_key_pair() -> tuple[str, str]:
    """A new private key as base64url of its 32-byte scalar (one line, for an
    environment variable) and its public key."""
    vapid = Vapid()
    vapid.generate_keys()
    scalar = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(scalar), _public_of(vapid)


# -- subscriptions ---------------------------------------------------------------------


def subscribe(user: User, data: dict) -> tuple[PushSubscription, bool]:
    """Stores the browser's subscription for `user`; the same endpoint again
    updates its keys (and moves it to `user` if someone else had it)."""
    keys = data["keys"]
    subscription = _by_endpoint(data["endpoint"])
    created = subscription is None or subscription.user_id != user.id
    if subscription is None:
        subscription, created = _insert_once(user, data)
    subscription.user_id = user.id
    subscription.p256dh = keys["p256dh"]
    subscription.auth = keys["auth"]
    subscription.created_at = now()
    db.session.flush()
    _keep_newest(user)
    return subscription, created


def _by_endpoint(endpoint: str) -> PushSubscription | None:
    return db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )


def _insert_once(user: User, data: dict) -> tuple[PushSubscription, bool]:
    """Inserts the subscription in a savepoint. When the same browser's request
    won the race (the endpoint is unique), answers with its row, which the
    caller then updates: 200, not a 500."""
    endpoint = data["endpoint"]
    row = PushSubscription(
        endpoint=endpoint,
        user_id=user.id,
        p256dh=data["keys"]["p256dh"],
        auth=data["keys"]["auth"],
        created_at=now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
        return row, True
    except IntegrityError:
        first = _by_endpoint(endpoint)
        if first is None:
            raise
        return first, first.user_id != user.id


def _keep_newest(user: User) -> None:
    stale = select(PushSubscription.id).where(PushSubscription.user_id == user.id)
    stale = stale.order_by(PushSubscription.created_at.desc(), PushSubscription.id)
    ids = list(db.session.scalars(stale.offset(MAX_SUBSCRIPTIONS)))
    if ids:
        _forget(ids)


def unsubscribe(user: User, endpoint: str) -> bool:
    found = db.session.scalar(
        select(PushSubscription.id).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    if found is None:
        return False
    _forget([found])
    return True


def _forget(subscription_ids: list[int]) -> None:
    """Deletes subscriptions; their unsent deliveries end as `gone`."""
    db.session.execute(
        update(PushDelivery)
        .where(
            PushDelivery.subscription_id.in_(subscription_ids),
            PushDelivery.status == "pending",
        )
        .values(status="gone", lease_token=None, lease_until=None)
    )
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.subscription_id.in_(subscription_ids))
        .values(subscription_id=None)
    )
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.id.in_(subscription_ids))
    )


def endpoint_pattern(config) -> str:
    """The push endpoints this server accepts, as one regular expression (the
    OpenAPI document states it too): HTTPS to a known push service
    (PUSH_SERVICE_HOSTS) or a subdomain of one, since the server posts to these
    URLs and a user must not point it anywhere else; and plain HTTP to loopback
    where PUSH_ALLOW_HTTP_LOOPBACK allows it (tests)."""
    hosts = "|".join(re.escape(host.lower()) for host in config["PUSH_SERVICE_HOSTS"])
    allowed = rf"https://([a-z0-9-]+\.)*({hosts})"
    if config["PUSH_ALLOW_HTTP_LOOPBACK"]:
        loopback = r"http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?"
        allowed = f"({allowed}|{loopback})"
    return rf"^{allowed}(/[^\x00]*)?$"


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def endpoint_matches(endpoint: str) -> bool:
    return bool(_compiled(endpoint_pattern(current_app.config)).fullmatch(endpoint))


# -- one send --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a push service's answer means: `sent`, `gone` (delete the
    subscription), `retry` (later, with backoff) or `failed` (do not retry)."""

    result: str
    status_code: int | None = None
    detail: str | None = None
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def classify(status: int, headers, text: str = "") -> Outcome:
    """What a push service's HTTP answer means (RFC 8030 and the services' docs)."""
    if 200 <= status < 300:
        return Outcome("sent", status)
    detail = text[:300] or None
    if status in (404, 410):
        return Outcome("gone", status, detail)
    if status == 429 or status >= 500:
        return Outcome(
            "retry", status, detail, _retry_after(headers.get("Retry-After"))
        )
    return Outcome("failed", status, detail)


class PushSender:
    """Sends encrypted messages with a VAPID header. pywebpush encrypts each
    message; a shared urllib3 pool posts it (thread-safe, keep-alive). The signed
    VAPID header for a push service is reused until an hour before it expires:
    signing once per message would be wasted work."""

    def __init__(
        self,
        vapid: Vapid,
        subject: str,
        ttl: int = 4 * 3600,
        timeout: float = 10.0,
        connections: int = 8,
    ):
        self.vapid = vapid
        self.subject = subject
        self.ttl = ttl
        self.timeout = timeout
        self._signed: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()
        self._http = urllib3.PoolManager(
            num_pools=50, maxsize=connections, block=False, retries=False
        )

    @classmethod
    def from_app(cls) -> "PushSender":
        config = current_app.config
        return cls(
            vapid_key(),
            config["VAPID_SUBJECT"],
            ttl=config["PUSH_TTL_SECONDS"],
            timeout=config["PUSH_TIMEOUT_SECONDS"],
            connections=config["PUSH_CONCURRENCY"],
        )

    def _vapid_headers(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            expires, headers = self._signed.get(audience, (0.0, {}))
            if expires - time.time() < 3600:
                expires = int(time.time()) + 12 * 3600
                claims = {"aud": audience, "exp": expires, "sub": self.subject}
                headers = self.vapid.sign(claims)
                self._signed[audience] = (expires, headers)
            return dict(headers)

    def send(self, subscription: dict, payload: bytes) -> Outcome:
        try:
            body = WebPusher(subscription).encode(payload, "aes128gcm")["body"]
        except Exception as error:  # a malformed key must not stop the batch
            return Outcome("failed", None, f"{type(error).__name__}: {error}"[:300])
        headers = self._vapid_headers(subscription["endpoint"])
        headers |= {
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(self.ttl),
            "Urgency": "normal",
        }
        try:
            response = self._http.request(
                "POST",
                subscription["endpoint"],
                body=body,
                headers=headers,
                timeout=self.timeout,
            )
        except urllib3.exceptions.HTTPError as error:
            return Outcome("retry", None, f"{type(error).__name__}: {error}"[:300])
        text = response.data.decode("utf-8", "replace") if response.data else ""
        return classify(response.status, response.headers, text)


# -- queueing and sending --------------------------------------------------------------


def queue_deliveries(notifications) -> None:
    """One pending delivery, due at once, to every subscription of the user of each
    notification that `notifications` (a WHERE clause on Notification) selects.
    Reminders and messages both go out this way; the scheduler's dispatch sends
    them, with leases and retries."""
    db.session.execute(
        insert(PushDelivery).from_select(
            ["notification_id", "subscription_id", "next_attempt_at"],
            select(Notification.id, PushSubscription.id, Notification.created_at)
            .join(PushSubscription, PushSubscription.user_id == Notification.user_id)
            .where(notifications),
        )
    )


def payload_of(row) -> bytes:
    return json.dumps(
        {
            "title": row.title,
            "body": row.body,
            "url": row.url,
            "tag": f"kinetic-{row.kind}",
            "notification_id": row.notification_id,
        },
        separators=(",", ":"),
    ).encode()


def backoff(attempts: int, outcome: Outcome) -> timedelta:
    """1, 2, 4, 8 minutes; a push service's Retry-After wins up to an hour."""
    if outcome.retry_after is not None:
        return timedelta(seconds=min(max(outcome.retry_after, 30), 3600))
    return timedelta(minutes=2 ** (attempts - 1))


@dataclass
class DeliveryReport:
    sent: int = 0
    gone: int = 0
    retry: int = 0
    failed: int = 0

    def add(self, counts: Counter) -> None:
        for name in ("sent", "gone", "retry", "failed"):
            setattr(self, name, getattr(self, name) + counts.get(name, 0))


def _lease(at: datetime, batch: int) -> tuple[str, list]:
    """Takes up to `batch` due deliveries for this process; a lease that ran out
    (its process died mid-send) is taken over."""
    config = current_app.config
    token = uuid.uuid4().hex
    due = and_(
        PushDelivery.status == "pending",
        PushDelivery.next_attempt_at <= at,
        or_(PushDelivery.lease_until.is_(None), PushDelivery.lease_until <= at),
    )
    pick = (
        select(PushDelivery.id)
        .where(due)
        .order_by(PushDelivery.next_attempt_at, PushDelivery.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    lease = timedelta(seconds=config["PUSH_LEASE_SECONDS"])
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.id.in_(pick.scalar_subquery()), due)
        .values(lease_token=token, lease_until=at + lease)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        select(
            PushDelivery.id,
            PushDelivery.attempts,
            PushDelivery.subscription_id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
            Notification.id.label("notification_id"),
            Notification.kind,
            Notification.title,
            Notification.body,
            Notification.url,
        )
        .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
        .join(Notification, Notification.id == PushDelivery.notification_id)
        .where(PushDelivery.lease_token == token)
        .order_by(PushDelivery.id)
    ).all()
    return token, rows


def _send_one(sender: PushSender, row) -> Outcome:
    subscription = {
        "endpoint": row.endpoint,
        "keys": {"p256dh": row.p256dh, "auth": row.auth},
    }
    try:
        return sender.send(subscription, payload_of(row))
    except Exception as error:  # never let one delivery end the batch
        log.exception("push to delivery %s failed", row.id)
        return Outcome("failed", None, f"{type(error).__name__}: {error}"[:300])


def _record(at: datetime, token: str, rows: list, outcomes: list[Outcome]) -> Counter:
    """Writes each attempt and moves each delivery on; returns the counts."""
    max_attempts = current_app.config["PUSH_MAX_ATTEMPTS"]
    counts: Counter = Counter()
    db.session.execute(
        insert(PushAttempt),
        [
            {
                "delivery_id": row.id,
                "at": at,
                "status_code": outcome.status_code,
                "outcome": outcome.result,
                "detail": outcome.detail,
            }
            for row, outcome in zip(rows, outcomes, strict=True)
        ],
    )
    by_status: dict[tuple, list[int]] = {}
    gone_subscriptions = []
    for row, outcome in zip(rows, outcomes, strict=True):
        attempts = row.attempts + 1
        result = outcome.result
        if result == "retry" and attempts >= max_attempts:
            result = "failed"
        counts[result] += 1
        if result == "retry":
            key = ("pending", at + backoff(attempts, outcome))
        else:
            key = (result, None)
        by_status.setdefault(key, []).append(row.id)
        if result == "gone":
            gone_subscriptions.append(row.subscription_id)
    for (status, next_at), ids in by_status.items():
        values = {
            "status": status,
            "attempts": PushDelivery.attempts + 1,
            "lease_token": None,
            "lease_until": None,
        }
        if status == "sent":
            values["sent_at"] = at
        if next_at is not None:
            values["next_attempt_at"] = next_at
        db.session.execute(
            update(PushDelivery)
            .where(PushDelivery.id.in_(ids), PushDelivery.lease_token == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if gone_subscriptions:
        _forget(sorted(set(gone_subscriptions)))
    db.session.commit()
    return counts


def deliver_due(at: datetime, sender: PushSender) -> DeliveryReport:
    """Sends every delivery due at `at`, in leased batches, several at a time."""
    config = current_app.config
    report = DeliveryReport()
    with ThreadPoolExecutor(config["PUSH_CONCURRENCY"]) as pool:
        while True:
            token, rows = _lease(at, config["PUSH_BATCH_SIZE"])
            if not rows:
                break
            outcomes = list(pool.map(lambda row: _send_one(sender, row), rows))
            report.add(_record(at, token, rows, outcomes))
    return report


def due_count(at: datetime) -> int:
    return db.session.scalar(
        select(func.count()).where(
            PushDelivery.status == "pending", PushDelivery.next_attempt_at <= at
        )
    )


def _deliver_in_child(config: dict, at: datetime) -> DeliveryReport:
    from kinetic import create_app

    app = create_app(type("Spawned", (), config))
    with app.app_context():
        try:
            return deliver_due(at, PushSender.from_app())
        finally:
            db.session.remove()
            db.engine.dispose()


def deliver(at: datetime, sender: PushSender | None = None) -> DeliveryReport:
    """Sends what is due at `at`. A large batch (a whole minute's reminders) is
    shared out to PUSH_PROCESSES processes, each leasing its own batches, so
    encryption uses every core; a small one is sent from this process."""
    processes = current_app.config["PUSH_PROCESSES"]
    if processes <= 1 or due_count(at) < current_app.config["PUSH_PARALLEL_FROM"]:
        return deliver_due(at, sender or PushSender.from_app())
    config = {k: v for k, v in current_app.config.items() if k.isupper()}
    config["INSTANCE_PATH"] = current_app.instance_path
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        reports = pool.starmap(_deliver_in_child, [(config, at)] * processes)
    total = DeliveryReport()
    for report in reports:
        total.add(Counter(vars(report)))
    return total
