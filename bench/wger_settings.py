"""Django settings for wger, the peer of bench/api_load.py, run from bench/.peer.

wger's own `wger create-settings` writes a settings file from its settings.tpl,
but its invoke tasks fail on Python 3.11 (invoke 1.7.3 calls the removed
inspect.getargspec), so this module does what that template does, by hand:
import wger's settings_global and set the few things a site must set.

Chosen for a fair comparison with the app under gunicorn:
- DEBUG off (the template has it on): no query log kept in memory and no debug
  pages; the app runs without Flask's debug mode under gunicorn too.
- Logging quiet: wger's own loggers at WARNING instead of DEBUG, and nothing per
  request (Kinetic writes one JSON log line per request; gunicorn's access log is
  off for both).
- The database from the environment: a SQLite file or a throwaway PostgreSQL
  database, as for the app. Connections kept for 60 s (CONN_MAX_AGE): the app's
  SQLAlchemy keeps a pool per worker, where Django's default would connect anew
  for every request.
- Everything else as settings_global has it: its middleware (sessions, CSRF,
  history), local-memory cache, DRF with session and token authentication.
  That middleware saves a session row on every API request (wger's guest-user
  middleware sets a flag in the session before it sees the token): a cost of
  wger as shipped, left in.
"""

import os

from wger.settings_global import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = "bench-only-not-secret"
SITE_URL = "http://127.0.0.1"
MEDIA_ROOT = os.environ["WGER_MEDIA_ROOT"]
TIME_ZONE = "UTC"
RECAPTCHA_PUBLIC_KEY = RECAPTCHA_PRIVATE_KEY = ""  # as settings.tpl has them

if os.environ.get("WGER_PG_NAME"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["WGER_PG_NAME"],
            "USER": os.environ["WGER_PG_USER"],
            "HOST": os.environ["WGER_PG_HOST"],
            "PORT": os.environ["WGER_PG_PORT"],
            "CONN_MAX_AGE": 60,
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["WGER_SQLITE"],
            "CONN_MAX_AGE": 60,
        }
    }

LOGGING["loggers"]["wger"]["level"] = "WARNING"  # noqa: F405
