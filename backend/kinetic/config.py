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
