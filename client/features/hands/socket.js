// Hand-queue events (docs/protocol.md).
import { request } from "../../lib/socket.js";

export const raiseHand = (socket) => request(socket, "hand:raise");
export const lowerHand = (socket, memberId) => request(socket, "hand:lower", memberId ? { member_id: memberId } : {});
export const takeHand = (socket) => request(socket, "hand:take");
export const moveHand = (socket, memberId, toIndex) => request(socket, "hand:move", { member_id: memberId, to_index: toIndex });
export const onHandsUpdated = (socket, handler) => socket.on("hands:updated", handler);
