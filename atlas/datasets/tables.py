"""A dataset's table (CSV or the official XLSX) read as raw string cells, row by row.

Every cell stays the text the file holds; parsing happens in :mod:`.importer`,
where a bad value is reported with file, row, field and value.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import ValidationError
from .mapping import DatasetMapping

MAX_TABLE_BYTES = 256 * 1024 * 1024  # the global GCDF 3.0 table is ~100 MB with every column
MAX_CELL_CHARS = 100_000


@dataclass(frozen=True)
class TableRow:
    file: str
    line: int  # the row's first line in a CSV; the sheet row in an XLSX (header = 1)
    cells: dict[str, str]  # fact field name → raw text (mapped columns only)


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError([f"{path}: cannot read: {exc.strerror}"]) from None
    if size > MAX_TABLE_BYTES:
        raise ValidationError([f"{path}: {size:,} bytes is more than the {MAX_TABLE_BYTES:,} a table may have"])


def column_key(name: object) -> str:
    """A header compared without case, spaces and punctuation, so the R-style names of the
    geospatial repository's CSV match the spaced names of a spreadsheet.

    >>> column_key("Amount.(Constant.USD.2021)") == column_key("Amount (Constant USD 2021)")
    True
    """
    return re.sub(r"[^0-9a-z]", "", str(name or "").lower())


def _columns(path: Path, header: list, m: DatasetMapping, raise_missing: bool = True) -> dict[str, int] | None:
    """Field → column index; one message per missing required column, naming column and file."""
    where = {column_key(name): i for i, name in reversed(list(enumerate(header)))}
    missing = [m.columns[f] for f in m.required if column_key(m.columns[f]) not in where]
    if missing:
        if not raise_missing:
            return None
        raise ValidationError([f"{path}: missing required column {c!r}" for c in missing])
    return {f: where[column_key(c)] for f, c in m.columns.items() if column_key(c) in where}


def read_table(path: Path, m: DatasetMapping) -> Iterator[TableRow]:
    """Rows of a CSV or XLSX table; raises :class:`ValidationError` for an unreadable file or missing column."""
    path = Path(path)
    _check_size(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path, m)
    else:
        yield from _read_csv(path, m)


def _read_csv(path: Path, m: DatasetMapping) -> Iterator[TableRow]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise ValidationError([f"{path}: empty file, no header row"])
        cols = _columns(path, header, m)
        start = reader.line_num + 1
        for raw in reader:
            if any(cell.strip() for cell in raw):
                yield TableRow(str(path), start, _cells(raw, cols))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError([f"{path}:{reader.line_num}: not valid CSV: {exc}"]) from None


def _read_xlsx(path: Path, m: DatasetMapping) -> Iterator[TableRow]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValidationError([f"{path}: not a readable XLSX workbook ({exc})"]) from None
    try:
        # The table is the first sheet whose header has the required columns (a release may
        # open with a notes sheet); if none has, the first sheet's missing columns are named.
        rows = cols = None
        for sheet in wb.worksheets:
            rows = sheet.iter_rows(values_only=True)
            cols = _columns(path, list(next(rows, None) or []), m, raise_missing=False)
            if cols is not None:
                break
        if cols is None:
            first = next(wb.worksheets[0].iter_rows(values_only=True), None) if wb.worksheets else None
            if not first:
                raise ValidationError([f"{path}: empty sheet, no header row"])
            _columns(path, list(first), m)
        for n, raw in enumerate(rows, start=2):
            values = ["" if v is None else _xlsx_text(v) for v in raw]
            if any(v.strip() for v in values):
                yield TableRow(str(path), n, _cells(values, cols))
    finally:
        wb.close()


def _xlsx_text(v: object) -> str:
    """A cell as the CSV would hold it: whole numbers without ".0", dates as ISO.

    >>> _xlsx_text(2019), _xlsx_text(2019.0), _xlsx_text(1.5)
    ('2019', '2019', '1.5')
    """
    from datetime import date, datetime

    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _cells(raw: list[str], cols: dict[str, int]) -> dict[str, str]:
    return {f: (raw[i][:MAX_CELL_CHARS] if i < len(raw) else "") for f, i in cols.items()}
