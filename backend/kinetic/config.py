"""Configuration read from the environment, with safe embedded defaults.

Every setting comes from an environment variable (.env.example lists them all).
Reading collects every bad value instead of stopping at the first; `create_app`
then refuses to start with one message naming each. With KINETIC_ENV=production,
secrets have no defaults and the embedded conveniences are refused."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET = "embedded-development-only"
# Where `make run` serves; the embedded default's public address.
DEV_PUBLIC_URL = "http://127.0.0.1:8000"
ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """The environment holds missing or bad settings; the message names each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "Kinetic Chain cannot start; fix these settings (see .env.example):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def _database_url(url: str) -> str:
    # Plain postgres URLs (as docker and hosting services write them) mean psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Env:
    """Typed reads of an environment mapping; bad values are noted, not raised."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.environ.get(name)
        return default if value is None or value.strip() == "" else value.strip()

    def int(self, name: str, default: int, low: int = 0, high: int = 10**9) -> int:
        raw = self.str(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name}: a whole number is needed, not {raw!r}")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}: must be between {low} and {high}")
        return value

    def float(self, name: str, default: float, low: float, high: float) -> float:
        raw = self.str(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            self.problems.append(f"{name}: a number is needed, not {raw!r}")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}: must be between {low} and {high}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.str(name)
        if raw is None:
            return default
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        self.problems.append(f"{name}: true or false, not {raw!r}")
        return default

    def list(self, name: str, default: str) -> list[str]:
        raw = self.str(name, default) or ""
        return [item.strip().lower() for item in raw.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value not in choices:
            self.problems.append(f"{name}: one of {', '.join(choices)}, not {value!r}")
            return default
        return value


def _public_url(env: Env, production: bool) -> str | None:
    """The address people open, without a trailing slash: an http(s) origin,
    perhaps with a path, and nothing after it; https and set by hand in
    production."""
    value = env.str("PUBLIC_URL", None if production else DEV_PUBLIC_URL)
    example = "such as https://kinetic.example.org"
    if value is None:
        env.problems.append(
            f"PUBLIC_URL: the address patients open, {example}; FHIR identifiers "
            "and calendar links are built from it"
        )
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        host = None
    if (
        not host
        or parts.scheme not in ("http", "https")
        or parts.username is not None
        or "?" in value
        or "#" in value
    ):
        env.problems.append(f"PUBLIC_URL: an http(s) address {example}, not {value!r}")
        return None
    if production and parts.scheme != "https":
        env.problems.append(f"PUBLIC_URL: production is served over https, {example}")
        return None
    return value.rstrip("/")


def settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """All settings from `environ`, with CONFIG_PROBLEMS listing what is wrong."""
    env = Env(environ)
    environment = env.choice("KINETIC_ENV", "development", ENVIRONMENTS)
    production = environment == "production"
    instance = env.str("KINETIC_INSTANCE_PATH") or str(Path.cwd() / "instance")
    database = env.str("DATABASE_URL", f"sqlite:///{Path(instance) / 'kinetic.db'}")
    s: dict[str, Any] = {
        "KINETIC_ENV": environment,
        "INSTANCE_PATH": instance,
        # The one source of this server's absolute URLs and identifiers (FHIR
        # identifier systems and questionnaire URLs, the calendar's links and
        # feed URL): never the request's Host header, which a client chooses.
        "PUBLIC_URL": _public_url(env, production),
        "SECRET_KEY": env.str("SECRET_KEY", None if production else DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": _database_url(database),
        # A server's connections can go stale (a restart, a proxy's idle timeout):
        # connections.py tests those idle for a while as they leave the pool. A
        # SQLite file's cannot.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "THERAPIST_SIGNUP": env.flag("THERAPIST_SIGNUP", not production),
        "PASSWORD_HASH_METHOD": "scrypt",
        "TOKEN_TTL_DAYS": env.int("TOKEN_TTL_DAYS", 30, 1, 365),
        "INVITE_TTL_DAYS": env.int("INVITE_TTL_DAYS", 14, 1, 90),
        "PROGRAMS_DIR": env.str("PROGRAMS_DIR")
        or str(Path(__file__).resolve().parents[2] / "programs"),
        # The PWA's files (frontend/ of the checkout unless an image puts them
        # elsewhere).
        "FRONTEND_DIR": env.str("KINETIC_FRONTEND_DIR"),
        "RATELIMIT_STORAGE_URI": env.str("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins (docs/security.md): per account and address pair (429 for
        # that pair only), per address over every account, and per account over
        # every address. Past the account-wide count no one is refused: each pair
        # is slowed to LOGIN_LIMIT_PER_PAIR_SLOWED, so the right password from a
        # client that has not failed still gets in.
        "LOGIN_LIMIT_PER_PAIR": env.str("LOGIN_LIMIT_PER_PAIR", "5/minute;20/hour"),
        "LOGIN_LIMIT_PER_ADDRESS": env.str("LOGIN_LIMIT_PER_ADDRESS", "30/minute"),
        "LOGIN_LIMIT_PER_ACCOUNT": env.str("LOGIN_LIMIT_PER_ACCOUNT", "100/hour"),
        "LOGIN_LIMIT_PER_PAIR_SLOWED": env.str(
            "LOGIN_LIMIT_PER_PAIR_SLOWED", "1/minute"
        ),
        # Sign-ups (every attempt) per address; invites per therapist; wrong
        # current passwords per account when changing it.
        "REGISTER_LIMIT_PER_ADDRESS": env.str(
            "REGISTER_LIMIT_PER_ADDRESS", "10/minute;60/hour"
        ),
        "INVITE_LIMIT_PER_ACCOUNT": env.str("INVITE_LIMIT_PER_ACCOUNT", "60/hour"),
        "PASSWORD_CHANGE_LIMIT": env.str("PASSWORD_CHANGE_LIMIT", "5/minute;20/hour"),
        # The shortest password accepted (it can be raised, never lowered).
        "PASSWORD_MIN_LENGTH": env.int("PASSWORD_MIN_LENGTH", 10, 10, 128),
        # How many proxies in front set X-Forwarded-For (Caddy in the compose file).
        "TRUSTED_PROXIES": env.int("TRUSTED_PROXIES", 0, 0, 5),
        "LOG_FORMAT": env.choice(
            "LOG_FORMAT", "json" if production else "text", ("json", "text")
        ),
        # Request limits (README, Security), answered before any other work: a
        # body above MAX_CONTENT_LENGTH bytes is a 413, a URL above MAX_URL_LENGTH
        # a 414; a JSON body nested deeper than JSON_MAX_DEPTH a 400, an integer
        # with more than JSON_MAX_DIGITS digits a 422. The largest body the API
        # takes, a library file (200 000 characters), fits in the default.
        "MAX_CONTENT_LENGTH": env.int(
            "MAX_CONTENT_LENGTH", 1024 * 1024, 64 * 1024, 64 * 1024 * 1024
        ),
        # gunicorn (make run, the image) cuts a request line at 8190 bytes itself:
        # its parser slows quadratically without a cut (15 s for 10 MB).
        "MAX_URL_LENGTH": env.int("MAX_URL_LENGTH", 8000, 1024, 8100),
        "JSON_MAX_DEPTH": env.int("JSON_MAX_DEPTH", 32, 8, 256),
        "JSON_MAX_DIGITS": env.int("JSON_MAX_DIGITS", 100, 20, 4000),
        # The longest path a log line holds; longer ones end in "…".
        "LOG_PATH_MAX": env.int("LOG_PATH_MAX", 512, 64, 65536),
        # Reminders and Web Push. Without VAPID_PRIVATE_KEY (PEM, or base64url raw
        # or DER) a key pair is made once in the instance folder and kept.
        "VAPID_PRIVATE_KEY": env.str("VAPID_PRIVATE_KEY"),
        "VAPID_SUBJECT": env.str(
            "VAPID_SUBJECT", None if production else "mailto:admin@localhost"
        ),
        "REMINDER_GRACE_MINUTES": env.int("REMINDER_GRACE_MINUTES", 60, 1, 720),
        # A new calendar link within this many seconds of the last is refused
        # (409): a double tap makes one link, not one that works and one that not.
        "CALENDAR_LINK_REPEAT_SECONDS": env.int(
            "CALENDAR_LINK_REPEAT_SECONDS", 30, 0, 3600
        ),
        # Record each therapist's access to a patient's record (the access log;
        # one row per therapist, patient, kind and ten minutes). Off only to
        # measure its cost (bench/access_log.py).
        "ACCESS_LOG_ENABLED": env.flag("ACCESS_LOG_ENABLED", True),
        "PUSH_SERVICE_HOSTS": env.list(
            "PUSH_SERVICE_HOSTS",
            "fcm.googleapis.com,push.services.mozilla.com,push.apple.com,"
            "notify.windows.com",
        ),
        "PUSH_ALLOW_HTTP_LOOPBACK": env.flag("PUSH_ALLOW_HTTP_LOOPBACK", False),
        "PUSH_TTL_SECONDS": env.int("PUSH_TTL_SECONDS", 4 * 3600, 0, 28 * 86400),
        "PUSH_TIMEOUT_SECONDS": env.float("PUSH_TIMEOUT_SECONDS", 10.0, 0.1, 120),
        "PUSH_MAX_ATTEMPTS": env.int("PUSH_MAX_ATTEMPTS", 5, 1, 20),
        "PUSH_CONCURRENCY": env.int("PUSH_CONCURRENCY", 8, 1, 256),
        "PUSH_BATCH_SIZE": env.int("PUSH_BATCH_SIZE", 200, 1, 10_000),
        # Sender processes for a large batch (encryption is CPU-bound), and the
        # number of due pushes from which they are used.
        "PUSH_PROCESSES": env.int("PUSH_PROCESSES", 2, 1, 64),
        "PUSH_PARALLEL_FROM": env.int("PUSH_PARALLEL_FROM", 2000, 1, 10**7),
        # Longer than a batch can take (batch x timeout / concurrency), so a lease
        # only runs out when its process has died.
        "PUSH_LEASE_SECONDS": env.int("PUSH_LEASE_SECONDS", 600, 30, 86400),
    }
    problems = env.problems
    if not s["SQLALCHEMY_DATABASE_URI"].startswith(("sqlite:", "postgresql+psycopg:")):
        problems.append("DATABASE_URL: a postgresql:// or sqlite:/// URL is needed")
    if s["VAPID_SUBJECT"] and not s["VAPID_SUBJECT"].startswith(
        ("mailto:", "https://")
    ):
        problems.append("VAPID_SUBJECT: a mailto: or https:// contact is needed")
    if production:
        problems += _production_problems(s)
    s["CONFIG_PROBLEMS"] = problems
    return s


def _production_problems(s: dict[str, Any]) -> list[str]:
    """What a server must set itself: no secret has a working default there."""
    problems = []
    secret = s["SECRET_KEY"] or ""
    if secret == DEV_SECRET or len(secret) < 32:
        problems.append("SECRET_KEY: set a random value of at least 32 characters")
    if not s["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        problems.append("DATABASE_URL: production runs on PostgreSQL")
    if not s["VAPID_PRIVATE_KEY"]:
        problems.append(
            "VAPID_PRIVATE_KEY: make one with `kinetic reminders new-key`; web and "
            "scheduler must share it"
        )
    subject = s["VAPID_SUBJECT"] or ""
    if not subject or "localhost" in subject:
        problems.append("VAPID_SUBJECT: your contact, e.g. mailto:ops@example.org")
    if s["PUSH_ALLOW_HTTP_LOOPBACK"]:
        problems.append("PUSH_ALLOW_HTTP_LOOPBACK: for tests only; leave it false")
    if s["RATELIMIT_STORAGE_URI"].startswith("memory"):
        problems.append(
            "RATELIMIT_STORAGE_URI: a shared store (redis://...) so every worker "
            "counts the same failed logins"
        )
    return problems


API_SETTINGS = {
    "API_TITLE": "Kinetic Chain API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "v1/openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
    # Every operation needs the bearer token unless it says `security: []`
    # (api/auth.py: public); the paths are from the server's root, wherever the
    # document is served.
    "API_SPEC_OPTIONS": {
        "security": [{"bearerAuth": []}],
        "servers": [{"url": "/"}],
    },
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ],
    "COMPRESS_ALGORITHM": ["gzip"],
    # Files are sent as streams; compress them too and keep their 304 answers.
    "COMPRESS_ALGORITHM_STREAMING": ["gzip"],
    "COMPRESS_STREAMING_ENDPOINT_CONDITIONAL": [
        "vendor",
        "index",
        "frontend_file",
        "docs_assets",
    ],
}

Config = type("Config", (), {**settings(os.environ), **API_SETTINGS})


class TestConfig(Config):
    TESTING = True
    KINETIC_ENV = "development"
    CONFIG_PROBLEMS: list[str] = []  # the suite ignores the shell's settings
    SECRET_KEY = DEV_SECRET
    PUBLIC_URL = DEV_PUBLIC_URL
    VAPID_SUBJECT = "mailto:admin@localhost"
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    LOG_FORMAT = "text"
    # Fast hashing keeps the suite quick; production always uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # The fake push service of the tests listens on 127.0.0.1 over plain HTTP.
    PUSH_ALLOW_HTTP_LOOPBACK = True
    PUSH_TIMEOUT_SECONDS = 5.0
