// Sitroom dashboard: one page over the JSON API (docs/api.md). No framework,
// no build step. Data from the API is never parsed as HTML: every node is
// built with createElement and every string set with textContent.

import * as api from "./api.js";
import { mapChart, networkChart, QUAD_COLORS, timelineChart } from "./charts.js";
import { download, toCsv } from "./csv.js";
import { clear, clickable, clock, day, el, errorMessage, externalLink, message, names, num, plural } from "./dom.js";
import { eventReview, reviewedMark, reviewInFlight, storyReview, threatReview, wireReviews } from "./review.js";
import { FILTER_KEYS, readView, writeView } from "./urlstate.js";

const $ = (sel) => document.querySelector(sel);
const LIMIT = 50;
const STATUSES = ["open", "carried out", "withdrawn", "lapsed"];

const EXPORT_MAX = 50_000; // rows an export fetches at most (the CLI exports any number)
const PHONE = window.matchMedia("(max-width: 700px)"); // the layout where reports open over the page

// The view (filters, list, pair, selection) is also in the URL: urlstate.js.
const state = {
  revision: null,
  pair: null,
  pairChosen: false, // the pair was picked (or came with the URL), so the URL names it
  freq: "day",
  ledgerStatus: "",
  mode: "stories", // "stories" (/api/stories) or "events" (/api/events)
  filters: {}, // non-empty values by FILTER_KEYS; undirected is "1" when set
  offset: 0,
  selection: null, // what the details panel shows: {story, event}, {event}, {alert}, {place}
  items: [], // the rows the event list shows
  timeline: null, // the timeline's last answer, redrawn when the page is resized
  alerts: [],
  places: [],
  countries: null, // the GeoJSON, fetched once
  reloadDetails: null, // re-renders the details panel after a store update
  shownStory: null, // the story the details panel shows (its reports are followed after a review)
  dashboardScroll: 0,
  appliedSearch: null, // the query string the page shows
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
    } else if (status.revision !== state.revision && !reviewInFlight()) {
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
    const label = `${p.source} ${state.filters.undirected ? "↔" : "→"} ${p.target} · ${plural(+p.stories || 0, "story", "stories")} · conflict ${num(p.conflict)}${alerts ? ` · ${plural(alerts, "alert")}` : ""}`;
    select.append(el("option", { value: p.dyad }, label));
  }
  if (!items.some((p) => p.dyad === state.pair)) state.pair = items.length ? items[0].dyad : null;
  if (state.pair) select.value = state.pair;
}

/** The filters named in `keys`, as the API takes them. */
function apiFilters(keys = FILTER_KEYS) {
  const out = {};
  for (const key of keys) {
    const value = state.filters[key];
    if (value) out[key] = key === "undirected" ? "true" : value;
  }
  return out;
}

async function loadTimeline() {
  const current = ticket("timeline");
  const box = $("#timeline-chart");
  syncZoom();
  if (!state.pair) {
    state.timeline = null;
    state.alerts = [];
    if ($("#pair-select").disabled && !box.querySelector(".error")) {
      clear(box).append(message("No country pairs with story events yet."));
    }
    return;
  }
  box.classList.add("loading");
  try {
    const data = await api.getJSON("timeline", { dyad: state.pair, freq: state.freq, ...apiFilters(["undirected", "since", "until"]) });
    if (!current()) return;
    state.timeline = data;
    state.alerts = data.alerts || [];
    drawTimeline();
    restoreAlert();
  } catch (err) {
    if (current()) {
      state.timeline = null;
      clear(box).append(errorMessage(`Timeline of ${state.pair} could not be loaded`, err));
    }
  } finally {
    if (current()) box.classList.remove("loading");
  }
}

/** Draw the last timeline at the width of its panel. */
function drawTimeline() {
  const data = state.timeline;
  const box = $("#timeline-chart");
  if (!data) return;
  const width = box.clientWidth || 760;
  box.dataset.width = String(width);
  const chart = timelineChart(data, { onAlert: showAlert, onPeriod: filterByPeriod, onBrush: brushPeriods, onReset: resetZoom, width });
  const range = state.filters.since || state.filters.until;
  const what = range ? `no story events for ${state.pair} from ${state.filters.since || "the start"} to ${state.filters.until || "the end"}.` : `No story events for ${state.pair}.`;
  clear(box).append(chart || message(what.charAt(0).toUpperCase() + what.slice(1)));
  const n = (data.alerts || []).length;
  if (chart) {
    const zoom = range ? ` Zoomed to ${state.filters.since || "…"} – ${state.filters.until || "…"}: double-click or “all dates” to zoom out.` : "";
    box.append(el("p", { class: "caption" }, `${data.dyad || state.pair}, per ${data.freq || state.freq}: ${plural((data.items || []).length, "period")}, ${plural(n, "alert")}. Drag across periods to zoom to them and filter every panel; click a bar to list its events.${zoom}`));
  }
}

/** The last day of the period that starts on `start`. */
function periodEnd(start) {
  if (state.freq !== "week") return day(start);
  const d = new Date(`${day(start)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 6);
  return d.toISOString().slice(0, 10);
}

/** A range dragged across the timeline: every panel keeps to those days, and the timeline zooms to them. */
function brushPeriods(first, last) {
  changeFilters({ ...state.filters, since: day(first.period), until: periodEnd(last.period) }, { scroll: false });
}

function resetZoom() {
  if (!state.filters.since && !state.filters.until) return;
  const next = { ...state.filters };
  delete next.since;
  delete next.until;
  changeFilters(next, { scroll: false });
}

function syncZoom() {
  const zoomed = Boolean(state.filters.since || state.filters.until);
  $("#zoom-reset").disabled = !zoomed;
  const undirected = Boolean(state.filters.undirected);
  const toggle = $("#undirected-toggle");
  toggle.setAttribute("aria-pressed", String(undirected));
  toggle.classList.toggle("active", undirected);
}

function showAlert(alert, { push = true } = {}) {
  const ids = alert.story_ids || [];
  const heading = `Alert ${day(alert.period)} · ${alert.source} → ${alert.target} · z ${num(alert.z, 2)}, conflict ${num(alert.conflict)}`;
  select({ alert: day(alert.period) }, push);
  showStories(heading, ids);
}

/** An alert named by the URL, once the timeline that lists it has loaded. */
function restoreAlert() {
  const s = state.selection;
  if (!s || !s.alert || !state.pendingSelection) return;
  const found = state.alerts.find((a) => day(a.period) === s.alert);
  state.pendingSelection = false;
  if (found) showAlert(found, { push: false });
  else missingSelection(`No alert of ${state.pair} on ${s.alert} in this view.`);
}

function filterByPeriod(row) {
  const keep = state.filters.undirected ? { undirected: "1" } : {};
  setFilters({ ...keep, since: day(row.period), until: periodEnd(row.period), dyad: state.pair });
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
      reports.slice(0, ACT_REPORTS).map((r) => {
        const item = el("li", { class: "ledger-report", dataset: { eventId: r.event_id || "" } }, el("span", { class: "muted" }, `${day(r.published)} ${r.outlet || "—"}: `), r.sentence || "");
        return clickable(item, (ev) => {
          ev.stopPropagation();
          showStory(t.carried_out_by, { highlight: r.event_id || null });
        }, `report of act ${t.carried_out_by}`);
      }),
      reports.length > ACT_REPORTS ? el("li", { class: "muted" }, `and ${reports.length - ACT_REPORTS} more: “act ${t.carried_out_by}” lists them all`) : null));
}

async function loadLedger() {
  const current = ticket("ledger");
  const box = $("#ledger-body");
  try {
    const data = await api.getJSON("threats", { status: state.ledgerStatus, ...apiFilters(["since", "until", "actor", "recipient", "type"]), limit: 500 });
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
      const filtered = ["since", "until", "actor", "recipient", "type"].some((k) => state.filters[k]);
      clear(box).append(message(`No ${state.ledgerStatus ? `${state.ledgerStatus} ` : ""}threats${filtered ? " match these filters" : " in the store"}.`));
      return;
    }
    const body = el("tbody");
    for (const t of items) {
      const row = el("tr", { class: ["ledger-row", t.reviewed ? "reviewed" : ""], dataset: { storyId: t.story_id || "" } },
        el("td", { class: "nowrap cell-date", dataset: { label: "date" } }, day(t.date)),
        el("td", { class: "ledger-who", dataset: { label: "declarant → addressee" } }, el("span", { class: "who" }, names(t.declarant_names || t.declarant)), " → ", el("span", { class: "whom" }, names(t.addressee_names || t.addressee))),
        el("td", { dataset: { label: "threatened" } }, t.consequence || "—"),
        el("td", { class: ["condition", t.condition ? "" : "empty"], dataset: { label: "condition" } }, t.condition || ""),
        el("td", { class: "ledger-status", dataset: { label: "status" } },
          el("div", { class: "status-line" }, el("span", { class: ["badge", statusClass(t.status)], title: t.reason || null }, t.status || "?"),
            t.status_date && t.status !== "open" ? el("span", { class: "muted small nowrap status-date" }, day(t.status_date)) : null,
            reviewedMark(t.reviewed, t.reason || "an analyst set this status")),
          ledgerAct(t),
          threatReview(t)),
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
    const data = await api.getJSON("network", apiFilters(["since", "until"]));
    if (!current()) return;
    const chart = networkChart(data, {
      onNode: (node) => setFilters({ ...keptFilters(), actor: node.id }),
      onEdge: (edge) => setFilters({ ...keptFilters(), dyad: `${edge.source}-${edge.target}` }),
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
    places = (await api.getJSON("map", { ...apiFilters(), limit: 500 })).items || [];
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
  state.places = places;
  clear(box);
  if (outlineError) box.append(errorMessage("Country outlines could not be loaded", outlineError));
  box.append(mapChart(outlines, places, { onPlace: showPlace }));
  hint.textContent = places.length ? `${plural(places.length, "place")}, zoomed to the events` : "";
  if (!places.length) box.append(message(Object.keys(state.filters).length ? "No story event in this view has a known place." : "No story event has a known place yet."));
  restorePlace();
}

/** A place named by the URL, once the map that lists it has loaded. */
function restorePlace() {
  const s = state.selection;
  if (!s || !s.place || !state.pendingSelection) return;
  const found = state.places.find((p) => p.name === s.place);
  state.pendingSelection = false;
  if (found) showPlace(found, { push: false });
  else missingSelection(`No place called ${s.place} in this view.`);
}

function showPlace(place, { push = true } = {}) {
  select({ place: place.name || "" }, push);
  showStories(`${place.name || "?"}${place.country ? ` (${place.country})` : ""}: ${plural(+place.stories || 0, "story", "stories")}`, place.story_ids || []);
}

// --- event list ----------------------------------------------------------------------------------

function readFilters() {
  const form = $("#filters");
  const out = {};
  for (const name of FILTER_KEYS) {
    const input = form.elements[name];
    if (name === "undirected") {
      if (input.checked) out.undirected = "1";
      continue;
    }
    const value = String(input.value || "").trim();
    if (value) out[name] = name === "type" ? value.toUpperCase().replace(/\s+/g, "") : value;
  }
  return out;
}

/** The form and the toggles showing state.filters. */
function syncForm() {
  const form = $("#filters");
  for (const name of FILTER_KEYS) {
    if (name === "undirected") form.elements[name].checked = Boolean(state.filters.undirected);
    else form.elements[name].value = state.filters[name] || "";
  }
  syncZoom();
}

/** The filters a click on the network keeps: the date range and the direction. */
function keptFilters() {
  const keep = {};
  for (const key of ["since", "until", "undirected"]) if (state.filters[key]) keep[key] = state.filters[key];
  return keep;
}

/**
 * New filters for every panel (from the form, the timeline, the network): the
 * list goes back to its first page, the URL records them, every panel redraws.
 */
function changeFilters(filters, { scroll = true, mode = null } = {}) {
  state.filters = {};
  for (const key of FILTER_KEYS) if (filters[key]) state.filters[key] = String(filters[key]);
  state.offset = 0;
  if (mode) setMode(mode, false);
  syncForm();
  commit();
  refreshPanels();
  if (scroll) $("#events").scrollIntoView({ behavior: "smooth", block: "start" });
}

/** A click elsewhere picked these filters: list story events, scroll to the list. */
function setFilters(filters) {
  changeFilters(filters, { mode: "stories" });
}

/** Every panel but the pair list, after the filters changed. */
function refreshPanels() {
  loadPairLabels();
  loadTimeline();
  loadLedger();
  loadNetwork();
  loadMap();
  loadEvents();
}

/** The pair list's arrows follow the direction filter. */
function loadPairLabels() {
  const arrow = state.filters.undirected ? "↔" : "→";
  for (const option of $("#pair-select").options) option.textContent = option.textContent.replace(/ [→↔] /, ` ${arrow} `);
}

function setMode(mode, reload = true) {
  state.mode = mode;
  $("#export-csv").title = `download every ${mode === "stories" ? "story event" : "event"} these filters keep, as CSV`;
  for (const b of document.querySelectorAll(".mode-btn")) {
    const on = b.dataset.mode === mode;
    b.classList.toggle("active", on);
    b.setAttribute("aria-pressed", String(on));
  }
  if (reload) {
    state.offset = 0;
    commit();
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
  const row = el("tr", { class: ["event-row", s.reviewed ? "reviewed" : ""], dataset: { storyId: s.story_id || "", testid: "event-row" } },
    el("td", { class: "nowrap cell-date", dataset: { label: "date" } }, day(s.event_date) || "undated"),
    el("td", { class: "cell-type", dataset: { label: "type" } }, typeBadge(s.event_type, s.quad_class), s.modality && s.modality !== "asserted" ? el("span", { class: "modality" }, s.modality) : null, confidenceBadge(s.confidence), reviewedMark(s.reviewed, "an analyst reviewed this story or one of its reports")),
    el("td", { class: "cell-who", dataset: { label: "actor → recipient" } }, el("span", { class: "who" }, names(s.actor)), " → ", el("span", { class: "whom" }, names(s.recipient))),
    el("td", { class: ["muted", "cell-where", where ? "" : "empty"], dataset: { label: "where" } }, where),
    el("td", { class: "nowrap muted cell-reports", dataset: { label: "reports" } }, `${plural(+s.n_mentions || 0, "report")} · ${plural(+s.n_outlets || 0, "outlet")}`),
  );
  clickable(row, () => showStory(s.story_id), `story ${s.story_id}: reports`);
  return row;
}

function eventRow(e) {
  const row = el("tr", { class: ["event-row", e.reviewed ? "reviewed" : ""], dataset: { eventId: e.event_id || "", storyId: e.story_id || "", testid: "event-row" } },
    el("td", { class: "nowrap cell-date", dataset: { label: "date" } }, day(e.event_date) || day(e.published) || "undated"),
    el("td", { class: "cell-type", dataset: { label: "type" } }, typeBadge(e.event_type, e.quad_class), e.modality && e.modality !== "asserted" ? el("span", { class: "modality" }, e.modality) : null, confidenceBadge(e.confidence), reviewedMark(e.reviewed, "an analyst confirmed or corrected this event")),
    el("td", { class: "cell-who", dataset: { label: "actor → recipient" } }, el("span", { class: "who" }, names(e.actor)), " → ", el("span", { class: "whom" }, names(e.recipient))),
    el("td", { class: "sentence-cell", dataset: { label: "sentence" } }, e.sentence || ""),
    el("td", { class: "nowrap muted cell-outlet", dataset: { label: "outlet" } }, e.outlet || ""),
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
    const data = await api.getJSON(mode, { ...apiFilters(), limit: LIMIT, offset: state.offset });
    if (!current()) return;
    const items = data.items || [];
    state.items = items;
    const total = +data.total || 0;
    if (!items.length && state.offset > 0 && total > 0) {
      // the page emptied under us: go back to the last page
      state.offset = Math.max(0, Math.floor((total - 1) / LIMIT) * LIMIT);
      commit({ replace: true });
      return loadEvents();
    }
    const offset = +data.offset || state.offset;
    info.textContent = items.length ? `${offset + 1}–${offset + items.length} of ${total}` : `0 of ${total}`;
    $("#prev-page").disabled = offset <= 0;
    $("#next-page").disabled = offset + items.length >= total;
    $("#export-csv").disabled = total === 0;
    restoreLoneEvent();
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
    state.items = [];
    $("#prev-page").disabled = true;
    $("#next-page").disabled = true;
    $("#export-csv").disabled = true;
    clear(box).append(errorMessage(mode === "stories" ? "Story events could not be loaded" : "Events could not be loaded", err));
  }
}

/**
 * Download what the list shows, every page of it: the current filters through
 * the API (the same rows as `sitroom events|stories --format csv`), as CSV.
 */
async function exportCsv() {
  const button = $("#export-csv");
  const mode = state.mode;
  const status = $("#export-status");
  button.disabled = true;
  status.textContent = "exporting…";
  try {
    const rows = [];
    let total = Infinity;
    while (rows.length < Math.min(total, EXPORT_MAX)) {
      const page = await api.getJSON(mode, { ...apiFilters(), limit: 500, offset: rows.length });
      const items = page.items || [];
      total = +page.total || 0;
      if (!items.length) break;
      rows.push(...items);
    }
    const kept = rows.slice(0, EXPORT_MAX);
    const range = [state.filters.since, state.filters.until].filter(Boolean).join("_to_");
    download(toCsv(kept), `sitroom-${mode}${range ? `-${range}` : ""}.csv`);
    status.textContent = total > kept.length
      ? `exported the first ${kept.length} of ${total} rows (sitroom ${mode} --format csv writes them all)`
      : `exported ${plural(kept.length, "row")}`;
  } catch (err) {
    status.textContent = `export failed: ${err.message}`;
  } finally {
    button.disabled = false;
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

function reportItem(m, highlight, storyId = null) {
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
    eventReview(m, storyId),
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
  if (s.responds_to) bits.push(`responds to ${s.responds_to}`);
  if (typeof s.confidence === "number") bits.push(`confidence ${num(s.confidence, 2)}`);
  return bits.join(" · ");
}

function storyBlock(s, highlight) {
  const block = el("div", { class: "story", dataset: { storyId: s.story_id || "" } },
    el("h3", {}, typeBadge(s.event_type, s.quad_class), " ", names(s.actor), " → ", names(s.recipient), reviewedMark(s.reviewed, "an analyst reviewed this story or one of its reports"), el("span", { class: "story-id" }, s.story_id || "")),
    el("p", { class: "muted small" }, storySummary(s)),
    storyReview(s),
  );
  if (s.disagreements && s.disagreements.length) {
    block.append(el("p", { class: "disputed" }, `reports disagree on: ${s.disagreements.join(", ")}`));
  }
  const mentions = s.mentions || [];
  block.append(mentions.length ? el("ol", { class: "reports" }, mentions.map((m) => reportItem(m, highlight, s.story_id))) : message("No reports stored for this story."));
  return block;
}

/** The details panel's body under a new heading; `fresh` replaces what it shows by "Loading…". */
function detailsBody(heading, fresh = true) {
  $("#details-h").textContent = heading;
  const body = $("#details-body");
  if (fresh) clear(body).append(message("Loading…"));
  return body;
}

/**
 * Show the details panel where the user is: on a phone it opens over the page
 * (closed by its × or Escape); on a wide screen it is scrolled into view when
 * it is off screen.
 */
function revealDetails() {
  const panel = $("#details");
  panel.classList.add("open");
  document.body.classList.add("details-open");
  if (PHONE.matches) {
    $("#details-body").scrollTop = 0;
    $("#details-close").focus({ preventScroll: true });
    return;
  }
  const rect = panel.getBoundingClientRect();
  if (rect.top > window.innerHeight || rect.bottom < 0) panel.scrollIntoView({ behavior: "smooth", block: "start" });
}

/** Close the details: the placeholder again, no selection in the URL. */
function closeDetails() {
  state.reloadDetails = null;
  ticket("details");
  $("#details").classList.remove("open");
  document.body.classList.remove("details-open");
  clear(detailsBody("Reports", false)).append(message(placeholder()));
  if (state.selection) {
    state.selection = null;
    commit();
  }
}

function placeholder() {
  return $("#dashboard").hidden
    ? "Click a highlighted trigger to read every report of its event."
    : "Click an event, a threat, an alert or a place to read every report of it.";
}

/** Record what the details panel shows; `push` makes it a step back and forward go through. */
function select(selection, push = true) {
  state.selection = selection;
  state.pendingSelection = false;
  if (push) commit();
}

function missingSelection(text) {
  state.reloadDetails = null;
  clear(detailsBody("Reports")).append(message(text));
}

async function showStory(storyId, { highlight = null, push = true } = {}) {
  select({ story: storyId, event: highlight }, push);
  let first = true;
  const render = async () => {
    const current = ticket("details");
    const body = detailsBody(`Reports of ${storyId}`, first);
    first = false;
    try {
      const s = await api.story(storyId);
      if (!current()) return;
      state.shownStory = s;
      clear(body).append(storyBlock(s, highlight));
      const hl = body.querySelector(".report.highlight");
      if (hl) hl.scrollIntoView({ block: "nearest" });
    } catch (err) {
      if (!current()) return;
      // a story a review emptied (its reports rejected, split off or merged elsewhere) is gone: say so
      clear(body).append(err.status === 404
        ? message(`Story ${storyId} is not stored (any more): its reports were rejected, split off or merged into another story, or the stories were rebuilt under new ids.`, "error")
        : errorMessage(`Story ${storyId} could not be loaded`, err));
    }
  };
  state.reloadDetails = render;
  revealDetails();
  await render();
}

/**
 * After a review every panel reloads. A review of an event may file the open
 * story's reports under a new story id: the page follows them there (the
 * reviewed report first, unless it was split off), through their articles.
 */
async function afterReview({ eventId = null, action = "" } = {}) {
  const s = state.selection;
  const shown = state.shownStory;
  if (eventId && s && s.story && shown && shown.story_id === s.story) {
    const mentions = shown.mentions || [];
    const mine = mentions.filter((m) => m.event_id === eventId);
    const others = mentions.filter((m) => m.event_id !== eventId);
    const moved = await findStory(action === "split" ? [...others, ...mine] : [...mine, ...others]);
    if (moved && moved.story_id !== s.story) {
      await showStory(moved.story_id, { highlight: moved.event_id === eventId || !s.event ? moved.event_id : s.event, push: false });
      commit({ replace: true });
    }
  }
  try {
    state.revision = (await api.getJSON("status")).revision; // the poll need not reload for this review again
  } catch {
    // the poll says so
  }
  await refreshAll();
}

/** The story a report is filed under now: the first of `mentions` still stored (at most five looked up). */
async function findStory(mentions) {
  for (const m of mentions.slice(0, 5)) {
    if (!m.article_id) continue;
    try {
      const a = await api.article(m.article_id);
      const found = (a.events || []).find((e) => e.event_id === m.event_id && e.story_id);
      if (found) return { story_id: found.story_id, event_id: found.event_id };
    } catch {
      // the article is gone too: try the next report
    }
  }
  return null;
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

function showLoneEvent(e, { push = true } = {}) {
  select({ event: e.event_id }, push);
  state.reloadDetails = null;
  revealDetails();
  const body = clear(detailsBody(`Event ${e.event_id}`));
  body.append(el("ol", { class: "reports" }, reportItem({ ...e, parts: null }, e.event_id)));
  body.append(message("This event belongs to no story event yet."));
}

/** An event of no story named by the URL: found in the list as it loads. */
function restoreLoneEvent() {
  const s = state.selection;
  if (!s || s.story || !s.event || !state.pendingSelection) return;
  const found = state.items.find((e) => e.event_id === s.event);
  state.pendingSelection = false;
  if (found && found.story_id) showStory(found.story_id, { highlight: found.event_id, push: false });
  else if (found) showLoneEvent(found, { push: false });
  else missingSelection(`Event ${s.event} is not in this list.`);
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
    // an article without a URL gets no "original" line (DOM append would write null as "null")
    const parts = [
      el("h2", { class: "article-title", "data-testid": "article-title" }, a.title || a.article_id || articleId),
      meta,
      a.url ? el("p", { class: "article-url" }, "original: ", externalLink(a.url)) : null,
      text.childNodes.length ? text : message("This article has no text."),
    ];
    clear(box).append(...parts.filter(Boolean));
    if (!state.reloadDetails) {
      clear(detailsBody("Reports", false)).append(message(placeholder()));
    }
  } catch (err) {
    if (current()) clear(box).append(errorMessage(`Article ${articleId} could not be loaded`, err));
  }
}

// --- routing and the URL --------------------------------------------------------------------------

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
    if (state.routed === hash) return;
    state.routed = hash;
    $("#dashboard").hidden = true;
    $("#article-view").hidden = false;
    $("#details-slot-article").append(details);
    document.title = "Sitroom · article";
    window.scrollTo(0, 0);
    showArticle(id);
  } else {
    state.routed = null;
    const wasHidden = $("#dashboard").hidden;
    $("#article-view").hidden = true;
    $("#dashboard").hidden = false;
    $("#details-slot-dashboard").append(details);
    document.title = "Sitroom";
    if (wasHidden) window.scrollTo(0, state.dashboardScroll);
  }
}

/** The view as urlstate.js writes it. */
function currentView() {
  return {
    filters: state.filters, mode: state.mode, offset: state.offset, pair: state.pairChosen ? state.pair : null,
    freq: state.freq, status: state.ledgerStatus, selection: state.selection,
  };
}

/** Put the view in the URL: a new history entry (back returns to the view before), or `replace` the current one. */
function commit({ replace = false } = {}) {
  const poll = new URLSearchParams(window.location.search).get("poll");
  const search = writeView(currentView(), { poll });
  if (search !== window.location.search) {
    const url = `${window.location.pathname}${search}${window.location.hash}`;
    if (replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  }
  state.appliedSearch = window.location.search;
}

function pressed(selector, on) {
  for (const o of document.querySelectorAll(selector)) {
    const active = on(o);
    o.classList.toggle("active", active);
    o.setAttribute("aria-pressed", String(active));
  }
}

/** Take the view from the URL (on load, back and forward); `first` skips the reload start() does anyway. */
function applyUrl({ first = false } = {}) {
  const view = readView(window.location.search);
  state.appliedSearch = window.location.search;
  state.filters = view.filters;
  state.mode = view.mode;
  state.offset = view.offset;
  state.freq = view.freq;
  state.ledgerStatus = view.status;
  if (view.pair) {
    state.pair = view.pair;
    state.pairChosen = true;
  }
  state.selection = view.selection;
  state.pendingSelection = Boolean(view.selection);
  syncForm();
  setMode(view.mode, false);
  pressed(".freq", (b) => b.dataset.freq === state.freq);
  pressed(".status-btn", (b) => b.dataset.status === state.ledgerStatus);
  if (state.pair && $("#pair-select").querySelector(`option[value="${CSS.escape(state.pair)}"]`)) $("#pair-select").value = state.pair;
  restoreSelection();
  if (!first) refreshPanels();
}

/** Open what the URL selected: a story at once; an alert, a place or a lone event once their panel loads. */
function restoreSelection() {
  const s = state.selection;
  if (!s) {
    if (state.reloadDetails || $("#details").classList.contains("open")) {
      state.reloadDetails = null;
      ticket("details");
      $("#details").classList.remove("open");
      document.body.classList.remove("details-open");
      clear(detailsBody("Reports", false)).append(message(placeholder()));
    }
    return;
  }
  if (s.story) {
    state.pendingSelection = false;
    showStory(s.story, { highlight: s.event, push: false });
  }
  // an alert, a place or a lone event opens when the timeline, the map or the list that holds it has loaded
}

// --- wiring --------------------------------------------------------------------------------------

function wire() {
  $("#pair-select").addEventListener("change", (ev) => {
    state.pair = ev.target.value;
    state.pairChosen = true;
    if (state.selection && state.selection.alert) state.selection = null;
    commit();
    loadTimeline();
  });
  for (const b of document.querySelectorAll(".freq")) {
    b.addEventListener("click", () => {
      state.freq = b.dataset.freq;
      pressed(".freq", (o) => o === b);
      commit();
      loadTimeline();
    });
  }
  $("#undirected-toggle").addEventListener("click", () => {
    const next = { ...state.filters };
    if (next.undirected) delete next.undirected;
    else next.undirected = "1";
    changeFilters(next, { scroll: false });
  });
  $("#zoom-reset").addEventListener("click", resetZoom);
  for (const b of document.querySelectorAll(".status-btn")) {
    b.addEventListener("click", () => {
      state.ledgerStatus = b.dataset.status;
      pressed(".status-btn", (o) => o === b);
      commit();
      loadLedger();
    });
  }
  for (const b of document.querySelectorAll(".mode-btn")) b.addEventListener("click", () => setMode(b.dataset.mode));
  const form = $("#filters");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    changeFilters(readFilters(), { scroll: false });
  });
  form.addEventListener("reset", () => {
    window.setTimeout(() => changeFilters({}, { scroll: false }), 0);
  });
  $("#prev-page").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - LIMIT);
    commit();
    loadEvents();
  });
  $("#next-page").addEventListener("click", () => {
    state.offset += LIMIT;
    commit();
    loadEvents();
  });
  $("#export-csv").addEventListener("click", exportCsv);
  // review controls come and go with the token; after a review every panel reloads
  wireReviews({ changed: refreshAll, reviewed: afterReview });
  $("#details-close").addEventListener("click", closeDetails);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && PHONE.matches && $("#details").classList.contains("open")) closeDetails();
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("popstate", () => {
    if (window.location.search !== state.appliedSearch) applyUrl();
    route();
  });
  let resizing = null;
  window.addEventListener("resize", () => {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(() => {
      const box = $("#timeline-chart");
      if (state.timeline && Math.abs((box.clientWidth || 0) - Number(box.dataset.width || 0)) > 24) drawTimeline();
    }, 150);
  });
}

async function start() {
  wire();
  applyUrl({ first: true });
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
