// Socket events of the lobby.
import { request } from "../../lib/socket.js";

export const acceptRules = (socket) => request(socket, "lobby:accept_rules", {});
export const enterLobby = (socket) => request(socket, "lobby:enter", {});
export const admit = (socket, memberId, message) =>
  request(socket, "lobby:admit", message ? { member_id: memberId, message } : { member_id: memberId });
export const decline = (socket, memberId, message) =>
  request(socket, "lobby:decline", message ? { member_id: memberId, message } : { member_id: memberId });

export const onLobbyUpdated = (socket, handler) => socket.on("lobby:updated", handler);
export const onAdmitted = (socket, handler) => socket.on("lobby:admitted", handler);
export const onDeclined = (socket, handler) => socket.on("lobby:declined", handler);
