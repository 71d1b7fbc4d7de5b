"""The notebook API: ``sitroom.open(path)`` and tables of what a store holds.

Every method returns a pandas DataFrame, or a pyarrow Table with
``arrow=True``::

    import sitroom
    with sitroom.open("demo.duckdb") as room:
        room.stories().head()
        room.threats(status=["open"])
        room.timeline("IRN-ISR", freq="week")
        room.alerts()
        room.network(since=date(2024, 4, 1))

The store file is opened for each call and closed after it, so an open
Situation does not keep a running ``sitroom watch`` from writing; a call that
finds the file held by another process waits for it, up to ``wait`` seconds.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa

from .store import DEFAULT_WAIT, PUBLIC_EVENT_COLUMNS, PUBLIC_STORY_COLUMNS, Store
from .stories import ledger
from .stories import network as _network
from .stories import timeline as _timeline

__all__ = ["Situation", "open_store"]


def _out(frame: pd.DataFrame, arrow: bool) -> pd.DataFrame | pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False) if arrow else frame


F = TypeVar("F", bound=Callable[..., Any])


def _released(method: F) -> F:
    """Close the store file when the call is done, whatever it returns or raises."""

    @functools.wraps(method)
    def call(self: Situation, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        finally:
            self.store.release()

    return call  # type: ignore[return-value]


def _confidence(value: float | None) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"min_confidence must be a number from 0 to 1, not {value!r}")
    return float(value)


class Situation:
    """Read-only views of one store. Use as a context manager, or call close().

    ``wait``: seconds to wait for a store another process is writing (then StoreLockedError, E117)."""

    def __init__(self, path: str | os.PathLike[str], *, wait: float = DEFAULT_WAIT) -> None:
        self.store = Store(path, read_only=True, wait=wait, keep_open=False)

    def __enter__(self) -> Situation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @_released
    def events(self, *, min_confidence: float | None = None, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Every event mention in the public schema, with its story_id; with ``min_confidence``,
        only those the decision stage is at least that sure of."""
        rows = list(self.store.iter_public_events(min_confidence=_confidence(min_confidence)))
        return _out(pd.DataFrame(rows, columns=list(PUBLIC_EVENT_COLUMNS)), arrow)

    @_released
    def stories(self, *, min_mentions: int = 1, min_confidence: float | None = None, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Story events, each with its consensus fields and the list of its mentions."""
        rows = self.store.public_stories(min_mentions, min_confidence=_confidence(min_confidence))
        return _out(pd.DataFrame(rows, columns=list(PUBLIC_STORY_COLUMNS)), arrow)

    @_released
    def threats(
        self,
        *,
        status: list[str] | None = None,
        actor: str | None = None,
        window_days: int = ledger.DEFAULT_WINDOW_DAYS,
        as_of: date | None = None,
        arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:
        """The threat ledger (see sitroom.stories.ledger for the statuses)."""
        entries = ledger.select(
            ledger.threat_ledger(self.store, window_days=window_days, as_of=as_of), status=status, actor=actor
        )
        rows = [ledger.entry_row(e) for e in entries]
        return _out(pd.DataFrame(rows, columns=list(ledger.ENTRY_COLUMNS)), arrow)

    @_released
    def timeline(
        self,
        dyad: str | None = None,
        *,
        freq: str = "day",
        since: date | None = None,
        until: date | None = None,
        arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:
        """Escalation timeline of one directed pair ("IRN-ISR"), or of every pair."""
        return _out(_timeline.timeline(self.store, dyad, freq=freq, since=since, until=until), arrow)

    @_released
    def alerts(self, *, freq: str = "day", baseline: int = 14, z_threshold: float = 3.0, min_conflict: float = 5.0,
               dyad: str | None = None, since: date | None = None, arrow: bool = False) -> pd.DataFrame | pa.Table:  # fmt: skip
        """Periods in which a pair departs from its baseline (rolling z-score)."""
        frame = _timeline.alerts(
            self.store, freq=freq, baseline=baseline, z_threshold=z_threshold, min_conflict=min_conflict,
            dyad=dyad, since=since,
        )  # fmt: skip
        return _out(frame, arrow)

    @_released
    def network(self, *, since: date | None = None, until: date | None = None, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Weighted directed edges between countries by QuadClass, on story events."""
        return _out(_network.network(self.store, since=since, until=until), arrow)


def open_store(path: str | os.PathLike[str] | None = None, *, wait: float = DEFAULT_WAIT) -> Situation:
    """Open a store for reading (``sitroom.open``); ``None`` means $SITROOM_DB or ./sitroom.duckdb.
    ``wait``: seconds to wait for a store another process is writing, then StoreLockedError (E117)."""
    from .store import default_db_path

    return Situation(path or default_db_path(), wait=wait)
