// Breakouts as the client knows them: the server's status replaces ours on every update.

export const MAIN_ROOM = "main";

// Neutral words for the main room when someone steps out; "" means no notice at all.
export const NOTICE_CHOICES = [
  { value: "", label: "No notice" },
  { value: "Back shortly", label: "“Back shortly”" },
  { value: "A facilitator has stepped out for a moment", label: "“A facilitator has stepped out for a moment”" },
];

export const initialBreakouts = {
  list: [],            // [{room_id, opened_by_name, opened_at_ms, notice, members, return_requested}]
  mainAttended: true,
  warning: null,       // message while the main room has no facilitator
  notice: null,        // {text, at_ms}: the last notice the main room got
  myRoomId: MAIN_ROOM, // where this person is
  returnRequested: false,
};

export function applyJoinAck(state, ack) {
  const roomId = (ack.room && ack.room.room_id) || MAIN_ROOM;
  return { ...state, list: ack.breakouts || state.list, myRoomId: roomId };
}

export function applyUpdated(state, payload) {
  return { ...state, list: payload.breakouts || [], mainAttended: payload.main_attended !== false };
}

export function applyWarning(state, payload) {
  return { ...state, warning: payload.active ? payload.message : null, mainAttended: !payload.active };
}

export function applyNotice(state, payload) {
  return { ...state, notice: { text: payload.text, at_ms: payload.at_ms } };
}

export function applyMoved(state, payload) {
  const roomId = payload.room ? payload.room.room_id : MAIN_ROOM;
  return { ...state, myRoomId: roomId, returnRequested: false, notice: null };
}

export const setReturnRequested = (state) => ({ ...state, returnRequested: true });

export const inBreakout = (state) => state.myRoomId !== MAIN_ROOM;
export const canRunBreakouts = (role) => role === "lead" || role === "co";

export function sinceLabel(sinceMs, nowMs = Date.now()) {
  const minutes = Math.max(0, Math.floor((nowMs - sinceMs) / 60000));
  return minutes < 1 ? "just now" : `${minutes} min`;
}
