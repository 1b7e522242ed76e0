// Socket events of "I need support" and the follow-up prompt (docs/protocol.md).
import { request } from "../../lib/socket.js";

export const requestSupport = (socket) => request(socket, "support:request");
export const onSupportAcknowledged = (socket, handler) => socket.on("support:acknowledged", handler);
export const onSupportRequested = (socket, handler) => socket.on("support:requested", handler);
export const onFollowUp = (socket, handler) => socket.on("safety:follow_up", handler);
