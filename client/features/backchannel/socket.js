// Socket events of the facilitators' backchannel (the server sends them to facilitators only).
import { request } from "../../lib/socket.js";

export const sendBackchannel = (socket, text) => request(socket, "backchannel:send", { text });
export const onBackchannelMessage = (socket, handler) => socket.on("backchannel:message", handler);
