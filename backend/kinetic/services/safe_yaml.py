"""Reading YAML that anyone may have written: an uploaded file or one in programs/.

PyYAML builds an alias (`*name`) as the very node its anchor (`&name`) made, so a
few hundred bytes of nested aliases stand for millions of nodes, which every walk
of the tree (the lines of each key, the schema) then visits one by one; and its
composer recurses once per level of nesting. So the events are counted as the
composer takes them, before any tree exists to walk: the nesting depth, the
aliases, and the nodes the document would have with every alias written out.
Past a limit the reading stops with the line where the limit was crossed.
The limits are listed in the README's Security section.

A file may have been written by a YAML 1.2 tool (ruamel.yaml, js-yaml), which
writes the string "yes" or "12:30" without quotes; PyYAML reads YAML 1.1, where
they are a boolean and a number. So where the schema wants a string, a plain
scalar is read as the text it is written with (`as_schema_reads`)."""

from typing import Any

import yaml
from marshmallow import Schema, fields

MAX_UPLOAD = 200_000  # characters; the longest program file is about 5 000
MAX_DEPTH = 50  # nested lists and mappings; the files use 5 at most
MAX_ALIASES = 100  # uses of an anchor (*name); the files use none
# Nodes with every alias written out; the longest file has about 300.
MAX_NODES = 10_000


class TooComplex(yaml.MarkedYAMLError):
    """Past one of the limits; `problem` says which, `problem_mark` where."""

    def __str__(self) -> str:
        return self.problem


class _GuardedLoader(yaml.SafeLoader):
    def __init__(self, stream: str):
        super().__init__(stream)
        self.nodes = 0
        self.aliases = 0
        # Each open list or mapping: the node count before it, and its anchor.
        self.open: list[tuple[int, str | None]] = []
        self.sizes: dict[str, int] = {}  # an anchor's node count, expanded

    def get_event(self) -> yaml.Event:
        event = super().get_event()
        if isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.ScalarEvent):
            self._count(1, event)
            if event.anchor:
                self.sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            self._count(1, event)
            self.open.append((self.nodes - 1, event.anchor))
            if len(self.open) > MAX_DEPTH:
                raise _refusal(
                    f"The file nests lists and mappings deeper than {MAX_DEPTH} "
                    "levels.",
                    event,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            start, anchor = self.open.pop()
            if anchor:
                self.sizes[anchor] = self.nodes - start
        return event

    def _alias(self, event: yaml.AliasEvent) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise _refusal(
                f"The file uses more than {MAX_ALIASES} aliases (*name).", event
            )
        if any(anchor == event.anchor for _, anchor in self.open):
            raise _refusal(
                f"The alias *{event.anchor} is inside its own anchor.", event
            )
        self._count(self.sizes.get(event.anchor, 1), event)

    def _count(self, nodes: int, event: yaml.Event) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise _refusal(
                f"The file would have more than {MAX_NODES} values with its "
                "aliases (*name) written out.",
                event,
            )

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A date such as 2024-13-45 or an integer past Python's 4300 digits
        # raises ValueError from the constructor. A plain scalar is then its
        # text (a string in YAML 1.2), for the schema to take or to refuse on
        # its field's line; any other node is a problem of its line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            if _plain(node):
                return node.value
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {exc}", node.start_mark
            ) from None


def _refusal(problem: str, event: yaml.Event) -> TooComplex:
    return TooComplex(problem=problem, problem_mark=event.start_mark)


def compose_and_load(
    text: str, schema: Schema | None = None
) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for the lines of its keys) and its data, with
    the strings `schema` wants read as written (`as_schema_reads`).

    Raises yaml.YAMLError (TooComplex past a limit) with the line in problem_mark."""
    loader = _GuardedLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    if schema is not None and node is not None:
        data = as_schema_reads(node, data, schema)
    return node, data


STR_TAG = "tag:yaml.org,2002:str"


def _plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style is None


def as_schema_reads(node: yaml.Node, data: Any, schema: Schema) -> Any:
    """`data` with every plain scalar that PyYAML read as a boolean, number or
    date, where `schema` wants a string, as the text it is written with: an
    unquoted `yes` is "yes", `12:30` is "12:30". A null stays null (it is one in
    YAML 1.2 too), and so does every value where the schema wants no string.
    Containers are copied, not changed: an alias may share one."""
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return data
    wanted = {f.data_key or name: f for name, f in schema.fields.items()}
    # A key given twice holds its last value, as in `data`.
    nodes = {k.value: v for k, v in node.value if k.tag == STR_TAG}
    out = dict(data)
    for key, value_node in nodes.items():
        if key in wanted and key in out:
            out[key] = _as_field_reads(value_node, out[key], wanted[key])
    return out


def _as_field_reads(node: yaml.Node, value: Any, field: fields.Field) -> Any:
    if isinstance(field, fields.String):
        wants_text = value is not None and not isinstance(value, str)
        return node.value if wants_text and _plain(node) else value
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        if field.many:
            return _items(node, value, lambda n, v: as_schema_reads(n, v, field.schema))
        return as_schema_reads(node, value, field.schema)
    if isinstance(field, fields.List):
        if isinstance(node, yaml.ScalarNode):  # one value where a list may be
            return _as_field_reads(node, value, field.inner)
        return _items(node, value, lambda n, v: _as_field_reads(n, v, field.inner))
    if isinstance(field, fields.Dict):
        return _pairs(node, value, field.key_field, field.value_field)
    return value


def _items(node: yaml.Node, value: Any, read) -> Any:
    if not isinstance(node, yaml.SequenceNode) or not isinstance(value, list):
        return value
    if len(node.value) != len(value):
        return value
    return [read(n, v) for n, v in zip(node.value, value, strict=True)]


def _pairs(node: yaml.Node, value: Any, keys, values) -> Any:
    # The constructed mapping holds the node's pairs in order, unless a key
    # repeats (the last one wins): then it is left as it is.
    if not isinstance(node, yaml.MappingNode) or not isinstance(value, dict):
        return value
    if len(node.value) != len(value):
        return value
    out = {}
    for (key_node, value_node), (key, item) in zip(
        node.value, value.items(), strict=True
    ):
        if keys is not None:
            key = _as_field_reads(key_node, key, keys)
        if values is not None:
            item = _as_field_reads(value_node, item, values)
        out[key] = item
    return out


def problem_of(exc: yaml.YAMLError) -> tuple[int, str]:
    """The 1-based line and the message for a file that cannot be read."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    if isinstance(exc, TooComplex):
        return line, str(exc)
    return line, f"not readable YAML: {exc}"
