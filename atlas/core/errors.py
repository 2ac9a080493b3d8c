"""Named exceptions. Every message says which file, line or field is at fault."""
from __future__ import annotations


class AtlasError(Exception):
    """Base class for errors the CLI and the app report to users (no traceback)."""


class ValidationError(AtlasError):
    """One or more problems in input data; ``problems`` lists them one per line."""

    def __init__(self, problems: list["Problem"] | list[str]):
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


class ArticleError(AtlasError):
    """An article that cannot be read or stored (empty, binary, not UTF-8, too large)."""


class UnsupportedLanguage(ArticleError):
    """Text in a language the extractor does not support (only de, en, ru)."""


class StoreError(AtlasError):
    """The store URL or database cannot be used."""


class UnknownFact(AtlasError):
    """A fact id that is not in the store."""


class AlreadyDecided(AtlasError):
    """A reviewer decided on a fact that someone else decided on first."""

    def __init__(self, fact_id: str, review: str | None):
        self.fact_id, self.review = fact_id, review
        super().__init__(f"{fact_id} was already {review}; nothing changed.")


class Problem:
    """One located problem: ``file:line: field: message`` (line/field optional)."""

    __slots__ = ("file", "line", "field", "message")
    MAX_MESSAGE = 300  # a message quoting a huge value (an alias bomb) stays one short line

    def __init__(self, file: str, message: str, line: int | None = None, field: str | None = None):
        if len(message) > self.MAX_MESSAGE:
            message = message[:self.MAX_MESSAGE] + f"… ({len(message):,} characters)"
        self.file, self.message, self.line, self.field = file, message, line, field

    def __str__(self) -> str:
        loc = self.file + (f":{self.line}" if self.line else "")
        return f"{loc}: {self.field}: {self.message}" if self.field else f"{loc}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"
