// HTTP calls of the peer's first steps, and the member token kept per group in localStorage.
import { get, post } from "../../lib/api.js";
import { memberTokenKey } from "./state.js";

export const fetchInvite = (token) => get(`/api/invites/${encodeURIComponent(token)}`);
export const createMember = (token, pseudonym) => post(`/api/invites/${encodeURIComponent(token)}/members`, { pseudonym });
export const resumeMember = (memberToken) => post("/api/members/resume", { member_token: memberToken });

export function loadMemberToken(groupId) {
  try { return localStorage.getItem(memberTokenKey(groupId)); } catch { return null; }
}
export function saveMemberToken(groupId, token) {
  try { localStorage.setItem(memberTokenKey(groupId), token); } catch { /* private mode: this visit only */ }
}
export function forgetMemberToken(groupId) {
  try { localStorage.removeItem(memberTokenKey(groupId)); } catch { /* nothing stored */ }
}
