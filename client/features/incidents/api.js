// Incidents and notes; members and erasure (docs/protocol.md, "Safety").
import { get, post, put } from "../../lib/api.js";

export const listIncidents = (groupId, sessionId) =>
  get(`/api/groups/${encodeURIComponent(groupId)}/incidents${sessionId ? `?session_id=${encodeURIComponent(sessionId)}` : ""}`);
export const writeNote = (incidentId, note) =>
  put(`/api/incidents/${encodeURIComponent(incidentId)}/note`, { note }).then((a) => a.incident);
export const listMembers = (groupId) => get(`/api/groups/${encodeURIComponent(groupId)}/members`).then((a) => a.members);
export const eraseMember = (memberId) => post(`/api/members/${encodeURIComponent(memberId)}/erase`, {});
