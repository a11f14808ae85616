"""The library's YAML files and other YAML tools: every string that a YAML 1.1 or
1.2 reader could take for a number, a boolean, a null or a date is exported
quoted, and a file that ruamel.yaml (YAML 1.2) or PyYAML read and wrote back
imports unchanged, though YAML 1.2 writes the string "yes" without quotes."""

import io
import warnings
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from kinetic.schemas.program_files import ExerciseFileSchema, ProgramFileSchema
from kinetic.services import library, yaml_files

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
YAML_TYPE = "application/yaml"

# Each is a string; some reader takes each for something else when unquoted.
TRICKY = [
    "yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "NULL", "~",
    "1e3", "1.5e3", "-1e-3", "1E3", "+1", ".5", "1.", "0123", "089", "0x1F",
    "0o17", "0b101", "+_1", "-_1", "1_000", ".inf", "-.Inf", ".nan", "12:30",
    "1:20:30.5", "2026-12-05", "2026-12-05T10:00:00Z", "1.2.3", "=", "<<",
]  # fmt: skip


def ruamel_reader(version: tuple[int, int] | None = None) -> YAML:
    reader = YAML(typ="safe", pure=True)
    if version:
        reader.version = version
    return reader


def ruamel_safe(text: str) -> str:
    """ruamel.yaml reads the text as YAML 1.2 into plain data and writes it."""
    tool = YAML(typ="safe", pure=True)
    out = io.StringIO()
    tool.dump(tool.load(text), out)
    return out.getvalue()


def ruamel_round_trip(text: str) -> str:
    """ruamel.yaml's default (round-trip, YAML 1.2), as an editor script uses it."""
    tool = YAML()
    out = io.StringIO()
    tool.dump(tool.load(text), out)
    return out.getvalue()


def pyyaml(text: str) -> str:
    return yaml.safe_dump(yaml.safe_load(text), sort_keys=False, allow_unicode=True)


TOOLS = {
    "ruamel-safe": ruamel_safe,
    "ruamel-round-trip": ruamel_round_trip,
    "pyyaml": pyyaml,
}


@pytest.mark.parametrize("text", TRICKY)
def test_a_string_any_reader_could_take_for_another_type_is_exported_quoted(text):
    written = yaml_files.dump({"name": text})

    assert written != f"name: {text}\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ruamel warns when it reads 1e3 as 1.1
        readings = {
            "ruamel 1.2": ruamel_reader((1, 2)).load(written),
            "ruamel 1.1": ruamel_reader((1, 1)).load(written),
            "pyyaml": yaml.safe_load(written),
        }
    assert readings == dict.fromkeys(readings, {"name": text})


def test_plain_text_and_numbers_stay_unquoted():
    written = yaml_files.dump(
        {"name": "Chin tuck", "summary": "3 sets of 10", "sets": 3, "hold": 1.5}
    )

    assert written == "name: Chin tuck\nsummary: 3 sets of 10\nsets: 3\nhold: 1.5\n"


LIBRARY = library.read_library(ROOT / "programs")


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("slug", sorted(LIBRARY.exercises))
def test_every_shipped_exercise_comes_back_unchanged_from_another_tool(slug, tool):
    content = LIBRARY.exercises[slug]
    rewritten = TOOLS[tool](yaml_files.dump(yaml_files.exercise_file(content)))

    read = yaml_files.read_upload(rewritten, ExerciseFileSchema())

    assert read.problems == []
    assert read.data == content


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("slug", sorted(LIBRARY.programs))
def test_every_shipped_program_comes_back_unchanged_from_another_tool(slug, tool):
    resolved = library.resolve_program(LIBRARY.programs[slug], LIBRARY.exercises)
    rewritten = TOOLS[tool](yaml_files.dump(yaml_files.program_file(resolved)))

    read = yaml_files.read_upload(rewritten, ProgramFileSchema())

    assert read.problems == []
    assert library.resolve_program(read.data, LIBRARY.exercises) == resolved


def tricky_exercise(slug: str) -> str:
    return yaml_files.dump(
        {
            "slug": slug,
            "name": "12:30",
            "category": "core_stabilisation",
            "regions": ["low_back"],
            "summary": "yes",
            "instructions": TRICKY[:12],
            "cues": TRICKY[12:20],
            "cautions": TRICKY[20:28],
            "dosage": {"sets": 2, "reps": 10},
        }
    )


def tricky_program(slug: str, exercise: str) -> str:
    planned = {"exercise": exercise, "sets": 2, "reps": 8, "note": "2026-12-05"}
    return yaml_files.dump(
        {
            "slug": slug,
            "title": "1e3",
            "summary": "no",
            "regions": ["neck"],
            "weeks": 2,
            "days_of_week": [0, 3],
            "sessions_per_day": 1,
            "advice": TRICKY,
            "sessions": [
                {"name": "on", "weeks": [1, 2], "focus": "0o17", "exercises": [planned]}
            ],
        }
    )


def export(client, who, kind, slug) -> str:
    answer = client.get(f"{API}/{kind}/{slug}.yaml", headers=who.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def upload(client, who, kind, text):
    return client.post(
        f"{API}/{kind}/import", data=text, content_type=YAML_TYPE, headers=who.headers
    )


@pytest.mark.parametrize("tool", TOOLS)
def test_a_therapists_tricky_files_come_back_unchanged_from_another_tool(
    client, make_therapist, programs, tool
):
    therapist = make_therapist()
    made = upload(client, therapist, "exercises", tricky_exercise("tricky-move"))
    assert made.status_code == 201, made.json
    assert made.json["name"] == "12:30" and made.json["cautions"] == TRICKY[20:28]
    made = upload(
        client, therapist, "programs", tricky_program("tricky", "tricky-move")
    )
    assert made.status_code == 201, made.json
    assert made.json["title"] == "1e3"

    for kind, slug, plain in (
        ("exercises", "tricky-move", "summary: yes\n"),
        ("programs", "tricky", "summary: no\n"),
    ):
        exported = export(client, therapist, kind, slug)
        rewritten = TOOLS[tool](exported)
        # YAML 1.2 writes the strings "yes" and "no" without quotes.
        assert (plain in rewritten) == (tool != "pyyaml")
        copy = rewritten.replace(f"slug: {slug}\n", f"slug: {slug}-copy\n", 1)

        again = upload(client, therapist, kind, copy)

        assert again.status_code == 201, (tool, again.json)
        assert export(client, therapist, kind, f"{slug}-copy") == exported.replace(
            f"slug: {slug}\n", f"slug: {slug}-copy\n", 1
        )


YAML_12_FILE = """slug: from-another-tool
name: yes
category: core_stabilisation
regions: [low_back]
summary: 12:30
instructions:
  - on
  - 1:20:30.5
  - 2026-12-05
cues: [off]
cautions: [n]
dosage:
  sets: 2
  reps: 10
"""


def test_plain_yes_and_sexagesimal_are_strings_where_the_schema_wants_text(
    client, make_therapist, programs
):
    therapist = make_therapist()

    made = upload(client, therapist, "exercises", YAML_12_FILE)

    assert made.status_code == 201, made.json
    assert made.json["name"] == "yes"
    assert made.json["summary"] == "12:30"
    assert made.json["instructions"] == ["on", "1:20:30.5", "2026-12-05"]
    assert made.json["cues"] == ["off"] and made.json["cautions"] == ["n"]


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("  sets: 2\n", "  sets: yes\n", 13, "dosage.sets"),
        ("  reps: 10\n", "  reps: 12:30\n", 14, "dosage.reps"),
        ("regions: [low_back]", "regions: [yes]", 4, "regions.0"),
        ("name: yes\n", "name: null\n", 2, "name"),
    ],
)
def test_where_the_schema_wants_no_string_a_plain_value_keeps_its_type(
    client, make_therapist, programs, old, new, line, field
):
    therapist = make_therapist()

    answer = upload(client, therapist, "exercises", YAML_12_FILE.replace(old, new))

    assert answer.status_code == 422, answer.json
    assert [(p["line"], p["field"]) for p in answer.json["problems"]] == [(line, field)]
