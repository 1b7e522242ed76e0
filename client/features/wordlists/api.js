// Word-list HTTP calls (docs/protocol.md, "Trigger word lists").
import { get, put, post, patch, csrfHeaders, ApiError } from "../../lib/api.js";

const enc = encodeURIComponent;
export const getGlobal = () => get("/api/wordlists");
export const saveGlobal = (lists, summary, baseVersion) => put("/api/wordlists", { lists, summary, base_version: baseVersion });
export const getGroup = (groupId) => get(`/api/groups/${enc(groupId)}/wordlists`);
export const saveGroup = (groupId, overrides, summary, baseVersion) => put(`/api/groups/${enc(groupId)}/wordlists`, { overrides, summary, base_version: baseVersion });
export const setPolicy = (groupId, policy) => patch(`/api/groups/${enc(groupId)}`, { trigger_policy: policy }).then((a) => a.group);
export const history = (scope) => get(`/api/wordlists/history?scope=${enc(scope)}`).then((a) => a.versions);
export const diff = (scope, from, to) => get(`/api/wordlists/diff?scope=${enc(scope)}&from=${from}&to=${to}`).then((a) => a.changes);
export const revert = (scope, number) => post("/api/wordlists/revert", { scope, number });
export const tryMessage = (body) => post("/api/wordlists/try", body);

export async function exportYaml(category) {
  const response = await fetch(`/api/wordlists/${enc(category)}.yaml`, { credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, "The list could not be exported.");
  return response.text();
}

export async function importYaml(category, text) {
  const response = await fetch(`/api/wordlists/${enc(category)}.yaml`, {
    method: "PUT", credentials: "same-origin", body: text,
    headers: { "Content-Type": "text/yaml", Accept: "application/json", ...csrfHeaders() },
  });
  const data = await response.json().catch(() => null);
  if (!response.ok || !data || data.ok === false) {
    const e = (data && data.error) || {};
    throw new ApiError(response.status, e.code || `http_${response.status}`, e.message || "The file could not be imported.", e.details);
  }
  return data;
}
