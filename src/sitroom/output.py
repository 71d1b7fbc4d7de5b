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
    return _convert(value, text=True)


def frame_records(frame) -> list[dict]:
    """A pandas DataFrame's rows as dicts of Python values (Timestamps at midnight become days),
    for ``write_rows`` to write by the convention above."""
    return [{str(k): _convert(v, text=False) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _convert(value: object, *, text: bool) -> object:
    """``value`` with numpy and pandas values made Python, NaN and NaT made None, a timestamp at
    midnight made a day, sets made sorted lists; with ``text``, also dates as ISO strings and
    floats rounded (JSON and CSV), else dates kept as dates (Parquet)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if type(value).__name__ == "NaTType":  # pandas' missing time (a datetime subclass)
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, DECIMALS) if text else value
    if isinstance(value, datetime):
        # a period start or a day stored as a timestamp at midnight is a day
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) and value.tzinfo is None:
            value = value.date()
        return value.isoformat() if text else value
    if isinstance(value, date):
        return value.isoformat() if text else value
    if isinstance(value, dict):
        return {str(k): _convert(v, text=text) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_convert(v, text=text) for v in items]
    to_py = getattr(value, "to_pydatetime", None)  # pandas Timestamp
    if callable(to_py):
        return _convert(to_py(), text=text)
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return _convert(tolist(), text=text)
    return str(value) if text else value


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
        table = pa.Table.from_pylist([{c: _convert(r.get(c), text=False) for c in names} for r in materialised])
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
