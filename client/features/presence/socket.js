// Presence checks (docs/protocol.md): staff ask "are you still there?", the peer answers.
import { request } from "../../lib/socket.js";

export const checkPresence = (socket, memberId) => request(socket, "presence:check", { member_id: memberId });
export const answerPresence = (socket) => request(socket, "presence:here");
export const onPresenceCheck = (socket, handler) => socket.on("presence:check", handler);
export const onPresenceAnswered = (socket, handler) => socket.on("presence:answered", handler);
