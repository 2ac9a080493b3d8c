"""A dataset's table (CSV or the official XLSX) read as raw string cells, row by row.

Every cell stays the text the file holds; parsing happens in :mod:`.importer`,
where a bad value is reported with file, row, field and value.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from ...core.errors import ValidationError
from .mapping import DatasetMapping

MAX_TABLE_BYTES = 256 * 1024 * 1024  # the global GCDF 3.0 table is ~100 MB with every column
MAX_CELL_CHARS = 100_000
# An XLSX is a zip: its parts are checked before openpyxl unpacks anything, so a workbook
# whose shared strings expand to gigabytes is refused instead of filling memory.
MAX_XLSX_UNPACKED = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 500  # unpacked/packed of one part: real sheets stay far below, deflate bombs near 1,000
HEADER_ROWS = 10  # a release may put a title or notes above the header row


@dataclass(frozen=True)
class TableRow:
    file: str
    line: int  # the row's first line in a CSV; the sheet row in an XLSX (header = 1)
    cells: dict[str, str]  # fact field name → raw text (mapped columns only)


def check_size(path: Path, limit: int = MAX_TABLE_BYTES, what: str = "a table") -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError([f"{path}: cannot read: {exc.strerror}"]) from None
    if size > limit:
        raise ValidationError([f"{path}: {size:,} bytes is more than the {limit:,} {what} may have"])


def column_key(name: object) -> str:
    """A header compared without case, spaces and punctuation, so the R-style names of the
    geospatial repository's CSV match the spaced names of a spreadsheet.

    >>> column_key("Amount.(Constant.USD.2021)") == column_key("Amount (Constant USD 2021)")
    True
    """
    return re.sub(r"[^0-9a-z]", "", str(name or "").lower())


@dataclass(frozen=True)
class Sheet:
    """One table of a multi-table release: its name and field → accepted column names."""

    sheet: str
    columns: dict
    required: tuple[str, ...]


def _names(spec) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else tuple(spec)


def _columns(path: Path, header: list, m: DatasetMapping, raise_missing: bool = True) -> dict[str, int] | None:
    """Field → column index; one message per missing required column, naming column and file.

    A mapping's column is one name or a tuple of accepted names (the first is the one named
    in messages)."""
    where = {column_key(name): i for i, name in reversed(list(enumerate(header)))}

    def find(spec) -> int | None:
        return next((where[column_key(n)] for n in _names(spec) if column_key(n) in where), None)

    missing = [_names(m.columns[f])[0] for f in m.required if find(m.columns[f]) is None]
    if missing:
        if not raise_missing:
            return None
        raise ValidationError([f"{path}: missing required column {c!r}" for c in missing])
    return {f: i for f, spec in m.columns.items() if (i := find(spec)) is not None}


def read_table(path: Path, m: DatasetMapping) -> Iterator[TableRow]:
    """Rows of a CSV or XLSX table; raises :class:`ValidationError` for an unreadable file or missing column."""
    path = Path(path)
    check_size(path)
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


def check_xlsx_zip(path: Path, max_unpacked: int = MAX_XLSX_UNPACKED, max_ratio: int = MAX_XLSX_RATIO) -> None:
    """Refuse a workbook whose parts would unpack to more than ``max_unpacked`` bytes, or one
    part far more compressed than a spreadsheet ever is (a zip bomb), before anything is unpacked.

    The sizes are the zip directory's; openpyxl's own reads stop at them, so they cannot lie."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError([f"{path}: not a readable XLSX workbook ({exc})"]) from None
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        raise ValidationError([f"{path}: the workbook unpacks to {total:,} bytes, more than the "
                               f"{max_unpacked:,} a table may have; refused before unpacking"])
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > max_ratio * max(i.compress_size, 1):
            raise ValidationError([f"{path}: part {i.filename!r} unpacks {i.file_size // max(i.compress_size, 1):,} "
                                   f"times its packed size ({i.file_size:,} bytes); refused as a zip bomb"])


def _header(rows, path: Path, m) -> tuple[dict[str, int] | None, int]:
    """Look for the header in the first :data:`HEADER_ROWS` rows: (columns, its sheet row)."""
    for n in range(1, HEADER_ROWS + 1):
        row = next(rows, None)
        if row is None:
            break
        cols = _columns(path, list(row), m, raise_missing=False)
        if cols is not None:
            return cols, n
    return None, 0


def _read_xlsx(path: Path, m: DatasetMapping) -> Iterator[TableRow]:
    from openpyxl import load_workbook

    check_xlsx_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValidationError([f"{path}: not a readable XLSX workbook ({exc})"]) from None
    try:
        # The table is the sheet the mapping names, else the first sheet whose header has the
        # required columns (a release may open with a notes sheet or put a title above the header).
        named = [s for s in wb.worksheets if getattr(m, "sheet", "") and s.title.strip().lower() == m.sheet.lower()]
        rows = cols = None
        header_row = 0
        for sheet in named + [s for s in wb.worksheets if s not in named]:
            rows = sheet.iter_rows(values_only=True)
            cols, header_row = _header(rows, path, m)
            if cols is not None:
                break
        if cols is None:
            if getattr(m, "sheet", "") and not named:
                raise ValidationError([f"{path}: no sheet {m.sheet!r} and no sheet with its columns "
                                       f"({', '.join(_names(m.columns[f])[0] for f in m.required)})"])
            first = (named or wb.worksheets)[0] if wb.worksheets else None
            head = next(first.iter_rows(values_only=True), None) if first is not None else None
            if not head:
                raise ValidationError([f"{path}: empty sheet, no header row"])
            _columns(path, list(head), m)
        for n, raw in enumerate(rows, start=header_row + 1):
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
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _cells(raw: list[str], cols: dict[str, int]) -> dict[str, str]:
    return {f: (raw[i][:MAX_CELL_CHARS] if i < len(raw) else "") for f, i in cols.items()}
