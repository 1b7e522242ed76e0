// Socket events of ground-rule breaches (docs/protocol.md).
import { request } from "../../lib/socket.js";

export const markBreach = (socket, memberId, rule, messageId) =>
  request(socket, "breach:mark", messageId ? { member_id: memberId, rule, message_id: messageId } : { member_id: memberId, rule });
export const onBreachReminder = (socket, handler) => socket.on("breach:reminder", handler);
export const onBreachRecorded = (socket, handler) => socket.on("breach:recorded", handler);
