"""Bounded YAML for every operator- or user-supplied file (curated facts, article sidecars).

PyYAML's SafeLoader is safe from code execution but not from size: a 647-byte file of
nested aliases (a "billion laughs") expands to gigabytes once anything walks or prints
it, deep nesting exhausts the recursion limit, and an impossible date such as
``2024-02-30`` raises a bare ``ValueError`` from inside the loader. :class:`BoundedLoader`
caps the file size, the nesting depth and the number of nodes *after* alias expansion,
refuses recursive aliases, and hands impossible dates on as the text written, so the
record checker reports them as ``file:line: field: message`` like any other bad value.
Every refusal is a ``yaml.YAMLError`` with a line, so callers need one ``except``.

:func:`load` reads with libyaml's C parser where PyYAML has it (six times faster: the
curated files are read on every first start) under the same Python composer, limits
and constructors. Any error, and the few texts where the two parsers part (tabs, inner
byte-order marks, ``|#``, explicit tags), go to the pure-Python parser, so values,
messages and lines are exactly those of :class:`BoundedLoader`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml.cyaml import CParser
except ImportError:  # a PyYAML built without libyaml: the pure parser alone
    CParser = None

MAX_DEPTH = 40
MAX_NODES = 50_000  # counted after alias expansion; the curated files hold ~3,000
MAX_CURATED_BYTES = 2 * 1024 * 1024
MAX_SIDECAR_BYTES = 64 * 1024


class YamlTooLarge(yaml.YAMLError):
    """A file over its byte limit (raised before parsing)."""


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader with depth, alias-expansion and recursion limits (see module doc)."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._reset_limits()

    def _reset_limits(self) -> None:
        self._depth = 0
        self._nodes = 0
        self._sizes: dict[int, int] = {}
        self._open_anchors: set[str] = set()

    def _refuse(self, problem: str, mark: Any) -> None:
        raise ComposerError(None, None, problem, mark)

    def _count(self, n: int, mark: Any) -> None:
        self._nodes += n
        if self._nodes > MAX_NODES:
            self._refuse(f"more than {MAX_NODES:,} values once aliases are expanded (an alias bomb?)", mark)

    def _size(self, node: yaml.Node) -> int:
        # Expanded size of an already composed node; shared children are memoised, so a
        # chain of aliases costs one visit per distinct node.
        got = self._sizes.get(id(node))
        if got is not None:
            return got
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return size

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open_anchors:
                self._refuse(f"alias *{event.anchor} refers to a value that contains it (recursive)",
                             event.start_mark)
            node = super().compose_node(parent, index)
            self._count(self._size(node), event.start_mark)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._open_anchors.add(anchor)
        node = super().compose_node(parent, index)
        if anchor:
            self._open_anchors.discard(anchor)
        self._depth -= 1
        self._count(1, event.start_mark)
        return node


def _construct_or_refuse(self: BoundedLoader, node: yaml.Node, deep: bool = False) -> Any:
    # A typed value that is not of its type ("!!int x", "!!binary ?") raised a bare
    # ValueError from PyYAML's constructors, past every caller's ``except yaml.YAMLError``.
    try:
        return SafeConstructor.construct_object(self, node, deep)
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        tag = (node.tag or "").rsplit(":", 1)[-1]
        raise ConstructorError(None, None, f"the value is not a valid {tag}: {exc}", node.start_mark) from None


BoundedLoader.construct_object = _construct_or_refuse


def _timestamp_or_text(loader: SafeConstructor, node: yaml.ScalarNode) -> Any:
    """A YAML date, or the text as written when it names no real day (``2024-02-30``)."""
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def read_bounded(path: Path, max_bytes: int) -> str:
    """The UTF-8 text of ``path``, refusing files over ``max_bytes`` without reading them whole.

    Raises :class:`YamlTooLarge`, ``OSError`` or ``UnicodeDecodeError``.
    """
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise YamlTooLarge(f"larger than the limit of {max_bytes:,} bytes")
    return data.decode("utf-8")


class _LeftToPure(yaml.YAMLError):
    """A document the libyaml reading hands to the pure parser (explicit tags: the two
    parsers resolve a bare ``!`` on an empty value differently)."""


class _OnLibyaml:
    """Mixed in before CParser: the parser's events come from libyaml, the node methods from
    the Python :class:`Composer` (libyaml's own composer would skip the limits)."""

    check_node = Composer.check_node
    get_node = Composer.get_node
    get_single_node = Composer.get_single_node

    def __init__(self, stream: Any):
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._reset_limits()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if getattr(self.peek_event(), "tag", None) is not None:
            raise _LeftToPure("explicit tag")
        return super().compose_node(parent, index)


_ON_LIBYAML: dict[type, type] = {}
# Where the two parsers part (found by tests/test_safeyaml_libyaml.py's random texts), libyaml
# accepting what the pure parser refuses or reading it otherwise: tabs, byte-order marks after
# the start, a block scalar's indicator with a comment glued to it ("|#").
_LEFT_TO_PURE_TEXT = re.compile(r"[\t\ufeff]|[|>][-+0-9]*#")


def on_libyaml(loader: type[BoundedLoader]) -> type[BoundedLoader] | None:
    """``loader`` reading libyaml's events under its own composer (limits), resolver and
    constructors; None without libyaml."""
    if CParser is None:
        return None
    fast = _ON_LIBYAML.get(loader)
    if fast is None:
        fast = type(f"{loader.__name__}OnLibyaml", (_OnLibyaml, CParser, loader), {"__module__": __name__})
        _ON_LIBYAML[loader] = fast
    return fast


def load(text: str, loader: type[BoundedLoader] = BoundedLoader) -> Any:
    """Parse one YAML document with ``loader`` (a :class:`BoundedLoader` subclass).

    >>> load("when: 2024-02-30")
    {'when': '2024-02-30'}
    >>> load("a: &a [1, 2]\\nb: [*a, *a]")
    {'a': [1, 2], 'b': [[1, 2], [1, 2]]}
    """
    fast = on_libyaml(loader) if not _LEFT_TO_PURE_TEXT.search(text) else None
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except (yaml.YAMLError, UnicodeError):
            pass  # libyaml words its errors and marks differently: report the pure parser's, as always
    return yaml.load(text, Loader=loader)


def problem_line(exc: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error points at, if any."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def problem_text(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or exc)
