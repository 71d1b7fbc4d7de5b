// CSV of what the dashboard lists, by the convention of the CLI's `--format csv`
// (README, "Output formats"): columns in order of first appearance, dates as
// the API gives them (ISO days), lists and objects as JSON text, missing
// values as empty cells, rows ended by CRLF. Text that a spreadsheet would run
// as a formula (starting with = + - @, a tab or a carriage return) is written
// with a leading apostrophe, so opening the file never evaluates it.

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell's text: JSON for lists and objects, True/False for booleans, '' for null; formulas neutralised. */
export function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "True" : "False";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quoted(text) {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The columns of `rows`: every key, in order of first appearance. */
export function columnsOf(rows) {
  const seen = new Set();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** `rows` (plain objects from the JSON API) as CSV text with a header line. */
export function toCsv(rows, columns = columnsOf(rows)) {
  const lines = [columns.map((c) => quoted(cellText(c))).join(",")];
  for (const row of rows) lines.push(columns.map((c) => quoted(cellText(row[c]))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Offer `text` as a file download named `filename`. */
export function download(text, filename, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  // a blob: URL made here, never data from the API, so the anchor is built directly
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
