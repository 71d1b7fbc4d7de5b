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
        room.events(actor="Hezbollah", since="2024-04-01", type="ASSAULT")

Every method takes the filters of the CLI and the HTTP API, with the same names
(README, "Filters"); a filter that cannot be applied (an unknown actor, since
after until) raises FilterError, a ValueError.

Dates come as pandas datetime64 columns (naive, each day at midnight; a
missing date is NaT), so ``frame.resample("W", on="event_date")`` works; the
Arrow tables keep them as ``date32``. Dates inside nested values (a story's
``mentions``, a threat's ``sources``) stay ``datetime.date``.

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

import numpy as np
import pandas as pd
import pyarrow as pa

from .filters import FREQS, ActorIndex, EventFilter, FilterError, make_filter, threat_stories
from .lake import LakeReport, export_lake
from .store import DEFAULT_WAIT, PUBLIC_EVENT_COLUMNS, PUBLIC_STORY_COLUMNS, Store
from .stories import ledger
from .stories import network as _network
from .stories import timeline as _timeline

__all__ = ["Situation", "open_store"]


# The date columns of the frames below (events, stories, threats, timeline, alerts).
DATE_COLUMNS = ("published", "event_date", "first_reported", "last_reported", "date", "status_date", "period")


def _days(values: pd.Series) -> pd.Series:
    """Dates (``datetime.date``, or None) as datetime64[us] at midnight, NaT for a missing one.
    Microseconds, not pandas' nanoseconds: they hold every date a store can (years 1 to 9999)."""
    days = np.array([np.datetime64(v, "D") if isinstance(v, date) and v is not pd.NaT else np.datetime64("NaT") for v in values],
                    dtype="datetime64[D]")  # fmt: skip
    return pd.Series(days.astype("datetime64[us]"), index=values.index, name=values.name)


def _out(frame: pd.DataFrame, arrow: bool) -> pd.DataFrame | pa.Table:
    """The frame with its date columns as datetime64, or as an Arrow table with them as date32."""
    dated = [c for c in frame.columns if c in DATE_COLUMNS]
    for column in dated:
        frame[column] = _days(frame[column])
    if not arrow:
        return frame
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for column in dated:
        i = table.schema.get_field_index(column)
        table = table.set_column(i, column, table.column(i).cast(pa.date32()))
    return table


F = TypeVar("F", bound=Callable[..., Any])
Day = date | str | None  # a date or "YYYY-MM-DD"
Pair = str | tuple[str, str] | None  # "Hezbollah-ISR" or ("Hezbollah", "ISR")
Values = str | list[str] | None  # "ASSAULT,COERCE" or ["ASSAULT", "COERCE"]


def _released(method: F) -> F:
    """Close the store file when the call is done, whatever it returns or raises."""

    @functools.wraps(method)
    def call(self: Situation, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        finally:
            self.store.release()

    return call  # type: ignore[return-value]


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

    def _filter(self, **given: Any) -> EventFilter:
        """The filters, checked (sitroom.filters): FilterError, a ValueError, names what is wrong."""
        return make_filter(ActorIndex.for_store(self.store), **given)

    @_released
    def events(
        self, *, since: Day = None, until: Day = None, actor: str | None = None, recipient: str | None = None,
        dyad: Pair = None, undirected: bool = False, type: Values = None, modality: Values = None,  # noqa: A002
        min_confidence: float | None = None, q: str | None = None, arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:  # fmt: skip
        """Every event mention in the public schema, with its story_id; only those the filters keep
        (README, "Filters": the same as the CLI's options and the HTTP API's parameters)."""
        f = self._filter(since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                         type=type, modality=modality, min_confidence=min_confidence, q=q)  # fmt: skip
        rows = list(self.store.iter_public_events(filters=f))
        return _out(pd.DataFrame(rows, columns=list(PUBLIC_EVENT_COLUMNS)), arrow)

    @_released
    def export_parquet_dir(
        self, directory: str | os.PathLike[str], *, since: Day = None, until: Day = None, actor: str | None = None,
        recipient: str | None = None, dyad: Pair = None, undirected: bool = False, type: Values = None,  # noqa: A002
        modality: Values = None, min_confidence: float | None = None, q: str | None = None,
    ) -> LakeReport:  # fmt: skip
        """Write the events and story events the filters keep under ``directory`` as Parquet
        partitioned by month (``sitroom export --parquet-dir``, docs/lake.md); returns the counts."""
        f = self._filter(since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                         type=type, modality=modality, min_confidence=min_confidence, q=q)  # fmt: skip
        return export_lake(self.store, directory, filters=f)

    @_released
    def stories(
        self, *, min_mentions: int = 1, since: Day = None, until: Day = None, actor: str | None = None,
        recipient: str | None = None, dyad: Pair = None, undirected: bool = False, type: Values = None,  # noqa: A002
        modality: Values = None, min_confidence: float | None = None, q: str | None = None, arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:  # fmt: skip
        """Story events, each with its consensus fields and the list of its mentions; only those the filters keep."""
        f = self._filter(since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                         type=type, modality=modality, min_confidence=min_confidence, q=q)  # fmt: skip
        rows = self.store.public_stories(min_mentions, filters=f)
        return _out(pd.DataFrame(rows, columns=list(PUBLIC_STORY_COLUMNS)), arrow)

    @_released
    def threats(
        self,
        *,
        status: list[str] | None = None,
        actor: str | None = None,
        recipient: str | None = None,
        type: Values = None,  # noqa: A002
        since: Day = None,
        until: Day = None,
        window_days: int = ledger.DEFAULT_WINDOW_DAYS,
        as_of: date | None = None,
        arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:
        """The threat ledger (see sitroom.stories.ledger for the statuses); ``actor`` is the declarant
        or the addressee, ``recipient`` the addressee; dates and types are the threat story's."""
        f = self._filter(since=since, until=until, actor=actor, recipient=recipient, type=type)
        kept = threat_stories(self.store, f)
        entries = ledger.select(ledger.threat_ledger(self.store, window_days=window_days, as_of=as_of), status=status)
        rows = [ledger.entry_row(e) for e in entries if kept is None or e.story_id in kept]
        return _out(pd.DataFrame(rows, columns=list(ledger.ENTRY_COLUMNS)), arrow)

    @_released
    def timeline(
        self,
        dyad: Pair = None,
        *,
        freq: str = "day",
        undirected: bool = False,
        since: Day = None,
        until: Day = None,
        arrow: bool = False,
    ) -> pd.DataFrame | pa.Table:
        """Escalation timeline of one pair ("IRN-ISR", "Hezbollah-ISR"), or of every directed pair;
        per ``freq``: day, week or month."""
        if freq not in FREQS:
            raise FilterError(f"freq must be one of {', '.join(FREQS)}, not {freq!r}")
        f = self._filter(dyad=dyad, undirected=undirected, since=since, until=until)
        pair = _timeline.Dyad.of(f.actor, f.recipient, f.undirected) if f.dyad else None
        frame = _timeline.timeline(self.store, pair, freq=freq, since=f.since, until=f.until)
        frame.attrs.update(freq=freq, dyad=str(pair) if pair else None, undirected=f.undirected)  # for sitroom.plot
        return _out(frame, arrow)

    @_released
    def alerts(self, *, freq: str = "day", baseline: int = 14, z_threshold: float = 3.0, min_conflict: float = 5.0,
               dyad: Pair = None, undirected: bool = False, since: Day = None, until: Day = None,
               arrow: bool = False) -> pd.DataFrame | pa.Table:  # fmt: skip
        """Periods in which a pair departs from its baseline (rolling z-score)."""
        f = self._filter(dyad=dyad, undirected=undirected, since=since, until=until)
        pair = _timeline.Dyad.of(f.actor, f.recipient, f.undirected) if f.dyad else None
        frame = _timeline.alerts(
            self.store, freq=freq, baseline=baseline, z_threshold=z_threshold, min_conflict=min_conflict,
            dyad=pair, since=f.since, until=f.until,
        )  # fmt: skip
        frame.attrs.update(freq=freq, z_threshold=z_threshold, min_conflict=min_conflict)  # for sitroom.plot
        return _out(frame, arrow)

    @_released
    def network(self, *, since: Day = None, until: Day = None, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Weighted directed edges between countries by QuadClass, on story events."""
        f = self._filter(since=since, until=until)
        return _out(_network.network(self.store, since=f.since, until=f.until), arrow)

    # --- analyst reviews (sitroom.review): each write opens the store for writing for the call ---------------

    def _review(self, make: Callable[[Store], Any]) -> pd.DataFrame:
        """Run one review function on the store opened for writing; the reviews made, as ``reviews()`` lists them."""
        from .review import list_reviews

        self.store.release()
        with Store(self.store.path, wait=self.store.wait) as store:
            made = make(store)
            made = made if isinstance(made, list) else [made]
            ids = {r.review_id for r in made}
            rows = [r for r in list_reviews(store) if r["review_id"] in ids]
        from .review import REVIEW_COLUMNS

        return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))

    @_released
    def reviews(self, *, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """Every review in the order made, with its status: applied, orphaned (its events are gone) or undone."""
        from .review import REVIEW_COLUMNS, list_reviews

        return _out(pd.DataFrame(list_reviews(self.store), columns=list(REVIEW_COLUMNS)), arrow)

    def review_event(
        self, event_id: str, *, confirm: bool = False, reject: bool = False, type: str | None = None,  # noqa: A002
        actor: str | None = None, recipient: str | None = None, by: str | None = None, note: str = "",
    ) -> pd.DataFrame:  # fmt: skip
        """Confirm or reject an event, or correct its type, actor or recipient (names as the filters take them);
        ReviewError (E119, a ValueError) names what is wrong."""
        from .review import review_event

        return self._review(lambda store: review_event(store, event_id, confirm=confirm, reject=reject, event_type=type,
                                                       actor=actor, recipient=recipient, by=by, note=note))  # fmt: skip

    def merge_stories(self, first: str, second: str, *, by: str | None = None, note: str = "") -> pd.DataFrame:
        """Two stories report one act: the second's reports join the first."""
        from .review import merge_stories

        return self._review(lambda store: merge_stories(store, first, second, by=by, note=note))

    def split_event(self, event_id: str, *, by: str | None = None, note: str = "") -> pd.DataFrame:
        """The event reports an act of its own: it leaves its story for a new one."""
        from .review import split_event

        return self._review(lambda store: split_event(store, event_id, by=by, note=note))

    def review_link(self, story_id: str, *, confirm: bool = False, reject: bool = False, to: str | None = None,
                    by: str | None = None, note: str = "") -> pd.DataFrame:  # fmt: skip
        """Confirm or reject that a story responds to ``to`` (default: its link now)."""
        from .errors import ReviewError
        from .review import review_link

        if confirm == reject:
            raise ReviewError("confirm or reject the link")
        action = "confirm" if confirm else "reject"
        return self._review(lambda store: review_link(store, story_id, action=action, to=to, by=by, note=note))

    def review_threat(self, story_id: str, *, status: str, by_story: str | None = None, by: str | None = None,
                      note: str = "") -> pd.DataFrame:  # fmt: skip
        """Set a threat ledger entry's status ("carried out" with ``by_story``, "open", ...)."""
        from .review import review_threat

        return self._review(lambda store: review_threat(store, story_id, status=status, by_story=by_story, by=by, note=note))

    def undo_review(self, review_id: str, *, by: str | None = None) -> pd.DataFrame:
        """Undo a review: it stays listed as undone; the machine's judgement stands again."""
        from .review import undo_review

        return self._review(lambda store: undo_review(store, review_id, by=by))



def open_store(path: str | os.PathLike[str] | None = None, *, wait: float = DEFAULT_WAIT) -> Situation:
    """Open a store for reading (``sitroom.open``); ``None`` means $SITROOM_DB or ./sitroom.duckdb.
    ``wait``: seconds to wait for a store another process is writing, then StoreLockedError (E117)."""
    from .store import default_db_path

    return Situation(path or default_db_path(), wait=wait)
