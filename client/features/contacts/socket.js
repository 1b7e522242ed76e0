// Socket events of the peer's safeguarding contact (docs/protocol.md).
import { request } from "../../lib/socket.js";

export const contactStatus = (socket) => request(socket, "contact:status");
export const saveContact = (socket, details) => request(socket, "contact:save", details);
export const deleteContact = (socket) => request(socket, "contact:delete");
