"""Reading YAML that anyone may have written: an uploaded file or one in programs/.

PyYAML builds an alias (`*name`) as the very node its anchor (`&name`) made, so a
few hundred bytes of nested aliases stand for millions of nodes, which every walk
of the tree (the lines of each key, the schema) then visits one by one; and its
composer recurses once per level of nesting. So the events are counted as the
composer takes them, before any tree exists to walk: the nesting depth, the
aliases, and the nodes the document would have with every alias written out.
Past a limit the reading stops with the line where the limit was crossed.
The limits are listed in the README's Security section."""

from typing import Any

import yaml

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
        # raises ValueError from the constructor: a problem of that node's line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {exc}", node.start_mark
            ) from None


def _refusal(problem: str, event: yaml.Event) -> TooComplex:
    return TooComplex(problem=problem, problem_mark=event.start_mark)


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for the lines of its keys) and its data.

    Raises yaml.YAMLError (TooComplex past a limit) with the line in problem_mark."""
    loader = _GuardedLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def problem_of(exc: yaml.YAMLError) -> tuple[int, str]:
    """The 1-based line and the message for a file that cannot be read."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    if isinstance(exc, TooComplex):
        return line, str(exc)
    return line, f"not readable YAML: {exc}"
