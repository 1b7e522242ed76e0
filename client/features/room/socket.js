// Socket events of the room: snapshots, participant changes, removal.
import { request } from "../../lib/socket.js";

export const removeParticipant = (socket, memberId) => request(socket, "participant:remove", { member_id: memberId });

export const onSnapshot = (socket, handler) => socket.on("room:snapshot", handler);
export const onParticipants = (socket, handler) => socket.on("room:participants", handler);
export const onRemoved = (socket, handler) => socket.on("session:removed", handler);
