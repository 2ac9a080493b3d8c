"""One set of field checks: curated records, review edits, URL filters and the CLI use these.

Each ``*_problem`` function returns the message for a bad value, or None when the
value is fine; callers put the field name (and file/line) in front. The rules:

* a country is one of the five Central Asian states (:data:`~atlas.core.models.CENTRAL_ASIA`);
* an outside actor is a bloc (:data:`~atlas.core.models.BLOCS`) or a real ISO 3166 alpha-3
  code (pycountry) of a state outside Central Asia; three letters alone are not enough;
* dates are ISO ``YYYY-MM-DD`` and must exist (no 30 February).
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

import pycountry

from .models import BLOCS, CENTRAL_ASIA, DATE_PRECISIONS, FACT_TYPES, GEO_PRECISIONS, STATUSES

ISO3 = re.compile(r"^[A-Z]{3}$")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def parse_date(raw: Any) -> date:
    """An ISO date from YAML (already a date), a widget or a string; ValueError saying why not.

    >>> parse_date("2023-05-19")
    datetime.date(2023, 5, 19)
    >>> parse_date("19.05.2023")
    Traceback (most recent call last):
    ValueError: not an ISO date (YYYY-MM-DD): '19.05.2023'
    >>> parse_date("2024-02-30")
    Traceback (most recent call last):
    ValueError: '2024-02-30' is not a real date: day is out of range for month
    """
    if isinstance(raw, date):
        return raw
    # Only the YYYY-MM-DD shape: Python 3.11's fromisoformat also takes 20230519 and 2023-W20-5.
    if isinstance(raw, str) and ISO_DATE.fullmatch(raw.strip()):
        text = raw.strip()
        try:
            return date.fromisoformat(text)
        except ValueError as exc:  # the shape of a date, but no such day
            raise ValueError(f"{text!r} is not a real date: {exc}") from None
    raise ValueError(f"not an ISO date (YYYY-MM-DD): {str(raw)[:40]!r}")


def is_country(code: Any) -> bool:
    """One of the five Central Asian states.

    >>> is_country("KAZ"), is_country("CHN")
    (True, False)
    """
    return isinstance(code, str) and code in CENTRAL_ASIA


def is_actor(code: Any) -> bool:
    """A bloc, or a real ISO3 code of a state outside Central Asia.

    >>> is_actor("CHN"), is_actor("EU"), is_actor("XXX"), is_actor("KAZ")
    (True, True, False, False)
    """
    return isinstance(code, str) and (
        code in BLOCS or (bool(ISO3.match(code)) and code in iso3_codes() and code not in CENTRAL_ASIA))


def type_problem(value: Any) -> str | None:
    if value in FACT_TYPES:
        return None
    return f"unknown fact type {value!r}; expected one of {', '.join(FACT_TYPES)}"


def country_problem(code: Any) -> str | None:
    return None if is_country(code) else f"{code!r} is not a Central Asian state ({', '.join(CENTRAL_ASIA)})"


def actor_problem(code: Any) -> str | None:
    if is_actor(code):
        return None
    return f"{code!r} is not a known outside power (ISO3 outside Central Asia) or bloc ({', '.join(BLOCS)})"


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str | None:
    return None if value in allowed else f"{name} must be one of {', '.join(allowed)}, got {value!r}"


def date_precision_problem(value: Any) -> str | None:
    return _choice("date_precision", value, DATE_PRECISIONS)


def geo_precision_problem(value: Any) -> str | None:
    return _choice("geo_precision", value, GEO_PRECISIONS)


def status_problem(value: Any) -> str | None:
    return _choice("status", value, STATUSES)


def date_order_problem(start: date | None, end: date | None) -> str | None:
    return "date_end is before date_start" if start and end and end < start else None


def codes(raw: Any) -> list[str]:
    """Codes from a comma/semicolon separated string or a list: stripped, upper-cased, unique.

    >>> codes(" chn; eu,CHN ")
    ['CHN', 'EU']
    """
    if raw is None:
        return []
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        code = str(item).strip().upper()
        if code and code not in out:
            out.append(code)
    return out
