// HTTP calls to the Holdspace server: JSON in and out, the CSRF header on every state change,
// and one error type carrying the server's {code, message, details}.
import { h } from "./dom.js";

let csrfToken = null;

/** Remember the csrf_token returned by login or /api/auth/me. */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** The CSRF header for a request that does not go through api() (e.g. a YAML upload). */
export function csrfHeaders() {
  return csrfToken ? { "X-CSRF-Token": csrfToken } : {};
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || null;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "We could not reach the server. Check your connection and try again.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok || !data || data.ok === false) {
    const error = (data && data.error) || {};
    throw new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message || "Something went wrong. Please try again.",
      error.details,
    );
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body = {}) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

// Being asked to slow down is not a failure: a calm note (role=status) instead of an alert.
const POLITE_CODES = new Set(["rate_limited"]);

/**
 * Show an error (ApiError, socket error body, or anything else) inside `container`,
 * as an alert that screen readers announce (a `rate_limited` one as a calm status note).
 * Field errors from details.fields are listed. Returns the element shown.
 */
export function showError(container, error) {
  const message = (error && error.message) || "Something went wrong. Please try again.";
  const polite = Boolean(error && POLITE_CODES.has(error.code));
  const fields = error && error.details && error.details.fields;
  const items = [];
  if (fields && typeof fields === "object") {
    for (const [name, problem] of Object.entries(fields)) {
      items.push(h("li", {}, `${name}: ${typeof problem === "string" ? problem : JSON.stringify(problem)}`));
    }
  }
  const shown = h("div", { class: polite ? "notice notice-info" : "notice notice-error", role: polite ? "status" : "alert", "data-error-code": (error && error.code) || "" },
    h("p", {}, message),
    items.length ? h("ul", {}, items) : null);
  container.replaceChildren(shown);
  return shown;
}

export function clearError(container) {
  container.replaceChildren();
}
