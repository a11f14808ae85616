"""The one source of "now", so tests can drive time with a fake clock."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_override: Callable[[], datetime] | None = None


def now() -> datetime:
    return _override() if _override else datetime.now(UTC)


def set_clock(fn: Callable[[], datetime] | None) -> None:
    global _override
    _override = fn


def today_in(timezone: str) -> date:
    return now().astimezone(ZoneInfo(timezone)).date()
