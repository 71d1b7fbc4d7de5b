// The dashboard's view in its URL's query string, so that a reload or a shared
// link shows the same thing and back and forward step through views
// (docs/api.md, "The dashboard"). The hash (#/article/<id>) stays the route.

/** The event filters, named as in the HTTP API (README, "Filters"). */
export const FILTER_KEYS = ["since", "until", "actor", "recipient", "dyad", "undirected", "type", "modality", "min_confidence", "q"];

const MODES = ["stories", "events"];
const FREQS = ["day", "week"];
const STATUSES = ["open", "carried out", "withdrawn", "lapsed"];

/** The view: filters, list, paging, timeline pair and period, ledger status and the selection. */
export function emptyView() {
  return { filters: {}, mode: "stories", offset: 0, pair: null, freq: "day", status: "", selection: null };
}

function yes(value) {
  return ["1", "true", "yes", "on"].includes(String(value || "").toLowerCase());
}

/** The view a query string describes; what it does not name keeps its default, what is malformed is dropped. */
export function readView(search) {
  const q = new URLSearchParams(search);
  const view = emptyView();
  for (const key of FILTER_KEYS) {
    const value = (q.get(key) || "").trim();
    if (!value) continue;
    if (key === "undirected") {
      if (yes(value)) view.filters.undirected = "1";
    } else {
      view.filters[key] = value;
    }
  }
  if (MODES.includes(q.get("list"))) view.mode = q.get("list");
  const offset = Number(q.get("offset"));
  if (Number.isInteger(offset) && offset > 0) view.offset = offset;
  if (q.get("pair")) view.pair = q.get("pair");
  if (FREQS.includes(q.get("freq"))) view.freq = q.get("freq");
  if (STATUSES.includes(q.get("status"))) view.status = q.get("status");
  if (q.get("story")) view.selection = { story: q.get("story"), event: q.get("event") || null };
  else if (q.get("event")) view.selection = { event: q.get("event") };
  else if (q.get("alert")) view.selection = { alert: q.get("alert") };
  else if (q.get("place")) view.selection = { place: q.get("place") };
  return view;
}

/** The query string ("?..." or "") of `view`; `keep` holds parameters that are not the view's (poll). */
export function writeView(view, keep = {}) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(keep)) if (value) q.set(key, value);
  for (const key of FILTER_KEYS) {
    const value = view.filters[key];
    if (value) q.set(key, key === "undirected" ? "1" : value);
  }
  if (view.mode !== "stories") q.set("list", view.mode);
  if (view.offset > 0) q.set("offset", String(view.offset));
  if (view.pair) q.set("pair", view.pair);
  if (view.freq !== "day") q.set("freq", view.freq);
  if (view.status) q.set("status", view.status);
  const s = view.selection;
  if (s && s.story) {
    q.set("story", s.story);
    if (s.event) q.set("event", s.event);
  } else if (s && s.event) {
    q.set("event", s.event);
  } else if (s && s.alert) {
    q.set("alert", s.alert);
  } else if (s && s.place) {
    q.set("place", s.place);
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}
