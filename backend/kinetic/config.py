"""Configuration read from the environment, with safe embedded defaults."""

import os
from pathlib import Path


def _database_url(url: str) -> str:
    # Plain postgres URLs (as docker and hosting services write them) mean psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    value = os.environ.get(name, default)
    return [item.strip().lower() for item in value.split(",") if item.strip()]


class Config:
    INSTANCE_PATH = os.environ.get("KINETIC_INSTANCE_PATH") or str(
        Path.cwd() / "instance"
    )
    SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-development-only")
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(INSTANCE_PATH) / 'kinetic.db'}"
        )
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    THERAPIST_SIGNUP = _flag("THERAPIST_SIGNUP", True)
    PASSWORD_HASH_METHOD = "scrypt"
    TOKEN_TTL_DAYS = int(os.environ.get("TOKEN_TTL_DAYS", "30"))
    INVITE_TTL_DAYS = int(os.environ.get("INVITE_TTL_DAYS", "14"))
    PROGRAMS_DIR = os.environ.get("PROGRAMS_DIR") or str(
        Path(__file__).resolve().parents[2] / "programs"
    )

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5/minute")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30/minute")

    # Reminders and Web Push. Without VAPID_PRIVATE_KEY (PEM, or base64url raw or
    # DER) a key pair is made once in the instance folder and kept.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost")
    REMINDER_GRACE_MINUTES = int(os.environ.get("REMINDER_GRACE_MINUTES", "60"))
    PUSH_SERVICE_HOSTS = _list(
        "PUSH_SERVICE_HOSTS",
        "fcm.googleapis.com,push.services.mozilla.com,push.apple.com,"
        "notify.windows.com",
    )
    PUSH_ALLOW_HTTP_LOOPBACK = _flag("PUSH_ALLOW_HTTP_LOOPBACK", False)
    PUSH_TTL_SECONDS = int(os.environ.get("PUSH_TTL_SECONDS", str(4 * 3600)))
    PUSH_TIMEOUT_SECONDS = float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10"))
    PUSH_MAX_ATTEMPTS = int(os.environ.get("PUSH_MAX_ATTEMPTS", "5"))
    PUSH_CONCURRENCY = int(os.environ.get("PUSH_CONCURRENCY", "8"))
    PUSH_BATCH_SIZE = int(os.environ.get("PUSH_BATCH_SIZE", "200"))
    # Longer than a batch can take (batch x timeout / concurrency), so a lease
    # only runs out when its process has died.
    PUSH_LEASE_SECONDS = int(os.environ.get("PUSH_LEASE_SECONDS", "600"))

    API_TITLE = "Kinetic Chain API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["gzip"]
    # Files are sent as streams; compress them too and keep their 304 answers.
    COMPRESS_ALGORITHM_STREAMING = ["gzip"]
    COMPRESS_STREAMING_ENDPOINT_CONDITIONAL = [
        "vendor",
        "index",
        "frontend_file",
        "docs_assets",
    ]


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    RATELIMIT_ENABLED = True
    # Fast hashing keeps the suite quick; production always uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # The fake push service of the tests listens on 127.0.0.1 over plain HTTP.
    PUSH_ALLOW_HTTP_LOOPBACK = True
    PUSH_TIMEOUT_SECONDS = 5.0
