// Socket events of trigger language: the sender's reminder, facilitators' alerts and held messages.
import { request } from "../../lib/socket.js";

export const onReminder = (socket, handler) => socket.on("trigger:reminder", handler);
export const onDecided = (socket, handler) => socket.on("trigger:decided", handler);
export const onAlert = (socket, handler) => socket.on("trigger:alert", handler);
export const onHeld = (socket, handler) => socket.on("trigger:held", handler);
export const onResolved = (socket, handler) => socket.on("trigger:resolved", handler);
export const approveHeld = (socket, heldId, masked) => request(socket, "trigger:approve", { held_id: heldId, masked: Boolean(masked) });
export const rejectHeld = (socket, heldId) => request(socket, "trigger:reject", { held_id: heldId });
