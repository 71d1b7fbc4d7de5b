// Review controls (docs/api.md, "Reviews"): the analyst's corrections through the
// token-gated routes. Nothing here is shown until the server's token has been
// entered; the token lives in this tab's sessionStorage only (never in the URL
// or localStorage) and goes out as `Authorization: Bearer`. Every value from
// the API goes into the page as text (dom.js).

import { send } from "./api.js";
import { el } from "./dom.js";

const KEY = "sitroom.review-token";
const STATUSES = ["open", "carried out", "withdrawn", "lapsed"];

const hooks = { changed: () => {}, reviewed: () => {} };
// The last answer of a review box, by the box's key: shown again when the panel
// that holds the box is redrawn after the review.
const last = { key: null, text: "", error: false };
let inFlight = 0; // reviews sent whose panels have not reloaded yet

/** True while a review is being saved and its panels reloaded (the page's poll waits). */
export function reviewInFlight() {
  return inFlight > 0;
}

/** The token entered in this tab, or "". */
export function token() {
  try {
    return window.sessionStorage.getItem(KEY) || "";
  } catch {
    return "";
  }
}

/** True when the review controls are shown: a token has been entered in this tab. */
export function reviewing() {
  return Boolean(token());
}

function setToken(value) {
  try {
    if (value) window.sessionStorage.setItem(KEY, value);
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // no sessionStorage (a locked-down browser): the controls stay hidden
  }
}

/**
 * Wire the header's "review" control: `changed()` runs when the token is set or
 * dropped (the panels redraw with or without their controls), `reviewed()` after
 * every review the server accepted, with what was reviewed ({eventId, articleId,
 * action}): the panels reload.
 */
export function wireReviews({ changed, reviewed }) {
  hooks.changed = changed;
  hooks.reviewed = reviewed;
  const toggle = document.querySelector("#review-toggle");
  const login = document.querySelector("#review-login");
  const input = document.querySelector("#review-token");
  toggle.addEventListener("click", () => {
    if (reviewing()) {
      setToken("");
      last.key = null;
      document.querySelector("#review-status").textContent = "";
      syncHeader();
      hooks.changed();
      return;
    }
    login.hidden = !login.hidden;
    toggle.setAttribute("aria-expanded", String(!login.hidden));
    if (!login.hidden) input.focus();
  });
  login.addEventListener("submit", (ev) => {
    ev.preventDefault(); // the token never becomes part of a URL
    const value = input.value.trim();
    input.value = "";
    if (!value) return;
    setToken(value);
    login.hidden = true;
    syncHeader();
    hooks.changed();
  });
  syncHeader();
}

function syncHeader() {
  const on = reviewing();
  const toggle = document.querySelector("#review-toggle");
  toggle.textContent = on ? "stop reviewing" : "review";
  toggle.title = on ? "Hide the review controls and forget the token in this tab" : "Enter the server's token (SITROOM_TOKEN) to confirm, reject and correct events";
  toggle.classList.toggle("active", on);
  toggle.setAttribute("aria-expanded", String(!document.querySelector("#review-login").hidden));
  document.body.classList.toggle("reviewing", on);
}

/** A "reviewed" mark for a row whose `reviewed` field is set, else null. */
export function reviewedMark(flag, what = "an analyst reviewed this") {
  return flag ? el("span", { class: "reviewed-mark", title: what, "data-testid": "reviewed" }, "reviewed") : null;
}

// --- the boxes -----------------------------------------------------------------------------------

/**
 * A folded box of review controls, or null when no token is set. `key` names
 * it (its last answer and its open state survive a redraw); `fill(add, run)`
 * adds its controls: `add(...nodes)` puts a line in the form, `run(request)`
 * makes a button's click send `request()` ({method, path, body} or a string
 * saying what is missing).
 */
function reviewBox(key, label, fill, context = {}) {
  if (!reviewing()) return null;
  const note = el("input", { type: "text", class: "review-note", maxlength: "2000", placeholder: "why (kept with the review)", "aria-label": "note: why", "data-testid": "review-note" });
  const msg = el("p", { class: "review-msg", role: "status", "data-testid": "review-msg" });
  const form = el("form", { class: "review-form", autocomplete: "off" });
  form.addEventListener("submit", (ev) => ev.preventDefault());
  const buttons = [];
  const add = (...nodes) => form.append(el("div", { class: "review-line" }, nodes));
  const run = (button, request) => {
    buttons.push(button);
    button.addEventListener("click", async () => {
      const req = request();
      if (typeof req === "string") {
        show(msg, key, req, true);
        return;
      }
      for (const b of buttons) b.disabled = true;
      show(msg, key, "saving…", false);
      inFlight += 1;
      try {
        const answer = await send(req.method, req.path, { ...req.body, note: note.value.trim() }, token());
        show(msg, key, describe(answer.items || []), false);
        note.value = "";
        await hooks.reviewed({ ...context, action: button.dataset.action });
      } catch (err) {
        show(msg, key, err.message || String(err), true);
      } finally {
        inFlight -= 1;
        for (const b of buttons) b.disabled = false;
      }
    });
    return button;
  };
  fill(add, run);
  add(el("label", { class: "review-note-label" }, "note ", note));
  form.append(msg);
  const box = el("details", { class: "review", dataset: { reviewKey: key }, "data-testid": "review-box", open: last.key === key }, el("summary", {}, label), form);
  if (last.key === key) show(msg, key, last.text, last.error);
  // the box sits inside clickable rows: its clicks and keys are its own
  for (const type of ["click", "keydown"]) box.addEventListener(type, (ev) => ev.stopPropagation());
  return box;
}

function show(msg, key, text, error) {
  Object.assign(last, { key, text, error });
  msg.textContent = text;
  msg.classList.toggle("error", error);
  msg.setAttribute("role", error ? "alert" : "status");
  // the header repeats the last answer: the box itself goes when its panel redraws without it
  const status = document.querySelector("#review-status");
  status.textContent = text;
  status.classList.toggle("error", error);
}

/** "R3: reject event 1a2b…" for each review the server made. */
function describe(items) {
  if (!items.length) return "nothing changed";
  return `saved: ${items.map((r) => `${r.review_id} ${r.action} ${r.kind} ${r.target}${r.other ? ` (${r.other})` : ""}`).join("; ")}`;
}

function button(text, action, title) {
  return el("button", { type: "button", dataset: { action }, title: title || null }, text);
}

function typeSelect() {
  const select = el("select", { "aria-label": "correct type", dataset: { field: "event_type" } }, el("option", { value: "" }, "type…"));
  for (const option of document.querySelectorAll("#plover-types option")) select.append(el("option", {}, option.value));
  return select;
}

function textField(field, placeholder, label) {
  return el("input", { type: "text", size: "10", maxlength: "200", placeholder, "aria-label": label, dataset: { field } });
}

/** Confirm, reject or correct one event; split it out of its story (`storyId`). */
export function eventReview(event, storyId) {
  const id = event.event_id;
  if (!id) return null;
  const path = `events/${encodeURIComponent(id)}`;
  return reviewBox(`event:${id}`, "review this report", (add, run) => {
    add(
      run(button("confirm", "confirm", "The event is right as coded"), () => ({ method: "PATCH", path, body: { status: "confirmed" } })),
      run(button("reject", "reject", "This is no event: it leaves every list and count"), () => ({ method: "PATCH", path, body: { status: "rejected" } })),
    );
    const type = typeSelect();
    const actor = textField("actor", "actor: IRN, Hezbollah", "correct actor");
    const recipient = textField("recipient", "recipient: ISR", "correct recipient");
    add(type, actor, recipient, run(button("correct", "correct", "Correct the type, actor or recipient given"), () => {
      const body = {};
      if (type.value) body.event_type = type.value;
      if (actor.value.trim()) body.actor = actor.value.trim();
      if (recipient.value.trim()) body.recipient = recipient.value.trim();
      return Object.keys(body).length ? { method: "PATCH", path, body } : "choose a type, or name an actor or a recipient";
    }));
    if (storyId) {
      add(run(button("split out of the story", "split", `The report is of an act of its own: it leaves story ${storyId}`),
        () => ({ method: "POST", path: "stories/split", body: { event_id: id } })));
    }
  }, { eventId: id, articleId: event.article_id || null });
}

/** Merge another story into this one; confirm or reject what it responds to. */
export function storyReview(story) {
  const id = story.story_id;
  if (!id) return null;
  return reviewBox(`story:${id}`, "review this story", (add, run) => {
    const other = textField("other", "S000123", "story to merge into this one");
    add(el("span", { class: "review-label" }, "merge story"), other, el("span", { class: "review-label" }, `into ${id}`),
      run(button("merge", "merge", `The other story reports the same act: its reports join ${id}`), () => {
        const value = other.value.trim();
        return value ? { method: "POST", path: "stories/merge", body: { stories: [id, value] } } : "name the story to merge into this one";
      }));
    const to = textField("to", "S000123", "story it responds to");
    to.value = story.responds_to || "";
    const link = (status) => () => {
      const value = to.value.trim();
      if (!value && !story.responds_to) return "name the story it responds to";
      return { method: "PATCH", path: `stories/${encodeURIComponent(id)}/link`, body: { status, ...(value ? { to: value } : {}) } };
    };
    add(el("span", { class: "review-label" }, "responds to"), to,
      run(button("confirm link", "link-confirm"), link("confirmed")),
      run(button("reject link", "link-reject"), link("rejected")));
  });
}

/** Set a ledger entry's status (by the story of the act, for "carried out"). */
export function threatReview(threat) {
  const id = threat.story_id;
  if (!id) return null;
  return reviewBox(`threat:${id}`, "set status", (add, run) => {
    const status = el("select", { "aria-label": "status", dataset: { field: "status" } }, STATUSES.map((s) => el("option", { selected: s === threat.status }, s)));
    const act = textField("by_story", "act: S000123", "carried out by story");
    act.value = threat.carried_out_by || "";
    add(status, act, run(button("set", "set-status"), () => {
      const body = { status: status.value };
      if (status.value === "carried out") {
        if (!act.value.trim()) return "name the story of the act that carried it out";
        body.by_story = act.value.trim();
      }
      return { method: "PATCH", path: `threats/${encodeURIComponent(id)}`, body };
    }));
  });
}

