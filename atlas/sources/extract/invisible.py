"""Zero-width and bidi control characters, neutralised without losing exact spans.

"Kaza\\u200bkhstan" must be found as Kazakhstan, and a right-to-left override must not
split a name, yet every span must still index the text as stored. So extraction runs
on a compact copy without these characters and each span is mapped back: a span
covers the stored characters from its first to its last visible one.
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

from ...core.textguard import INVISIBLE  # noqa: F401  (the one list; re-exported for the extractor)


def compact(text: str) -> tuple[str, list[int]]:
    """The text without invisible characters, and each kept character's index in ``text``.

    >>> compact("Kaza\\u200bkhstan")
    ('Kazakhstan', [0, 1, 2, 3, 5, 6, 7, 8, 9, 10])
    """
    keep = [i for i, c in enumerate(text) if not INVISIBLE.match(c)]
    return "".join(text[i] for i in keep), keep


def remap(value: Any, text: str, keep: list[int]) -> Any:
    """``value`` (a mention, fact, extraction or tuple of them) with spans into ``text``."""
    if isinstance(value, tuple):
        return tuple(remap(v, text, keep) for v in value)
    if not is_dataclass(value):
        return value
    changes = {f.name: remap(getattr(value, f.name), text, keep) for f in fields(value)
               if isinstance(getattr(value, f.name), tuple) or is_dataclass(getattr(value, f.name))}
    names = {f.name for f in fields(value)}
    if {"start", "end"} <= names:
        start = keep[value.start] if value.start < len(keep) else len(text)
        end = keep[value.end - 1] + 1 if value.end > 0 else 0
        changes.update(start=start, end=max(start, end))
        if "text" in names:
            changes["text"] = text[start:max(start, end)]
    return replace(value, **changes) if changes else value
