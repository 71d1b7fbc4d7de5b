"""Sitroom in a notebook (docs/notebook.md): the Python API's date columns are
datetime64 so frames resample, Arrow tables keep date32, the plot helpers draw
headless and say what to install without matplotlib, and the example notebook
script runs end to end on a small store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import sitroom
from sitroom.pipeline import IngestOptions
from sitroom.store import Store
from sitroom.stories.update import update_stories

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "notebook.py"


def article(aid: str, published: str, text: str, outlet: str = "Wire A") -> dict:
    return {"id": aid, "title": f"Title {aid}", "outlet": outlet, "url": f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


CORPUS = [
    article("n1", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable."),
    article("n2", "2024-10-09", "Iran fired about 180 ballistic missiles at Israel on Tuesday.", "Paper C"),
    article("n3", "2024-10-09", "Iran fired ballistic missiles at Israel on Tuesday, the Israeli military said."),
    article("n4", "2024-10-26", "Israel struck military sites in Iran on Saturday, the Israeli military said."),
    article("n5", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets near Tehran.", "Paper C"),
    article("n6", "2024-10-14", "Israel struck Hezbollah targets in Lebanon on Monday. The Israeli army gave no details."),
    article("n7", "2024-10-20", "Israel agreed on Sunday to hold talks with Iran in Oman, officials said.", "Paper D"),
    article("n8", "2024-10-21", "Iran praised Israel on Monday for the prisoner exchange.", "Paper D"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    root = tmp_path_factory.mktemp("notebook")
    src = root / "corpus.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    path = root / "room.duckdb"
    with Store(path) as store:
        report = pipeline.ingest([src], store, IngestOptions())
        assert report.failed == 0, report.problems
        update_stories(store)
    return path


@pytest.fixture(scope="module")
def frames(db) -> dict[str, pd.DataFrame]:
    with sitroom.open(db) as room:
        return {
            "events": room.events(), "stories": room.stories(), "threats": room.threats(),
            "timeline": room.timeline("IRN-ISR"), "alerts": room.alerts(), "network": room.network(),
        }  # fmt: skip


DATE_COLUMNS = {
    "events": ["published", "event_date"],
    "stories": ["event_date", "first_reported", "last_reported"],
    "threats": ["date", "status_date"],
    "timeline": ["period"],
    "alerts": ["period"],
    "network": [],
}


# --- 1. date columns --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(n for n in DATE_COLUMNS if DATE_COLUMNS[n]))
def test_every_date_column_is_a_naive_datetime64_at_midnight(frames, name):
    frame = frames[name]
    assert not frame.empty, name
    for column in DATE_COLUMNS[name]:
        values = frame[column]
        assert pd.api.types.is_datetime64_dtype(values.dtype), (name, column, values.dtype)
        assert getattr(values.dtype, "tz", None) is None
        days = values.dropna()
        assert not days.empty and (days == days.dt.normalize()).all(), (name, column)
    others = [c for c in frame.columns if c not in DATE_COLUMNS[name]]
    assert not any(pd.api.types.is_datetime64_any_dtype(frame[c].dtype) for c in others)


def test_dates_keep_their_days(frames):
    events = frames["events"]
    assert set(events["published"].dt.date) == {date.fromisoformat(a["published"]) for a in CORPUS}
    missile = events[events["article_id"] == "n2"].iloc[0]
    assert missile["event_date"] == pd.Timestamp("2024-10-08") and missile["published"] == pd.Timestamp("2024-10-09")


def test_frames_resample_by_week_and_month(frames):
    events, stories, threats = frames["events"], frames["stories"], frames["threats"]
    weekly = events.resample("W", on="event_date").size()
    assert weekly.sum() == events["event_date"].notna().sum() and weekly.index.freqstr == "W-SUN"
    assert stories.resample("W", on="first_reported").size().sum() == len(stories)
    assert threats.resample("W", on="date").size().sum() == threats["date"].notna().sum() > 0
    monthly = frames["timeline"].set_index("period").resample("MS")["stories"].sum()
    assert list(monthly.index) == [pd.Timestamp("2024-10-01")] and monthly.iloc[0] == frames["timeline"]["stories"].sum()
    assert frames["alerts"].resample("W", on="period").size().sum() == len(frames["alerts"])
    assert list(frames["network"].columns) == ["source", "target", "quad_class", "stories", "weight", "intensity"]


def test_empty_frames_have_datetime64_columns_too(db):
    with sitroom.open(db) as room:
        empty = [room.events(since="2030-01-01"), room.stories(since="2030-01-01"),
                 room.threats(since="2030-01-01"), room.timeline("IRN-ISR", since="2030-01-01"),
                 room.alerts(since="2030-01-01")]  # fmt: skip
    for frame, name in zip(empty, ["events", "stories", "threats", "timeline", "alerts"]):
        assert frame.empty
        for column in DATE_COLUMNS[name]:
            assert pd.api.types.is_datetime64_dtype(frame[column].dtype), (name, column)
        assert frame.set_index(DATE_COLUMNS[name][0]).resample("W").size().empty


def test_arrow_tables_keep_date32(db):
    with sitroom.open(db) as room:
        tables = {"events": room.events(arrow=True), "stories": room.stories(arrow=True),
                  "threats": room.threats(arrow=True), "timeline": room.timeline("IRN-ISR", arrow=True),
                  "alerts": room.alerts(arrow=True), "no events": room.events(since="2030-01-01", arrow=True),
                  "no alerts": room.alerts(since="2030-01-01", arrow=True)}  # fmt: skip
        dates = room.events()["published"]
    for name, table in tables.items():
        assert isinstance(table, pa.Table)
        for column in DATE_COLUMNS.get(name.replace("no ", ""), []):
            assert table.schema.field(column).type == pa.date32(), (name, column)
    assert tables["events"].column("published").to_pylist() == [d.date() for d in dates]


# --- 2. the public names ----------------------------------------------------------------------------


def test_every_public_name_is_importable_listed_by_dir_and_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    python = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    for name in sitroom.__all__:
        assert getattr(sitroom, name) is not None, name
        assert name in dir(sitroom), name
        assert f"`{name}`" in python, f"{name} is not documented in the README's Python section"
    assert sitroom.StoreLockedError.code == "E117" and issubclass(sitroom.StoreLockedError, sitroom.StoreError)
    assert sitroom.plot.__name__ == "sitroom.plot"


# --- 3. plot helpers --------------------------------------------------------------------------------


@pytest.fixture()
def plot(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    from sitroom import plot

    yield plot
    import matplotlib.pyplot as plt

    plt.close("all")


def test_timeline_plot_draws_cooperation_up_conflict_down_and_marks_threats(db, plot, tmp_path):
    from matplotlib.axes import Axes

    with sitroom.open(db) as room:
        frame = room.timeline("IRN-ISR", freq="week", undirected=True)
    ax = plot.timeline(frame)
    assert isinstance(ax, Axes) and "IRN-ISR" in ax.get_title() and "week" in ax.get_title()
    cooperation, conflict = ax.containers  # bar containers, in the order drawn
    assert [b.get_height() for b in cooperation] == pytest.approx(list(frame["quad1"] + frame["quad2"]))
    assert [b.get_height() for b in conflict] == pytest.approx(list(-(frame["quad3"] + frame["quad4"])))
    assert sum(frame["quad1"] + frame["quad2"]) > 0 and sum(frame["quad3"] + frame["quad4"]) > 0
    (threats,) = ax.collections
    assert len(threats.get_offsets()) == int((frame["threats"] > 0).sum()) > 0
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"threats", "cooperation (QuadClass 1-2)", "conflict (QuadClass 3-4)"}
    ax.figure.savefig(tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_timeline_plot_refuses_several_pairs_and_frames_of_other_methods(db, plot):
    with sitroom.open(db) as room:
        every = room.timeline()
        alerts = room.alerts()
    with pytest.raises(ValueError, match=r"pairs \(.*\); plot one"):
        plot.timeline(every)
    with pytest.raises(ValueError, match="not a frame of room.timeline"):
        plot.timeline(alerts)


def test_alerts_plot_draws_z_scores_and_the_threshold_line(db, plot):
    import matplotlib.pyplot as plt
    from matplotlib.collections import PathCollection

    with sitroom.open(db) as room:
        alerts = room.alerts(z_threshold=2.5)
        arrow = room.alerts(z_threshold=2.5, arrow=True)
    assert not alerts.empty
    ax = plot.alerts(alerts)
    points = [float(y) for c in ax.collections if isinstance(c, PathCollection) for _, y in c.get_offsets()]
    assert sorted(points) == pytest.approx(sorted(alerts["z"]))
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [2.5, 2.5] and line.get_linestyle() == "--"
    assert {f"{s}-{t}" for s, t in zip(alerts["source"], alerts["target"])} <= {t.get_text() for t in ax.get_legend().get_texts()}
    fig, (a, b) = plt.subplots(2)
    assert plot.alerts(arrow, threshold=4, ax=b) is b and list(b.get_lines()[0].get_ydata()) == [4, 4]
    assert plot.alerts(alerts.iloc[:0], ax=a).texts[0].get_text() == "no alerts"


def test_plots_without_matplotlib_say_to_install_the_plot_extra(db, monkeypatch):
    from sitroom import plot

    with sitroom.open(db) as room:
        timeline, alerts = room.timeline("IRN-ISR"), room.alerts()
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    for draw in (lambda: plot.timeline(timeline), lambda: plot.alerts(alerts)):
        with pytest.raises(ImportError, match=r"sitroom\[plot\]"):
            draw()


def test_plots_draw_headless_with_no_display(db, tmp_path):
    """No DISPLAY and no MPLBACKEND: matplotlib falls back to Agg and the files are written."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    code = (
        "import sys, sitroom, matplotlib\n"
        "from sitroom import plot\n"
        "with sitroom.open(sys.argv[1]) as room:\n"
        "    plot.timeline(room.timeline('IRN-ISR')).figure.savefig(sys.argv[2] + '/t.png')\n"
        "    plot.alerts(room.alerts()).figure.savefig(sys.argv[2] + '/a.png')\n"
        "print(matplotlib.get_backend())\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(db), str(tmp_path)], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().lower() == "agg"
    assert all((tmp_path / f).read_bytes()[:4] == b"\x89PNG" for f in ("t.png", "a.png"))


# --- 4. the example notebook ------------------------------------------------------------------------


def test_the_example_notebook_runs_end_to_end_and_writes_its_files(db, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# %%") and text.count("\n# %%") >= 5  # percent-format cells
    env = {**os.environ, "SITROOM_DB": str(db), "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, str(EXAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "plots"
    assert sorted(p.name for p in out.iterdir()) == ["alerts.png", "timeline.png", "weekly.csv"]
    for png in ("alerts.png", "timeline.png"):
        data = (out / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, png
    weekly = pd.read_csv(out / "weekly.csv", parse_dates=["event_date"])
    assert list(weekly.columns) == ["event_date", "quad1", "quad2", "quad3", "quad4"]
    assert (weekly["event_date"].dt.day_of_week == 0).all()  # weeks from Monday, as the timeline's
    with sitroom.open(db) as room:
        stories = room.stories(dyad="IRN-ISR", undirected=True)
    assert weekly[["quad1", "quad2", "quad3", "quad4"]].to_numpy().sum() == stories["event_date"].notna().sum() > 0
    assert "IRN-ISR" in run.stdout and "wrote alerts.png, timeline.png, weekly.csv" in run.stdout


def test_the_notebook_doc_names_the_example_and_every_helper():
    doc = (ROOT / "docs" / "notebook.md").read_text(encoding="utf-8")
    assert "examples/notebook.py" in doc and "sitroom[plot]" in doc
    from sitroom import plot

    for name in plot.__all__:
        if callable(getattr(plot, name)):
            assert f"plot.{name}(" in doc, name
