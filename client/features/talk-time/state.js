// Pure state of the talk-time dashboard: the server's latest figures, the room being viewed,
// the recent alerts. The server owns the figures; the client replaces its copy on each update.
export const initialTalkTime = { update: null, room: "main", alerts: [], receivedAtMs: 0 };

export function applyUpdate(state, update, receivedAtMs) {
  const rooms = Object.keys(update.rooms || {});
  const room = rooms.includes(state.room) || rooms.length === 0 ? state.room : rooms[0];
  return { ...state, update, room, receivedAtMs };
}

export const selectRoom = (state, room) => (state.room === room ? state : { ...state, room });

export function addAlert(state, alert) {
  return { ...state, alerts: [alert, ...state.alerts].slice(0, 20) };
}

/** Room ids in display order: the main room first, then breakouts. */
export function roomIds(update) {
  const ids = Object.keys((update && update.rooms) || {});
  return ids.sort((a, b) => (a === "main" ? -1 : b === "main" ? 1 : a.localeCompare(b)));
}

/** A room's tab label; `position` is its place in roomIds (the main room is 0). Never the raw id. */
export function roomLabel(id, position) {
  return id === "main" ? "Main room" : `Breakout ${position || ""}`.trim();
}

export function formatDuration(ms) {
  const total = Math.max(0, Math.round((ms || 0) / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m ? `${m} min ${String(s).padStart(2, "0")} s` : `${s} s`;
}

/** The rows of one room: people present first, peers before facilitators, most talk first. */
export function roomRows(update, roomId) {
  const room = update && update.rooms && update.rooms[roomId];
  if (!room || !room.members) return [];
  const names = update.names || {};
  return room.members
    .map((m) => ({ ...m, name: names[m.member] || "Someone" }))
    .sort((a, b) => (b.present - a.present) || ((a.kind === "peer" ? 0 : 1) - (b.kind === "peer" ? 0 : 1)) || (b.total_ms - a.total_ms) || a.name.localeCompare(b.name));
}

/** A sentence for screen readers, announced only when it changes and at most once a minute. */
export function spokenSummary(update, roomId) {
  const room = update && update.rooms && update.rooms[roomId];
  if (!room || !room.members) return "";
  const names = update.names || {};
  const waiting = room.members.filter((m) => m.kind === "peer" && m.present && m.not_yet_spoken).map((m) => names[m.member] || "Someone");
  const parts = [`Balance ${room.balance_gini.toFixed(2)}.`];
  parts.push(waiting.length ? `Not yet spoken: ${waiting.join(", ")}.` : "Every peer here has spoken.");
  return parts.join(" ");
}
