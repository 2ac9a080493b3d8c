"""Text hygiene at the edges. :func:`md_plain` (URL values and messages shown as plain text)
lives in :mod:`atlas.markup` with the app's other escaping; it is imported here for callers
that know it by this module."""
from __future__ import annotations

from .markup import md_plain

__all__ = ["md_plain"]
