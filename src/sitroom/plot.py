"""Plots for notebooks: a pair's escalation timeline and the alerts, drawn with matplotlib.

Each helper takes the frame the Python API returns and gives back the matplotlib
Axes it drew on (its figure is ``ax.figure``); pass ``ax=`` to draw into a figure
of your own::

    import sitroom
    from sitroom import plot

    with sitroom.open("demo.duckdb") as room:
        ax = plot.timeline(room.timeline("IRN-ISR", freq="week"))
        ax.figure.savefig("timeline.png")
        plot.alerts(room.alerts(dyad="IRN-ISR")).figure.savefig("alerts.png")

matplotlib is the optional extra ``sitroom[plot]`` and is imported only when a
plot is drawn: without it a helper raises ImportError saying what to install.
Nothing here needs a display: with no GUI matplotlib draws with Agg
(set ``MPLBACKEND=Agg`` to be sure).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["INSTALL_HINT", "alerts", "timeline"]

INSTALL_HINT = "sitroom.plot draws with matplotlib, which is not installed: install the plot extra, pip install 'sitroom[plot]'"
COOPERATION_COLOR = "#2b8cbe"
CONFLICT_COLOR = "#d7301f"
THREAT_COLOR = "#fdae61"
_TIMELINE_COLUMNS = ("period", "source", "target", "quad1", "quad2", "quad3", "quad4", "threats")
_ALERT_COLUMNS = ("period", "source", "target", "z")
_BAR_DAYS = {"day": 0.8, "week": 5.6, "month": 24.0}  # bar widths, in days


def _pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError that names the extra to install (the one lazy import)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(INSTALL_HINT) from e
    return plt


def _frame(data: Any, columns: tuple[str, ...], made_by: str) -> pd.DataFrame:
    """A pandas frame of the API (an Arrow table is converted) with the given columns, periods as datetime64."""
    frame = data.to_pandas() if hasattr(data, "to_pandas") and not isinstance(data, pd.DataFrame) else data
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected the DataFrame of {made_by}, not {type(data).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"not a frame of {made_by}: no column {', '.join(missing)}")
    frame = frame.assign(period=pd.to_datetime(frame["period"]))
    frame.attrs = dict(getattr(data, "attrs", {}) or {})
    return frame


def _axes(ax: Axes | None) -> Axes:
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4), layout="constrained")
    return ax


def _dates(ax: Axes) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _legend(ax: Axes) -> None:
    """The legend beside the plot, where it hides no bar."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")


def _freq(frame: pd.DataFrame) -> str:
    """The timeline's period (day, week or month): as the API said, else from the spacing of the periods."""
    if frame.attrs.get("freq") in _BAR_DAYS:
        return frame.attrs["freq"]
    steps = frame["period"].drop_duplicates().sort_values().diff().dropna()
    days = steps.min().days if len(steps) else 1
    return "day" if days < 7 else "week" if days < 28 else "month"


def timeline(data: Any, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Bars per period (from its first day) of one pair's timeline (``room.timeline("IRN-ISR", freq="week")``): cooperation
    (QuadClass 1 and 2) above the axis, conflict (3 and 4) below it, in weighted stories; a marker
    under the conflict bar for each period with threats. Returns the Axes drawn on."""
    frame = _frame(data, _TIMELINE_COLUMNS, 'room.timeline("SOURCE-TARGET")')
    pairs = list(dict.fromkeys(zip(frame["source"], frame["target"])))
    if len(pairs) > 1:
        named = ", ".join(f"{s}-{t}" for s, t in pairs[:5]) + (", ..." if len(pairs) > 5 else "")
        raise ValueError(f"the timeline holds {len(pairs)} pairs ({named}); plot one: room.timeline(\"{pairs[0][0]}-{pairs[0][1]}\")")
    ax = _axes(ax)
    freq = _freq(frame)
    pair = frame.attrs.get("dyad") or (f"{pairs[0][0]}-{pairs[0][1]}" if pairs else "")
    ax.set_title(title if title is not None else f"{pair} escalation timeline, per {freq}".strip())
    ax.set_ylabel(f"weighted stories per {freq}")
    if frame.empty:
        ax.text(0.5, 0.5, "no stories", transform=ax.transAxes, ha="center", va="center")
        return ax
    when = frame["period"]
    cooperation = (frame["quad1"] + frame["quad2"]).astype(float)
    conflict = (frame["quad3"] + frame["quad4"]).astype(float)
    width = pd.Timedelta(days=_BAR_DAYS[freq])
    ax.bar(when, cooperation, width=width, align="edge", color=COOPERATION_COLOR, label="cooperation (QuadClass 1-2)")
    ax.bar(when, -conflict, width=width, align="edge", color=CONFLICT_COLOR, label="conflict (QuadClass 3-4)")
    ax.axhline(0, color="black", linewidth=0.8)
    top = max(float(cooperation.max()), float(conflict.max()), 1.0)
    ax.set_ylim(-1.2 * top, 1.2 * top)  # cooperation and conflict on one scale
    threats = frame["threats"].astype(float) > 0
    if threats.any():
        ax.scatter(when[threats] + width / 2, -conflict[threats] - 0.08 * top, marker="v", s=60, color=THREAT_COLOR,
                   edgecolors="black", linewidths=0.6, zorder=3, label="threats")  # fmt: skip
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{abs(y):g}"))  # conflict counts are drawn downwards
    _dates(ax)
    _legend(ax)
    return ax


def alerts(data: Any, *, threshold: float | None = None, ax: Axes | None = None, title: str | None = None) -> Axes:
    """The z-score of each alert (``room.alerts()``) as a stem at its period, one colour per pair, with
    the threshold as a dashed line (``threshold``: the ``z_threshold`` the alerts were computed with,
    else 3). Returns the Axes drawn on."""
    frame = _frame(data, _ALERT_COLUMNS, "room.alerts()")
    if threshold is None:
        threshold = float(frame.attrs.get("z_threshold", 3.0))
    ax = _axes(ax)
    ax.set_title(title if title is not None else "Alerts: conflict against each pair's baseline")
    ax.set_ylabel("z-score")
    frame = frame[frame["z"].notna()]
    for n, ((source, target), rows) in enumerate(frame.groupby(["source", "target"], sort=True)):
        color = f"C{n % 10}"
        ax.vlines(rows["period"], 0, rows["z"], color=color, linewidth=1.2)
        ax.scatter(rows["period"], rows["z"], color=color, zorder=3, label=f"{source}-{target}")
    if math.isfinite(threshold):
        ax.axhline(threshold, color="grey", linestyle="--", linewidth=1, label=f"threshold z = {threshold:g}")
    if frame.empty:
        ax.text(0.5, 0.5, "no alerts", transform=ax.transAxes, ha="center", va="center")
    else:
        _dates(ax)
    ax.set_ylim(bottom=min(0.0, float(frame["z"].min()) if not frame.empty else 0.0))
    _legend(ax)
    return ax
