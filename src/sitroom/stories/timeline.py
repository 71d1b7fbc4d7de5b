"""Escalation timelines per directed pair of actors, and alerts when a pair
departs from its own baseline.

Counted on story events, so forty copies of one strike count once: each story
adds its evidence weight (0.5 for one source, 0.75 for two independent
sources, ... see ``evidence_weight``) to the period of its consensus date.
Per pair and period (day, week or calendar month; weeks start on Monday):

- ``stories``: story events of the pair (asserted acts and threats);
- ``quad1`` .. ``quad4``: weighted counts of asserted acts by QuadClass
  (1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
  4 material conflict), threats excluded;
- ``threats``: weighted count of threats (THREATEN stories not negated);
- ``intensity``: weighted sum of the acts' intensity (-10 .. +10);
- ``conflict``: weighted sum of the acts' conflict intensity (minus the
  negative intensities; threats included), the series the alerts watch.

Alerts (``alerts``): for each pair, the conflict series (every period from
``baseline`` periods before its first story to its last, empty periods as 0)
is compared with the mean and standard deviation of the ``baseline``
preceding periods: z = (x - mean) / max(sd, 1). A period is an alert when
z >= ``z_threshold`` (3) and its conflict is at least ``min_conflict`` (5, one
strike from one source). A first strike between two quiet parties is
therefore an alert; a pair already fighting daily needs a much larger day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..filters import Side
from ..store import Store

__all__ = ["Dyad", "alerts", "pair_frame", "parse_dyad", "story_frame", "timeline"]

FREQS = {"day": "D", "week": "W-SUN", "month": "M"}  # weeks ending Sunday, so each starts on a Monday
ALERT_FREQS = ("day", "week")  # the baseline needs periods of one length
_STEP = {"day": "D", "week": "7D", "month": "MS"}
_SIDE = re.compile(r"^([A-Z0-9]{3})([A-Z]{3})?$")  # a country or IGO code (G7N, G20), then a sector
QUAD_COLUMNS = ["quad1", "quad2", "quad3", "quad4"]


@dataclass(slots=True, frozen=True)
class Dyad:
    """A pair of sides: countries (IRN), countries and sectors (ISRMIL) or named actors (Hezbollah);
    ``undirected`` counts the stories of both directions as the pair's."""

    source: str | None  # country code; None for a named actor
    target: str | None
    source_sector: str | None = None
    target_sector: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    undirected: bool = False

    def __str__(self) -> str:
        return f"{self.source_label}-{self.target_label}"

    @property
    def source_label(self) -> str:
        return self.source_name or f"{self.source}{self.source_sector or ''}"

    @property
    def target_label(self) -> str:
        return self.target_name or f"{self.target}{self.target_sector or ''}"

    @property
    def countries_only(self) -> bool:
        """A directed pair of plain countries, as every pair's alerts list them."""
        return not (self.source_sector or self.target_sector or self.source_name or self.target_name or self.undirected)

    @classmethod
    def of(cls, source: Side, target: Side, undirected: bool = False) -> Dyad:
        """The pair of two resolved filter sides (sitroom.filters)."""
        return cls(
            None if source.name else source.country, None if target.name else target.country,
            None if source.name else source.sector, None if target.name else target.sector,
            source.name, target.name, undirected,
        )  # fmt: skip


def parse_dyad(text: str) -> Dyad:
    """``IRN-ISR`` (countries or IGO codes such as G7N) or ``ISRMIL-IRN`` (country and sector, CAMEO style)."""
    parts = text.strip().upper().split("-")
    if len(parts) != 2:
        raise ValueError(f"dyad {text!r} is not SOURCE-TARGET, e.g. IRN-ISR or ISRMIL-IRN")
    sides = []
    for part in parts:
        m = _SIDE.match(part)
        if not m:
            raise ValueError(
                f"dyad side {part!r} is not a 3-letter country code (or a 3-character IGO code such as G7N), "
                "optionally followed by a 3-letter sector"
            )
        sides.append(m.groups())
    (a, a_sec), (b, b_sec) = sides
    return Dyad(a, b, a_sec, b_sec)


_STORY_FRAME_SQL = """
WITH s AS (
    SELECT rowid AS rid, story_id, event_type, quad_class, intensity, event_date, weight, actor, recipient
    FROM stories
    WHERE event_date IS NOT NULL AND (modality = 'asserted' OR event_type = 'THREATEN' AND modality <> 'negated')
      AND (? IS NULL OR event_date >= ?) AND (? IS NULL OR event_date <= ?)
      AND (? IS NULL OR list_contains([x.country FOR x IN actor], ?))
      AND (? IS NULL OR list_contains([x.country FOR x IN recipient], ?))
      -- a party on both sides ("intercepted by the US, Britain and Israel") is a coding error, not a dyad
      AND len(list_intersect([coalesce(x.country, '') FOR x IN actor], [coalesce(x.country, '') FOR x IN recipient])) = 0
),
a AS (SELECT rid, unnest(actor) AS a, generate_subscripts(actor, 1) AS ai FROM s),
b AS (SELECT rid, unnest(recipient) AS b, generate_subscripts(recipient, 1) AS bi FROM s)
SELECT s.story_id, s.event_type, s.quad_class::BIGINT AS quad_class, s.intensity, s.event_date AS date, s.weight,
       a.a.country AS source, coalesce(a.a.sector, '') AS source_sector,
       b.b.country AS target, coalesce(b.b.sector, '') AS target_sector, s.event_type = 'THREATEN' AS threat,
       lower(coalesce(a.a.name, '')) AS source_name, lower(coalesce(b.b.name, '')) AS target_name
FROM s JOIN a USING (rid) JOIN b USING (rid)
WHERE coalesce(a.a.country, '') <> '' AND coalesce(b.b.country, '') <> '' AND a.a.country <> b.b.country
ORDER BY s.rid, a.ai, b.bi
"""
_FRAME_COLUMNS = ["story_id", "event_type", "quad_class", "intensity", "date", "weight", "source", "source_sector",
                  "target", "target_sector", "threat", "source_name", "target_name"]  # fmt: skip


def story_frame(store: Store, since: date | None = None, until: date | None = None, dyad: Dyad | None = None) -> pd.DataFrame:
    """One row per (story, actor, recipient) of asserted acts and threats
    (only stories between the ``dyad``'s countries, when it names a directed pair of countries).
    Stories with a country on both sides are left out."""
    source = target = None
    if dyad is not None and not dyad.undirected:
        source, target = dyad.source, dyad.target
    rows = store.query(_STORY_FRAME_SQL, [since, since, until, until, source, source, target, target])
    frame = pd.DataFrame(rows, columns=_FRAME_COLUMNS)
    # a story with two recipients in one country counts once for that pair
    return frame.drop_duplicates(["story_id", "source", "source_sector", "source_name", "target", "target_sector", "target_name"])


def _side(frame: pd.DataFrame, column: str, country: str | None, sector: str | None, name: str | None) -> pd.Series:
    """Rows whose ``column`` side (source or target) is this actor: by name, else by country (and sector)."""
    if name:
        return frame[f"{column}_name"] == name.lower()
    keep = frame[column] == country
    if sector:
        keep &= frame[f"{column}_sector"] == sector
    return keep


def _select(frame: pd.DataFrame, dyad: Dyad) -> pd.DataFrame:
    a = (dyad.source, dyad.source_sector, dyad.source_name)
    b = (dyad.target, dyad.target_sector, dyad.target_name)
    keep = _side(frame, "source", *a) & _side(frame, "target", *b)
    if dyad.undirected:
        keep |= _side(frame, "source", *b) & _side(frame, "target", *a)
    picked = frame[keep].drop_duplicates(["story_id"])
    return picked.assign(source=dyad.source_label, target=dyad.target_label)


def pair_frame(store: Store, dyad: str | Dyad | None = None, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """One row per (story, country pair), or per story of one ``dyad`` (its sectors honoured)."""
    if dyad is None:
        return story_frame(store, since, until).drop_duplicates(["story_id", "source", "target"])
    dyad = parse_dyad(dyad) if isinstance(dyad, str) else dyad
    return _select(story_frame(store, since, until, dyad), dyad)


def _measures(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Each row's contribution to its pair's period (module docstring)."""
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {', '.join(FREQS)}, not {freq!r}")
    acts = ~frame["threat"]
    w = frame["weight"]
    measures = pd.DataFrame(
        {
            "stories": 1,
            **{f"quad{q}": w.where(acts & (frame["quad_class"] == q), 0.0) for q in range(1, 5)},
            "threats": w.where(frame["threat"], 0.0),
            "intensity": (w * frame["intensity"]).where(acts, 0.0),
            "conflict": w * (-frame["intensity"]).clip(lower=0.0),
        },
        index=frame.index,
    )
    data = pd.concat([frame[["story_id", "source", "target"]], measures], axis=1)
    data["period"] = pd.to_datetime(frame["date"]).dt.to_period(FREQS[freq]).dt.start_time
    return data


def timeline(
    store: Store,
    dyad: str | Dyad | None = None,
    *,
    freq: str = "day",
    since: date | None = None,
    until: date | None = None,
    fill: bool = True,
) -> pd.DataFrame:
    """Per pair and period: stories, weighted QuadClass counts, threats, intensity and conflict.
    With a ``dyad``, every period from its first to its last story is listed (``fill``)."""
    frame = pair_frame(store, dyad, since, until)
    columns = ["period", "source", "target", "stories", *QUAD_COLUMNS, "threats", "intensity", "conflict"]
    data = _measures(frame, freq)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = data.groupby(["source", "target", "period"], as_index=False)[columns[3:]].sum()
    if dyad is not None and fill:
        full = pd.date_range(grouped["period"].min(), grouped["period"].max(), freq=_STEP[freq])
        src, tgt = grouped["source"].iloc[0], grouped["target"].iloc[0]
        grouped = (
            grouped.set_index("period").reindex(full).rename_axis("period").reset_index()
            .assign(source=src, target=tgt)
        )  # fmt: skip
        grouped[columns[3:]] = grouped[columns[3:]].fillna(0)
    grouped["stories"] = grouped["stories"].astype(int)
    grouped["period"] = grouped["period"].dt.date
    for c in [*QUAD_COLUMNS, "threats", "intensity", "conflict"]:
        grouped[c] = grouped[c].astype(float).round(4)
    return grouped[columns].sort_values(["source", "target", "period"]).reset_index(drop=True)


def alerts(
    store: Store,
    *,
    freq: str = "day",
    baseline: int = 14,
    z_threshold: float = 3.0,
    min_conflict: float = 5.0,
    dyad: str | Dyad | None = None,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Periods in which a pair's conflict departs from its trailing baseline (module docstring);
    only those from ``since`` up to ``until``, when given."""
    if baseline < 1:
        raise ValueError("baseline must be at least 1 period")
    if freq not in ALERT_FREQS:
        raise ValueError(f"alerts are computed per {' or '.join(ALERT_FREQS)}, not {freq!r}")
    columns = ["period", "source", "target", "conflict", "baseline_mean", "baseline_sd", "z", "stories", "story_ids"]
    frame = pair_frame(store, dyad)
    data = _measures(frame, freq)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    # every pair's periods with stories, sorted by pair and period
    groups = data.groupby(["source", "target", "period"])
    group = groups.ngroup().to_numpy()
    per = groups["stories"].sum().reset_index()
    source, target = per["source"].to_numpy(), per["target"].to_numpy()
    first = np.ones(len(per), dtype=bool)  # the pair's first period
    first[1:] = (source[1:] != source[:-1]) | (target[1:] != target[:-1])
    per["conflict"] = _pair_sums(data, group, first)
    series, mean, sd, at = _baselines(per["period"].to_numpy(), per["conflict"].to_numpy(), first, freq, baseline)
    conflict, mean, sd = series[at], mean[at], sd[at]
    z = (conflict - mean) / np.maximum(sd, 1.0)  # sd floored at 1, NaN kept (sd.clip(lower=1.0))
    # only periods with stories can be alerts (an empty one never reaches a positive min_conflict;
    # with min_conflict and z_threshold <= 0 the former per-pair loop failed on one with a KeyError)
    hit = (z >= z_threshold) & (conflict >= min_conflict)
    if since is not None:
        hit &= per["period"].dt.date.to_numpy() >= since
    if until is not None:
        hit &= per["period"].dt.date.to_numpy() <= until
    ids = _story_ids(data["story_id"].to_numpy(), group, hit)
    hits = per[hit]
    days = hits["period"].to_numpy().astype("datetime64[D]").tolist()  # datetime.date, as Timestamp.date()
    found = [
        {
            "period": day, "source": src, "target": tgt, "conflict": round(x, 4), "baseline_mean": round(m, 4),
            "baseline_sd": round(s, 4), "z": round(zz, 3), "stories": n, "story_ids": story_ids,
        }
        for day, src, tgt, n, x, m, s, zz, story_ids in zip(
            days, hits["source"].tolist(), hits["target"].tolist(), hits["stories"].tolist(),
            conflict[hit].tolist(), mean[hit].tolist(), sd[hit].tolist(), z[hit].tolist(), ids,
        )
    ]  # fmt: skip
    out = pd.DataFrame(found, columns=columns)
    return out.sort_values(["period", "z", "source", "target"], ascending=[True, False, True, True]).reset_index(drop=True)


def _pair_sums(data: pd.DataFrame, group: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The conflict of each (pair, period) group, in group order (``group``:
    each row's group, ``first``: whether a group is its pair's first), summed
    by a groupby by period of the pair's rows alone, one pair at a time: pandas
    picks how it sums (a plain running sum when the rows come in period order,
    a compensated one otherwise) from all the rows of a call, so one grouped
    sum over every pair would change the last bits of some sums."""
    pair = np.cumsum(first) - 1
    rows = np.flatnonzero(group >= 0)
    rows = rows[np.argsort(pair[group[rows]], kind="stable")]  # by pair, each pair's in frame order
    bounds = np.flatnonzero(np.diff(pair[group[rows]])) + 1
    conflict, period = data["conflict"].to_numpy(), data["period"].to_numpy()
    out = np.empty(len(first), dtype=np.float64)
    for chunk, lo in zip(np.split(rows, bounds), np.flatnonzero(first)):
        sums = pd.Series(conflict[chunk]).groupby(period[chunk]).sum().to_numpy()
        out[lo : lo + len(sums)] = sums
    return out


def _baselines(
    periods: np.ndarray, conflict: np.ndarray, first: np.ndarray, freq: str, baseline: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair's conflict series laid end to end, each from ``baseline``
    periods before the pair's first story to its last, empty periods as 0
    (``periods`` and ``conflict``: the periods with stories, sorted by pair and
    period; ``first``: a pair's first); the mean and standard deviation (ddof 0)
    of the ``baseline`` periods before each period (NaN where fewer); and where
    each period with stories sits in the series.

    The statistics are one rolling window grouped by pair over the series shifted
    by one period within each pair. pandas starts each group's window afresh, so
    every pair gets exactly ``series.shift(1).rolling(baseline, min_periods=baseline)``
    of its own series, value for value."""
    step = np.timedelta64(1 if freq == "day" else 7, "D")
    pair = np.cumsum(first) - 1
    firsts = periods[first]
    lasts = periods[np.append(np.flatnonzero(first)[1:] - 1, len(periods) - 1)]
    lengths = ((lasts - firsts) // step + baseline + 1).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    at = starts[pair] + baseline + ((periods - firsts[pair]) // step).astype(np.int64)
    series = np.zeros(int(lengths.sum()), dtype=np.float64)
    series[at] = conflict
    shifted = np.empty_like(series)
    shifted[1:] = series[:-1]
    shifted[starts] = np.nan
    past = pd.Series(shifted).groupby(np.repeat(np.arange(len(lengths)), lengths)).rolling(baseline, min_periods=baseline)
    mean, sd = np.empty_like(series), np.empty_like(series)
    for out, stat in ((mean, past.mean()), (sd, past.std(ddof=0))):
        out[stat.index.get_level_values(-1).to_numpy()] = stat.to_numpy()
    return series, mean, sd, at


def _story_ids(story_ids: np.ndarray, group: np.ndarray, hit: np.ndarray) -> list[list[str]]:
    """The sorted story ids of each group flagged in ``hit``, in group order
    (``group``: each row's group number, -1 for none)."""
    rows = np.flatnonzero((group >= 0) & hit[np.maximum(group, 0)])
    rows = rows[np.argsort(group[rows], kind="stable")]
    bounds = np.flatnonzero(np.diff(group[rows])) + 1
    return [sorted(set(chunk)) for chunk in np.split(story_ids[rows], bounds)] if len(rows) else []
