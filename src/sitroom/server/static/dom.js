// DOM helpers. Every string that came from the API goes into the page as a
// text node: nothing here (or anywhere in the dashboard) parses data as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/** An HTML element: el("p", {class: "x", dataset: {id: "1"}}, "text", child, ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/** An SVG element, attributes as presentation attributes (allowed by the CSP). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "style" || key.startsWith("on")) throw new Error(`refusing attribute ${key}`);
    else if (key === "href" && !safeHref(String(value))) throw new Error("refusing unsafe href");
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Only in-page routes and http(s) URLs ever become an href. */
function safeHref(href) {
  if (href.startsWith("#")) return true;
  try {
    const url = new URL(href, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** An external link when `url` is an absolute http(s) URL; otherwise the URL as plain text. */
export function externalLink(url, label) {
  if (!url) return null;
  let parsed = null;
  try {
    parsed = new URL(String(url));
  } catch {
    parsed = null;
  }
  if (parsed && (parsed.protocol === "http:" || parsed.protocol === "https:")) {
    return el("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer", class: "external" }, label || parsed.href);
  }
  return el("span", { class: "url-text", title: "not an http(s) link" }, String(url));
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function message(text, kind = "") {
  return el("p", { class: ["message", kind] }, text);
}

export function errorMessage(what, err) {
  return el("p", { class: "message error", role: "alert" }, `${what}: ${err && err.message ? err.message : err}`);
}

/** Make a non-button element clickable by mouse and keyboard. */
export function clickable(node, handler, label) {
  node.tabIndex = 0;
  node.setAttribute("role", "button");
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("click", handler);
  node.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      handler(ev);
    }
  });
  return node;
}

// --- formatting ----------------------------------------------------------------------------------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2024-04-13" from a date or datetime string; "" for null. */
export function day(value) {
  return value ? String(value).slice(0, 10) : "";
}

/** Milliseconds since the epoch (UTC) of a YYYY-MM-DD string, or NaN. */
export function dayMs(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value || ""));
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
}

export function shortDay(value, withYear = false) {
  const ms = dayMs(value);
  if (Number.isNaN(ms)) return "";
  const d = new Date(ms);
  const s = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return withYear ? `${s} ${d.getUTCFullYear()}` : s;
}

export function clock(date = new Date()) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

export function num(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  const n = Number(value);
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** "Iran, Israel" from a list of actor objects (or strings); "—" for none. */
export function names(list) {
  if (!list || !list.length) return "—";
  return list
    .map((a) => (typeof a === "string" ? a : a.name || a.country || a.text || "?"))
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(", ");
}

export function plural(n, word, many) {
  return `${n} ${n === 1 ? word : many || `${word}s`}`;
}
