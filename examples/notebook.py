# %% [markdown]
# # One pair's escalation, in a notebook
#
# A script in the "percent" format: each `# %%` line starts a cell. VS Code,
# PyCharm and Spyder run the cells one by one; Jupyter opens the file as a
# notebook through jupytext; `python examples/notebook.py` runs it all at once.
# It needs the plot extra (`pip install 'sitroom[plot]'`) and a store: `make demo`
# builds `demo.duckdb` from the demo corpus. See docs/notebook.md.

# %%
import os
from pathlib import Path

import pandas as pd

import sitroom
from sitroom import plot

DB = os.environ.get("SITROOM_DB", "demo.duckdb")  # the store to read
DYAD = "IRN-ISR"  # the pair: countries, sectors (ISRMIL-IRN) or named actors (Hezbollah-ISR)
OUT = Path("plots")  # where the PNG files and the weekly table go
OUT.mkdir(exist_ok=True)

# %% [markdown]
# ## Load the pair's story events
# Each row is one story (forty copies of one strike are one story); `undirected`
# takes both directions. Dates are pandas datetime64 columns.

# %%
with sitroom.open(DB) as room:
    stories = room.stories(dyad=DYAD, undirected=True)
    timeline = room.timeline(DYAD, freq="week", undirected=True)
    alerts = room.alerts()
    threats = room.threats(actor=DYAD.split("-")[0], recipient=DYAD.split("-")[1])

print(f"{len(stories)} stories of {DYAD} either way, {len(threats)} threats, {len(alerts)} alerts in the store")
stories[["story_id", "event_date", "event_type", "quad_class", "n_mentions", "n_outlets"]].head()

# %% [markdown]
# ## Resample weekly
# Stories per week (weeks starting on Monday, labelled by that day) and QuadClass:
# 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
# Stories without an event date are left out by the resampling.

# %%
weekly = (
    stories.groupby([pd.Grouper(key="event_date", freq="W-MON", closed="left", label="left"), "quad_class"])
    .size()
    .unstack(fill_value=0)
    .reindex(columns=[1, 2, 3, 4], fill_value=0)
    .rename(columns=lambda q: f"quad{q}")
)
weekly.to_csv(OUT / "weekly.csv")
weekly

# %% [markdown]
# ## Plot the timeline
# Cooperation above the axis, conflict below it, in evidence-weighted stories; a
# marker for each week with threats.

# %%
fig = plot.timeline(timeline).figure
fig.savefig(OUT / "timeline.png", dpi=100)
fig

# %% [markdown]
# ## Plot the alerts
# Every pair's alerts: days on which its conflict jumped above its own 14-day
# baseline, as z-scores, with the threshold they crossed.

# %%
fig = plot.alerts(alerts).figure
fig.savefig(OUT / "alerts.png", dpi=100)
fig

# %%
print("wrote", ", ".join(sorted(p.name for p in OUT.iterdir())), "in", OUT)
