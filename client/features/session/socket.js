// Socket events of the session's life: join, state changes, open lobby, go live, end.
import { request } from "../../lib/socket.js";

export const joinSession = (socket) => request(socket, "session:join", {});
export const openLobby = (socket) => request(socket, "session:open_lobby", {});
export const goLive = (socket, soloReason) =>
  request(socket, "session:go_live", soloReason ? { solo_reason: soloReason } : {});
export const endSession = (socket) => request(socket, "session:end", {});

export function onSessionState(socket, handler) {
  socket.on("session:state", handler);
}
