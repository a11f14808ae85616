"""The shape of an instrument in programs/questionnaires/: its items, scoring,
bands, minimal important change, source and licence, and its LOINC codes where
LOINC has them."""

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.schemas.common import SLUG, SLUG_CODE, Pattern, StrictInteger

Short = fields.Str(required=True, validate=validate.Length(min=1, max=120))
Long = fields.Str(required=True, validate=validate.Length(min=1, max=1000))
Value = StrictInteger(required=True, validate=validate.Range(-100, 100))
Number = fields.Float(required=True, validate=validate.Range(-100, 100))
# Where a figure comes from: the published instrument, the literature (cited in
# the note), or a starting value that a clinician must own.
BASES = ("instrument", "literature", "starting_value")
LICENCES = ("public_domain", "open", "no_restriction_found", "own_work")


def _loinc_check_digit(number: str) -> int:
    """LOINC's Mod 10 check digit of a code's number part (LOINC Users' Guide,
    appendix C, https://loinc.org/kb/users-guide/calculating-mod-10-check-digits/):
    the Luhn digit. The 14 codes it lists as exceptions are all deprecated."""
    total = 0
    for place, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if place % 2 == 0 else 1)
        total += value // 10 + value % 10
    return -total % 10


def _loinc_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]+-[0-9]", value):
        return  # the pattern names it
    number, _, check = value.partition("-")
    if _loinc_check_digit(number) != int(check):
        raise ValidationError(f"{value} is not a LOINC code: its check digit is wrong.")


LoincCode = fields.Str(
    validate=[
        Pattern(r"^[1-9][0-9]{0,6}-[0-9]$", error="A LOINC code, such as 91148-7."),
        _loinc_code,
    ]
)


class AnchorsSchema(Schema):
    min = Short
    max = Short


class OptionSchema(Schema):
    value = Value
    label = Short


class ItemSchema(Schema):
    code = fields.Str(required=True, validate=SLUG_CODE)
    text = fields.Str(required=True, validate=validate.Length(min=3, max=300))
    min = StrictInteger(validate=validate.Range(-100, 100))
    max = StrictInteger(validate=validate.Range(-100, 100))
    anchors = fields.Nested(AnchorsSchema)
    options = fields.List(fields.Nested(OptionSchema), validate=validate.Length(2, 11))
    # The item's own LOINC code, as the instrument's LOINC panel lists it.
    loinc = LoincCode

    @validates_schema
    def _range_or_options(self, data, **kwargs):
        if "options" in data:
            if "min" in data or "max" in data:
                raise ValidationError("Give options or min and max, not both.")
            values = [o["value"] for o in data["options"]]
            if len(set(values)) != len(values):
                raise ValidationError("Option values must not repeat.", "options")
        elif "min" not in data or "max" not in data:
            raise ValidationError("Give either options or min and max.")
        elif data["min"] >= data["max"]:
            raise ValidationError("Must be above min.", "max")


class GoalsSchema(Schema):
    """Items the therapist writes per patient, all on one numeric range."""

    min_items = StrictInteger(required=True, validate=validate.Range(1, 10))
    max_items = StrictInteger(required=True, validate=validate.Range(1, 10))
    min = Value
    max = Value
    anchors = fields.Nested(AnchorsSchema, required=True)


class ScoringSchema(Schema):
    method = fields.Str(
        required=True, validate=validate.OneOf(("mean", "sum", "single"))
    )
    decimals = StrictInteger(required=True, validate=validate.Range(0, 2))


class BandSchema(Schema):
    min = Number
    max = Number
    label = Short


class SourceSchema(Schema):
    citation = fields.Str(required=True, validate=validate.Length(min=5, max=2000))
    url = fields.Url()


class BandsSchema(Schema):
    """Labels for ranges of the score, each set with where its cut-points come
    from; or none (`basis: none`, no ranges) where no source gives cut-points for
    this score: a PEG-3 mean is not a single 0-10 pain rating, whose cut-points
    would call a mean of 3.7 "low"."""

    basis = fields.Str(required=True, validate=validate.OneOf((*BASES, "none")))
    note = Long
    source = fields.Nested(SourceSchema)
    ranges = fields.List(fields.Nested(BandSchema), required=True)

    @validates_schema
    def _sourced_or_none(self, data, **kwargs):
        if data.get("basis") == "none":
            if data.get("ranges"):
                raise ValidationError("basis none gives no ranges.", "ranges")
            return
        if not data.get("ranges"):
            raise ValidationError(
                "Give at least one range, or basis none for no bands.", "ranges"
            )
        if "source" not in data:
            raise ValidationError(
                "Say where these cut-points come from (citation).", "source"
            )


class ChangeSchema(Schema):
    # change: the score moved this far the better way from the baseline;
    # rating: the score itself is this good (an instrument that rates change).
    type = fields.Str(required=True, validate=validate.OneOf(("change", "rating")))
    value = fields.Float(required=True, validate=validate.Range(0, 100))
    basis = fields.Str(required=True, validate=validate.OneOf(BASES))
    note = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class LicenceSchema(Schema):
    status = fields.Str(required=True, validate=validate.OneOf(LICENCES))
    text = fields.Str(required=True, validate=validate.Length(min=5, max=2000))
    read_at = fields.List(fields.Url(), required=True)

    @validates_schema
    def _where_read(self, data, **kwargs):
        if data["status"] != "own_work" and not data["read_at"]:
            raise ValidationError("Say where the licence was read.", "read_at")


class LoincCodingSchema(Schema):
    code = fields.Str(required=True, validate=LoincCode.validators)
    display = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class LoincSchema(Schema):
    """The instrument's LOINC panel, its score's code, and where the codes (these
    and the items') are published and were confirmed."""

    panel = fields.Nested(LoincCodingSchema, required=True)
    score = fields.Nested(LoincCodingSchema)
    sources = fields.List(fields.Url(), required=True, validate=validate.Length(min=1))
    note = fields.Str(validate=validate.Length(min=1, max=2000))


class QuestionnaireFileSchema(Schema):
    slug = fields.Str(required=True, validate=SLUG)
    title = Short
    name = Short
    summary = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    instructions = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    better = fields.Str(required=True, validate=validate.OneOf(("lower", "higher")))
    items = fields.List(fields.Nested(ItemSchema), validate=validate.Length(1, 30))
    goals = fields.Nested(GoalsSchema)
    scoring = fields.Nested(ScoringSchema, required=True)
    score_range = fields.List(Number, required=True, validate=validate.Length(2, 2))
    bands = fields.Nested(BandsSchema, required=True)
    minimal_important_change = fields.Nested(ChangeSchema, required=True)
    source = fields.Nested(SourceSchema, required=True)
    licence = fields.Nested(LicenceSchema, required=True)
    loinc = fields.Nested(LoincSchema)

    @validates_schema
    def _items_or_goals(self, data, **kwargs):
        if ("items" in data) == ("goals" in data):
            raise ValidationError("Give either items or goals (written per patient).")
        codes = [item["code"] for item in data.get("items", [])]
        if len(set(codes)) != len(codes):
            raise ValidationError("Item codes must not repeat.", "items")
        if data.get("scoring", {}).get("method") == "single" and len(codes) != 1:
            raise ValidationError("single scoring needs exactly one item.", "scoring")
        coded = any("loinc" in item for item in data.get("items", []))
        if coded and "loinc" not in data:
            raise ValidationError(
                "Items with LOINC codes need the instrument's loinc: its panel and "
                "the codes' sources.",
                "loinc",
            )

    @validates_schema
    def _bands_in_range(self, data, **kwargs):
        if "score_range" not in data or "bands" not in data:
            return
        low, high = data["score_range"]
        if low >= high:
            raise ValidationError(
                "The first value must be below the second.", "score_range"
            )
        previous = None
        for band in data["bands"]["ranges"]:
            if band["min"] > band["max"] or band["min"] < low or band["max"] > high:
                raise ValidationError(
                    f"Band {band['label']!r} must lie within {low}-{high}.", "bands"
                )
            if previous is not None and band["min"] <= previous:
                raise ValidationError("Bands must ascend without overlap.", "bands")
            previous = band["max"]
