"""Fields and validators shared by the API and program-file schemas."""

from datetime import date, datetime
from functools import cache
from zoneinfo import available_timezones

from marshmallow import ValidationError, fields, validate

REGIONS = ("low_back", "neck", "headache")
CATEGORIES = (
    "core_stabilisation",
    "nerve_glide",
    "pelvic_tilt",
    "postural_correction",
    "positional_relief",
    "headache_relief",
)


class Pattern(validate.Regexp):
    """A regular expression the whole value must match. The OpenAPI document
    states it as the field's `pattern` (JSON Schema reads `$` as the very end,
    where Python's `re.match` would let a trailing newline through)."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# What a browser's <input type=email> accepts (the HTML standard's "valid email
# address"), so the server takes exactly what the PWA's forms let through.
EMAIL = Pattern(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
    error="Not a valid email address.",
)
SLUG_CODE = Pattern(
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", error="Use lowercase letters, digits and _."
)
SLUG = Pattern(
    r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lowercase letters, digits and hyphens."
)

# Path words a library slug cannot be: /exercises/import is the upload's route.
RESERVED_SLUGS = ("import",)
NOT_RESERVED = validate.NoneOf(RESERVED_SLUGS, error="This slug is reserved.")


class StrictInteger(fields.Integer):
    """An integer that refuses floats, numeric strings and booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """true or false, and nothing that merely looks like them (1, "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Score(**kwargs) -> StrictInteger:  # noqa: N802 - reads like a field class
    return StrictInteger(validate=validate.Range(0, 10), **kwargs)


# Files in the system's zoneinfo folder that are not places: `localtime` (a link
# to the machine's own zone), `Factory` (no zone at all) and the POSIX defaults.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules", "posix", "right"})


@cache
def _timezones() -> frozenset[str]:
    return frozenset(
        name
        for name in available_timezones()
        if name not in NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def timezone_names() -> list[str]:
    return sorted(_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError("Not a known IANA timezone name, e.g. Europe/Berlin.")


class Timezone(fields.String):
    """An IANA timezone name; the OpenAPI document lists the names it accepts."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate_timezone, **kwargs)


# Every date and instant the API takes lies in these years: the sums made with
# them (a range's default start, a plan's weeks) stay far from year 1 and 9999.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
DAY_BOUNDS = f"between {FIRST_DAY} and {LAST_DAY}"


def within_years(value: date | datetime) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"Must be {DAY_BOUNDS}.")


class Day(fields.Date):
    """A date the API takes (query or body); the document states its bounds."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, within_years)


class Instant(fields.AwareDateTime):
    """A moment with its offset the API takes, its local date within the bounds."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, within_years)


def Email(**kwargs) -> fields.String:  # noqa: N802 - reads like a field class
    return fields.String(validate=[validate.Length(max=254), EMAIL], **kwargs)


def unique_items(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Items must not repeat.")


def Regions(**kwargs) -> fields.List:  # noqa: N802
    return fields.List(
        fields.Str(validate=validate.OneOf(REGIONS)),
        validate=[validate.Length(min=1), unique_items],
        **kwargs,
    )


def DaysOfWeek(**kwargs) -> fields.List:  # noqa: N802
    return fields.List(
        StrictInteger(validate=validate.Range(0, 6)),
        validate=[validate.Length(min=1, max=7), unique_items],
        **kwargs,
    )
