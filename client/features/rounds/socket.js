// Round events (docs/protocol.md): the facilitator runs the round; a peer may pass their own turn.
import { request } from "../../lib/socket.js";

export const startRound = (socket, kind, order, perPersonS) => request(socket, "round:start", {
  kind, ...(order && order.length ? { order } : {}), ...(perPersonS ? { per_person_s: perPersonS } : {}),
});
export const nextSpeaker = (socket) => request(socket, "round:next");
export const passTurn = (socket, memberId) => request(socket, "round:pass", memberId ? { member_id: memberId } : {});
export const skipSpeaker = (socket, memberId) => request(socket, "round:skip", { member_id: memberId });
export const reorderRound = (socket, order) => request(socket, "round:reorder", { order });
export const endRound = (socket) => request(socket, "round:end");
export const onRoundUpdated = (socket, handler) => socket.on("round:updated", handler);
