// Socket events of the two-facilitator model: handover, standbys appearing, pause and resume.
import { request } from "../../lib/socket.js";

export const handOver = (socket, to) => request(socket, "lead:handover", { to });
export const appear = (socket) => request(socket, "standby:appear", {});

export const onLeadChanged = (socket, handler) => socket.on("lead:changed", handler);
export const onFacilitatorsUpdated = (socket, handler) => socket.on("facilitators:updated", handler);
export const onPaused = (socket, handler) => socket.on("session:paused", handler);
export const onResumed = (socket, handler) => socket.on("session:resumed", handler);
