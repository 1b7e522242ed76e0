// The room a person is in: its participants. Chat lives in features/chat.

export const initialRoom = { roomId: null, participants: [] };

export const ROLE_LABELS = { lead: "Lead facilitator", co: "Co-facilitator", standby: "Standby facilitator", peer: "Peer" };

export function applySnapshot(state, snapshot) {
  if (!snapshot) return state;
  return { ...state, roomId: snapshot.room_id, participants: sortParticipants(snapshot.participants || []) };
}

export function applyParticipants(state, payload) {
  if (state.roomId && payload.room_id !== state.roomId) return state;
  return { ...state, roomId: payload.room_id, participants: sortParticipants(payload.participants || []) };
}

const ROLE_ORDER = { lead: 0, co: 1, standby: 2, peer: 3 };
function sortParticipants(list) {
  return [...list].sort((a, b) =>
    (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || String(a.name).localeCompare(String(b.name)));
}
