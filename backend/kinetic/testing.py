"""Test and benchmark helpers that run real processes: gunicorn on a scratch
SQLite file, prepared exactly as `make run` prepares it (migrate, load, demo), and
a Web Push service on 127.0.0.1 that checks and decrypts what it receives."""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless Debian Chromium on a closed network: no sandbox as root, and no
# background connections, which the network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PG_ADMIN_URL = os.environ.get(
    "KINETIC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"
)


@contextmanager
def throwaway_postgres(prefix: str = "kinetic_tmp") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server at KINETIC_TEST_PG, dropped
    afterwards; yields its SQLAlchemy URL (psycopg 3)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def live_env(workdir: str | Path, database_url: str | None = None) -> dict:
    """The environment of the live server, for running `kinetic` commands on it."""
    return {
        **os.environ,
        "KINETIC_ENV": "development",
        "KINETIC_INSTANCE_PATH": str(workdir),
        "DATABASE_URL": database_url or f"sqlite:///{Path(workdir) / 'live.db'}",
    }


@contextmanager
def live_server(
    workdir: str | Path,
    workers: int = 2,
    database_url: str | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """Yields the base URL of a running server (on a scratch SQLite file unless
    `database_url` says otherwise, with any other `settings`) and stops it
    afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # Links the server hands out (a calendar feed's URL) point at itself.
    env = live_env(workdir, database_url) | {"PUBLIC_URL": url} | (settings or {})
    for args in (["db", "upgrade"], ["programs", "load"], ["demo"]):
        subprocess.run(
            [BIN / "kinetic", *args], env=env, check=True, capture_output=True
        )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            # As `make run`: a URL up to gunicorn's maximum reaches the app, which
            # answers one over MAX_URL_LENGTH in JSON; gunicorn cuts longer ones.
            "--limit-request-line",
            "8190",
            "kinetic:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)  # a real process starting up: nothing to fake here
        else:
            raise RuntimeError("gunicorn did not start within 10 seconds")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


# -- a Web Push service on 127.0.0.1 ---------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _device_keys() -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    private = ec.generate_private_key(ec.SECP256R1())
    return private, os.urandom(16)


def _public_point(private: ec.EllipticCurvePrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def browser_subscription(endpoint: str) -> dict:
    """A PushSubscription JSON as a browser makes it, with fresh keys."""
    private, auth = _device_keys()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": _b64url(_public_point(private)), "auth": _b64url(auth)},
    }


@dataclass
class Device:
    """A browser subscribed at the push service: it holds the private key."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    subscription: dict
    script: list[int] = field(default_factory=list)  # the next answers, e.g. [500]
    messages: list[dict] = field(default_factory=list)


@dataclass
class Attempt:
    token: str
    status: int
    problem: str | None = None


class PushService:
    """A Web Push service for tests and benchmarks, on 127.0.0.1 over HTTP.

    It checks each request as a real push service would: the VAPID header (an ES256
    JWT signed by the key in `k=`, for this origin, not expired, with the expected
    `sub`), then decrypts the aes128gcm body with the device's private key and auth
    secret. A device can be scripted to answer 410, 429 or 500 first. With
    `check=False` it only counts (for load); `latency` makes it answer slowly.
    """

    def __init__(
        self,
        vapid_public_key: str | None = None,
        subject: str | None = None,
        check: bool = True,
        latency: float = 0.0,
    ):
        self.vapid_public_key = vapid_public_key
        self.subject = subject
        self.check = check
        self.latency = latency  # seconds each answer takes, like a distant server
        self.devices: dict[str, Device] = {}
        self.attempts: list[Attempt] = []
        self.count = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "PushService":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def device(self, script: list[int] | None = None) -> Device:
        """Subscribes a new browser; its `subscription` goes to the app."""
        token = uuid.uuid4().hex
        private, auth = _device_keys()
        subscription = {
            "endpoint": f"{self.url}/push/{token}",
            "expirationTime": None,
            "keys": {"p256dh": _b64url(_public_point(private)), "auth": _b64url(auth)},
        }
        device = Device(token, private, auth, subscription, list(script or []))
        self.devices[token] = device
        return device

    @property
    def problems(self) -> list[str]:
        return [a.problem for a in self.attempts if a.problem]

    def _vapid_problem(self, headers) -> str | None:
        scheme, _, params = headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "vapid":
            return "no VAPID Authorization header"
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        if "t" not in parts or "k" not in parts:
            return "the VAPID header lacks t= or k="
        if self.vapid_public_key and parts["k"] != self.vapid_public_key:
            return "signed with another key"
        signing_input, _, signature = parts["t"].rpartition(".")
        raw = _unb64url(signature)
        der = encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), _unb64url(parts["k"])
        )
        try:
            key.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "bad VAPID signature"
        claims = json.loads(_unb64url(signing_input.split(".")[1]))
        if claims.get("aud") != self.url:
            return f"aud is {claims.get('aud')!r}, not {self.url!r}"
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            return "exp is not within the next 24 hours"
        if self.subject and claims.get("sub") != self.subject:
            return f"sub is {claims.get('sub')!r}"
        return None

    def _receive(self, token: str, headers, body: bytes) -> tuple[int, str | None]:
        with self._lock:
            self.count += 1
            device = self.devices.get(token)
            scripted = device.script.pop(0) if device and device.script else None
        if not self.check:
            return 201, None
        if device is None:
            return 404, None
        if scripted is not None:
            return scripted, None
        problem = self._vapid_problem(headers)
        if problem is None and headers.get("Content-Encoding") != "aes128gcm":
            problem = "Content-Encoding is not aes128gcm"
        if problem is None and not headers.get("TTL", "").isdigit():
            problem = "no TTL header"
        if problem:
            return 401, problem
        try:
            plain = http_ece.decrypt(
                body,
                private_key=device.private_key,
                auth_secret=device.auth,
                version="aes128gcm",
            )
        except Exception as error:
            return 400, f"cannot decrypt: {error}"
        with self._lock:
            device.messages.append(json.loads(plain))
        return 201, None

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as push services do

            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if service.latency:
                    time.sleep(service.latency)
                token = self.path.rsplit("/", 1)[-1]
                status, problem = service._receive(token, self.headers, body)
                with service._lock:
                    service.attempts.append(Attempt(token, status, problem))
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "60")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
