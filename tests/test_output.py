"""One output convention for every listing: ISO dates, JSON lists, rounded floats, native Parquet."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sitroom.output import frame_records, plain, write_rows


def test_plain_values_follow_one_convention():
    assert plain(pd.Timestamp("2024-04-14")) == "2024-04-14"  # a period start is a day, not a timestamp
    assert plain(pd.Timestamp("2024-04-14 10:30")) == "2024-04-14T10:30:00"
    assert plain(date(2024, 4, 1)) == "2024-04-01"
    assert plain(0.123456789) == 0.123457
    assert plain(float("nan")) is None and plain(pd.NaT) is None
    assert plain(("S000001", "S000002")) == ["S000001", "S000002"]
    assert plain({"b", "a"}) == ["a", "b"]
    import numpy as np

    assert plain(np.int64(3)) == 3 and isinstance(plain(np.int64(3)), int)
    assert plain(np.array(["S1", "S2"])) == ["S1", "S2"]


def test_csv_cells_hold_json_not_python_reprs():
    frame = pd.DataFrame({"period": [pd.Timestamp("2024-04-14")], "stories": [["S000001", "S000002"]], "z": [3.14159265]})
    buf = io.StringIO()
    write_rows(frame_records(frame), "csv", stream=buf)
    (row,) = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert row == {"period": "2024-04-14", "stories": '["S000001", "S000002"]', "z": "3.141593"}
    assert json.loads(row["stories"]) == ["S000001", "S000002"]


def test_jsonl_and_csv_agree_on_dates(tmp_path):
    rows = [{"day": date(2024, 4, 1), "n": 1}, {"day": None, "n": 2}]
    write_rows(rows, "jsonl", tmp_path / "a.jsonl")
    write_rows(rows, "csv", tmp_path / "a.csv", columns=("day", "n"))
    lines = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert lines == [{"day": "2024-04-01", "n": 1}, {"day": None, "n": 2}]
    assert (tmp_path / "a.csv").read_text().splitlines() == ["day,n", "2024-04-01,1", ",2"]


def test_parquet_keeps_native_types(tmp_path):
    rows = [{"day": date(2024, 4, 1), "stories": ["S1"], "z": 1.5}, {"day": pd.Timestamp("2024-04-02"), "stories": [], "z": None}]
    assert write_rows(rows, "parquet", tmp_path / "a.parquet") == 2
    table = pq.read_table(tmp_path / "a.parquet")
    assert str(table.schema.field("day").type) == "date32[day]"
    assert table.column("stories").to_pylist() == [["S1"], []]
    frame = pd.read_parquet(tmp_path / "a.parquet")
    assert pd.to_datetime(frame["day"]).dt.day.tolist() == [1, 2]


def test_parquet_needs_a_file_and_formats_are_checked():
    with pytest.raises(ValueError, match="parquet needs an output file"):
        write_rows([], "parquet")
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        write_rows([], "xml")
