"""What every report section is made from: the patient, the period and the
patient's today, with the few formats the sections share."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from kinetic.models import User


@dataclass(frozen=True)
class ReportContext:
    patient: User
    start: date
    end: date
    today: date

    @cached_property
    def picture(self):
        """The clinical picture, with adherence over the period: read once for
        the sections that show it."""
        from kinetic.services import picture

        return picture.between(self.patient, self.start, self.end)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.patient.timezone)

    def local_bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants: from the first day's start to the last's end."""
        first = datetime.combine(self.start, time(0), tzinfo=self.zone)
        after = datetime.combine(self.end + timedelta(days=1), time(0), self.zone)
        return first.astimezone(UTC), after.astimezone(UTC)

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def percent(done: int, due: int) -> str:
    return f"{round(100 * done / due)} %" if due else "–"


def one_decimal(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def section(key: str, title: str, blocks: list[dict], data: dict) -> dict:
    return {"key": key, "title": title, "blocks": blocks, "data": data}
