"""The actor network: weighted directed edges between actors, per QuadClass,
counted on story events (copies of one report add nothing)."""

from __future__ import annotations

import json
from datetime import date
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from ..output import plain
from ..store import Store
from .timeline import pair_frame

__all__ = ["NETWORK_FORMATS", "network", "write_network"]

NETWORK_FORMATS = ("json", "graphml")  # the graph forms; the edge list goes through sitroom.output
_COLUMNS = ["source", "target", "quad_class", "stories", "weight", "intensity"]


def network(store: Store, *, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """One row per (source country, target country, QuadClass): number of story
    events, summed evidence weight and weighted intensity. Threats are
    QuadClass 3 edges like any other verbal conflict."""
    frame = pair_frame(store, since=since, until=until)
    if frame.empty:
        return pd.DataFrame(columns=_COLUMNS)
    frame = frame.assign(weighted=frame["weight"] * frame["intensity"])
    edges = frame.groupby(["source", "target", "quad_class"], as_index=False).agg(
        stories=("story_id", "nunique"), weight=("weight", "sum"), intensity=("weighted", "sum")
    )
    edges["quad_class"] = edges["quad_class"].astype(int)
    edges[["weight", "intensity"]] = edges[["weight", "intensity"]].round(4)
    return edges.sort_values(["weight", "source", "target"], ascending=[False, True, True]).reset_index(drop=True)[_COLUMNS]


def write_network(edges: pd.DataFrame, out: TextIO, fmt: str) -> None:
    """The network as a graph: JSON nodes and edges (by the output convention) or GraphML."""
    if fmt == "json":
        nodes = sorted(set(edges["source"]) | set(edges["target"]))
        json.dump({"nodes": [{"id": n} for n in nodes], "edges": plain(edges.to_dict(orient="records"))}, out, indent=1)
        out.write("\n")
    elif fmt == "graphml":
        _graphml(edges, out)
    else:
        raise ValueError(f"unknown network format {fmt!r}; choose from {', '.join(NETWORK_FORMATS)}")


def _graphml(edges: pd.DataFrame, out: TextIO) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    for key, kind in (("quad_class", "int"), ("stories", "int"), ("weight", "double"), ("intensity", "double")):
        out.write(f'  <key id="{key}" for="edge" attr.name="{key}" attr.type="{kind}"/>\n')
    out.write('  <graph id="sitroom" edgedefault="directed">\n')
    for node in sorted(set(edges["source"]) | set(edges["target"])):
        out.write(f"    <node id={quoteattr(str(node))}/>\n")
    for n, row in enumerate(edges.itertuples(index=False)):
        out.write(f'    <edge id="e{n}" source={quoteattr(str(row.source))} target={quoteattr(str(row.target))}>\n')
        for key in ("quad_class", "stories", "weight", "intensity"):
            out.write(f'      <data key="{key}">{escape(str(getattr(row, key)))}</data>\n')
        out.write("    </edge>\n")
    out.write("  </graph>\n</graphml>\n")
