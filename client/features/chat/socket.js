// Socket events of the room chat.
import { request } from "../../lib/socket.js";

export const sendChat = (socket, text) => request(socket, "chat:send", { text });
export const onChatMessage = (socket, handler) => socket.on("chat:message", handler);
