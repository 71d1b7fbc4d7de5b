// The three SVG pictures: escalation timeline, actor network, map. Each takes
// the API's JSON and callbacks, and returns an <svg> (or null when there is
// nothing to draw). Labels and tooltips are text nodes; colours and sizes are
// SVG presentation attributes (allowed by the page's CSP, unlike style="").

import { clickable, day, dayMs, num, shortDay, svg } from "./dom.js";

export const QUAD_COLORS = { 1: "#4cc9f0", 2: "#57cc99", 3: "#f4a261", 4: "#e63946" };
export const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };

/** A round upper bound for an axis and its ticks. */
function niceScale(max, count = 4) {
  if (!(max > 0)) max = 1;
  const rough = max / count;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= rough) || 10 * mag;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { top, ticks };
}

function title(text) {
  return svg("title", { text });
}

// --- escalation timeline -------------------------------------------------------------------------

/**
 * Conflict per period as bars, weighted threats as a line on the right axis,
 * alert periods as marked diamonds. `onAlert(alert)` when one is clicked,
 * `onPeriod(row)` when a bar is, `onBrush(first, last)` (the first and last
 * rows) when a range of periods is dragged across, `onReset()` on a
 * double-click. `width` is the picture's width in pixels (default 760), so it
 * is drawn at its own size rather than scaled down on a narrow screen.
 */
export function timelineChart(data, { onAlert, onPeriod, onBrush, onReset, width = 760 } = {}) {
  const rows = (data.items || []).filter((r) => !Number.isNaN(dayMs(r.period)));
  if (!rows.length) return null;
  const alerts = data.alerts || [];
  const freq = data.freq || "day";
  const W = Math.max(280, Math.round(width)), H = W < 520 ? 230 : 290;
  const m = W < 520 ? { l: 34, r: 30, t: 24, b: 30 } : { l: 46, r: 42, t: 26, b: 34 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const n = rows.length;
  const band = pw / n;

  const conflictMax = Math.max(1, ...rows.map((r) => +r.conflict || 0), ...alerts.map((a) => +a.conflict || 0));
  const left = niceScale(conflictMax);
  const threatMax = Math.max(0, ...rows.map((r) => +r.threats || 0));
  const right = niceScale(Math.max(threatMax, 1), 4);
  const yc = (v) => m.t + ph - (ph * (+v || 0)) / left.top;
  const yt = (v) => m.t + ph - (ph * (+v || 0)) / right.top;
  const xc = (i) => m.l + band * (i + 0.5);

  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`, class: "chart-svg timeline-svg", role: "img",
    "aria-label": `Conflict per ${freq} for ${data.dyad || "the pair"}`, "data-testid": "timeline-svg",
  });

  // grid and axes
  const grid = svg("g", { class: "grid" });
  for (const v of left.ticks) {
    grid.append(svg("line", { x1: m.l, x2: W - m.r, y1: yc(v), y2: yc(v) }));
    grid.append(svg("text", { x: m.l - 6, y: yc(v) + 4, "text-anchor": "end", class: "tick" }, num(v)));
  }
  for (const v of right.ticks) {
    grid.append(svg("text", { x: W - m.r + 6, y: yt(v) + 4, "text-anchor": "start", class: "tick tick-threats" }, num(v)));
  }
  grid.append(svg("text", { x: m.l - 30, y: m.t - 12, "text-anchor": "start", class: "axis-title" }, "conflict"));
  grid.append(svg("text", { x: W - m.r + 30, y: m.t - 12, "text-anchor": "end", class: "axis-title tick-threats" }, "threats"));
  root.append(grid);

  // x axis with dates
  const axis = svg("g", { class: "axis" });
  axis.append(svg("line", { x1: m.l, x2: W - m.r, y1: m.t + ph, y2: m.t + ph }));
  const k = Math.min(n, Math.max(2, Math.floor(pw / 95)));
  const shown = new Set();
  for (let j = 0; j < k; j++) shown.add(k === 1 ? 0 : Math.round((j * (n - 1)) / (k - 1)));
  let first = true;
  for (const i of [...shown].sort((a, b) => a - b)) {
    const x = xc(i);
    axis.append(svg("line", { x1: x, x2: x, y1: m.t + ph, y2: m.t + ph + 4 }));
    axis.append(svg("text", { x, y: m.t + ph + 17, "text-anchor": "middle", class: "tick" }, shortDay(rows[i].period, first)));
    first = false;
  }
  root.append(axis);

  // dotted stems from the alert markers down to the axis, under the bars
  const stems = svg("g", { class: "alert-stems" });
  root.append(stems);

  // conflict bars
  const bars = svg("g", { class: "bars" });
  const bw = Math.max(1, band * 0.78);
  rows.forEach((r, i) => {
    const v = +r.conflict || 0;
    const y = yc(v);
    const tip = `${freq === "week" ? "week of " : ""}${day(r.period)}: conflict ${num(v)}, threats ${num(r.threats)}, ${r.stories || 0} stories`;
    // a full-height transparent hit area makes thin or empty periods easy to point at
    const hit = svg("rect", { x: m.l + band * i, y: m.t, width: band, height: ph, class: "hit" }, title(tip));
    const bar = svg("rect", { x: xc(i) - bw / 2, y, width: bw, height: Math.max(0, m.t + ph - y), class: "bar", "data-period": day(r.period) }, title(tip));
    if (onPeriod && (r.stories || 0) > 0) {
      clickable(hit, () => onPeriod(r), tip);
      bar.addEventListener("click", () => onPeriod(r));
      hit.classList.add("active");
    }
    bars.append(hit, bar);
  });
  root.append(bars);

  // threats line (right axis)
  // threats (right axis) as lollipops: a stem from the axis and a dot at the value
  if (threatMax > 0) {
    const layer = svg("g", { class: "threats" });
    rows.forEach((r, i) => {
      const v = +r.threats || 0;
      if (v <= 0) return;
      const x = xc(i) + Math.min(band * 0.25, 3);
      layer.append(svg("line", { x1: x, x2: x, y1: m.t + ph, y2: yt(v), class: "threat-line" }));
      layer.append(svg("circle", { cx: x, cy: yt(v), r: 3.5, class: "threat-dot" }, title(`${day(r.period)}: threats ${num(v, 2)} (weighted)`)));
    });
    root.append(layer);
  }

  // alert markers
  const index = new Map(rows.map((r, i) => [day(r.period), i]));
  const marks = svg("g", { class: "alerts" });
  for (const a of alerts) {
    const i = index.get(day(a.period));
    if (i === undefined) continue;
    const x = xc(i);
    const y = Math.max(m.t + 2, yc(a.conflict) - 14);
    const tip = `Alert ${day(a.period)}: z ${num(a.z, 2)}, conflict ${num(a.conflict)} (baseline ${num(a.baseline_mean)} ± ${num(a.baseline_sd)}), ${a.stories || 0} stories`;
    stems.append(svg("line", { x1: x, x2: x, y1: y + 7, y2: m.t + ph, class: "alert-stem" }));
    const g = svg("g", { class: "alert-marker", "data-testid": "alert-marker", "data-period": day(a.period) }, title(tip));
    g.append(svg("path", { d: `M${x},${y - 7} L${x + 7},${y} L${x},${y + 7} L${x - 7},${y} Z`, class: "alert-diamond" }));
    if (onAlert) clickable(g, () => onAlert(a), tip);
    marks.append(g);
  }
  root.append(marks);
  if (onBrush) brushable(root, { W, left: m.l, right: W - m.r, top: m.t, height: ph, band, rows, onBrush });
  if (onReset) root.addEventListener("dblclick", (ev) => {
    ev.preventDefault();
    onReset();
  });
  return root;
}

/**
 * Drag across the plot to pick a range of periods: a shaded band follows the
 * pointer (mouse, pen or finger; vertical swipes still scroll the page) and,
 * once released after moving a few pixels, `onBrush(first, last)` gets the
 * first and last rows under it. A press that does not move stays a click.
 */
function brushable(root, { W, left, right, top, height, band, rows, onBrush }) {
  root.classList.add("brushable");
  const shade = svg("rect", { x: left, y: top, width: 0, height, class: "brush", "data-testid": "brush", visibility: "hidden" });
  root.append(shade);
  let start = null; // viewBox x where the drag began
  let moved = false;
  let swallowClick = false;
  const toX = (ev) => {
    const box = root.getBoundingClientRect();
    const x = ((ev.clientX - box.left) * W) / Math.max(box.width, 1);
    return Math.min(right, Math.max(left, x));
  };
  const indexAt = (x) => Math.min(rows.length - 1, Math.max(0, Math.floor((x - left) / band)));
  root.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || ev.target.closest(".alert-marker")) return;
    start = toX(ev);
    moved = false;
  });
  root.addEventListener("pointermove", (ev) => {
    if (start === null) return;
    const x = toX(ev);
    if (!moved && Math.abs(x - start) * (root.getBoundingClientRect().width / W) < 5) return;
    if (!moved) {
      moved = true;
      try {
        root.setPointerCapture(ev.pointerId);
      } catch {
        // the pointer is already gone: the drag ends on the next pointerup anyway
      }
    }
    const i0 = indexAt(Math.min(start, x)), i1 = indexAt(Math.max(start, x));
    shade.setAttribute("x", String(left + i0 * band));
    shade.setAttribute("width", String((i1 - i0 + 1) * band));
    shade.setAttribute("visibility", "visible");
  });
  const finish = (ev, cancelled) => {
    if (start === null) return;
    const x = toX(ev);
    const from = start;
    start = null;
    if (!moved) return;
    swallowClick = true;
    window.setTimeout(() => (swallowClick = false), 0);
    if (cancelled) {
      shade.setAttribute("visibility", "hidden");
      return;
    }
    const i0 = indexAt(Math.min(from, x)), i1 = indexAt(Math.max(from, x));
    onBrush(rows[i0], rows[i1]);
  };
  root.addEventListener("pointerup", (ev) => finish(ev, false));
  root.addEventListener("pointercancel", (ev) => finish(ev, true));
  // the click that ends a drag is not a click on the bar it ended on
  root.addEventListener("click", (ev) => {
    if (swallowClick) {
      ev.stopPropagation();
      ev.preventDefault();
    }
  }, true);
}

// --- actor network -------------------------------------------------------------------------------

/**
 * A deterministic force layout (Fruchterman–Reingold from a circle, 300
 * iterations): the same data always gives the same picture.
 */
const GRAVITY = 2;

function layout(nodes, links, W, H) {
  const n = nodes.length;
  const pos = nodes.map((_, i) => {
    const a = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
    return { x: W / 2 + (W / 3) * Math.cos(a), y: H / 2 + (H / 3) * Math.sin(a) };
  });
  if (n <= 2) return pos;
  const k = Math.sqrt((W * H) / n) * 0.8;
  const iterations = 300;
  for (let it = 0; it < iterations; it++) {
    const temp = (W / 8) * (1 - it / iterations) + 0.5;
    const disp = pos.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        let d = Math.hypot(dx, dy);
        if (d < 0.01) { dx = 0.01 * (i - j); dy = 0.01; d = Math.hypot(dx, dy); }
        const f = (k * k) / d;
        disp[i].x += (dx / d) * f; disp[i].y += (dy / d) * f;
        disp[j].x -= (dx / d) * f; disp[j].y -= (dy / d) * f;
      }
    }
    for (const { a, b, w } of links) {
      const dx = pos[a].x - pos[b].x, dy = pos[a].y - pos[b].y;
      const d = Math.max(Math.hypot(dx, dy), 0.01);
      const f = ((d * d) / k) * (0.6 + 0.4 * w);
      disp[a].x -= (dx / d) * f; disp[a].y -= (dy / d) * f;
      disp[b].x += (dx / d) * f; disp[b].y += (dy / d) * f;
    }
    for (let i = 0; i < n; i++) {
      // gravity keeps unconnected nodes in the picture
      disp[i].x += (W / 2 - pos[i].x) * GRAVITY;
      disp[i].y += (H / 2 - pos[i].y) * GRAVITY;
      const d = Math.max(Math.hypot(disp[i].x, disp[i].y), 0.01);
      const step = Math.min(d, temp);
      pos[i].x += (disp[i].x / d) * step;
      pos[i].y += (disp[i].y / d) * step;
    }
  }
  return pos;
}

/** Countries as circles sized by stories; directed edges coloured by QuadClass, width by weight. */
export function networkChart(data, { onNode, onEdge } = {}) {
  const rawNodes = (data.nodes || []).slice();
  const edges = (data.edges || []).filter((e) => e.source != null && e.target != null);
  const ids = new Set(rawNodes.map((nd) => nd.id));
  for (const e of edges) {
    for (const id of [e.source, e.target]) {
      if (!ids.has(id)) { ids.add(id); rawNodes.push({ id, stories: 0 }); }
    }
  }
  if (!rawNodes.length) return null;
  const nodes = rawNodes.sort((a, b) => (b.stories || 0) - (a.stories || 0) || String(a.id).localeCompare(String(b.id)));
  const at = new Map(nodes.map((nd, i) => [nd.id, i]));
  const W = 620, H = 440;

  const maxWeight = Math.max(1e-9, ...edges.map((e) => +e.weight || 0));
  const pairWeight = new Map();
  for (const e of edges) {
    const a = at.get(e.source), b = at.get(e.target);
    if (a === b) continue;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    pairWeight.set(key, (pairWeight.get(key) || 0) + (+e.weight || 0));
  }
  const links = [...pairWeight].map(([key, w]) => {
    const [a, b] = key.split("|").map(Number);
    return { a, b, w: w / maxWeight };
  });
  const raw = layout(nodes, links, W, H);

  const maxStories = Math.max(1, ...nodes.map((nd) => +nd.stories || 0));
  const radius = nodes.map((nd) => 6 + 14 * Math.sqrt((+nd.stories || 0) / maxStories));
  // fit the layout into the picture, leaving room for the biggest node and its label
  const pad = 34;
  const xs = raw.map((p) => p.x), ys = raw.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = x1 - x0 > 1 ? (W - 2 * pad) / (x1 - x0) : 0;
  const sy = y1 - y0 > 1 ? (H - 2 * pad) / (y1 - y0) : 0;
  const pos = raw.map((p) => ({ x: sx ? pad + (p.x - x0) * sx : W / 2, y: sy ? pad + (p.y - y0) * sy : H / 2 }));

  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg network-svg", role: "img", "aria-label": "Actor network", "data-testid": "network-svg" });
  const defs = svg("defs");
  for (const q of [1, 2, 3, 4]) {
    defs.append(
      svg("marker", { id: `nw-arrow-q${q}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto" },
        svg("path", { d: "M0,0 L10,5 L0,10 Z", fill: QUAD_COLORS[q] })),
    );
  }
  root.append(defs);

  // parallel edges of one directed pair fan out by QuadClass
  const byPair = new Map();
  for (const e of edges) {
    const key = `${e.source}>${e.target}`;
    if (!byPair.has(key)) byPair.set(key, []);
    byPair.get(key).push(e);
  }
  const edgeLayer = svg("g", { class: "edges" });
  const sorted = edges.slice().sort((a, b) => (+a.weight || 0) - (+b.weight || 0));
  for (const e of sorted) {
    const a = at.get(e.source), b = at.get(e.target);
    const q = [1, 2, 3, 4].includes(+e.quad_class) ? +e.quad_class : 3;
    const siblings = byPair.get(`${e.source}>${e.target}`).slice().sort((u, v) => u.quad_class - v.quad_class);
    const rank = siblings.indexOf(e);
    const width = 1 + 5 * ((+e.weight || 0) / maxWeight);
    let d;
    if (a === b) {
      const p = pos[a], r = radius[a], off = 6 * rank;
      d = `M${p.x - r * 0.5},${p.y - r * 0.85} C${p.x - r * 2.4 - off},${p.y - r * 3 - off} ${p.x + r * 2.4 + off},${p.y - r * 3 - off} ${p.x + r * 0.5},${p.y - r * 0.85}`;
    } else {
      const p = pos[a], t = pos[b];
      const dx = t.x - p.x, dy = t.y - p.y, len = Math.max(Math.hypot(dx, dy), 1);
      const nx = -dy / len, ny = dx / len; // right-hand normal: the reverse edge bends the other way
      const bend = Math.min(len * (0.1 + 0.08 * rank), 18 + 14 * rank);
      const cx = (p.x + t.x) / 2 + nx * bend * 2, cy = (p.y + t.y) / 2 + ny * bend * 2;
      const from = towards(p, { x: cx, y: cy }, radius[a] + 1);
      const to = towards(t, { x: cx, y: cy }, radius[b] + 2);
      d = `M${from.x.toFixed(1)},${from.y.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${to.x.toFixed(1)},${to.y.toFixed(1)}`;
    }
    const tip = `${e.source} → ${e.target}: ${QUAD_NAMES[q]}, ${e.stories} stories, weight ${num(e.weight, 2)}, intensity ${num(e.intensity)}`;
    const path = svg("path", {
      d, fill: "none", stroke: QUAD_COLORS[q], "stroke-width": width.toFixed(2), "stroke-opacity": 0.8,
      "marker-end": `url(#nw-arrow-q${q})`, class: `edge q${q}`, "data-source": e.source, "data-target": e.target,
    }, title(tip));
    if (onEdge) clickable(path, () => onEdge(e), tip);
    edgeLayer.append(path);
  }
  root.append(edgeLayer);

  const nodeLayer = svg("g", { class: "nodes" });
  nodes.forEach((nd, i) => {
    const tip = `${nd.id}: ${nd.stories || 0} stories`;
    const g = svg("g", { class: "node", "data-id": nd.id }, title(tip));
    g.append(svg("circle", { cx: pos[i].x, cy: pos[i].y, r: radius[i].toFixed(1) }));
    g.append(svg("text", { x: pos[i].x, y: pos[i].y + radius[i] + 12, "text-anchor": "middle", class: "node-label" }, String(nd.id)));
    if (onNode) clickable(g, () => onNode(nd), tip);
    nodeLayer.append(g);
  });
  root.append(nodeLayer);
  return root;
}

function towards(p, q, dist) {
  const dx = q.x - p.x, dy = q.y - p.y, len = Math.max(Math.hypot(dx, dy), 1e-6);
  return { x: p.x + (dx / len) * dist, y: p.y + (dy / len) * dist };
}

// --- map -----------------------------------------------------------------------------------------

const WORLD = { lon0: -180, lon1: 180, lat0: -58, lat1: 84 };

/** The lon/lat window to show: the places with a margin, or the whole world. */
export function mapView(places, aspect) {
  const pts = places.filter((p) => Number.isFinite(+p.longitude) && Number.isFinite(+p.latitude) && p.longitude !== null && p.latitude !== null);
  let v = { ...WORLD };
  if (pts.length) {
    const lons = pts.map((p) => +p.longitude), lats = pts.map((p) => +p.latitude);
    v = { lon0: Math.min(...lons), lon1: Math.max(...lons), lat0: Math.min(...lats), lat1: Math.max(...lats) };
    const pad = Math.max(4, 0.3 * Math.max(v.lon1 - v.lon0, v.lat1 - v.lat0));
    v = { lon0: Math.max(-180, v.lon0 - pad), lon1: Math.min(180, v.lon1 + pad), lat0: Math.max(-85, v.lat0 - pad), lat1: Math.min(85, v.lat1 + pad) };
  }
  const kx = Math.cos((((v.lat0 + v.lat1) / 2) * Math.PI) / 180);
  let w = (v.lon1 - v.lon0) * kx, h = v.lat1 - v.lat0;
  if (w / h < aspect) {
    const extra = (h * aspect - w) / kx / 2;
    v.lon0 -= extra; v.lon1 += extra; w = h * aspect;
  } else {
    const extra = (w / aspect - h) / 2;
    v.lat0 -= extra; v.lat1 += extra; h = w / aspect;
  }
  return { ...v, kx };
}

function ringsOf(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates || [];
  if (geometry.type === "MultiPolygon") return (geometry.coordinates || []).flat(1);
  return [];
}

function mix(a, b, t) {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa.map((x, i) => Math.round(x + (pb[i] - x) * t).toString(16).padStart(2, "0")).join("")}`;
}

export function conflictColor(conflict, max) {
  if (!(conflict > 0)) return "#5fa8d3";
  return mix("#f6bd60", "#e63946", Math.min(1, conflict / Math.max(max, 1e-9)));
}

/**
 * Country outlines (GeoJSON Polygon/MultiPolygon as path d strings) in an
 * equirectangular projection scaled by the cosine of the middle latitude,
 * zoomed to the places; places as circles sized by stories, coloured by conflict.
 */
export function mapChart(geojson, places, { onPlace } = {}) {
  const W = 800, H = 500;
  const v = mapView(places, W / H);
  const s = W / ((v.lon1 - v.lon0) * v.kx);
  const px = (lon) => (lon - v.lon0) * v.kx * s;
  const py = (lat) => (v.lat1 - lat) * s;

  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg map-svg", role: "img", "aria-label": "Map of the places of story events", "data-testid": "map-svg" });
  root.append(svg("rect", { x: 0, y: 0, width: W, height: H, class: "sea" }));

  // graticule
  const span = v.lon1 - v.lon0;
  const stepDeg = span > 120 ? 30 : span > 50 ? 10 : span > 20 ? 5 : 2;
  const grat = svg("g", { class: "graticule" });
  for (let lon = Math.ceil(v.lon0 / stepDeg) * stepDeg; lon <= v.lon1; lon += stepDeg) grat.append(svg("line", { x1: px(lon), x2: px(lon), y1: 0, y2: H }));
  for (let lat = Math.ceil(v.lat0 / stepDeg) * stepDeg; lat <= v.lat1; lat += stepDeg) grat.append(svg("line", { x1: 0, x2: W, y1: py(lat), y2: py(lat) }));
  root.append(grat);

  const active = new Set(places.map((p) => p.country).filter(Boolean));
  const land = svg("g", { class: "countries" });
  for (const f of (geojson && geojson.features) || []) {
    const rings = ringsOf(f.geometry);
    let bx0 = Infinity, bx1 = -Infinity, by0 = Infinity, by1 = -Infinity;
    for (const ring of rings) for (const [lon, lat] of ring) {
      if (lon < bx0) bx0 = lon; if (lon > bx1) bx1 = lon; if (lat < by0) by0 = lat; if (lat > by1) by1 = lat;
    }
    if (bx1 < v.lon0 - 1 || bx0 > v.lon1 + 1 || by1 < v.lat0 - 1 || by0 > v.lat1 + 1) continue; // out of view
    const parts = [];
    for (const ring of rings) {
      let last = null;
      const pts = [];
      for (const [lon, lat] of ring) {
        const x = px(lon), y = py(lat);
        if (last && Math.abs(x - last[0]) < 0.4 && Math.abs(y - last[1]) < 0.4) continue;
        pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
        last = [x, y];
      }
      if (pts.length >= 3) parts.push(`M${pts.join(" ")}Z`);
    }
    if (!parts.length) continue;
    const props = f.properties || {};
    const iso = props.iso3 || "";
    land.append(svg("path", { d: parts.join(""), class: ["country", active.has(iso) ? "has-events" : ""], "data-iso3": iso }, title(props.name ? `${props.name}${iso ? ` (${iso})` : ""}` : iso)));
  }
  root.append(land);

  const pts = places
    .filter((p) => p.longitude !== null && p.latitude !== null && Number.isFinite(+p.longitude) && Number.isFinite(+p.latitude))
    .sort((a, b) => (b.stories || 0) - (a.stories || 0));
  const maxStories = Math.max(1, ...pts.map((p) => +p.stories || 0));
  const maxConflict = Math.max(0, ...pts.map((p) => +p.conflict || 0));
  const layer = svg("g", { class: "places" });
  const labels = svg("g", { class: "place-labels" });
  const taken = []; // label boxes already placed: a label that would overlap one is left out
  pts.forEach((p, i) => {
    const r = 5 + 13 * Math.sqrt((+p.stories || 0) / maxStories);
    const x = px(+p.longitude), y = py(+p.latitude);
    const tip = `${p.name || "?"}${p.country ? ` (${p.country})` : ""}: ${p.stories} ${p.stories === 1 ? "story" : "stories"}, conflict ${num(p.conflict)}`;
    const c = svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), fill: conflictColor(+p.conflict || 0, maxConflict), class: "place", "data-name": p.name || "" }, title(tip));
    if (onPlace) clickable(c, () => onPlace(p), tip);
    layer.append(c);
    const label = String(p.name || "");
    const box = { x0: x + r + 2, x1: x + r + 4 + label.length * 7.5, y0: y - 8, y1: y + 8 };
    const free = !taken.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0)
      && !pts.some((o) => o !== p && Math.abs(px(+o.longitude) - (box.x0 + box.x1) / 2) < (box.x1 - box.x0) / 2 && Math.abs(py(+o.latitude) - y) < 8);
    if (i < 12 && label && free) {
      taken.push(box);
      labels.append(svg("text", { x: (x + r + 3).toFixed(1), y: (y + 4).toFixed(1), class: "place-label" }, label));
    }
  });
  root.append(layer, labels);
  return root;
}

