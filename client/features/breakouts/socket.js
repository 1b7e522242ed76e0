// Socket events of breakouts (docs/protocol.md, "Breakouts and leadership").
import { request } from "../../lib/socket.js";

export const openBreakout = (socket, memberIds, notice) =>
  request(socket, "breakout:open", notice ? { member_ids: memberIds, notice } : { member_ids: memberIds });
export const bringBack = (socket, memberId) => request(socket, "breakout:return", { member_id: memberId });
export const askToReturn = (socket) => request(socket, "breakout:request_return", {});
export const stepIn = (socket, roomId) => request(socket, "breakout:step_in", { room_id: roomId });
export const closeBreakout = (socket, roomId) => request(socket, "breakout:close", { room_id: roomId });

export const onBreakoutsUpdated = (socket, handler) => socket.on("breakouts:updated", handler);
export const onMoved = (socket, handler) => socket.on("room:moved", handler);
export const onRoomNotice = (socket, handler) => socket.on("room:notice", handler);
export const onWarning = (socket, handler) => socket.on("facilitators:warning", handler);
