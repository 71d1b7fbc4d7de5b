"""Writing listings (events, stories, threats, timelines, alerts, network edges) as CSV, JSON
Lines or Parquet, with one convention for every command.

- Dates are ISO ``YYYY-MM-DD`` (a period's start for timelines and alerts), times ISO 8601.
- Lists and objects are JSON arrays and objects: in JSON Lines as themselves, in CSV as JSON
  text in the cell (never Python reprs such as ``['S000001']``).
- Floats are rounded to 6 decimals; NaN is written as null (JSON) or an empty cell (CSV).
- Parquet keeps native types (dates as dates, lists as lists), through pyarrow.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

__all__ = ["DECIMALS", "OUTPUT_FORMATS", "frame_records", "plain", "write_rows"]

OUTPUT_FORMATS = ("table", "csv", "jsonl", "parquet")
DECIMALS = 6


def plain(value: object) -> object:
    """``value`` as plain JSON data by the convention above."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if type(value).__name__ == "NaTType":  # pandas' missing time (a datetime subclass)
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, DECIMALS)
    if isinstance(value, datetime):
        # a period start or a day stored as a timestamp at midnight is a day
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [plain(v) for v in items]
    to_py = getattr(value, "to_pydatetime", None)  # pandas Timestamp
    if callable(to_py):
        return plain(to_py())
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return plain(tolist())
    return str(value)


def frame_records(frame) -> list[dict]:
    """A pandas DataFrame's rows as dicts, by the same convention (Timestamps become days)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _native(value: object) -> object:
    """``value`` for Parquet: dates stay dates, numpy and pandas scalars become Python."""
    if type(value).__name__ == "NaTType":
        return None
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) else value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_native(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [_native(v) for v in sorted(value, key=str)]
    to_py = getattr(value, "to_pydatetime", None)
    if callable(to_py):
        return _native(to_py())
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, (str, bytes)):
        return _native(tolist())
    return value


def _cell(value: object) -> object:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _columns(rows: list[dict], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def write_rows(
    rows: Iterable[dict],
    fmt: str,
    output: str | Path | None = None,
    *,
    columns: Sequence[str] | None = None,
    stream: TextIO | None = None,
) -> int:
    """Write ``rows`` as csv, jsonl or parquet to ``output`` (a path) or ``stream`` (default:
    stdout; not for parquet); returns how many rows were written. ``columns`` fixes the CSV and
    Parquet columns and their order (default: the keys in order of appearance)."""
    if fmt not in ("csv", "jsonl", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv, jsonl or parquet")
    if fmt == "parquet":
        if output is None:
            raise ValueError("parquet needs an output file")
        import pyarrow as pa
        import pyarrow.parquet as pq

        materialised = list(rows)
        names = _columns(materialised, columns)
        table = pa.Table.from_pylist([{c: _native(r.get(c)) for c in names} for r in materialised])
        if not materialised:
            table = pa.table({c: pa.array([], pa.null()) for c in names})
        pq.write_table(table, str(output))
        return len(materialised)
    if output is not None:
        with Path(output).open("w", encoding="utf-8", newline="") as fh:
            return _write_text(rows, fmt, fh, columns)
    return _write_text(rows, fmt, stream or sys.stdout, columns)


def _write_text(rows: Iterable[dict], fmt: str, out: TextIO, columns: Sequence[str] | None) -> int:
    n = 0
    if fmt == "jsonl":
        for row in rows:
            record = {c: row.get(c) for c in columns} if columns else row
            out.write(json.dumps(plain(record), ensure_ascii=False) + "\n")
            n += 1
        return n
    iterator: Iterator[dict] = iter(rows)
    if columns:
        names = list(columns)
    else:  # the header needs every key: read the rows first
        buffered = list(iterator)
        names = _columns(buffered, None)
        iterator = iter(buffered)
    writer = csv.writer(out)
    writer.writerow(names)
    for row in iterator:
        writer.writerow([_cell(row.get(c)) for c in names])
        n += 1
    return n
