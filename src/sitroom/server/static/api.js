// The JSON API (docs/api.md). Errors come back as {"error", "status"}; they are
// thrown as ApiError so each panel can show them in place.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** A URL under /api/ with the non-empty parameters as a query string. */
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    query.set(key, String(value));
  }
  const qs = query.toString();
  return `/api/${path}${qs ? `?${qs}` : ""}`;
}

export async function getJSON(path, params = {}) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (err) {
    throw new ApiError("the server cannot be reached", 0);
  }
  return answer(response);
}

/**
 * A write to /api/`path` (the review routes): `method` with `body` as JSON and the
 * token as `Authorization: Bearer`. Answers the JSON body; an error (401, 403,
 * 404, 422 with E119...) is thrown as ApiError carrying the server's message.
 */
export async function send(method, path, body, token) {
  let response;
  try {
    response = await fetch(`/api/${path}`, {
      method,
      headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body || {}),
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError("the server cannot be reached", 0);
  }
  return answer(response);
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const what = body && typeof body.error === "string" ? body.error : response.statusText || "request failed";
    throw new ApiError(`${what} (HTTP ${response.status})`, response.status);
  }
  if (body === null) throw new ApiError("the server answered something that is not JSON", response.status);
  return body;
}

/** One story with its reports. */
export function story(storyId) {
  return getJSON(`stories/${encodeURIComponent(storyId)}`);
}

export function article(articleId) {
  return getJSON(`articles/${encodeURIComponent(articleId)}`);
}
