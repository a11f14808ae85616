"""Exercise and program files as text: one canonical way to write them, and reading
them back with the line of every problem."""

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from kinetic.services import safe_yaml

Path_ = tuple[str | int, ...]

EXERCISE_KEYS = (
    "slug",
    "name",
    "category",
    "regions",
    "source",
    "summary",
    "instructions",
    "cues",
    "cautions",
    "dosage",
    "figure",
)
PROGRAM_KEYS = (
    "slug",
    "title",
    "summary",
    "regions",
    "source",
    "weeks",
    "days_of_week",
    "sessions_per_day",
    "advice",
    "sessions",
)
PHASE_KEYS = ("name", "weeks", "focus", "exercises")
FIGURE_KEYS = (
    "view", "base", "props", "closeup", "arrows", "joints", "hold", "keyframes"
)  # fmt: skip
DOSE_KEYS = ("sets", "reps", "hold_seconds", "rest_seconds", "side")
PLANNED_KEYS = ("exercise", *DOSE_KEYS, "note")
# Short lists of plain values are written inline, as in the files: regions: [neck].
INLINE = {"regions", "source", "weeks", "days_of_week"}


def node_lines(node: yaml.Node, path: Path_ = (), out=None) -> dict[Path_, int]:
    """Maps each key path in a YAML document to its 1-based line."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            node_lines(value, (*path, key.value), out)
            out[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            node_lines(item, (*path, index), out)
    return out


def flatten(messages: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """marshmallow's nested messages as (key path, message) pairs."""
    if isinstance(messages, dict):
        return [
            pair
            for key, value in messages.items()
            for pair in flatten(value, path if key == "_schema" else (*path, key))
        ]
    if isinstance(messages, list):
        return [pair for item in messages for pair in flatten(item, path)]
    return [(path, str(messages))]


def line_for(lines: dict[Path_, int], path: Path_) -> int:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


@dataclass
class Upload:
    """A YAML text read through a schema: the data, or the problems with lines."""

    data: dict[str, Any] | None = None
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: Path_, message: str, line: int | None = None) -> None:
        name = ".".join(str(part) for part in where) or "_file"
        line = line or line_for(self.lines, where)
        self.problems.append(Problem(line, name, message))

    def add_errors(self, messages: Any) -> None:
        for where, message in flatten(messages):
            self.problem(tuple(_key(part) for part in where), message)


def _key(part: Any) -> str | int:
    # A list index as marshmallow names it; not "²", a digit int() cannot read.
    return (
        int(part)
        if isinstance(part, str) and part.isascii() and part.isdigit()
        else part
    )


def read_upload(text: str, schema: Schema) -> Upload:
    upload = Upload()
    try:
        node, raw = safe_yaml.compose_and_load(text, schema)
    except yaml.YAMLError as exc:
        line, message = safe_yaml.problem_of(exc)
        upload.problem((), message, line)
        return upload
    if node is not None:
        upload.lines = node_lines(node)
    if not isinstance(raw, dict):
        upload.problem((), "Expected a mapping of fields at the top of the file.")
        return upload
    try:
        upload.data = schema.load(raw)
    except ValidationError as exc:
        upload.add_errors(exc.messages)
    return upload


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Lists under a key are indented, as in the hand-written files.
        return super().increase_indent(flow, False)


# Plain scalars that some YAML reader takes for a number or a boolean, beyond
# those PyYAML's own YAML 1.1 rules already quote (yes, on, null, ~, 0123, 0x1F,
# 1_000, 12:30, .inf, 2026-12-05, ...): YAML 1.2's core schema numbers (1e3,
# 1.5e3, 0o17, 089: https://yaml.org/spec/1.2.2/#1032-tag-resolution), as
# ruamel.yaml reads them (with _ after the sign: +_1); YAML 1.1's y and n
# (https://yaml.org/type/bool.html) and its floats as that type defines them
# (https://yaml.org/type/float.html: 1.2.3, -.5). A string whose text matches
# is written quoted.
NOT_A_STRING = re.compile(
    r"""^(?:[-+]?(?:\.[0-9_]+|[0-9_]+(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9_]+)?
    |[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?
    |[-+]?0o[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[yYnN])$""",
    re.X,
)
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float", NOT_A_STRING, list("-+.0123456789yYnN")
)


def _ordered(data: dict, keys: tuple[str, ...]) -> dict:
    return {key: data[key] for key in keys if data.get(key) not in (None, [])}


def _represent_dict(dumper: yaml.SafeDumper, data: dict):
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items())


class _Inline(list):
    pass


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(
    _Inline,
    lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=True
    ),
)


def dump(data: dict) -> str:
    inline = {
        key: _Inline(value) if key in INLINE and isinstance(value, list) else value
        for key, value in data.items()
    }
    if "sessions" in inline:
        inline["sessions"] = [
            {**phase, "weeks": _Inline(phase["weeks"])} for phase in inline["sessions"]
        ]
    return yaml.dump(
        inline, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6
    )


def exercise_file(content: dict[str, Any]) -> dict[str, Any]:
    """A stored exercise as its file's fields, in the files' order."""
    dosage = _ordered(content["dosage"], DOSE_KEYS)
    figure = content.get("figure") and _ordered(content["figure"], FIGURE_KEYS)
    return _ordered({**content, "dosage": dosage, "figure": figure}, EXERCISE_KEYS)


def planned_item(item: dict[str, Any]) -> dict[str, Any]:
    """A resolved exercise of a phase (text + dosage) as a file's planned exercise."""
    return _ordered(
        {**item["dosage"], "exercise": item["slug"], "note": item.get("note")},
        PLANNED_KEYS,
    )


def program_file(content: dict[str, Any]) -> dict[str, Any]:
    """A stored program version as its file's fields, in the files' order."""
    sessions = [
        _ordered(
            {**phase, "exercises": [planned_item(e) for e in phase["exercises"]]},
            PHASE_KEYS,
        )
        for phase in content["sessions"]
    ]
    return _ordered({**content, "sessions": sessions}, PROGRAM_KEYS)
