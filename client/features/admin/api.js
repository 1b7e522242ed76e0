// Admin HTTP calls (docs/protocol.md, "Admin").
import { get, post, patch, put, del } from "../../lib/api.js";

export const listUsers = () => get("/api/users").then((a) => a.users);
export const createUser = (body) => post("/api/users", body);
export const updateUser = (id, body) => patch(`/api/users/${encodeURIComponent(id)}`, body).then((a) => a.user);

export const listGroups = () => get("/api/groups").then((a) => a.groups);
export const groupDefaults = () => get("/api/groups/defaults").then((a) => a.defaults);
export const createGroup = (body) => post("/api/groups", body).then((a) => a.group);
export const updateGroup = (id, body) => patch(`/api/groups/${encodeURIComponent(id)}`, body).then((a) => a.group);
export const setGroupFacilitators = (id, userIds) => put(`/api/groups/${encodeURIComponent(id)}/facilitators`, { user_ids: userIds }).then((a) => a.group);

export const listInvites = (groupId) => get(`/api/groups/${encodeURIComponent(groupId)}/invites`).then((a) => a.invites);
export const createInvite = (groupId, body) => post(`/api/groups/${encodeURIComponent(groupId)}/invites`, body).then((a) => a.invite);
export const revokeInvite = (id) => del(`/api/invites/${encodeURIComponent(id)}`);

export const listSessions = (groupId) => get(`/api/groups/${encodeURIComponent(groupId)}/sessions`).then((a) => a.sessions);
export const createSession = (groupId, body) => post(`/api/groups/${encodeURIComponent(groupId)}/sessions`, body).then((a) => a.session);
export const updateSession = (id, body) => patch(`/api/sessions/${encodeURIComponent(id)}`, body).then((a) => a.session);

export const listAudit = () => get("/api/audit").then((a) => a.entries);
export const listMySessions = () => get("/api/me/sessions").then((a) => a.sessions);
