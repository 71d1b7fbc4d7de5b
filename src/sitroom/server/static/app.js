// Sitroom dashboard: one page over the JSON API (docs/api.md). No framework,
// no build step. Data from the API is never parsed as HTML: every node is
// built with createElement and every string set with textContent.

import * as api from "./api.js";
import { mapChart, networkChart, QUAD_COLORS, timelineChart } from "./charts.js";
import { clear, clickable, clock, day, el, errorMessage, externalLink, message, names, num, plural } from "./dom.js";

const $ = (sel) => document.querySelector(sel);
const LIMIT = 50;
const STATUSES = ["open", "carried out", "withdrawn", "lapsed"];

const state = {
  revision: null,
  pair: null,
  freq: "day",
  ledgerStatus: "",
  mode: "stories", // "stories" (/api/stories) or "events" (/api/events)
  filters: {},
  offset: 0,
  countries: null, // the GeoJSON, fetched once
  reloadDetails: null, // re-renders the details panel after a store update
  dashboardScroll: 0,
};

// Each panel counts its requests; an answer to an older one is dropped.
const tokens = {};
function ticket(name) {
  tokens[name] = (tokens[name] || 0) + 1;
  const mine = tokens[name];
  return () => tokens[name] === mine;
}

function pollInterval() {
  const fromQuery = Number(new URLSearchParams(window.location.search).get("poll"));
  const fromBody = Number(document.body.dataset.pollMs);
  const ms = fromQuery > 0 ? fromQuery : fromBody > 0 ? fromBody : 5000;
  return Math.max(200, ms);
}

// --- header and live updates ---------------------------------------------------------------------

function renderStatus(status) {
  const store = String(status.store || "store");
  const base = store.split(/[\\/]/).pop() || store;
  const name = $("#store-name");
  name.textContent = base;
  name.title = store;
  $("#count-articles").textContent = num(status.articles);
  $("#count-events").textContent = num(status.events);
  $("#count-stories").textContent = num(status.stories);
  const flags = [];
  const watching = Array.isArray(status.watching) ? status.watching.length > 0 : Boolean(status.watching);
  if (watching) flags.push("watching sources");
  if (status.writable) flags.push("accepts articles");
  name.dataset.flags = flags.join(" · ");
}

function setLive(ok, why) {
  const live = $("#live");
  live.classList.remove("pending", "ok", "offline");
  live.classList.add(ok ? "ok" : "offline");
  live.querySelector(".live-text").textContent = ok ? "live" : "offline";
  live.title = ok ? `polling every ${pollInterval() / 1000} s` : why || "the server cannot be reached";
}

async function poll() {
  try {
    const status = await api.getJSON("status");
    setLive(true);
    renderStatus(status);
    if (state.revision === null) {
      state.revision = status.revision;
    } else if (status.revision !== state.revision) {
      state.revision = status.revision;
      await refreshAll();
      $("#updated").textContent = `updated ${clock()}`;
    }
  } catch (err) {
    setLive(false, err.message);
  } finally {
    window.setTimeout(poll, pollInterval());
  }
}

async function refreshAll() {
  const jobs = [loadPairs().then(loadTimeline), loadLedger(), loadNetwork(), loadMap(), loadEvents()];
  if (state.reloadDetails) jobs.push(state.reloadDetails());
  await Promise.allSettled(jobs);
}

// --- escalation timeline -------------------------------------------------------------------------

async function loadPairs() {
  const current = ticket("pairs");
  const select = $("#pair-select");
  let data;
  try {
    data = await api.getJSON("pairs");
  } catch (err) {
    if (!current()) return;
    state.pair = null;
    clear(select);
    select.disabled = true;
    clear($("#timeline-chart")).append(errorMessage("Country pairs could not be loaded", err));
    return;
  }
  if (!current()) return;
  const items = data.items || [];
  clear(select);
  select.disabled = !items.length;
  for (const p of items) {
    const alerts = Array.isArray(p.alerts) ? p.alerts.length : +p.alerts || 0;
    const label = `${p.source} → ${p.target} · ${plural(+p.stories || 0, "story", "stories")} · conflict ${num(p.conflict)}${alerts ? ` · ${plural(alerts, "alert")}` : ""}`;
    select.append(el("option", { value: p.dyad }, label));
  }
  if (!items.some((p) => p.dyad === state.pair)) state.pair = items.length ? items[0].dyad : null;
  if (state.pair) select.value = state.pair;
}

async function loadTimeline() {
  const current = ticket("timeline");
  const box = $("#timeline-chart");
  if (!state.pair) {
    if ($("#pair-select").disabled && !box.querySelector(".error")) {
      clear(box).append(message("No country pairs with story events yet."));
    }
    return;
  }
  box.classList.add("loading");
  try {
    const data = await api.getJSON("timeline", { dyad: state.pair, freq: state.freq });
    if (!current()) return;
    const chart = timelineChart(data, { onAlert: showAlert, onPeriod: filterByPeriod });
    clear(box).append(chart || message(`No story events for ${state.pair}.`));
    const n = (data.alerts || []).length;
    if (chart) box.append(el("p", { class: "caption" }, `${data.dyad || state.pair}, per ${data.freq || state.freq}: ${plural((data.items || []).length, "period")}, ${plural(n, "alert")}. Click a bar to list its events.`));
  } catch (err) {
    if (current()) clear(box).append(errorMessage(`Timeline of ${state.pair} could not be loaded`, err));
  } finally {
    if (current()) box.classList.remove("loading");
  }
}

function showAlert(alert) {
  const ids = alert.story_ids || [];
  const heading = `Alert ${day(alert.period)} · ${alert.source} → ${alert.target} · z ${num(alert.z, 2)}, conflict ${num(alert.conflict)}`;
  showStories(heading, ids);
}

function filterByPeriod(row) {
  const [source, target] = String(state.pair || "").split("-");
  let until = day(row.period);
  if (state.freq === "week") {
    const d = new Date(`${day(row.period)}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 6);
    until = d.toISOString().slice(0, 10);
  }
  setFilters({ since: day(row.period), until, actor: source, recipient: target });
}

// --- threat ledger -------------------------------------------------------------------------------

function statusClass(status) {
  return `s-${String(status || "unknown").replace(/[^a-z]+/gi, "-").toLowerCase()}`;
}

function countOf(counts, status) {
  if (!counts) return 0;
  if (Array.isArray(counts)) {
    const row = counts.find((c) => c.status === status);
    return row ? +row.n || +row.count || 0 : 0;
  }
  return +counts[status] || 0;
}

const ACT_REPORTS = 3; // reports of a carrying act shown in its ledger row

/** The act that carried a threat out: the rule that decided it, a button that opens the act's story, its first reports. */
function ledgerAct(t) {
  if (t.status !== "carried out" || !t.carried_out_by) return null;
  const reports = t.carried_out_reports || [];
  const open = el("button", { type: "button", class: "ledger-act-open", title: `story ${t.carried_out_by}: every report` }, `act ${t.carried_out_by}`);
  open.addEventListener("click", (ev) => {
    ev.stopPropagation();
    showStory(t.carried_out_by);
  });
  return el("div", { class: "ledger-act small" },
    el("div", { class: "ledger-reason" }, t.reason || ""),
    el("div", {}, open, ` · ${reports.length} report${reports.length === 1 ? "" : "s"}`),
    el("ul", { class: "ledger-reports" },
      reports.slice(0, ACT_REPORTS).map((r) => el("li", {}, el("span", { class: "muted" }, `${day(r.published)} ${r.outlet || "—"}: `), r.sentence || ""))));
}

async function loadLedger() {
  const current = ticket("ledger");
  const box = $("#ledger-body");
  try {
    const data = await api.getJSON("threats", { status: state.ledgerStatus, limit: 500 });
    if (!current()) return;
    const counts = data.counts || {};
    let all = 0;
    for (const s of STATUSES) {
      const n = countOf(counts, s);
      all += n;
      document.querySelector(`#ledger-filter [data-count="${s}"]`).textContent = String(n);
    }
    document.querySelector('#ledger-filter [data-count="all"]').textContent = String(all || data.total || 0);
    const items = data.items || [];
    if (!items.length) {
      clear(box).append(message(state.ledgerStatus ? `No ${state.ledgerStatus} threats.` : "No threats in the store."));
      return;
    }
    const body = el("tbody");
    for (const t of items) {
      const row = el("tr", { class: "ledger-row", dataset: { storyId: t.story_id || "" } },
        el("td", { class: "nowrap" }, day(t.date)),
        el("td", {}, el("span", { class: "who" }, names(t.declarant_names || t.declarant)), " → ", el("span", { class: "whom" }, names(t.addressee_names || t.addressee))),
        el("td", {}, t.consequence || "—"),
        el("td", { class: "condition" }, t.condition || ""),
        el("td", { class: "ledger-status" }, el("span", { class: ["badge", statusClass(t.status)], title: t.reason || null }, t.status || "?"),
          t.status_date && t.status !== "open" ? el("div", { class: "muted small nowrap" }, day(t.status_date)) : null,
          ledgerAct(t)),
      );
      if (t.story_id) clickable(row, () => showStory(t.story_id), `threat ${t.story_id}: reports`);
      body.append(row);
    }
    const table = el("table", { class: "table" },
      el("thead", {}, el("tr", {}, el("th", {}, "date"), el("th", {}, "declarant → addressee"), el("th", {}, "threatened"), el("th", {}, "condition"), el("th", {}, "status"))),
      body);
    const total = +data.total || items.length;
    clear(box).append(table);
    if (total > items.length) box.append(el("p", { class: "caption" }, `showing ${items.length} of ${total}`));
  } catch (err) {
    if (current()) clear(box).append(errorMessage("The threat ledger could not be loaded", err));
  }
}

// --- actor network -------------------------------------------------------------------------------

async function loadNetwork() {
  const current = ticket("network");
  const box = $("#network-chart");
  try {
    const data = await api.getJSON("network");
    if (!current()) return;
    const chart = networkChart(data, {
      onNode: (node) => setFilters({ actor: node.id }),
      onEdge: (edge) => setFilters({ actor: edge.source, recipient: edge.target }),
    });
    clear(box).append(chart || message("No story events between countries yet."));
    if (chart) box.append(el("p", { class: "caption" }, "Circle size: story events. Click a country or an edge to list its events."));
  } catch (err) {
    if (current()) clear(box).append(errorMessage("The actor network could not be loaded", err));
  }
}

// --- map -----------------------------------------------------------------------------------------

async function countries() {
  if (!state.countries) {
    state.countries = api.getJSON("countries").catch((err) => {
      state.countries = null;
      throw err;
    });
  }
  return state.countries;
}

async function loadMap() {
  const current = ticket("map");
  const box = $("#map-chart");
  const hint = $("#map-hint");
  let places;
  try {
    places = (await api.getJSON("map", { limit: 500 })).items || [];
  } catch (err) {
    if (current()) clear(box).append(errorMessage("The places could not be loaded", err));
    return;
  }
  let outlines = null;
  let outlineError = null;
  try {
    outlines = await countries();
  } catch (err) {
    outlineError = err;
  }
  if (!current()) return;
  clear(box);
  if (outlineError) box.append(errorMessage("Country outlines could not be loaded", outlineError));
  box.append(mapChart(outlines, places, { onPlace: showPlace }));
  hint.textContent = places.length ? `${plural(places.length, "place")}, zoomed to the events` : "";
  if (!places.length) box.append(message("No story event has a known place yet."));
}

function showPlace(place) {
  showStories(`${place.name || "?"}${place.country ? ` (${place.country})` : ""}: ${plural(+place.stories || 0, "story", "stories")}`, place.story_ids || []);
}

// --- event list ----------------------------------------------------------------------------------

function readFilters() {
  const form = $("#filters");
  const out = {};
  for (const name of ["since", "until", "actor", "recipient", "type", "modality", "min_confidence", "q"]) {
    const value = String(form.elements[name].value || "").trim();
    if (value) out[name] = name === "type" ? value.toUpperCase().replace(/\s+/g, "") : value;
  }
  return out;
}

/** Set the event filters (from a click elsewhere), show story events, scroll to the list. */
function setFilters(filters) {
  const form = $("#filters");
  for (const name of ["since", "until", "actor", "recipient", "type", "modality", "min_confidence", "q"]) form.elements[name].value = filters[name] || "";
  state.filters = readFilters();
  state.offset = 0;
  setMode("stories", false);
  loadEvents();
  $("#events").scrollIntoView({ behavior: "smooth", block: "start" });
}

function setMode(mode, reload = true) {
  state.mode = mode;
  for (const b of document.querySelectorAll(".mode-btn")) {
    const on = b.dataset.mode === mode;
    b.classList.toggle("active", on);
    b.setAttribute("aria-pressed", String(on));
  }
  if (reload) {
    state.offset = 0;
    loadEvents();
  }
}

/** How sure the decision model is that an event is right as coded; nothing for rules-only events. */
function confidenceBadge(c) {
  if (typeof c !== "number") return null;
  const pct = Math.round(c * 100);
  return el("span", { class: ["confidence", c < 0.5 ? "low" : ""], title: `confidence ${num(c, 2)}: the model's calibrated chance that this event is right as coded`, "data-testid": "confidence" }, `${pct}%`);
}

function typeBadge(type, quad) {
  const badge = el("span", { class: "type" }, type || "?");
  if (QUAD_COLORS[quad]) badge.style.borderColor = QUAD_COLORS[quad];
  return badge;
}

function storyRow(s) {
  const where = s.location && s.location.name ? s.location.name : "";
  const row = el("tr", { class: "event-row", dataset: { storyId: s.story_id || "", testid: "event-row" } },
    el("td", { class: "nowrap" }, day(s.event_date) || "undated"),
    el("td", {}, typeBadge(s.event_type, s.quad_class), s.modality && s.modality !== "asserted" ? el("span", { class: "modality" }, s.modality) : null, confidenceBadge(s.confidence)),
    el("td", {}, el("span", { class: "who" }, names(s.actor)), " → ", el("span", { class: "whom" }, names(s.recipient))),
    el("td", { class: "muted" }, where),
    el("td", { class: "nowrap muted" }, `${plural(+s.n_mentions || 0, "report")} · ${plural(+s.n_outlets || 0, "outlet")}`),
  );
  clickable(row, () => showStory(s.story_id), `story ${s.story_id}: reports`);
  return row;
}

function eventRow(e) {
  const row = el("tr", { class: "event-row", dataset: { eventId: e.event_id || "", storyId: e.story_id || "", testid: "event-row" } },
    el("td", { class: "nowrap" }, day(e.event_date) || day(e.published) || "undated"),
    el("td", {}, typeBadge(e.event_type, e.quad_class), e.modality && e.modality !== "asserted" ? el("span", { class: "modality" }, e.modality) : null, confidenceBadge(e.confidence)),
    el("td", {}, el("span", { class: "who" }, names(e.actor)), " → ", el("span", { class: "whom" }, names(e.recipient))),
    el("td", { class: "sentence-cell" }, e.sentence || ""),
    el("td", { class: "nowrap muted" }, e.outlet || ""),
  );
  clickable(row, () => (e.story_id ? showStory(e.story_id, { highlight: e.event_id }) : showLoneEvent(e)), `event ${e.event_id}: reports`);
  return row;
}

async function loadEvents() {
  const current = ticket("events");
  const box = $("#events-body");
  const info = $("#page-info");
  const mode = state.mode;
  try {
    const data = await api.getJSON(mode, { ...state.filters, limit: LIMIT, offset: state.offset });
    if (!current()) return;
    const items = data.items || [];
    const total = +data.total || 0;
    if (!items.length && state.offset > 0 && total > 0) {
      // the page emptied under us: go back to the last page
      state.offset = Math.max(0, Math.floor((total - 1) / LIMIT) * LIMIT);
      return loadEvents();
    }
    const offset = +data.offset || state.offset;
    info.textContent = items.length ? `${offset + 1}–${offset + items.length} of ${total}` : `0 of ${total}`;
    $("#prev-page").disabled = offset <= 0;
    $("#next-page").disabled = offset + items.length >= total;
    if (!items.length) {
      const filtered = Object.keys(state.filters).length > 0;
      clear(box).append(message(filtered ? "Nothing matches these filters." : mode === "stories" ? "No story events in the store yet." : "No events in the store yet."));
      return;
    }
    const head = mode === "stories"
      ? ["date", "type", "actor → recipient", "where", "reports"]
      : ["date", "type", "actor → recipient", "sentence", "outlet"];
    const body = el("tbody", {}, items.map(mode === "stories" ? storyRow : eventRow));
    clear(box).append(el("table", { class: ["table", "events-table", mode] }, el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))), body));
  } catch (err) {
    if (!current()) return;
    info.textContent = "";
    $("#prev-page").disabled = true;
    $("#next-page").disabled = true;
    clear(box).append(errorMessage(mode === "stories" ? "Story events could not be loaded" : "Events could not be loaded", err));
  }
}

// --- details: every report of a story ------------------------------------------------------------

/** The reporting sentence with trigger, actor and recipient marked. */
function sentenceFrom(parts, fallback) {
  const p = el("p", { class: "sentence" });
  const list = Array.isArray(parts) && parts.length ? parts : [{ text: fallback || "", role: null }];
  for (const part of list) {
    const role = ["trigger", "actor", "recipient"].includes(part.role) ? part.role : null;
    p.append(role ? el("mark", { class: role, title: role }, part.text || "") : document.createTextNode(part.text || ""));
  }
  return p;
}

function attributionText(a) {
  if (!a) return "";
  if (typeof a === "string") return a;
  return a.text || a.medium || "";
}

function articleHref(articleId) {
  return `#/article/${encodeURIComponent(articleId)}`;
}

function reportItem(m, highlight) {
  const meta = el("div", { class: "report-meta" },
    el("strong", { class: "outlet" }, m.outlet || "unknown outlet"),
    m.published ? el("span", { class: "published" }, day(m.published)) : null,
    m.copy_of ? el("span", { class: "copy", title: `wire copy of ${m.copy_of}` }, "copy") : null,
    m.modality && m.modality !== "asserted" ? el("span", { class: "modality" }, m.modality) : null,
    confidenceBadge(m.confidence),
  );
  const attribution = attributionText(m.attribution);
  const links = el("div", { class: "report-links" },
    m.article_id ? el("a", { href: articleHref(m.article_id), class: "article-link", "data-testid": "article-link" }, "full article") : null,
    m.url ? externalLink(m.url, "original ↗") : null,
  );
  return el("li", { class: ["report", m.event_id && m.event_id === highlight ? "highlight" : ""], dataset: { eventId: m.event_id || "", testid: "report" } },
    meta,
    m.title ? el("div", { class: "report-title" }, m.title) : null,
    attribution ? el("div", { class: "attribution" }, `according to ${attribution}`) : null,
    sentenceFrom(m.parts, m.sentence),
    links,
  );
}

function storySummary(s) {
  const bits = [day(s.event_date) || "undated"];
  if (s.modality && s.modality !== "asserted") bits.push(s.modality);
  if (s.location && s.location.name) bits.push(`in ${s.location.name}`);
  if (s.dead !== null && s.dead !== undefined) bits.push(`${s.dead} dead`);
  if (s.injured !== null && s.injured !== undefined) bits.push(`${s.injured} injured`);
  bits.push(`${plural(+s.n_mentions || (s.mentions || []).length, "report")} from ${plural(+s.n_outlets || 0, "outlet")}`);
  if (s.n_independent !== undefined) bits.push(`${plural(+s.n_independent || 0, "independent source")}`);
  if (s.weight !== undefined && s.weight !== null) bits.push(`weight ${num(s.weight, 3)}`);
  if (typeof s.confidence === "number") bits.push(`confidence ${num(s.confidence, 2)}`);
  return bits.join(" · ");
}

function storyBlock(s, highlight) {
  const block = el("div", { class: "story", dataset: { storyId: s.story_id || "" } },
    el("h3", {}, typeBadge(s.event_type, s.quad_class), " ", names(s.actor), " → ", names(s.recipient), el("span", { class: "story-id" }, s.story_id || "")),
    el("p", { class: "muted small" }, storySummary(s)),
  );
  if (s.disagreements && s.disagreements.length) {
    block.append(el("p", { class: "disputed" }, `reports disagree on: ${s.disagreements.join(", ")}`));
  }
  const mentions = s.mentions || [];
  block.append(mentions.length ? el("ol", { class: "reports" }, mentions.map((m) => reportItem(m, highlight))) : message("No reports stored for this story."));
  return block;
}

/** The details panel's body under a new heading; `fresh` replaces what it shows by "Loading…". */
function detailsBody(heading, fresh = true) {
  $("#details-h").textContent = heading;
  const body = $("#details-body");
  if (fresh) clear(body).append(message("Loading…"));
  return body;
}

function revealDetails() {
  const panel = $("#details");
  const rect = panel.getBoundingClientRect();
  if (rect.top > window.innerHeight || rect.bottom < 0) panel.scrollIntoView({ behavior: "smooth", block: "start" });
}

async function showStory(storyId, { highlight = null } = {}) {
  let first = true;
  const render = async () => {
    const current = ticket("details");
    const body = detailsBody(`Reports of ${storyId}`, first);
    first = false;
    try {
      const s = await api.story(storyId);
      if (!current()) return;
      clear(body).append(storyBlock(s, highlight));
      const hl = body.querySelector(".report.highlight");
      if (hl) hl.scrollIntoView({ block: "nearest" });
    } catch (err) {
      if (current()) clear(body).append(errorMessage(`Story ${storyId} could not be loaded`, err));
    }
  };
  state.reloadDetails = render;
  revealDetails();
  await render();
}

async function showStories(heading, storyIds) {
  let first = true;
  const render = async () => {
    const current = ticket("details");
    const body = detailsBody(heading, first);
    first = false;
    if (!storyIds.length) {
      clear(body).append(message("No stories listed."));
      return;
    }
    const results = await Promise.allSettled(storyIds.map((id) => api.story(id)));
    if (!current()) return;
    clear(body);
    results.forEach((r, i) => {
      if (r.status === "rejected") {
        body.append(errorMessage(`Story ${storyIds[i]} could not be loaded`, r.reason));
        return;
      }
      const s = r.value;
      const box = el("details", { class: "story-fold", open: i === 0 },
        el("summary", {}, typeBadge(s.event_type, s.quad_class), " ", names(s.actor), " → ", names(s.recipient), el("span", { class: "muted small" }, ` ${day(s.event_date)} · ${plural((s.mentions || []).length, "report")}`)),
        storyBlock(s, null),
      );
      body.append(box);
    });
  };
  state.reloadDetails = render;
  revealDetails();
  await render();
}

function showLoneEvent(e) {
  state.reloadDetails = null;
  const body = clear(detailsBody(`Event ${e.event_id}`));
  body.append(el("ol", { class: "reports" }, reportItem({ ...e, parts: null }, e.event_id)));
  body.append(message("This event belongs to no story event yet."));
}

// --- article view (#/article/<id>) ---------------------------------------------------------------

async function showArticle(articleId) {
  const current = ticket("article");
  const box = clear($("#article-body"));
  box.append(message("Loading…"));
  try {
    const a = await api.article(articleId);
    if (!current()) return;
    const events = new Map((a.events || []).map((e) => [e.event_id, e]));
    const text = el("div", { class: "article-text", "data-testid": "article-text" });
    let para = el("p");
    const paragraphs = [para];
    for (const part of a.parts || [{ text: a.text || "", event_id: null }]) {
      const pieces = String(part.text || "").split(/\n\s*\n/);
      pieces.forEach((piece, i) => {
        if (i > 0) {
          para = el("p");
          paragraphs.push(para);
        }
        if (!piece) return;
        const ev = part.event_id ? events.get(part.event_id) : null;
        if (ev) {
          const mark = el("mark", { class: "trigger", title: `${ev.event_type}${ev.modality ? ` (${ev.modality})` : ""}${ev.story_id ? ` · story ${ev.story_id}: click for every report` : ""}`, dataset: { eventId: ev.event_id } }, piece);
          if (ev.story_id) clickable(mark, () => showStory(ev.story_id, { highlight: ev.event_id }), `${ev.event_type}: reports of story ${ev.story_id}`);
          para.append(mark);
        } else {
          para.append(document.createTextNode(piece));
        }
      });
    }
    for (const p of paragraphs) if (p.textContent.trim()) text.append(p);
    const meta = el("p", { class: "article-meta" },
      el("strong", {}, a.outlet || "unknown outlet"),
      a.published ? ` · ${day(a.published)}` : "",
      a.copy_of ? ` · wire copy of ${a.copy_of}` : "",
      ` · ${plural((a.events || []).length, "coded event")}`,
    );
    clear(box).append(
      el("h2", { class: "article-title", "data-testid": "article-title" }, a.title || a.article_id || articleId),
      meta,
      a.url ? el("p", { class: "article-url" }, "original: ", externalLink(a.url)) : null,
      text.childNodes.length ? text : message("This article has no text."),
    );
    if (!state.reloadDetails) {
      clear(detailsBody("Reports")).append(message("Click a highlighted trigger to read every report of its event."));
    }
  } catch (err) {
    if (current()) clear(box).append(errorMessage(`Article ${articleId} could not be loaded`, err));
  }
}

// --- routing -------------------------------------------------------------------------------------

function route() {
  const hash = window.location.hash || "";
  const details = $("#details");
  const match = /^#\/article\/(.+)$/.exec(hash);
  if (match) {
    let id;
    try {
      id = decodeURIComponent(match[1]);
    } catch {
      id = match[1];
    }
    if (!$("#dashboard").hidden) state.dashboardScroll = window.scrollY;
    $("#dashboard").hidden = true;
    $("#article-view").hidden = false;
    $("#details-slot-article").append(details);
    document.title = "Sitroom · article";
    window.scrollTo(0, 0);
    showArticle(id);
  } else {
    const wasHidden = $("#dashboard").hidden;
    $("#article-view").hidden = true;
    $("#dashboard").hidden = false;
    $("#details-slot-dashboard").append(details);
    document.title = "Sitroom";
    if (wasHidden) window.scrollTo(0, state.dashboardScroll);
  }
}

// --- wiring --------------------------------------------------------------------------------------

function wire() {
  $("#pair-select").addEventListener("change", (ev) => {
    state.pair = ev.target.value;
    loadTimeline();
  });
  for (const b of document.querySelectorAll(".freq")) {
    b.addEventListener("click", () => {
      state.freq = b.dataset.freq;
      for (const o of document.querySelectorAll(".freq")) {
        o.classList.toggle("active", o === b);
        o.setAttribute("aria-pressed", String(o === b));
      }
      loadTimeline();
    });
  }
  for (const b of document.querySelectorAll(".status-btn")) {
    b.addEventListener("click", () => {
      state.ledgerStatus = b.dataset.status;
      for (const o of document.querySelectorAll(".status-btn")) {
        o.classList.toggle("active", o === b);
        o.setAttribute("aria-pressed", String(o === b));
      }
      loadLedger();
    });
  }
  for (const b of document.querySelectorAll(".mode-btn")) b.addEventListener("click", () => setMode(b.dataset.mode));
  const form = $("#filters");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.filters = readFilters();
    state.offset = 0;
    loadEvents();
  });
  form.addEventListener("reset", () => {
    window.setTimeout(() => {
      state.filters = {};
      state.offset = 0;
      loadEvents();
    }, 0);
  });
  $("#prev-page").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - LIMIT);
    loadEvents();
  });
  $("#next-page").addEventListener("click", () => {
    state.offset += LIMIT;
    loadEvents();
  });
  window.addEventListener("hashchange", route);
}

async function start() {
  wire();
  route();
  // first paint: everything at once, then poll for changes
  const first = api.getJSON("status").then(
    (status) => {
      setLive(true);
      renderStatus(status);
      state.revision = status.revision;
    },
    (err) => setLive(false, err.message),
  );
  await Promise.allSettled([first, refreshAll()]);
  $("#updated").textContent = `loaded ${clock()}`;
  document.body.dataset.ready = "true";
  window.setTimeout(poll, pollInterval());
}

start();
