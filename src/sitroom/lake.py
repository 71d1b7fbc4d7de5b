"""A lake export for other engines: events and story events as Parquet files partitioned by month.

    DIR/
      _sitroom_export.json          what was written, when, from which store, with which filters
      events/month=2024-04/part-0.parquet
      events/month=undated/part-0.parquet
      stories/month=2024-04/part-0.parquet

The layout is Hive partitioning (``key=value`` folders), which DuckDB (``hive_partitioning``),
pandas and pyarrow (``read_parquet(DIR/events)``), Spark (``spark.read.parquet``) and BigQuery
(external tables with Hive partitioning) all read, with the ``month`` partition as a string
column. The files keep the public schema of ``sitroom events`` and ``sitroom stories``
(docs/schema.md) with native types: dates as dates, lists and objects as nested lists and
structs. An event's month is that of its event date, else of its article's publication, else
``undated``; a story's that of its event date, else of its first report, else ``undated``.

Rows are streamed from the store in record batches and written as they come, so memory does
not grow with the store. The export is written beside the target and moved into place at the
end: a run that fails leaves the previous export whole. A folder that holds anything other
than an earlier export is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.dataset as ds

from . import __version__
from .output import plain

if TYPE_CHECKING:
    from .filters import EventFilter
    from .store import Store

__all__ = ["MANIFEST", "PARTITION", "LakeError", "LakeReport", "export_lake"]

MANIFEST = "_sitroom_export.json"
PARTITION = "month"
_TABLES = ("events", "stories")
_ROWS_PER_FILE = 1_000_000
_BATCH_ROWS = 8192


class LakeError(ValueError):
    """The export cannot be written where it was asked to go."""


@dataclass(slots=True)
class LakeReport:
    directory: str
    events: int = 0
    stories: int = 0
    months: int = 0  # distinct partitions over both tables
    files: int = 0


ProgressFn = Callable[[str, int], None]


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise LakeError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise LakeError(
            f"{target}: folder is not empty and holds no earlier Sitroom export ({MANIFEST}); "
            "choose an empty or new folder"
        )


def _counted(reader: pa.RecordBatchReader, counter: list[int], name: str, progress: ProgressFn | None):
    """The reader's batches, counting rows as they pass."""
    for batch in reader:
        counter[0] += batch.num_rows
        if progress:
            progress(name, counter[0])
        yield batch


def _write(reader: pa.RecordBatchReader, base: Path, name: str, progress: ProgressFn | None) -> tuple[int, set[str], int]:
    counter = [0]
    written: list[str] = []
    batches = _counted(reader, counter, name, progress)
    ds.write_dataset(
        pa.RecordBatchReader.from_batches(reader.schema, batches),
        base / name,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive"),
        basename_template="part-{i}.parquet",
        max_rows_per_file=_ROWS_PER_FILE,
        max_rows_per_group=min(_ROWS_PER_FILE, 128 * 1024),
        existing_data_behavior="error",
        file_visitor=lambda f: written.append(f.path),
    )
    months = {Path(p).parent.name.split("=", 1)[1] for p in written}
    return counter[0], months, len(written)


def _describe(filters: EventFilter | None) -> dict:
    """The filters that were set, as plain JSON data."""
    if filters is None:
        return {}
    return {k: plain(v) for k, v in asdict(filters).items() if v not in (None, False, ())}


def export_lake(
    store: Store,
    directory: str | Path,
    *,
    filters: EventFilter | None = None,
    progress: ProgressFn | None = None,
) -> LakeReport:
    """Write the store's events and story events (those ``filters`` keeps, ``min_confidence`` included) under ``directory``
    as month-partitioned Parquet, replacing an earlier export there. Raises LakeError when
    ``directory`` is a file or a folder holding something else."""
    target = Path(directory)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = LakeReport(str(target))
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(_folder_mode())  # mkdtemp's folder is private; the export is an ordinary folder
    try:
        months: set[str] = set()
        readers = {  # one at a time: the store's connection streams one result
            "events": store.public_events_reader,
            "stories": store.public_stories_reader,
        }
        for name in _TABLES:
            reader = readers[name](filters, partition=PARTITION, batch_rows=_BATCH_ROWS)
            rows, seen, files = _write(reader, staging, name, progress)
            setattr(report, name, rows)
            months |= seen
            report.files += files
        report.months = len(months)
        manifest = {
            "format": "sitroom-lake/1",
            "sitroom": __version__,
            "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "store": Path(store.path).name,
            "partitioning": {"flavor": "hive", "column": PARTITION, "tables": list(_TABLES)},
            "filters": _describe(filters),
            **{k: v for k, v in asdict(report).items() if k != "directory"},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return report


def _folder_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def _replace(staging: Path, target: Path) -> None:
    """Move the finished export into place; an earlier export there goes only once the new one is whole."""
    if not target.exists():
        staging.rename(target)
        return
    old = target.parent / f".{target.name}-old-{datetime.now().strftime('%Y%m%d%H%M%S%f')}"
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
